"""The grounding check: every number a write-up states must match a stored number, within rounding.

What counts as a stated number (``numbers_in``):

* integers, decimals, thousands separators (``12,345``), signs (``+``, ``-``, ``−``, ``±``), scientific notation
  (``1e-4``), ``k``/``M`` multipliers (``12k``), percentages (``5.3%``) and percentage points (``1.2 pp``,
  ``1.2%p``, "percentage points", "퍼센트포인트"), with Korean text right after them (``6,012명``, ``14일``);
* **not** numbers that are part of a word or identifier (``variant-b2``, ``H0``, ``3rd``, ``v1.2.3``), dates and
  times (``2025-03-01``, ``14:30``), Markdown list numbers (``1. ``) and small counts: a bare integer from 0 to 10
  with no sign, decimals or percent sign ("2 variants", "day 1") is text, like the words "two" and "first".

What a number may match (``allowed_numbers``): every numeric leaf of the facts (booleans are not numbers) and every
number written inside a string fact, each also ×100 (a fraction 0.0532 is 5.32%), a percentage string also ÷100, and
1 − alpha for every ``alpha`` (the confidence level). Signs are ignored ("fell 3.4%" states the lift −0.034).

Within rounding: a number shown with k decimals matches a fact that lies within half a unit of its last shown digit
(either rounding direction), so ``5.3%`` matches 0.0532 and 0.0525. An integer of 1,000 or more that ends in zeros is
read as rounded to its last non-zero digit (``6,000`` matches 6,012), and so is a ``k``/``M`` multiplier.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

MARK = "⚠"
"""``highlight`` writes an unmatched number as ``⚠`5.9%` ``: a warning sign and the number as inline code, which every
Markdown renderer shows (also inside bold text, headings, lists and tables)."""

SMALL_COUNT = 10

_NUMBER = re.compile(
    r"""
    (?P<sign>[+\-−–±])?
    (?P<digits>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)
    (?P<exponent>[eE][+\-−]?\d+)?
    (?P<scale>[kKM](?![A-Za-z]))?
    (?P<unit>\s?(?:%p|%포인트|%|pp\b|p\.p\.|percentage\ points?|percent\b|per\ cent\b|퍼센트포인트|퍼센트|포인트))?
    """,
    re.VERBOSE,
)
_MASKED = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?"  # dates and timestamps
    r"|\b\d{1,2}:\d{2}(?::\d{2})?\b"  # times
    r"|^[ \t]{0,3}(?:#{1,6}[ \t]+)?\d{1,3}[.)](?=[ \t])",  # Markdown list and heading numbers
    re.MULTILINE,
)
_WORD = re.compile(r"[A-Za-z_]")
_POINTS = ("pp", "p.p.", "%p", "%포인트", "포인트", "percentage point", "퍼센트포인트")


@dataclass(frozen=True)
class NumberSpan:
    """One number stated in a text.

    Attributes:
        start, end: its place in the text (``text[start:end]``).
        text: as written, sign and unit included.
        value: its value in the unit written (5.3 for ``5.3%``), sign included.
        tolerance: half a unit in its last shown digit.
        unit: ``"%"``, ``"pp"`` or ``""``.
    """

    start: int
    end: int
    text: str
    value: float
    tolerance: float = 0.0
    unit: str = ""


@dataclass(frozen=True)
class Grounding:
    """The result of checking a text: every number found, and those no stored number matches."""

    ok: bool
    numbers: tuple[NumberSpan, ...]
    unmatched: tuple[NumberSpan, ...]

    def describe(self, language: str = "en") -> str:
        """One line: how many numbers were checked, or which ones match no stored number."""
        shown = ", ".join(dict.fromkeys(span.text for span in self.unmatched))
        if language == "ko":
            if self.ok:
                return f"숫자 {len(self.numbers)}개가 모두 저장된 실험 값과 일치합니다"
            return f"저장된 실험에 없는 숫자 {len(self.unmatched)}개: {shown}"
        if self.ok:
            return f"all {len(self.numbers)} numbers match the stored experiment"
        count = len(self.unmatched)
        return f"{count} number{'s' if count != 1 else ''} not found in the stored experiment: {shown}"

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values (for UI state and ``--json``)."""

        def spans(items: tuple[NumberSpan, ...]) -> list[dict[str, Any]]:
            return [{"start": s.start, "end": s.end, "text": s.text, "value": s.value} for s in items]

        return {"ok": self.ok, "numbers": spans(self.numbers), "unmatched": spans(self.unmatched)}


def numbers_in(text: str, *, small_counts: bool = False) -> list[NumberSpan]:
    """Every number ``text`` states (see the module's rules); ``small_counts`` keeps bare integers 0-10 too."""
    masked = _mask(text)
    found = []
    for match in _NUMBER.finditer(masked):
        span = _span(masked, text, match)
        if span is None:
            continue
        if not small_counts and _is_small_count(span, match):
            continue
        found.append(span)
    return found


