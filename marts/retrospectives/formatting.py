"""Numbers and verdicts as people read them, shared by the Markdown export and the Lab."""

from typing import Any

from marts.retrospectives.record import DASH, GUARDRAIL_WORDS, VERDICT_WORDS, number, pair
from marts.vocabulary import format_p


def fmt_value(value: Any, kind: str) -> str:
    """A metric's mean: a percentage for binary metrics, a number otherwise."""
    found = number(value)
    if found is None:
        return DASH
    return f"{found:.2%}" if kind == "binary" else f"{found:,.2f}"


def fmt_abs(value: Any, kind: str) -> str:
    """An absolute lift: percentage points for binary metrics."""
    found = number(value)
    if found is None:
        return DASH
    return f"{found * 100:+.2f} pp" if kind == "binary" else f"{found:+,.3f}"


def fmt_rel(value: Any) -> str:
    """A relative lift as a signed percentage."""
    found = number(value)
    return DASH if found is None else f"{found:+.1%}"


def fmt_ci(interval: Any, kind: str | None = None) -> str:
    """An interval; relative (percent) when ``kind`` is None, absolute in the metric's unit otherwise."""
    low, high = pair(interval)
    if low is None and high is None:
        return DASH
    show = fmt_rel if kind is None else (lambda v: fmt_abs(v, kind))
    return f"[{show(low) if low is not None else '−∞'}, {show(high) if high is not None else '+∞'}]"


def fmt_p(value: Any) -> str:
    """A stored p-value as the one formatter shows it (``marts.vocabulary.format_p``)."""
    return format_p(number(value))


def fmt_share(value: Any, digits: int = 1) -> str:
    """A probability or share as a percentage."""
    found = number(value)
    return DASH if found is None else f"{found:.{digits}%}"


def code_word(words: dict[str, tuple[str, str]], value: Any, language: str = "en") -> str:
    """An enumerated code in words from one of ``record``'s (English, Korean) tables; the code itself if unknown."""
    if not value:
        return DASH
    pair = words.get(str(value), (str(value), str(value)))
    return pair[1] if language == "ko" else pair[0]


def verdict_word(value: Any, language: str = "en") -> str:
    """ship -> "Ship", dont_ship -> "Don't ship", ... (in Korean with ``language="ko"``)."""
    return code_word(VERDICT_WORDS, value, language)


def verdict_text(value: Any, language: str = "en") -> str:
    """A guardrail verdict in words."""
    return code_word(GUARDRAIL_WORDS, value, language)
