"""marts.results on DuckDB and PostgreSQL: sums aggregated in SQL give the same answers as marts.stats run on the
mart's own rows, and degenerate data gives typed messages instead of errors.
"""

import dataclasses
import json
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import event as sa_event

from marts import retrospectives
from marts.etl import build_all, build_experiment_users
from marts.results import experiment_results
from marts.stats.bayesian import BayesianConfig, bayesian_beta_binomial
from marts.stats.cuped import cuped_test
from marts.stats.frequentist import compare
from marts.stats.guardrails import GuardrailConfig, check_guardrail
from marts.stats.multiple import GoalComparison, adjust_goals
from marts.stats.segments import ratio_stats_by_segment, sample_stats_by_segment
from marts.stats.srm import check_srm
from marts.stats.sufficient import CovariateStats, RatioStats, SampleStats
from marts.warehouse.generator import load
from novarium_app.lab import recording, records, reveal, views
from novarium_app.lab.decisions import RULE, judge
from shop import adoptions, repository
from shop.repository import ExperimentError
from swarm import engine
from swarm.history import generate
from swarm.switches import Switches

KEY = "results-test"
VARIANTS = [
    {"name": "control", "weight": 1, "config": {}},
    {"name": "treatment", "weight": 1, "config": {"banner_color": "red", "discount_pct": 15}},
]
SPEC = {
    "key": KEY,
    "hypothesis": "A red banner with a discount lifts conversion without hurting order value.",
    "variants": VARIANTS,
    "primary_metric": "conversion",
    "secondary_metrics": ["revenue_per_visitor", "banner_ctr"],
    "guardrails": [{"metric": "aov", "margin": 0.1, "margin_type": "relative"}],
}
ARGS = {
    "variants": [("control", 1.0), ("treatment", 1.0)],
    "control": "control",
    "primary_metric": "conversion",
    "secondary_metrics": ["revenue_per_visitor", "banner_ctr"],
    "guardrails": [("aov", 0.1, "relative")],
}


@pytest.fixture
def simulated(store):
    """A warehouse, a running experiment, 4,000 simulated users and fresh marts."""
    load(store, generate(users=1_500, days=21, seed=5, end=date.today()))
    repository.create_experiment(store, SPEC)
    repository.start_experiment(store, KEY)
    engine.run_engine(store, KEY, users=4_000, seed=8)
    build_all(store)
    return store


def _mart(store) -> pd.DataFrame:
    frame = store.frame("SELECT * FROM experiment_users WHERE experiment_key = :key", {"key": KEY})
    frame["persona"] = frame["persona"].fillna("unknown")
    return frame


def _arm(frame: pd.DataFrame, variant: str) -> pd.DataFrame:
    return frame[frame["variant"] == variant]


