"""The run monitor's calendar: the experiment's own days (day 1 to day D) and their dates, in both languages.

A run covers ``D`` consecutive 24-hour days ending when it was made (``swarm.plan``); a day's date is that of its
midpoint, as the plan reads its weekday. On the charts' day axis day ``d`` spans ``d - 1`` to ``d``, so a look taken
at the end of day 3 sits at 3.0 and a bar for day 3 at 2.5. Whether the run was watched or fast-forwarded, its
events carry simulated timestamps inside those days, so both read the same.
"""

import math
from datetime import datetime, timedelta

from marts.monitor import DAY, MonitoredRun, Window
from marts.planned import planned_horizon

Text = tuple[str, str]
"""(English, Korean)."""
MAX_TICKS = 31
"""Above this many days the axis labels every few days."""


def elapsed_days(moment: datetime, origin: datetime) -> float:
    """Days from the window's start to ``moment`` (the day axis' coordinate)."""
    return round((moment - origin).total_seconds() / DAY, 4)


def day_of(moment: datetime, origin: datetime) -> int:
    """The day (1-based) a look taken at ``moment`` closes: the end of day 3 is still day 3."""
    return max(1, math.ceil(elapsed_days(moment, origin) - 1e-6))


def date_of(day: int, origin: datetime) -> str:
    """Day ``day``'s date: that of its midpoint, "2026-11-18"."""
    return f"{origin + timedelta(days=day - 0.5):%Y-%m-%d}"


def look_days(window: Window) -> list[float]:
    """Each look's place on the day axis."""
    return [elapsed_days(window.look_end(index), window.origin) for index in range(window.looks)]


def look_dates(window: Window) -> list[str]:
    """Each look as "day 3 · 2026-11-18" (for the charts' hover)."""
    return [format_day(window.look_end(index), window.origin)[0] for index in range(window.looks)]


def format_day(moment: datetime, origin: datetime) -> Text:
    """The day a look closes and its date: ("day 3 · 2026-11-18", "3일차 · 2026-11-18")."""
    day = day_of(moment, origin)
    date = date_of(day, origin)
    return f"day {day} · {date}", f"{day}일차 · {date}"


def day_ticks(days: int) -> tuple[list[float], list[str]]:
    """Where the day axis labels its days (each day's middle) and the labels: "1", "2", … (every few days when long)."""
    step = max(1, math.ceil(days / MAX_TICKS))
    shown = [day for day in range(1, days + 1) if (day - 1) % step == 0]
    return [day - 0.5 for day in shown], [str(day) for day in shown]


def horizon_words(run: MonitoredRun, window: Window) -> Text:
    """The run's days and dates against the plan's horizon: "Days 1–22 (2026-11-09 to 2026-11-30) of the planned 22"."""
    planned = run.planned_days
    if window.clock != "calendar":
        return planned_horizon(planned)
    days = window.looks * window.width // DAY
    first, last = date_of(1, window.origin), date_of(days, window.origin)
    span_en = f"Day 1 ({first})" if days == 1 else f"Days 1–{days} ({first} to {last})"
    span_ko = f"1일차({first})" if days == 1 else f"1–{days}일차({first} ~ {last})"
    if planned is None:
        return span_en, span_ko
    return f"{span_en} of the planned {planned:,} days", f"계획 {planned:,}일 중 {span_ko}"


def calendar_words(window: Window, bar_days: int) -> dict[str, str]:
    """The captions a calendar monitor shows: the metric's, the event chart's title and axis, the look width."""
    bar_en = "1 day" if bar_days == 1 else f"{bar_days} days"
    return {
        "metric_caption": "Cumulative, per variant, by day of the experiment.",
        "metric_caption_ko": "변형별 누적값, 실험 일차 기준.",
        "rate_title": "Events per day",
        "rate_title_ko": "일별 이벤트",
        "rate_axis": f"Day of the experiment (one bar = {bar_en})",
        "rate_axis_ko": f"실험 일차 (막대 하나 = {bar_days}일)",
        "width": "1 day" if window.width == DAY else f"{window.width // 3600} h",
        "width_ko": "1일" if window.width == DAY else f"{window.width // 3600}시간",
    }
