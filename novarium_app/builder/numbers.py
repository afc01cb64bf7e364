"""How the builder writes a metric's numbers: rates in percent, money in dollars, counts with separators."""

from marts.metrics import METRICS

MONEY_METRICS = frozenset({"revenue_per_visitor", "aov"})


def unit(metric: str) -> str:
    """ "percent", "money" or "number": how the metric's values read."""
    found = METRICS.get(metric)
    if found is not None and found.kind == "binary":
        return "percent"
    return "money" if metric in MONEY_METRICS else "number"


def metric_value(metric: str, value: float | None) -> str:
    """A metric's value as people read it ("6.17%", "$31.51", "0.063"); "—" when there is none."""
    if value is None:
        return "—"
    kind = unit(metric)
    if kind == "percent":
        return f"{value:.2%}"
    if kind == "money":
        return f"${value:,.2f}"
    return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def absolute_change(metric: str, value: float | None) -> str:
    """A difference in the metric's units: percentage points for a rate ("0.31 pp"), else as ``metric_value``."""
    if value is None:
        return "—"
    if unit(metric) == "percent":
        return f"{value * 100:.2f} pp"
    return metric_value(metric, value)


def count(value: float | None) -> str:
    """A whole count with separators; "—" when there is none."""
    return "—" if value is None else f"{value:,.0f}"


def percent(share: float, digits: int = 1) -> str:
    """A share in [0, 1] as a percentage."""
    return f"{share:.{digits}%}"