def test_results_match_the_statistics_engine_on_the_mart_rows(simulated):
    results = experiment_results(simulated, KEY, **ARGS)
    report = results.to_dict()
    with_cuped = experiment_results(simulated, KEY, **ARGS, cuped=True).to_dict()
    mart = _mart(simulated)
    control, treatment = _arm(mart, "control"), _arm(mart, "treatment")

    assert report["users"] == len(mart) == 4_000
    srm = check_srm({"control": len(control), "treatment": len(treatment)}, {"control": 1, "treatment": 1})
    assert report["srm"]["observed"] == {"control": len(control), "treatment": len(treatment)}
    assert report["srm"]["p_value"] == pytest.approx(srm.p_value, rel=1e-9)
    assert report["srm"]["status"] == srm.status

    assert [m["metric"] for m in report["metrics"]] == ["conversion", "revenue_per_visitor", "banner_ctr", "aov"]
    assert [m["role"] for m in report["metrics"]] == ["primary", "secondary", "secondary", "guardrail"]

    columns = {"conversion": "purchases", "revenue_per_visitor": "revenue", "banner_ctr": "banner_clicks"}
    expected = {}
    for key, column in columns.items():
        binary = key != "revenue_per_visitor"
        c_values = (control[column] > 0).astype(float) if binary else control[column]
        t_values = (treatment[column] > 0).astype(float) if binary else treatment[column]
        kind = "binary" if binary else "continuous"
        expected[key] = compare(kind, SampleStats.from_values(c_values), SampleStats.from_values(t_values))
        item = _metric(report, key)
        row = item["comparisons"][0]
        assert item["variants"][0]["mean"] == pytest.approx(c_values.mean(), rel=1e-9)
        assert row["abs_lift"] == pytest.approx(expected[key].abs_lift, rel=1e-7)
        assert row["abs_ci"] == pytest.approx(list(expected[key].abs_ci), rel=1e-7)
        assert row["rel_ci"] == pytest.approx(list(expected[key].rel_ci), rel=1e-7)
        assert row["p_value"] == pytest.approx(expected[key].p_value, rel=1e-6)
        assert row["cuped"] is None and row["cuped_applied"] is False  # the readout is without CUPED
        cuped = cuped_test(
            CovariateStats.from_values(c_values, control["pre_revenue"]),
            CovariateStats.from_values(t_values, treatment["pre_revenue"]),
        )
        adjusted = _metric(with_cuped, key)["comparisons"][0]
        assert adjusted["cuped_applied"] is True
        assert adjusted["abs_lift"] == pytest.approx(cuped.abs_lift, rel=1e-7)
        assert adjusted["abs_ci"] == pytest.approx([cuped.ci_lower, cuped.ci_upper], rel=1e-7)
        assert adjusted["rel_ci"] == pytest.approx([cuped.rel_ci_lower, cuped.rel_ci_upper], rel=1e-7)
        assert adjusted["p_value"] == pytest.approx(cuped.p_value, rel=1e-6)
        assert adjusted["cuped"]["variance_reduction"] == pytest.approx(cuped.variance_reduction, rel=1e-6, abs=1e-12)

    goals = [GoalComparison(key, "treatment", expected[key]) for key in columns]
    for adjusted in adjust_goals(goals, "holm"):
        row = _metric(report, adjusted.metric)["comparisons"][0]
        assert row["p_value_adjusted"] == pytest.approx(adjusted.adjusted_p_value, rel=1e-6)
    assert report["family_size"] == 3

    conversion = bayesian_beta_binomial(
        SampleStats.from_values((control["purchases"] > 0).astype(float)),
        SampleStats.from_values((treatment["purchases"] > 0).astype(float)),
        BayesianConfig(relative=True),
    )
    row = _metric(report, "conversion")["comparisons"][0]
    assert row["chance_to_beat"] == pytest.approx(conversion.chance_to_beat_control, rel=1e-6)
    assert row["expected_loss"] == pytest.approx(conversion.expected_loss_treatment, rel=1e-5, abs=1e-12)

    aov = compare(
        "ratio",
        RatioStats.from_values(control["revenue"], control["purchases"]),
        RatioStats.from_values(treatment["revenue"], treatment["purchases"]),
    )
    row = _metric(report, "aov")["comparisons"][0]
    assert row["abs_lift"] == pytest.approx(aov.abs_lift, rel=1e-7)
    assert row["p_value"] == pytest.approx(aov.p_value, rel=1e-6)
    assert row["p_value_adjusted"] is None and row["cuped"] is None  # guardrail only; no CUPED for a ratio
    guardrail = check_guardrail(aov, GuardrailConfig(0.1, relative=True), metric="aov", variant="treatment")
    assert report["guardrails"] == [
        {
            "metric": "aov",
            "variant": "treatment",
            "verdict": guardrail.verdict,
            "reasons": guardrail.reasons,
            "margin": 0.1,
            "margin_type": "relative",
            "relative": True,
            "harm_p_value": pytest.approx(guardrail.harm_p_value, rel=1e-6, abs=1e-300),
            "estimate": pytest.approx(guardrail.estimate, rel=1e-7),
            "bound": pytest.approx(guardrail.bound, rel=1e-7),
            "bound_side": "lower",
            "bound_confidence": 0.95,
            "p_value": pytest.approx(guardrail.p_value, rel=1e-6, abs=1e-300),
            "error": None,
            "message": "",
        }
    ]
    assert [d["variant"] for d in report["decisions"]] == ["treatment"]
    assert report["decisions"][0]["verdict"] in ("ship", "dont_ship", "inconclusive")
    assert report["decisions"][0]["reasons"]
    json.dumps(report, allow_nan=False)  # JSON-ready: no NaN or inf anywhere


