"""How a run's progress reads on the Runs page: pure formatting of a ``RunProgress`` into display strings.

Only counts, rates and timings are shown. A run's ground truth is never part of a row: it is revealed only after
the learner's decision. Words come in both languages: a key holds the English text and ``<key>_ko`` the Korean.
"""

from datetime import UTC, datetime
from typing import Protocol

from novarium_app import routes

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
STATUS_WORDS = {
    "running": ("running", "실행 중"),
    "completed": ("completed", "완료"),
    "stopped": ("stopped", "중지됨"),
    "interrupted": ("interrupted", "중단됨"),
    "failed": ("failed", "실패"),
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
    kind: str


def progress_row(progress: Progress, now: datetime | None = None) -> dict[str, str]:
    """One run as the strings the page shows; ``now`` (UTC) measures a running run's duration."""
    now = now or datetime.now(UTC)
    status = progress.status
    running = status in ACTIVE
    engine = progress.kind == "engine"
    seconds = _elapsed(progress.started_at, progress.finished_at or now)
    duration, duration_ko = format_seconds(seconds), format_seconds(seconds, "ko")
    english, korean = STATUS_WORDS.get(status, (status, status))
    return {
        "run_id": progress.run_id,
        "short_id": short_id(progress.run_id),
        "experiment_key": progress.experiment_key,
        "status": status,
        "status_label": english,
        "status_label_ko": korean,
        "status_color": STATUS_COLORS.get(status, "gray"),
        "status_icon": STATUS_ICONS.get(status, "circle-help"),
        "agents_done": f"{progress.agents_done:,}",
        "agents_planned": f"{progress.agents_planned:,}",
        "percent": str(percent_done(progress.agents_done, progress.agents_planned)),
        "events_sent": f"{progress.events_sent:,}",
        "events_stored": f"{progress.events_stored:,}",
        "events_per_second": format_rate(progress.events_per_second),
        "rate_detail": "fast-forwarded" if engine else "live, over HTTP" if running else "run average",
        "rate_detail_ko": "빨리 감기" if engine else "실시간, HTTP" if running else "실행 평균",
        "eta": format_seconds(progress.eta_seconds) if running else NONE,
        "eta_ko": format_seconds(progress.eta_seconds, "ko") if running else NONE,
        "started": format_started(progress.started_at, now),
        "started_ko": format_started(progress.started_at, now, "ko"),
        "duration": duration,
        "duration_ko": duration_ko,
        "timing": f"elapsed {duration}" if running else f"took {duration}",
        "timing_ko": f"경과 {duration_ko}" if running else f"소요 {duration_ko}",
        "error": progress.error or "",
        "active": "yes" if running else "",
        "results_href": routes.results_for(progress.experiment_key),
        "resumable": "yes" if status in RESUMABLE and not engine else "",  # the engine plays a run at once
        "kind": progress.kind,
        "version": f"{status}:{progress.agents_done}:{progress.events_stored}",
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


def format_seconds(seconds: float | None, locale: str = "en") -> str:
    """A duration or an ETA as people say it: "—", "< 1 s", "42 s", "3 min 05 s", "1 h 02 min" (or in Korean)."""
    if seconds is None or seconds != seconds or seconds < 0:
        return NONE
    korean = locale == "ko"
    if seconds < 1:
        return "1초 미만" if korean else "< 1 s"
    whole = round(seconds)
    if whole < 60:
        return f"{whole}초" if korean else f"{whole} s"
    if whole < 3600:
        return f"{whole // 60}분 {whole % 60:02d}초" if korean else f"{whole // 60} min {whole % 60:02d} s"
    hours, minutes = whole // 3600, whole % 3600 // 60
    return f"{hours}시간 {minutes:02d}분" if korean else f"{hours} h {minutes:02d} min"


def format_started(started_at: datetime, now: datetime, locale: str = "en") -> str:
    """When a run started, in UTC: the time today, else the date and time."""
    started = _utc(started_at)
    if started.date() == _utc(now).date():
        return f"{started:%H:%M:%S} UTC"
    if locale == "ko":
        return f"{started.month}월 {started.day}일 {started:%H:%M} UTC"
    return f"{started:%b %d, %H:%M} UTC"


def _elapsed(start: datetime, end: datetime) -> float:
    return max(0.0, (_utc(end) - _utc(start)).total_seconds())


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def ended_runs(before: dict[str, str], rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The rows that were running in ``before`` (run id -> status) and are not any more."""
    return [row for row in rows if before.get(row["run_id"]) in ACTIVE and not row["active"]]


def ending_message(row: dict[str, str], locale: str = "en") -> tuple[str, str] | None:
    """How a run's end is announced, as (level, message); None for a stop, which the Stop action announces."""
    short, key, done, stored = row["short_id"], row["experiment_key"], row["agents_done"], row["events_stored"]
    reason = row["error"] or ("no reason recorded" if locale != "ko" else "기록된 이유 없음")
    messages = {
        "completed": (
            "success",
            f"Run {short} on {key} completed: {done} agents, {stored} events stored.",
            f"{key}의 실행 {short} 완료: 에이전트 {done}명, 이벤트 {stored}개 저장.",
        ),
        "failed": (
            "error",
            f"Run {short} on {key} failed after {done} agents: {reason}",
            f"{key}의 실행 {short}이(가) 에이전트 {done}명 후 실패했습니다: {reason}",
        ),
        "interrupted": (
            "warning",
            f"Run {short} on {key} was interrupted after {done} agents; resume it to finish.",
            f"{key}의 실행 {short}이(가) 에이전트 {done}명 후 중단되었습니다. 재개해서 마치세요.",
        ),
    }
    if row["status"] not in messages:
        return None
    level, english, korean = messages[row["status"]]
    return level, korean if locale == "ko" else english


def action_message(action: str, progress: Progress | None, locale: str = "en") -> str:
    """How a Stop or a Resume is announced once done, from the run's progress right after it."""
    if progress is None:
        return _pick(locale, (f"Run {action} requested.", "요청을 보냈습니다."))
    short, done, planned = short_id(progress.run_id), progress.agents_done, progress.agents_planned
    if action == "stop":
        status = _pick(locale, STATUS_WORDS.get(progress.status, (progress.status, progress.status)))
        return _pick(
            locale,
            (
                f"Run {short} {status} after {done:,} of {planned:,} agents.",
                f"실행 {short}: 에이전트 {planned:,}명 중 {done:,}명에서 {status}.",
            ),
        )
    return _pick(
        locale,
        (
            f"Run {short} resumed at {done:,} of {planned:,} agents.",
            f"실행 {short} 재개: 에이전트 {planned:,}명 중 {done:,}명 완료 지점부터.",
        ),
    )


def _pick(locale: str, text: tuple[str, str]) -> str:
    return text[1] if locale == "ko" else text[0]
