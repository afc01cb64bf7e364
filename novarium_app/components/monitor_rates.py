"""The events-per-second chart's bars: the monitor's looks grouped into at most ``MAX_BARS`` bars.

The monitor keeps up to ``marts.monitor.MAX_LOOKS`` looks (its p-value curves need them), but a bar per look turns a
long run's rate chart into a barcode. Each bar here spans a whole number of looks; its width is chosen from the
run's span, preferring the round widths the monitor itself uses (``marts.monitor.WIDTHS``), and the page labels the
axis with it. A bar's rate is its events divided by its width, so the bars add up to the events stored.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from marts.monitor import WIDTHS, Window

MAX_BARS = 48
"""The most bars a rate chart holds: at 1440 px its plot is about 700 px wide, so a bar and its gap get 14 px."""


@dataclass(frozen=True)
class RateBars:
    """Events per second, one value per bar.

    Attributes:
        times: each bar's middle (ISO, as the other monitor series), so a bar covers its own span on the time axis.
        rates: events per second over each bar's span.
        width: seconds per bar.
    """

    times: list[str]
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
