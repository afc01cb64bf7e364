"""``novarium coach writeup --save`` on DuckDB and PostgreSQL: a grounded write-up is stored, an invented one never."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from marts.retrospectives import get_retrospective, save_retrospective
from novarium_app.commands.coach import coach
from novarium_app.services import get_store
from novarium_app.settings import Settings, get_settings, variable_names
from tests.llm_server import Reply, serve_fake_llm
from tests.retro_samples import full_snapshot

GROUNDED = "Conversion rose **6.2%** (p = 0.0153) over 6,012 and 5,988 visitors.\n"
INVENTED = "Conversion rose **6.9%** (p = 0.0153) over 6,012 and 5,988 visitors.\n"


def _reset() -> None:
    if get_store.cache_info().currsize:
        get_store().close()
    get_store.cache_clear()
    get_settings.cache_clear()


@pytest.fixture
def configured(database_url: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The CLI's settings on this backend, with the LLM coach pointed at the fake server."""
    for name in Settings.model_fields:
        for variable in variable_names(name):
            monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("NOVARIUM_DATA_DIR", str(tmp_path / "data"))
    if database_url:
        monkeypatch.setenv("DATABASE_URL", database_url)
    _reset()
    yield
    _reset()


def test_writeup_save_stores_only_a_grounded_writeup(configured, monkeypatch):
    retro = save_retrospective(
        get_store(), experiment_key="red-banner", decision="ship", outcome="win", learnings="", snapshot=full_snapshot()
    )
    with serve_fake_llm() as fake:
        monkeypatch.setenv("NOVARIUM_LLM_BASE_URL", fake.base_url)
        monkeypatch.setenv("NOVARIUM_LLM_MODEL", "fake-model")
        get_settings.cache_clear()
        fake.reply(Reply.text(INVENTED), Reply.text(GROUNDED))
        refused = CliRunner().invoke(coach, ["writeup", "red-banner", "--save"])
        assert refused.exit_code == 1 and "6.9%" in refused.stderr
        assert get_retrospective(get_store(), retro.retrospective_id).coach_writeup is None
        saved = CliRunner().invoke(coach, ["writeup", "red-banner", "--save"])
    assert saved.exit_code == 0, saved.output
    stored = get_retrospective(get_store(), retro.retrospective_id)
    assert stored.coach_writeup == GROUNDED and stored.coach_source == "llm:fake-model"
