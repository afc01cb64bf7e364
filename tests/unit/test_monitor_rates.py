"""The events-per-second chart's bars: a long run's looks grouped into a readable number of round-width bars."""

from datetime import datetime, timedelta

import pytest

from marts.monitor import MAX_LOOKS, make_window
from novarium_app.components.monitor_rates import MAX_BARS, looks_per_bar, rate_bars

START = datetime(2026, 11, 3, 12, 0)


@pytest.mark.parametrize(
    ("span", "bar_seconds"),
    [
        (timedelta(seconds=30), 1),  # a short run keeps a bar per look
        (timedelta(minutes=5), 10),
        (timedelta(hours=2), 300),
        (timedelta(days=3), 7200),  # 144 looks of 30 min: 36 bars of 2 h
    ],
)
def test_a_run_gets_round_bars_that_cover_it_in_at_most_max_bars(span, bar_seconds):
    window = make_window("received", START, START + span)
    events = [1] * window.looks
    bars = rate_bars(events, window)
    assert bars.width == bar_seconds
    assert len(bars.rates) <= MAX_BARS
    assert (len(bars.rates) - 1) * bars.width < span.total_seconds() <= len(bars.rates) * bars.width
    assert sum(rate * bars.width for rate in bars.rates) == pytest.approx(sum(events))


def test_each_bar_sums_its_looks_and_sits_in_the_middle_of_its_span():
    window = make_window("received", START, START + timedelta(hours=2))  # 240 looks of 30 s
    assert (window.width, window.looks) == (30, MAX_LOOKS)
    events = [0] * window.looks
    events[0], events[9], events[10], events[-1] = 300, 300, 60, 30
    bars = rate_bars(events, window)
    assert bars.width == 300 and len(bars.rates) == 24
    assert bars.rates[:2] == [2.0, 0.2] and bars.rates[-1] == 0.1
    assert bars.times[0] == "2026-11-03 12:02:30" and bars.times[-1] == "2026-11-03 13:57:30"


def test_a_width_with_no_round_multiple_falls_back_to_the_fewest_looks_per_bar():
    assert looks_per_bar(7, 240, 48) == 5
    assert looks_per_bar(30, 48, 48) == 1
    assert looks_per_bar(30, 49, 48) == 2  # 60 s, a round width
    assert rate_bars([], make_window("received", START, START + timedelta(seconds=1))).rates == []
