"""The Runs page's pure logic: the run form's validation and how a run's progress reads."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from novarium_app.components import run_rows
from novarium_app.components.run_form import (
    DEFAULTS,
    NO_ERROR,
    RULES,
    check_experiment,
    check_field,
    experiment_error,
    field_error,
    validate_run_form,
)
from novarium_app.components.run_rows import format_rate, format_seconds, percent_done, progress_row
from swarm.runs import RESUMABLE, STATUSES
from swarm.switches import Switches

RUNNING = ("red-banner",)


def _form(**changes: str) -> dict[str, str]:
    return {"experiment_key": "red-banner", **DEFAULTS, **changes}


def test_defaults_make_a_valid_run_in_the_runners_units():
    check = validate_run_form(_form(bot_share="10", exposure_bug="25", think_time="0.5"), True, RUNNING)
    assert check.errors == {}
    settings = check.settings
    assert settings is not None
    assert (settings.experiment_key, settings.agents, settings.concurrency, settings.seed, settings.days) == (
        "red-banner",
        1000,
        64,
        0,
        1,
    )
    assert settings.think_time == 0.5
    assert settings.switches == Switches(novelty=0.0, seasonality=True, bot_share=0.1, exposure_bug=0.25)


@pytest.mark.parametrize(
    ("field", "raw", "message"),
    [
        ("agents", "0", "Agents: must be a whole number from 1 to 1,000,000"),
        ("agents", "1000001", "Agents: must be a whole number from 1 to 1,000,000"),
        ("agents", "2.5", "Agents: must be a whole number from 1 to 1,000,000"),
        ("agents", "ten", "Agents: must be a whole number from 1 to 1,000,000"),
        ("agents", "", "Agents: must be a whole number from 1 to 1,000,000"),
        ("agents", "1e3", "Agents: must be a whole number from 1 to 1,000,000"),
        ("concurrency", "0", "Concurrency: must be a whole number from 1 to 1,000"),
        ("seed", "-1", "Seed: must be a whole number from 0 to 2,147,483,647"),
        ("days", "91", "Days: must be a whole number from 1 to 90"),
        ("think_time", "11", "Think time: must be a number of seconds from 0 to 10"),
        ("think_time", "nan", "Think time: must be a number of seconds from 0 to 10"),
        ("novelty", "-0.1", "Novelty: must be a number from 0 to 5"),
        ("bot_share", "51", "Bot share: must be a percentage from 0 to 50"),
        ("exposure_bug", "95", "Exposure bug: must be a percentage from 0 to 90"),
    ],
)
def test_a_bad_value_names_the_field_and_the_rule_and_never_makes_settings(field, raw, message):
    assert check_field(field, raw) == message
    check = validate_run_form(_form(**{field: raw}), False, RUNNING)
    assert check.settings is None
    assert check.errors == {field: message}


@pytest.mark.parametrize(("raw", "value"), [("300", 300), (" 1,000 ", 1000), ("1_000_000", 1_000_000), ("1", 1)])
def test_agents_accept_whole_numbers_with_separators(raw, value):
    assert check_field("agents", raw) == ""
    assert validate_run_form(_form(agents=raw), False, RUNNING).settings.agents == value


def test_every_failing_field_is_reported_at_once():
    check = validate_run_form(_form(experiment_key="", agents="0", days="x", bot_share="80"), False, RUNNING)
    assert check.settings is None
    assert set(check.errors) == {"experiment_key", "agents", "days", "bot_share"}


def test_the_experiment_must_be_running():
    assert check_experiment("", RUNNING) == "Experiment: choose a running experiment"
    assert check_experiment("old-test", RUNNING) == "Experiment: 'old-test' is not running; start it first"
    assert check_experiment("red-banner", RUNNING) == ""
    assert validate_run_form(_form(experiment_key="old-test"), False, RUNNING).settings is None


def test_bounds_are_inclusive():
    for name, rule in RULES.items():
        for bound in (rule.low, rule.high):
            raw = f"{bound:g}" if not rule.whole else str(int(bound))
            assert check_field(name, raw) == "", (name, raw)


@dataclass(frozen=True)
class FakeProgress:
    run_id: str = "run-3f2a9c0d1b7e"
    experiment_key: str = "red-banner"
    status: str = "running"
    agents_planned: int = 300
    agents_done: int = 120
    events_sent: int = 1_234
    events_stored: int = 1_200
    events_per_second: float = 512.4
    eta_seconds: float | None = 3.6
    started_at: datetime = datetime(2026, 11, 2, 10, 0, 0, tzinfo=UTC)
    finished_at: datetime | None = None
    error: str | None = None
    kind: str = "http"


def test_a_running_row_shows_counts_rate_eta_and_elapsed_time():
    now = datetime(2026, 11, 2, 10, 1, 5, tzinfo=UTC)
    row = progress_row(FakeProgress(), now)
    assert row["agents_done"] == "120"
    assert row["agents_planned"] == "300"
    assert row["percent"] == "40"
    assert row["events_sent"] == "1,234"
    assert row["events_stored"] == "1,200"
    assert row["events_per_second"] == "512/s"
    assert row["eta"] == "4 s"
    assert (row["duration"], row["timing"]) == ("1 min 05 s", "elapsed 1 min 05 s")
    assert row["started"] == "10:00:00 UTC"
    assert (row["status_color"], row["active"], row["resumable"]) == ("blue", "yes", "")
    assert (row["short_id"], row["rate_detail"]) == ("3f2a9c0d", "live, over HTTP")


def test_the_page_offers_resume_exactly_where_the_runner_accepts_it():
    assert frozenset(RESUMABLE) == run_rows.RESUMABLE
    assert set(run_rows.STATUS_COLORS) == set(STATUSES)


def test_a_finished_row_shows_its_average_rate_no_eta_and_resumes_unless_completed():
    finished = datetime(2026, 11, 2, 10, 0, 42, tzinfo=UTC)
    later = datetime(2026, 11, 3, 9, 0, 0, tzinfo=UTC)
    for status, resumable in (("completed", ""), ("stopped", "yes"), ("interrupted", "yes"), ("failed", "yes")):
        row = progress_row(FakeProgress(status=status, finished_at=finished, eta_seconds=None), later)
        assert (row["events_per_second"], row["rate_detail"]) == ("512/s", "run average")
        assert (row["eta"], row["active"]) == ("—", "")
        assert row["resumable"] == resumable
        assert (row["duration"], row["timing"]) == ("42 s", "took 42 s")
        assert row["started"] == "Nov 02, 10:00 UTC"


def test_a_row_carries_progress_only_never_a_ground_truth():
    row = progress_row(FakeProgress(error="agents: shop answered 503"))
    assert row["error"] == "agents: shop answered 503"
    assert not any("truth" in key or "effect" in key or "lift" in key for key in row)


@pytest.mark.parametrize(
    ("done", "planned", "percent"), [(0, 300, 0), (1, 300, 0), (150, 300, 50), (299, 300, 99), (300, 300, 100)]
)
def test_percent_reaches_100_only_when_every_agent_is_done(done, planned, percent):
    assert percent_done(done, planned) == percent


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(None, "—"), (-1, "—"), (0.2, "< 1 s"), (42.4, "42 s"), (185, "3 min 05 s"), (3720, "1 h 02 min")],
)
def test_format_seconds(seconds, shown):
    assert format_seconds(seconds) == shown


@pytest.mark.parametrize(("rate", "shown"), [(0, "0/s"), (2.345, "2.3/s"), (1234.4, "1,234/s")])
def test_format_rate(rate, shown):
    assert format_rate(rate) == shown


def test_started_today_shows_the_time_only():
    start = datetime(2026, 11, 2, 23, 59, 1)  # naive datetimes are taken as UTC
    row = progress_row(FakeProgress(started_at=start), start + timedelta(seconds=30))
    assert row["started"] == "23:59:01 UTC"
    assert row["duration"] == "30 s"


def test_only_runs_that_just_ended_are_announced():
    now = datetime(2026, 11, 2, 10, 5, tzinfo=UTC)
    done = progress_row(FakeProgress(run_id="run-a", status="completed", agents_done=300, finished_at=now), now)
    failed = progress_row(FakeProgress(run_id="run-b", status="failed", error="agent 7: 409 stopped"), now)
    stopped = progress_row(FakeProgress(run_id="run-c", status="stopped"), now)
    still = progress_row(FakeProgress(run_id="run-d"), now)
    before = {"run-a": "running", "run-b": "running", "run-c": "running", "run-d": "running"}
    ended = run_rows.ended_runs(before, [done, failed, stopped, still])
    assert [row["run_id"] for row in ended] == ["run-a", "run-b", "run-c"]
    assert run_rows.ended_runs({"run-a": "completed"}, [done]) == []
    assert run_rows.ending_message(done) == (
        "success",
        "Run a on red-banner completed: 300 agents, 1,200 events stored.",
    )
    assert run_rows.ending_message(failed) == (
        "error",
        "Run b on red-banner failed after 120 agents: agent 7: 409 stopped",
    )
    assert run_rows.ending_message(stopped) is None  # the Stop action announces it


# ----- Korean ---------------------------------------------------------------------------------------------------


def test_every_inline_error_also_reads_in_korean_naming_the_field_and_the_rule():
    assert field_error("agents", "0") == (
        "Agents: must be a whole number from 1 to 1,000,000",
        "에이전트: 1부터 1,000,000까지의 정수여야 합니다",
    )
    assert field_error("bot_share", "80")[1] == "봇 비율: 0부터 50까지의 백분율이어야 합니다"
    assert field_error("think_time", "x")[1] == "생각 시간: 0부터 10까지의 초 단위 숫자여야 합니다"
    assert field_error("agents", "300") == NO_ERROR
    assert experiment_error("", RUNNING)[1] == "실험: 진행 중인 실험을 고르세요"
    check = validate_run_form(_form(experiment_key="", agents="0"), False, RUNNING)
    assert set(check.errors) == set(check.errors_ko) == {"experiment_key", "agents"}
    assert all(check.errors[name] != check.errors_ko[name] for name in check.errors)
    assert validate_run_form(_form(), False, RUNNING).errors_ko == {}


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(None, "—"), (0.2, "1초 미만"), (42.4, "42초"), (185, "3분 05초"), (3720, "1시간 02분")],
)
def test_format_seconds_in_korean(seconds, shown):
    assert format_seconds(seconds, "ko") == shown


def test_a_row_carries_its_words_in_both_languages():
    now = datetime(2026, 11, 2, 10, 1, 5, tzinfo=UTC)
    row = progress_row(FakeProgress(), now)
    assert (row["status_label"], row["status_label_ko"]) == ("running", "실행 중")
    assert (row["eta_ko"], row["timing_ko"], row["rate_detail_ko"]) == ("4초", "경과 1분 05초", "실시간, HTTP")
    later = datetime(2026, 11, 3, 9, 0, 0, tzinfo=UTC)
    finished = progress_row(FakeProgress(status="completed", finished_at=now, eta_seconds=None), later)
    assert (finished["started_ko"], finished["timing_ko"], finished["eta_ko"]) == (
        "11월 2일 10:00 UTC",
        "소요 1분 05초",
        "—",
    )
    assert all(f"{key}_ko" in row for key in ("status_label", "rate_detail", "eta", "started", "duration", "timing"))


def test_a_row_version_changes_with_status_and_counts():
    a = progress_row(FakeProgress())
    assert a["version"] != progress_row(FakeProgress(events_stored=1_201))["version"]
    assert a["version"] != progress_row(FakeProgress(status="completed"))["version"]


def test_endings_are_announced_in_korean_too():
    now = datetime(2026, 11, 2, 10, 5, tzinfo=UTC)
    done = progress_row(FakeProgress(run_id="run-a", status="completed", agents_done=300, finished_at=now), now)
    assert run_rows.ending_message(done, "ko") == (
        "success",
        "red-banner의 실행 a 완료: 에이전트 300명, 이벤트 1,200개 저장.",
    )
    interrupted = progress_row(FakeProgress(run_id="run-b", status="interrupted"), now)
    level, message = run_rows.ending_message(interrupted, "ko")
    assert level == "warning" and "재개" in message


def test_stop_and_resume_are_announced_with_the_counts_in_either_language():
    stopped = FakeProgress(status="stopped", agents_done=39)
    assert run_rows.action_message("stop", stopped) == "Run 3f2a9c0d stopped after 39 of 300 agents."
    assert run_rows.action_message("stop", stopped, "ko") == "실행 3f2a9c0d: 에이전트 300명 중 39명에서 중지됨."
    resumed = FakeProgress(agents_done=39)
    assert run_rows.action_message("resume", resumed) == "Run 3f2a9c0d resumed at 39 of 300 agents."
    assert "재개" in run_rows.action_message("resume", resumed, "ko")
    assert run_rows.action_message("stop", None) == "Run stop requested."


def test_a_fast_forwarded_run_reads_as_such_and_is_never_offered_a_resume():
    now = datetime(2026, 11, 2, 10, 1, 5, tzinfo=UTC)
    row = progress_row(FakeProgress(run_id="eng-261102100000-abc123", status="interrupted", kind="engine"), now)
    assert (row["kind"], row["resumable"], row["rate_detail"], row["rate_detail_ko"]) == (
        "engine",
        "",
        "fast-forwarded",
        "빨리 감기",
    )
    assert progress_row(FakeProgress(status="interrupted"), now)["resumable"] == "yes"
