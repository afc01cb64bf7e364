"""Number formatting for the UI, done once on the backend."""


def format_value(value: float, unit: str) -> str:
    """A KPI value as people read it: counts with separators, money with $, rates as percentages."""
    if unit == "money":
        return f"${value:,.2f}" if abs(value) < 1_000 else f"${value:,.0f}"
    if unit == "percent":
        return f"{value:.2%}"
    return f"{value:,.0f}"


def format_change(change: float | None) -> tuple[str, str]:
    """A relative change and its direction ("up", "down" or "flat")."""
    if change is None:
        return "n/a", "flat"
    if abs(change) < 0.0005:
        return "0.0%", "flat"
    return f"{change:+.1%}", "up" if change > 0 else "down"