def test_segments_by_persona_match_per_persona_tests(simulated):
    report = experiment_results(simulated, KEY, **ARGS).to_dict()
    mart = _mart(simulated)
    control, treatment = _arm(mart, "control"), _arm(mart, "treatment")
    conversion = next(s for s in report["segments"] if s["metric"] == "conversion")
    c_stats = sample_stats_by_segment((control["purchases"] > 0).astype(float), control["persona"])
    t_stats = sample_stats_by_segment((treatment["purchases"] > 0).astype(float), treatment["persona"])
    assert [row["segment"] for row in conversion["rows"]] == sorted(set(c_stats) | set(t_stats))
    for row in conversion["rows"]:
        expected = compare("binary", c_stats.get(row["segment"]), t_stats.get(row["segment"]))
        assert row["n_control"] == expected.n_control and row["n_treatment"] == expected.n_treatment
        if expected.p_value is None:
            assert row["p_value"] is None
        else:
            assert row["p_value"] == pytest.approx(expected.p_value, rel=1e-6)
    assert conversion["n_tested"] > 1 and "false positive" in conversion["warning"]

    aov = next(s for s in report["segments"] if s["metric"] == "aov")
    c_ratio = ratio_stats_by_segment(control["revenue"], control["purchases"], control["persona"])
    t_ratio = ratio_stats_by_segment(treatment["revenue"], treatment["purchases"], treatment["persona"])
    for row in aov["rows"]:
        expected = compare("ratio", c_ratio.get(row["segment"]), t_ratio.get(row["segment"]))
        if expected.abs_lift is not None:
            assert row["abs_lift"] == pytest.approx(expected.abs_lift, rel=1e-7)


def test_cuped_off_and_no_segments_leave_them_out(simulated):
    report = experiment_results(simulated, KEY, **ARGS, cuped=False, segment_dimension=None).to_dict()
    assert report["segments"] == [] and report["analysis"]["cuped"] is False
    assert all(c["cuped"] is None for m in report["metrics"] for c in m["comparisons"])


def test_a_planted_srm_blocks_shipping(store):
    load(store, generate(users=1_500, days=21, seed=5, end=date.today()))
    repository.create_experiment(store, SPEC)
    repository.start_experiment(store, KEY)
    switches = Switches(exposure_bug=0.8, exposure_bug_variant="treatment")
    engine.run_engine(store, KEY, users=4_000, seed=3, switches=switches)
    build_all(store)
    report = experiment_results(store, KEY, **ARGS).to_dict()
    assert report["srm"]["status"] == "warning"
    assert report["decisions"][0]["verdict"] == "dont_ship"
    assert "Sample ratio mismatch" in " ".join(report["decisions"][0]["reasons"])


def test_no_users_yet_gives_a_message_not_an_error(store):
    repository.create_experiment(store, SPEC)
    build_experiment_users(store, experiment_key=KEY)
    report = experiment_results(store, KEY, **ARGS).to_dict()
    assert report["users"] == 0
    assert "no exposed users" in report["message"]
    assert report["srm"]["status"] == "unavailable"
    row = _metric(report, "conversion")["comparisons"][0]
    assert row["error"] == "no_data" and row["p_value"] is None and row["chance_to_beat"] is None
    adjusted = _metric(experiment_results(store, KEY, **ARGS, cuped=True).to_dict(), "conversion")["comparisons"][0]
    assert adjusted["cuped"]["error"] == "no_data" and adjusted["cuped_applied"] is False
    assert report["decisions"][0]["verdict"] == "inconclusive"
    json.dumps(report, allow_nan=False)


def test_an_empty_variant_is_named_and_nothing_crashes(store):
    repository.create_experiment(store, SPEC)
    rows = pd.DataFrame(
        {
            "experiment_key": KEY,
            "user_id": [f"u{i}" for i in range(6)],
            "variant": "control",
            "persona": ["rational", "impulsive", None, "rational", "impulsive", None],
            "first_exposure_at": pd.Timestamp("2026-01-01"),
            **{c: 0 for c in ("page_views", "banner_clicks", "searches", "item_views", "add_to_carts", "checkouts")},
            "purchases": [1, 0, 2, 0, 0, 1],
            "revenue": [20.0, 0.0, 51.5, 0.0, 0.0, 12.25],
            "pre_revenue": [5.0, 0.0, 0.0, 80.0, 1.0, 0.0],
            "pre_orders": [1, 0, 0, 3, 1, 0],
        }
    )
    store.bulk_insert("experiment_users", rows)
    results = experiment_results(store, KEY, **ARGS)
    report = results.to_dict()
    assert report["users"] == 6 and report["message"] == ""
    assert report["warnings"] == ["variant 'treatment' has no exposed users yet"]
    conversion = _metric(report, "conversion")
    assert conversion["variants"] == [
        {"variant": "control", "n": 6, "mean": pytest.approx(0.5), "std": pytest.approx(0.5477225575)},
        {"variant": "treatment", "n": 0, "mean": None, "std": None},
    ]
    assert conversion["comparisons"][0]["error"] == "no_data"
    aov = _metric(report, "aov")
    assert aov["variants"][0]["mean"] == pytest.approx(83.75 / 4)
    assert report["guardrails"][0]["verdict"] == "inconclusive"
    assert {row["segment"] for row in report["segments"][0]["rows"]} == {"impulsive", "rational", "unknown"}
    json.dumps(report, allow_nan=False)