def allowed_numbers(facts: Any) -> list[float]:
    """Every value a number in a write-up may match, from the facts (see the module's rules)."""
    values: set[float] = set()
    for key, leaf in _leaves(facts, None):
        if isinstance(leaf, str):
            for span in numbers_in(leaf, small_counts=True):
                values |= {abs(span.value), abs(span.value) * 100}
                if span.unit:
                    values.add(abs(span.value) / 100)
            continue
        value = abs(float(leaf))
        values |= {value, value * 100}
        if key == "alpha" and 0 < leaf < 1:
            values |= {1 - leaf, (1 - leaf) * 100}
    return sorted(values)


def check_grounding(text: str, facts: Mapping[str, Any]) -> Grounding:
    """Check every number ``text`` states against the numbers in ``facts``."""
    allowed = allowed_numbers(facts)
    numbers = tuple(numbers_in(text))
    unmatched = tuple(span for span in numbers if not _matches(span, allowed))
    return Grounding(ok=not unmatched, numbers=numbers, unmatched=unmatched)


def highlight(text: str, grounding: Grounding) -> str:
    """``text`` as Markdown with each unmatched number marked ``⚠`number` ``."""
    out = text
    for span in sorted(grounding.unmatched, key=lambda s: s.start, reverse=True):
        out = f"{out[: span.start]}{MARK}`{out[span.start : span.end]}`{out[span.end :]}"
    return out


# ----- reading numbers --------------------------------------------------------------------------------------------


def _mask(text: str) -> str:
    """``text`` with dates, times and list numbers blanked out (same length, so offsets stay put)."""
    return _MASKED.sub(lambda m: " " * len(m.group()), text)


def _span(masked: str, text: str, match: re.Match[str]) -> NumberSpan | None:
    """The NumberSpan for one regex match, or None when the number is part of a word or identifier."""
    sign = match.group("sign") or ""
    before = masked[match.start() - 1] if match.start() > 0 else " "
    if _WORD.match(before) or before in ".,\\/":
        return None  # "H0", "b2", "1.2.3", "1/2"
    if before.isdigit() or before == "-":
        if sign not in ("-", "–") or before == "-":
            return None  # the tail of a longer token
        sign = ""  # a range "5-10%": the dash is not a sign
    elif sign == "-" and before.isalpha():
        return None  # "variant-2"
    end = match.end()
    after = masked[end] if end < len(masked) else " "
    if _WORD.match(after) or (after in ".," and masked[end + 1 : end + 2].isdigit()):
        return None  # "3rd", "2b", "1.2.3"
    start = match.start() if sign else match.start("digits")
    digits = match.group("digits").replace(",", "")
    exponent = int((match.group("exponent") or "e0")[1:].replace("−", "-"))
    scale = {"k": 3, "K": 3, "M": 6}.get(match.group("scale") or "", 0)
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    value = float(digits) * 10 ** (exponent + scale)
    last_digit = exponent + scale - decimals
    if not (decimals or match.group("exponent") or scale or match.group("unit")) and value >= 1000:
        last_digit += len(digits) - len(digits.rstrip("0"))  # "6,000" is rounded to the thousand
    unit_text = (match.group("unit") or "").strip()
    unit = "pp" if unit_text.startswith(_POINTS) else ("%" if unit_text else "")
    if sign in ("-", "−", "–"):
        value = -value
    written = text[start:end].rstrip()
    return NumberSpan(start, start + len(written), written, value, 0.5 * 10.0**last_digit, unit)


def _is_small_count(span: NumberSpan, match: re.Match[str]) -> bool:
    """A bare integer from 0 to 10: a count or an ordinal, read as text."""
    bare = not (match.group("sign") or match.group("unit") or match.group("exponent") or match.group("scale"))
    return bare and "." not in match.group("digits") and 0 <= span.value <= SMALL_COUNT


def _leaves(value: Any, key: str | None) -> Iterable[tuple[str | None, Any]]:
    """(key, leaf) for every number and string in nested dicts and lists (booleans and non-finite floats skipped)."""
    if isinstance(value, Mapping):
        for child_key, child in value.items():
            yield from _leaves(child, str(child_key))
    elif isinstance(value, list | tuple | set | frozenset):
        for child in value:
            yield from _leaves(child, key)
    elif isinstance(value, str) or (
        isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    ):
        yield key, value


def _matches(span: NumberSpan, allowed: list[float]) -> bool:
    """True when some allowed value lies within the span's rounding tolerance."""
    target = abs(span.value)
    slack = span.tolerance + 1e-9 * max(1.0, target)
    return any(abs(value - target) <= slack for value in allowed)
