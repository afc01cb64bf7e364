"""The event-rate chart's bars: the monitor's looks grouped into at most ``MAX_BARS`` bars.

The monitor keeps up to ``marts.monitor.MAX_LOOKS`` looks (its p-value curves need them), but a bar per look turns a
long run's rate chart into a barcode. Each bar here spans a whole number of looks; its width is chosen from the
run's span, preferring the round widths the monitor itself uses (``marts.monitor.WIDTHS``), and the page labels the
axis with it. A bar's rate is its events divided by its width, so the bars add up to the events stored. On a run's
calendar (``day_bars``) a bar is a simulated day and its rate is events per day.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from marts.monitor import DAY, WIDTHS, Window

MAX_BARS = 48
"""The most bars a rate chart holds: at 1440 px its plot is about 700 px wide, so a bar and its gap get 14 px."""


@dataclass(frozen=True)
class RateBars:
    """Events per second, one value per bar.

    Attributes:
        times: each bar's middle (ISO, as the other monitor series; in days on a calendar's day axis), so a bar
            covers its own span on the time axis.
        rates: events per second over each bar's span (per day on a calendar).
        width: seconds per bar.
    """

    times: list[str] | list[float]
    rates: list[float]
    width: int


def looks_per_bar(look_width: int, looks: int, max_bars: int = MAX_BARS) -> int:
    """How many looks one bar spans: the fewest that keep ``looks`` within ``max_bars`` bars, rounded up to a round
    width from ``WIDTHS`` when one is a multiple of ``look_width``."""
    fewest = max(1, math.ceil(looks / max_bars))
    for width in WIDTHS:
        if width >= look_width * fewest and width % look_width == 0:
            return width // look_width
    return fewest


def rate_bars(events: Sequence[int], window: Window, max_bars: int = MAX_BARS) -> RateBars:
    """The monitor's events per look (``RunMonitor.events``) as at most ``max_bars`` bars of events per second."""
    per_bar = looks_per_bar(window.width, len(events), max_bars)
    width = window.width * per_bar
    counts = [sum(events[start : start + per_bar]) for start in range(0, len(events), per_bar)]
    middles = [window.origin + timedelta(seconds=(index + 0.5) * width) for index in range(len(counts))]
    return RateBars(
        times=[moment.isoformat(sep=" ", timespec="seconds") for moment in middles],
        rates=[count / width for count in counts],
        width=width,
    )


def day_bars(events: Sequence[int], window: Window, max_bars: int = MAX_BARS) -> RateBars:
    """A calendar monitor's events per look as events per simulated day: one bar a day (or a few days per bar when
    the run has more than ``max_bars`` days), placed at the day's middle on the day axis (day 1 spans 0 to 1)."""
    looks_a_day = max(1, DAY // window.width)
    days = max(1, math.ceil(len(events) / looks_a_day))
    days_per_bar = max(1, math.ceil(days / max_bars))
    per_bar = looks_a_day * days_per_bar
    counts = [sum(events[start : start + per_bar]) for start in range(0, len(events), per_bar)]
    return RateBars(
        times=[round((index + 0.5) * days_per_bar, 4) for index in range(len(counts))],
        rates=[count / days_per_bar for count in counts],
        width=DAY * days_per_bar,
    )
