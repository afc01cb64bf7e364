"""How a run's progress reads on the Runs page: pure formatting of a ``RunProgress`` into display strings.

Only counts, rates and timings are shown. A run's ground truth is never part of a row: it is revealed only after
the learner's decision.
"""

from datetime import UTC, datetime
from typing import Protocol

ACTIVE = frozenset({"running"})
RESUMABLE = frozenset({"stopped", "interrupted", "failed"})  # as swarm.runs.RESUMABLE
STATUS_COLORS = {
    "running": "blue",
    "completed": "grass",
    "stopped": "amber",
    "interrupted": "orange",
    "failed": "red",
}
STATUS_ICONS = {
    "running": "loader",
    "completed": "circle-check",
    "stopped": "circle-pause",
    "interrupted": "unplug",
    "failed": "circle-x",
}
NONE = "—"


class Progress(Protocol):
    """The fields of ``swarm.runner.RunProgress`` the page reads."""

    run_id: str
    experiment_key: str
    status: str
    agents_planned: int
    agents_done: int
    events_sent: int
    events_stored: int
    events_per_second: float
    eta_seconds: float | None
    started_at: datetime
    finished_at: datetime | None
    error: str | None


def progress_row(progress: Progress, now: datetime | None = None) -> dict[str, str]:
    """One run as the strings the page shows; ``now`` (UTC) measures a running run's duration."""
    now = now or datetime.now(UTC)
    status = progress.status
    running = status in ACTIVE
    duration = format_seconds(_elapsed(progress.started_at, progress.finished_at or now))
    return {
        "run_id": progress.run_id,
        "short_id": short_id(progress.run_id),
        "experiment_key": progress.experiment_key,
        "status": status,
        "status_color": STATUS_COLORS.get(status, "gray"),
        "status_icon": STATUS_ICONS.get(status, "circle-help"),
        "agents_done": f"{progress.agents_done:,}",
        "agents_planned": f"{progress.agents_planned:,}",
        "percent": str(percent_done(progress.agents_done, progress.agents_planned)),
        "events_sent": f"{progress.events_sent:,}",
        "events_stored": f"{progress.events_stored:,}",
        "events_per_second": format_rate(progress.events_per_second),
        "rate_detail": "live, over HTTP" if running else "run average",
        "eta": format_seconds(progress.eta_seconds) if running else NONE,
        "started": format_started(progress.started_at, now),
        "duration": duration,
        "timing": f"elapsed {duration}" if running else f"took {duration}",
        "error": progress.error or "",
        "active": "yes" if running else "",
        "resumable": "yes" if status in RESUMABLE else "",
    }


def percent_done(done: int, planned: int) -> int:
    """Whole percent of agents done, 0 to 100; 100 only when every agent is done."""
    if planned <= 0 or done <= 0:
        return 0
    return 100 if done >= planned else min(int(100 * done / planned), 99)


def short_id(run_id: str) -> str:
    """The first characters of a run id, enough to tell runs apart: "run-3f2a9c0d1b7e" -> "3f2a9c0d"."""
    return run_id.removeprefix("run-")[:8]


def format_rate(per_second: float) -> str:
    """Events per second, e.g. "1,234/s"."""
    if per_second <= 0 or per_second != per_second:
        return "0/s"
    return f"{per_second:,.1f}/s" if per_second < 10 else f"{per_second:,.0f}/s"


def format_seconds(seconds: float | None) -> str:
    """A duration or an ETA as people say it: "—", "< 1 s", "42 s", "3 min 05 s", "1 h 02 min"."""
    if seconds is None or seconds != seconds or seconds < 0:
        return NONE
    if seconds < 1:
        return "< 1 s"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"


def format_started(started_at: datetime, now: datetime) -> str:
    """When a run started, in UTC: the time today, else the date and time."""
    started = _utc(started_at)
    if started.date() == _utc(now).date():
        return f"{started:%H:%M:%S} UTC"
    return f"{started:%b %d, %H:%M} UTC"


def _elapsed(start: datetime, end: datetime) -> float:
    return max(0.0, (_utc(end) - _utc(start)).total_seconds())


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def ended_runs(before: dict[str, str], rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The rows that were running in ``before`` (run id -> status) and are not any more."""
    return [row for row in rows if before.get(row["run_id"]) in ACTIVE and not row["active"]]


def ending_message(row: dict[str, str]) -> tuple[str, str] | None:
    """How a run's end is announced, as (level, message); None for a stop, which the Stop action announces."""
    name = f"Run {row['short_id']} on {row['experiment_key']}"
    if row["status"] == "completed":
        return "success", f"{name} completed: {row['agents_done']} agents, {row['events_stored']} events stored."
    if row["status"] == "failed":
        return "error", f"{name} failed after {row['agents_done']} agents: {row['error'] or 'no reason recorded'}"
    if row["status"] == "interrupted":
        return "warning", f"{name} was interrupted after {row['agents_done']} agents; resume it to finish."
    return None
