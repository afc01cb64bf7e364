"""``novarium coach review|writeup``: rubric and LLM paths, fallback notices, grounding and saving, one-line errors.

Most tests call the click group in-process against a DuckDB data dir and the fake OpenAI-compatible server; one runs
the installed command in a subprocess with the openai SDK's own debug logging on, to check the key never shows.
"""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from marts.retrospectives import get_retrospective, save_retrospective
from novarium_app.commands.coach import coach
from novarium_app.services import get_store
from novarium_app.settings import Settings, get_settings, variable_names
from shop import repository
from tests.llm_server import FakeLLM, Reply, serve_fake_llm
from tests.retro_samples import full_snapshot

NOVARIUM = Path(sys.executable).with_name("novarium")
SECRET = "sk-cli-5e1d-never-print-me"
MODEL = "fake-model"
GROUNDED = "## Write-up\n\nConversion rose **6.2%** (p = 0.0153); AOV held (−3.4%, bound −4.1%).\n"
INVENTED = "## Write-up\n\nConversion rose **5.9%** (p = 0.0153) over 6,012 visitors.\n"


@pytest.fixture
def fake_llm() -> Iterator[FakeLLM]:
    with serve_fake_llm() as fake:
        yield fake


@pytest.fixture
def lab(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A DuckDB data dir with the red-banner experiment and one retrospective; yields the retrospective id."""
    for name in Settings.model_fields:
        for variable in variable_names(name):
            monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("NOVARIUM_DATA_DIR", str(tmp_path / "data"))
    _reset()
    store = get_store()
    snapshot = full_snapshot()
    repository.create_experiment(store, snapshot["experiment"])
    retro = save_retrospective(
        store, experiment_key="red-banner", decision="ship", outcome="win", learnings="", snapshot=snapshot
    )
    yield retro.retrospective_id
    _reset()


def _reset() -> None:
    if get_store.cache_info().currsize:
        get_store().close()
    get_store.cache_clear()
    get_settings.cache_clear()


def use_llm(monkeypatch: pytest.MonkeyPatch, fake: FakeLLM, timeout: str = "5") -> None:
    monkeypatch.setenv("NOVARIUM_LLM_BASE_URL", fake.base_url)
    monkeypatch.setenv("NOVARIUM_LLM_MODEL", MODEL)
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    monkeypatch.setenv("NOVARIUM_LLM_TIMEOUT", timeout)
    get_settings.cache_clear()


def invoke(*args: str) -> Result:
    return CliRunner().invoke(coach, list(args), catch_exceptions=False)


def one_line_error(result: Result, *fragments: str) -> str:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def test_review_with_the_rubric_coach_and_as_json(lab):
    result = invoke("review", "red-banner")
    assert result.exit_code == 0, result.output
    assert "launch" in result.stdout and result.stderr == ""
    shown = invoke("review", "red-banner", "--json", "--language", "ko")
    payload = json.loads(shown.stdout)
    assert payload["source"] == "rubric" and payload["experiment_key"] == "red-banner" and payload["notice"] is None
    assert "시작" in payload["text"] and payload["critique"]["counts"]


def test_review_streams_the_llm_answer(lab, fake_llm, monkeypatch):
    use_llm(monkeypatch, fake_llm)
    fake_llm.reply(Reply.text("## Review\n\nWrite the expected lift as a number.", parts=4))
    result = invoke("review", "red-banner")
    assert result.exit_code == 0, result.output
    assert result.stdout == "## Review\n\nWrite the expected lift as a number.\n"
    assert fake_llm.requests[0].headers["authorization"] == f"Bearer {SECRET}"
    assert invoke("review", "red-banner", "--rubric-only").stdout != result.stdout
    assert len(fake_llm.requests) == 1
    fake_llm.reply(Reply(raw=b"data: {oops\n\n"))
    fallback = json.loads(invoke("review", "red-banner", "--json").stdout)
    assert fallback["source"] == "rubric" and fallback["notice"].startswith("The AI coach's answer could not be read")


def test_writeup_falls_back_to_the_rubric_with_a_notice_on_stderr(lab, fake_llm, monkeypatch):
    use_llm(monkeypatch, fake_llm)
    fake_llm.reply(Reply.rate_limited(retry_after=20))
    result = invoke("writeup", "red-banner", "--save")
    assert result.exit_code == 0, result.output
    assert "# Write-up: Red banner with urgency" in result.stdout
    assert "notice: The AI service is rate-limiting requests; try again in 20 s." in result.stderr
    assert "grounding: all" in result.stderr and "saved the write-up (rubric)" in result.stderr
    assert get_retrospective(get_store(), lab).coach_source == "rubric"


def test_an_ungrounded_llm_writeup_is_shown_flagged_and_never_saved(lab, fake_llm, monkeypatch):
    use_llm(monkeypatch, fake_llm)
    fake_llm.reply(Reply.text(INVENTED))
    shown = invoke("writeup", "red-banner", "--language", "ko")
    assert shown.exit_code == 0 and shown.stdout == INVENTED
    assert "저장된 실험에 없는 숫자 1개: 5.9%" in shown.stderr
    refused = invoke("writeup", "red-banner", "--save")
    one_line_error(refused, "text: 1 number not found in the stored experiment: 5.9%")
    assert get_retrospective(get_store(), lab).coach_writeup is None


def test_a_grounded_llm_writeup_is_saved_with_its_source(lab, fake_llm, monkeypatch):
    use_llm(monkeypatch, fake_llm)
    fake_llm.reply(Reply.text(GROUNDED))
    result = invoke("writeup", "red-banner", "--save")
    assert result.exit_code == 0, result.output
    assert result.stdout == GROUNDED
    assert "grounding: all 4 numbers match" in result.stderr
    stored = get_retrospective(get_store(), lab)
    assert stored.coach_writeup == GROUNDED and stored.coach_source == f"llm:{MODEL}"


def test_unknown_experiments_and_missing_retrospectives_are_one_line(lab):
    one_line_error(invoke("review", "nope"), "experiment 'nope' does not exist")
    one_line_error(invoke("writeup", "nope"), "experiment 'nope': has no retrospective")


def test_the_installed_command_never_prints_the_key_even_with_sdk_debug_logs(lab, fake_llm):
    fake_llm.reply(Reply.text(GROUNDED))
    _reset()  # the subprocess opens the DuckDB file
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        NOVARIUM_LLM_BASE_URL=fake_llm.base_url,
        NOVARIUM_LLM_MODEL=MODEL,
        NOVARIUM_LLM_API_KEY=SECRET,
        NOVARIUM_LOG_LEVEL="DEBUG",
        OPENAI_LOG="debug",
    )
    result = subprocess.run(
        [str(NOVARIUM), "coach", "writeup", "red-banner"], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == GROUNDED and "Sending HTTP Request: POST" in result.stderr  # the SDK's debug log was on
    assert [r.headers["authorization"] for r in fake_llm.requests] == [f"Bearer {SECRET}"]
    assert SECRET not in result.stdout + result.stderr and SECRET not in "\n".join(fake_llm.log)
