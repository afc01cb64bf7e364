"""Saving and launching the builder's spec through the repository (on an embedded DuckDB file)."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from marts.storage import Store, open_store
from novarium_app.builder.saving import save
from novarium_app.builder.spec import payload
from shop import repository
from shop.experiments import SpecError
from tests.unit.test_builder_validation import valid_draft

HYPOTHESIS = "If we show a red banner, then conversion will increase by about 5%."


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(None, tmp_path / "data")
    yield opened
    opened.close()


def _spec(**form) -> dict:
    draft = valid_draft()
    draft["form"].update(form)
    return payload(draft, HYPOTHESIS, {"alpha": 0.05, "days": 9})


def test_save_stores_a_draft(store):
    saved = save(store, _spec(), launch=False)
    assert saved.created and saved.start_error == ""
    record = repository.get_experiment(store, "red-banner")
    assert record.status == "draft"
    assert record.hypothesis == HYPOTHESIS
    assert record.design["design"]["days"] == 9


def test_saving_the_same_spec_again_reuses_the_draft_and_launch_starts_it(store):
    save(store, _spec(), launch=False)
    again = save(store, _spec(), launch=False)
    assert not again.created
    launched = save(store, _spec(), launch=True)
    assert (launched.created, launched.record.status) == (False, "running")
    assert len(repository.list_experiments(store)) == 1


def test_launch_creates_and_starts(store):
    saved = save(store, _spec(), launch=True)
    assert saved.created and saved.record.status == "running"


def test_a_different_spec_never_overwrites_a_stored_experiment(store):
    save(store, _spec(), launch=False)
    with pytest.raises(SpecError, match="key: a different draft named 'red-banner' is already saved"):
        save(store, _spec(change="show a green banner"), launch=False)
    save(store, _spec(), launch=True)
    with pytest.raises(SpecError, match=r"key: an experiment named 'red-banner' already exists \(running\)"):
        save(store, _spec(), launch=True)
    assert repository.get_experiment(store, "red-banner").hypothesis == HYPOTHESIS


def test_an_invalid_spec_stores_nothing(store):
    with pytest.raises(SpecError) as raised:
        save(store, _spec(key="Bad Key"), launch=True)
    assert any(problem.startswith("key:") for problem in raised.value.problems)
    assert repository.list_experiments(store) == []


def test_a_knob_clash_saves_the_draft_and_says_why_it_did_not_start(store):
    save(store, _spec(), launch=True)
    other = save(store, _spec(key="red-banner-two", name="Red banner two"), launch=True)
    assert other.created and other.record.status == "draft"
    assert "knob 'banner_color' is already set by running experiment 'red-banner'" in other.start_error


def test_a_draft_saved_in_korean_launches_from_english(store):
    draft = valid_draft()
    save(store, payload(draft, "빨간 배너를 보여준다. 전환율이 약 5% 늘어날 것이다.", {"days": 9}), launch=False)
    launched = save(store, payload(draft, HYPOTHESIS, {"days": 9}), launch=True)
    assert (launched.created, launched.record.status) == (False, "running")
    assert launched.record.hypothesis.startswith("빨간 배너")
