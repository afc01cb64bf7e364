"""One wording: every persona, metric, correction and verdict has one name per language, and no raw key reaches
the learner in a retrospective, its Markdown export or the coach's write-up."""

import re
from datetime import datetime
from pathlib import Path

import pytest

from coach import rubric_writeup
from coach.findings import metric_name as coach_metric_name
from marts.insights import PersonaShare, _weak_persona_alert
from marts.metrics import ALL_METRICS, METRICS
from marts.retrospectives import Retrospective, retro_view, to_markdown
from marts.retrospectives.record import GUARDRAIL_WORDS, OUTCOME_WORDS, VERDICT_WORDS
from marts.stats.multiple import CORRECTIONS
from marts.vocabulary import (
    CORRECTION_NAMES,
    GUARDRAIL_VERDICT_NAMES,
    METRIC_DESCRIPTIONS_KO,
    METRIC_NAMES_KO,
    PERSONA_NAMES,
    VERDICT_NAMES,
    format_p,
    metric_name,
    p_phrase,
    persona_name,
)
from novarium_app.builder.labels import metric_label, persona_label
from swarm.personas import PERSONAS, SHOPPERS
from tests.retro_samples import full_snapshot, minimal_snapshot

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("marts", "coach", "shop", "swarm", "novarium_app")


@pytest.mark.parametrize(
    ("p", "text", "phrase"),
    [
        (None, "—", "no p-value"),
        (float("nan"), "—", "no p-value"),
        (0.00001, "< 0.0001", "p < 0.0001"),
        (0.0086079, "0.00861", "p = 0.00861"),
        (0.0123, "0.0123", "p = 0.0123"),
        (0.456, "0.456", "p = 0.456"),
        (0.5, "0.5", "p = 0.5"),
        (1.0, "1", "p = 1"),
    ],
)
def test_one_p_value_formatter_with_its_sentence_form(p, text, phrase):
    assert (format_p(p), p_phrase(p)) == (text, phrase)


def test_no_other_module_formats_a_p_value():
    """The "< 0.0001" floor and the "p = " prefix are written in one module; every page, export and command calls
    it (a page that prefixed "p = " itself printed "p = < 0.0001")."""
    writers = sorted(
        str(path.relative_to(ROOT))
        for package in PRODUCT
        for path in (ROOT / package).rglob("*.py")
        if re.search(r"""["']p? ?< ?0\.0001|["']p = ["'{]|· p = """, path.read_text(encoding="utf-8"))
    )
    assert writers == ["marts/vocabulary.py"]


def test_every_catalog_entry_has_both_languages_and_names_are_unique():
    for catalog in (PERSONA_NAMES, CORRECTION_NAMES, VERDICT_NAMES, GUARDRAIL_VERDICT_NAMES):
        assert all(english and korean for english, korean in catalog.values())
        for language in (0, 1):
            names = [name[language] for name in catalog.values()]
            assert len(set(names)) == len(names)
    assert set(CORRECTION_NAMES) == set(CORRECTIONS)
    assert set(METRIC_NAMES_KO) == set(ALL_METRICS) == set(METRIC_DESCRIPTIONS_KO)


def test_a_persona_reads_the_same_in_the_swarm_the_builder_the_overview_ideas_and_the_coach():
    assert set(PERSONA_NAMES) == {p.name for p in SHOPPERS}
    for persona in SHOPPERS:
        english, korean = PERSONA_NAMES[persona.name]
        assert persona.label == english
        assert persona_label(persona.name) == (english, korean)
        alert = _weak_persona_alert(PersonaShare(persona.name, 800, 1_000, 0.2, 0.01, 0.6), 0.5, 0.05)
        assert english in alert.title[0] and korean in alert.title[1]
        assert english in alert.idea[0] and korean in alert.idea[1]
    assert PERSONAS["bot"].label == "Bot"


def test_a_metric_reads_the_same_in_the_builder_the_results_and_the_coach():
    for key, metric in METRICS.items():
        assert metric_name(key) == metric_label(key) == coach_metric_name(key) == (metric.label, METRIC_NAMES_KO[key])


def test_an_unknown_key_is_humanised_never_shown_raw():
    assert persona_name("night_owl") == ("Night owl", "Night owl")
    assert metric_name("basket_size") == ("Basket size", "Basket size")


def _retro(snapshot, decision="dont_ship"):
    experiment = snapshot.get("experiment")
    return Retrospective(
        retrospective_id="a1b2c3d4e5f60718",
        experiment_key=experiment.get("key", "k"),
        created_at=datetime(2026, 11, 3, 14, 5),
        decision=decision,
        outcome="loss",
        learnings="Urgency works.",
        snapshot=snapshot,
        coach_writeup=None,
    )


PLAIN_WORDS = {"conversion", "none"}
"""Keys that are also ordinary English ("lifts conversion", "Guardrails: none"), so prose may use them."""
RAW_KEYS = {
    *CORRECTIONS,
    *(key for key in VERDICT_WORDS if "_" in key),
    *(key for key in GUARDRAIL_WORDS if "_" in key),
    *(key for key in OUTCOME_WORDS if key != "inconclusive"),
    *PERSONA_NAMES,
    *METRICS,
    "ok",
} - PLAIN_WORDS


def _prose(text: str) -> str:
    """The product's own words: code spans (`conversion`, kept for the SQL lab), quoted learner text and the
    "Expected loss" column removed."""
    text = re.sub(r"`[^`]*`", " ", text)
    text = "\n".join(line for line in text.splitlines() if not line.startswith(">"))
    return text.replace("Expected loss", " ")


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("snapshot", [full_snapshot, minimal_snapshot], ids=["full", "minimal"])
def test_no_raw_key_reaches_the_learner_in_a_retrospective_or_a_write_up(snapshot, language):
    retro = _retro(snapshot())
    for text in (to_markdown(retro, language), rubric_writeup(retro, language)):
        words = set(re.findall(r"[A-Za-z_]+", _prose(text)))
        assert not words & RAW_KEYS, f"raw keys in the {language} text: {sorted(words & RAW_KEYS)}"
        assert "control, control" not in text and "control, **control**" not in text
    saved = snapshot().get("results", {}).get("correction")
    expected = CORRECTION_NAMES[saved][language == "ko"] if saved else ""
    assert retro_view(retro, language).correction == expected