def test_arguments_are_checked_naming_the_field(store):
    with pytest.raises(ValueError, match="control: must be one of the variants"):
        experiment_results(store, KEY, **{**ARGS, "control": "nope"})
    with pytest.raises(ValueError, match=r"secondary_metrics\[0\]: unknown metric 'nope'"):
        experiment_results(store, KEY, **{**ARGS, "secondary_metrics": ["nope"]})
    with pytest.raises(ValueError, match=r"guardrails\[0\].margin_type"):
        experiment_results(store, KEY, **{**ARGS, "guardrails": [("aov", 0.1, "sideways")]})
    with pytest.raises(ValueError, match="correction"):
        experiment_results(store, KEY, **ARGS, correction="magic")


def test_the_query_reads_sums_only(simulated, monkeypatch):
    calls = []
    original = simulated.query

    def spy(sql, params=None):
        rows = original(sql, params)
        calls.append(len(rows))
        return rows

    monkeypatch.setattr(simulated, "query", spy)
    experiment_results(simulated, KEY, **ARGS)
    personas = simulated.scalar("SELECT COUNT(DISTINCT COALESCE(persona, 'x')) FROM experiment_users")
    assert len(calls) == 1 and calls[0] <= 2 * personas  # one query of variant × persona sums, no user rows


def _metric(report: dict, key: str) -> dict:
    return next(m for m in report["metrics"] if m["metric"] == key)


# ----- recording a decision, and the truth gating around it -----------------------------------------------------


def _sql_spy(store, monkeypatch) -> list[str]:
    """Every SQL text the store runs through its helpers or its engine."""
    seen: list[str] = []
    for name in ("query", "scalar", "frame", "execute"):
        original = getattr(store, name)

        def spy(sql, params=None, _original=original):
            seen.append(str(sql))
            return _original(sql, params)

        monkeypatch.setattr(store, name, spy)
    sa_event.listen(store.engine, "before_cursor_execute", lambda *args: seen.append(str(args[2])))
    return seen


def test_the_page_load_never_reads_the_truth(simulated, monkeypatch):
    from novarium_app.pages import results as page

    monkeypatch.setattr(page, "get_store", lambda: simulated)
    seen = _sql_spy(simulated, monkeypatch)
    loaded = page._read(KEY)
    assert seen and not any("truth" in sql.lower() for sql in seen)
    shown = json.dumps(
        [
            loaded.results,
            [dataclasses.asdict(c) for c in views.metric_cards(loaded.results)],
            views.forest_points(loaded.results),
            reveal.summary_tiles(loaded.results),
        ]
    )
    truth = records.latest_truth(simulated, KEY)
    for metric in ("conversion", "revenue_per_visitor", "aov"):
        effect = truth.effect(metric, "treatment")
        assert repr(effect.relative) not in shown and repr(effect.absolute) not in shown
    assert "truth" not in shown and loaded.past is None
    assert simulated.scalar("SELECT COUNT(*) FROM results_views WHERE experiment_key = :key", {"key": KEY}) == 1


