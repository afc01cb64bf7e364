"""Between the builder's draft and the experiment spec: the payload parse_spec accepts, its named problems, and back."""

from novarium_app.builder import draft as drafts
from novarium_app.builder.spec import BUILDER_KEY, draft_from_spec, payload, same_spec, spec_problems
from shop.experiments import parse_spec
from tests.unit.test_builder_validation import valid_draft

DESIGN = {"alpha": 0.05, "power": 0.8, "mde": 0.05, "mde_type": "relative", "planned_n_per_variant": 1000, "days": 9}


def test_a_valid_draft_makes_a_spec_that_parses():
    draft = valid_draft()
    draft["variants"][1].update({"knob.discount_pct": "10", "knob.show_ratings": "false", "weight": "30"})
    draft["secondary"] = ["banner_ctr"]
    draft["form"]["allocation"] = "50%"
    spec = parse_spec(payload(draft, "If we show a red banner, conversion will rise.", DESIGN))
    assert spec.key == "red-banner"
    assert spec.allocation == 50.0
    assert [(v.name, v.weight) for v in spec.variants] == [("control", 50.0), ("treatment", 30.0)]
    assert spec.variants[1].config == {"banner_color": "red", "discount_pct": 10, "show_ratings": False}
    assert spec.secondary_metrics == ["banner_ctr"]
    assert spec.guardrails[0].margin == 0.05  # 5 (%) typed, a fraction stored
    assert spec.design["days"] == 9
    assert spec.design[BUILDER_KEY]["change"] == "show a red banner"


def test_the_spec_check_names_every_bad_field_as_typed():
    draft = valid_draft()
    draft["form"]["key"] = "Bad Key"
    draft["variants"][1].update({"weight": "heavy", "knob.discount_pct": "80"})
    draft["guardrails"][0]["metric"] = "happiness"
    problems = spec_problems(payload(draft, "short", None))
    fields = {line.split(":", 1)[0] for line in problems}
    assert {
        "key",
        "hypothesis",
        "variants[1].weight",
        "variants[1].config.discount_pct",
        "guardrails[0].metric",
    } <= fields


def test_a_stored_spec_reopens_as_the_draft_it_came_from():
    draft = valid_draft()
    draft["variants"][1]["knob.free_delivery_threshold"] = "15"
    draft["form"].update(persona="impulsive", alpha="0.01", mde="8")
    stored = parse_spec(
        payload(draft, "If we show a red banner, conversion will rise.", {**DESIGN, "alpha": 0.01, "mde": 0.08})
    )
    reopened = draft_from_spec(stored.model_dump(mode="json"))
    form = reopened["form"]
    assert (form["key"], form["key_edited"], form["persona"], form["alpha"], form["mde"]) == (
        "red-banner",
        "1",
        "impulsive",
        "0.01",
        "8",
    )
    assert drafts.knobs_of(reopened["variants"][1]) == {"banner_color": "red", "free_delivery_threshold": "15"}
    assert reopened["guardrails"] == [{"metric": "aov", "margin": "5", "margin_type": "relative"}]
    again = parse_spec(payload(reopened, stored.hypothesis, stored.design))
    assert same_spec(stored, again)


def test_same_spec_reads_the_hypothesis_by_its_parts():
    draft = valid_draft()
    english = parse_spec(payload(draft, "If we show a red banner, conversion will rise.", DESIGN))
    korean = parse_spec(payload(draft, "빨간 배너를 보여준다. 전환율이 오를 것이다.", DESIGN))
    assert same_spec(english, korean)
    draft["form"]["rationale"] = "a different reason entirely, for the record"
    assert not same_spec(english, parse_spec(payload(draft, "If we show a red banner, conversion will rise.", DESIGN)))


def test_same_spec_sees_a_changed_knob():
    draft = valid_draft()
    first = parse_spec(payload(draft, "A hypothesis long enough.", DESIGN))
    draft["variants"][1]["knob.banner_color"] = "green"
    assert not same_spec(first, parse_spec(payload(draft, "A hypothesis long enough.", DESIGN)))
    assert same_spec(first, first.model_copy(update={"salt": first.key}))
