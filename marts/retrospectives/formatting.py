"""Numbers and verdicts as people read them, shared by the Markdown export and the Lab.

Every number of the results is formatted by ``marts.display``, the results page's own formats, so the retrospective
shows each figure exactly as the page showed it when the learner decided.
"""

from typing import Any

from marts import display
from marts.metrics import METRICS
from marts.retrospectives.record import DASH, GUARDRAIL_WORDS, VERDICT_WORDS, number, pair
from marts.vocabulary import format_p


def unit_for(metric: str, kind: str = "") -> str:
    """The display unit of ``metric`` (``marts.display.unit_of``); an unknown key reads by its ``kind``."""
    if metric in METRICS:
        return display.unit_of(metric)
    return "rate" if kind == "binary" else "number"


def fmt_value(value: Any, unit: str) -> str:
    """A metric's mean: "10.75%", "$31.40" or "0.123"."""
    return display.value(number(value), unit)


def fmt_abs(value: Any, unit: str) -> str:
    """An absolute lift: "+0.63 pp", "−$4.74" or "+0.012"."""
    return display.lift(number(value), unit)


def fmt_rel(value: Any) -> str:
    """A relative lift as a signed percentage: "+6.23%"."""
    return display.percent(number(value), signed=True)


def fmt_ci(interval: Any, unit: str | None = None) -> str:
    """An interval; relative (percent) when ``unit`` is None, absolute in the metric's unit otherwise. An open end
    (one-sided) reads as infinity."""
    low, high = pair(interval)
    if low is None and high is None:
        return DASH
    shown = "relative" if unit is None else unit
    if low is not None and high is not None:
        return display.interval((low, high), shown)
    end = (lambda v: display.percent(v, signed=True)) if unit is None else (lambda v: display.lift(v, unit))
    return f"[{end(low) if low is not None else '−∞'}, {end(high) if high is not None else '+∞'}]"


def fmt_p(value: Any) -> str:
    """A stored p-value as the one formatter shows it (``marts.vocabulary.format_p``)."""
    return format_p(number(value))


def fmt_chance(value: Any) -> str:
    """A chance to beat control: "80.1%", clamped to "> 99.9%" and "< 0.1%" as the results page shows it."""
    return display.chance(number(value))


def fmt_share(value: Any, digits: int = 1) -> str:
    """A probability or share as a percentage."""
    found = number(value)
    return DASH if found is None else display.percent(found, digits=digits)


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
