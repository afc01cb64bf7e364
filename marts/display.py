"""Numbers of an experiment's results as people read them (pure): rates, money, lifts, intervals and chances.

The results page, the retrospective (its page and its Markdown export) and the reveal all format with these, so a
number reads the same, to the same precision, wherever it is shown. A metric has a unit: ``rate`` (binary metrics:
shown as percentages, lifts in percentage points), ``money`` or ``number``. Missing numbers read as an em dash,
never as NaN.
"""

from collections.abc import Sequence

from marts.metrics import METRICS

DASH = "—"
MINUS = "−"


def unit_of(key: str) -> str:
    """ "rate", "money" or "number"."""
    metric = METRICS.get(key)
    if metric is None:
        return "number"
    if metric.kind == "binary":
        return "rate"
    return "money" if metric.numerator == "revenue" else "number"


def _signed(text: str, value: float, signed: bool) -> str:
    if not signed:
        return text if value >= 0 else MINUS + text
    return ("+" if value >= 0 else MINUS) + text


def percent(value: float | None, *, signed: bool = False, digits: int = 2) -> str:
    """0.1234 -> "12.34%" ("+12.34%" signed)."""
    if value is None:
        return DASH
    return _signed(f"{abs(value) * 100:.{digits}f}%", value, signed)


def value(value: float | None, unit: str) -> str:
    """A metric's value: "10.93%", "$31.40" or "0.123"."""
    if value is None:
        return DASH
    if unit == "rate":
        return percent(value)
    if unit == "money":
        return _signed(f"${abs(value):,.2f}", value, False)
    return _signed(f"{abs(value):,.3g}" if abs(value) < 1000 else f"{abs(value):,.0f}", value, False)


def lift(value: float | None, unit: str) -> str:
    """An absolute lift: "+2.01 pp", "−$4.74" or "+0.012"."""
    if value is None:
        return DASH
    if unit == "rate":
        return _signed(f"{abs(value) * 100:.2f} pp", value, True)
    if unit == "money":
        return _signed(f"${abs(value):,.2f}", value, True)
    return _signed(f"{abs(value):.3g}", value, True)


def interval(pair: Sequence[float | None] | None, unit: str) -> str:
    """An interval of lifts, "[+1.73, +2.29] pp"; unit "relative" for relative lifts ("[+15.6%, +21.2%]")."""
    if not pair or pair[0] is None or pair[1] is None:
        return DASH
    low, high = pair[0], pair[1]
    if unit == "relative":
        return f"[{percent(low, signed=True, digits=1)}, {percent(high, signed=True, digits=1)}]"
    if unit == "rate":
        return f"[{_signed(f'{abs(low) * 100:.2f}', low, True)}, {_signed(f'{abs(high) * 100:.2f}', high, True)}] pp"
    return f"[{lift(low, unit)}, {lift(high, unit)}]"


def chance(probability: float | None) -> str:
    """A probability as a percentage, clamped for display: "> 99.9%", "80.1%", "< 0.1%"."""
    if probability is None:
        return DASH
    if probability > 0.999:
        return "> 99.9%"
    if probability < 0.001:
        return "< 0.1%"
    return f"{probability:.1%}"


def count(n: int | None) -> str:
    """1234 -> "1,234"."""
    return DASH if n is None else f"{n:,}"
