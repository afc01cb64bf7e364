"""How numbers read in the UI."""

import pytest

from novarium_app.formatting import format_change, format_value


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (1234.4, "count", "1,234"),
        (31.456, "money", "$31.46"),
        (125_000.4, "money", "$125,000"),
        (0.04567, "percent", "4.57%"),
    ],
)
def test_format_value(value, unit, shown):
    assert format_value(value, unit) == shown


@pytest.mark.parametrize(
    ("change", "shown", "direction"),
    [(None, "n/a", "flat"), (0.0001, "0.0%", "flat"), (0.1234, "+12.3%", "up"), (-0.05, "-5.0%", "down")],
)
def test_format_change(change, shown, direction):
    assert format_change(change) == (shown, direction)