def test_shipping_completes_adopts_reveals_and_saves_the_retrospective(simulated):
    done = recording.record_decision(
        simulated, KEY, choice="ship", variant="treatment", learnings="The discount lifts conversion a lot."
    )
    record = repository.get_experiment(simulated, KEY)
    assert done.status == record.status == "completed"
    assert done.adoption is not None and done.adoption.active and done.adoption.variant == "treatment"
    assert adoptions.adopted_config(simulated) == {"banner_color": "red", "discount_pct": 15}

    truth = records.latest_truth(simulated, KEY)
    expected = judge("ship", "treatment", truth, primary_metric="conversion", guardrails=[("aov", 0.1, "relative")])
    assert done.truth == truth
    assert (done.judgement.outcome, done.judgement.decision_correct) == (expected.outcome, expected.decision_correct)

    retro = retrospectives.get_retrospective(simulated, done.retrospective_id)
    assert (retro.decision, retro.outcome) == ("ship", expected.outcome)
    assert retro.learnings == "The discount lifts conversion a lot."
    snapshot = retro.snapshot
    assert set(snapshot) >= {"experiment", "results", "decision", "truth", "verdict"}
    assert snapshot["experiment"]["variants"][1] == {
        "name": "treatment",
        "weight": 1.0,
        "config": {"banner_color": "red", "discount_pct": 15},
    }
    assert snapshot["experiment"]["guardrails"] == [{"metric": "aov", "margin": 0.1, "margin_type": "relative"}]
    assert snapshot["decision"]["choice"] == "ship" and snapshot["decision"]["variant"] == "treatment"
    assert snapshot["decision"]["recommendation"] in ("ship", "dont_ship", "inconclusive")
    assert snapshot["truth"] == truth.to_dict()
    assert snapshot["results"]["experiment_key"] == KEY
    covered = snapshot["verdict"]["ci_covered"]
    conversion = next(m for m in snapshot["results"]["metrics"] if m["metric"] == "conversion")
    low, high = conversion["comparisons"][0]["abs_ci"]
    assert covered["conversion"]["treatment"] == (low <= truth.effect("conversion", "treatment").absolute <= high)
    assert snapshot["verdict"]["rule"] == RULE[0]

    past = records.latest_decision(simulated, KEY)
    assert past is not None and past.final and past.retrospective_id == done.retrospective_id
    shown = reveal.from_snapshot(past.snapshot, past.learnings, past.retrospective_id)
    assert shown.outcome["outcome"] == expected.outcome and shown.rows
    assert shown.truth_points["conversion|treatment"] == truth.effect("conversion", "treatment").relative


def test_keep_running_keeps_the_truth_hidden_and_resumes_a_stopped_experiment(simulated):
    repository.stop_experiment(simulated, KEY)
    done = recording.record_decision(
        simulated, KEY, choice="keep_running", variant=None, learnings="Too early to tell."
    )
    assert done.status == repository.get_experiment(simulated, KEY).status == "running"
    assert done.truth is None and done.snapshot["truth"] is None and done.adoption is None
    assert done.judgement.outcome == "inconclusive" and done.judgement.decision_correct is None
    assert adoptions.list_adoptions(simulated) == []
    assert not records.latest_decision(simulated, KEY).final


def test_dont_ship_completes_without_adopting(simulated):
    done = recording.record_decision(simulated, KEY, choice="dont_ship", variant=None, learnings="Order value fell.")
    assert done.status == "completed" and done.adoption is None and adoptions.list_adoptions(simulated) == []
    assert done.judgement.outcome in ("flat", "loss")
    with pytest.raises(ExperimentError, match="cannot keep running"):
        recording.record_decision(simulated, KEY, choice="keep_running", variant=None, learnings="Changed my mind.")


def test_a_bad_decision_changes_nothing(simulated):
    with pytest.raises(ValueError, match="Learnings: write at least 10 characters"):
        recording.record_decision(simulated, KEY, choice="ship", variant="treatment", learnings="short")
    with pytest.raises(ValueError, match="Variant: choose the variant to ship"):
        recording.record_decision(simulated, KEY, choice="ship", variant="control", learnings="Control is great.")
    assert repository.get_experiment(simulated, KEY).status == "running"
    assert adoptions.list_adoptions(simulated) == [] and retrospectives.list_retrospectives(simulated) == []


def test_the_truth_comes_from_the_latest_run_completed_first(simulated):
    completed = records.latest_truth(simulated, KEY)
    assert completed is not None and completed.variants == ("control", "treatment")
    simulated.execute("UPDATE runs SET status = 'stopped'")
    assert records.latest_truth(simulated, KEY) == completed  # a stopped run's plan has the same truth
    simulated.execute("UPDATE runs SET truth = NULL")
    assert records.latest_truth(simulated, KEY) is None
