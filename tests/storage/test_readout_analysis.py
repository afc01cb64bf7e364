"""One analysis, one number (issue 12 §4), on DuckDB and PostgreSQL.

The learner's choice of analysis (CUPED or not) drives every figure of the readout at once: the tile, the table row,
the forest point, the family-adjusted p-values and the ship rule. The Lab (SQL sums) and ``novarium analyze`` (unit
rows) build the same readout from the same data, and a recorded decision keeps the analysis it was read in, so the
retrospective shows the results page's numbers.
"""

import dataclasses
import json

import pytest
from click.testing import CliRunner

from marts import retrospectives
from marts.results import experiment_results, experiment_sums
from marts.retrospectives.formatting import fmt_p, fmt_rel
from marts.retrospectives.view import retro_view
from marts.stats.cuped import cuped_test
from marts.stats.decision import decide
from marts.stats.multiple import GoalComparison, adjust_goals, adjust_p_values
from marts.stats.sufficient import CovariateStats
from marts.units_export import experiment_units, units_csv
from novarium_app.commands.analyze import analyze
from novarium_app.lab import formatting as fmt
from novarium_app.lab import recording, reveal, views
from shop import repository
from tests.storage.test_results import ARGS, KEY, _arm, _mart, _metric, simulated  # noqa: F401 (a fixture)

GOALS = ("conversion", "revenue_per_visitor", "banner_ctr")
COLUMNS = {"conversion": "purchases", "revenue_per_visitor": "revenue", "banner_ctr": "banner_clicks"}
SAME_DATA = {**ARGS, "guardrails": [("revenue_per_visitor", 0.1, "relative")]}
"""The Lab's arguments the CLI can state too (its guardrail is a goal metric's, not a ratio metric)."""


def _primary_row(report: dict) -> dict:
    return _metric(report, "conversion")["comparisons"][0]


def test_toggling_cuped_moves_every_figure_together(simulated):  # noqa: F811
    sums = experiment_sums(simulated, KEY, **ARGS)
    raw, adjusted = sums.readout(False).to_dict(), sums.readout(True).to_dict()
    assert (raw["analysis"]["cuped"], adjusted["analysis"]["cuped"]) == (False, True)
    assert adjusted["analysis"]["covariate"] == "pre_revenue" and adjusted["analysis"]["label"] == "with CUPED"

    mart = _mart(simulated)
    control, treatment = _arm(mart, "control"), _arm(mart, "treatment")
    expected_p = {}
    for key in GOALS:
        column = COLUMNS[key]
        binary = key != "revenue_per_visitor"
        c_values = (control[column] > 0).astype(float) if binary else control[column]
        t_values = (treatment[column] > 0).astype(float) if binary else treatment[column]
        cuped = cuped_test(
            CovariateStats.from_values(c_values, control["pre_revenue"]),
            CovariateStats.from_values(t_values, treatment["pre_revenue"]),
        )
        row = _metric(adjusted, key)["comparisons"][0]
        assert row["cuped_applied"] and row["p_value"] == pytest.approx(cuped.p_value, rel=1e-6)
        assert row["rel_lift"] == pytest.approx(cuped.rel_lift, rel=1e-7)
        expected_p[key] = cuped.p_value
    holm = dict(zip(GOALS, adjust_p_values([expected_p[key] for key in GOALS], "holm"), strict=True))
    for key in GOALS:  # the family is adjusted on the CUPED p-values
        assert _metric(adjusted, key)["comparisons"][0]["p_value_adjusted"] == pytest.approx(holm[key], rel=1e-6)
    assert _metric(adjusted, "aov")["comparisons"][0]["cuped_applied"] is False  # a ratio metric stays raw

    for report in (raw, adjusted):
        row = _primary_row(report)
        tiles = {tile["key"]: tile for tile in reveal.summary_tiles(report)}
        table = views.metric_cards(report)[0].rows[1]
        point = views.forest_points(report)[0]
        lift = fmt.percent(row["rel_lift"], signed=True)
        assert tiles["lift"]["value"] == table.rel == lift and point["rel"] == row["rel_lift"]
        assert point["ci"] == row["rel_ci"] and table.p_adj in tiles["lift"]["detail_en"]
        assert tiles["lift"]["label_en"].endswith(report["analysis"]["label"])
        assert f"reads the estimates {report['analysis']['label']}" in reveal.ship_rule(report)[0]
    assert _primary_row(raw)["rel_lift"] != _primary_row(adjusted)["rel_lift"]
    assert _primary_row(raw)["p_value_adjusted"] != _primary_row(adjusted)["p_value_adjusted"]

    # the ship rule decides on the same adjusted CUPED goals and CUPED guardrail as the rows show
    results = sums.readout(True)
    goals = [
        GoalComparison(m.metric, c.variant, c.comparison, m.higher_is_better)
        for m in results.metrics
        if m.goal
        for c in m.comparisons
    ]
    expected = decide("treatment", adjust_goals(goals, "holm"), results.guardrails, results.srm)
    assert adjusted["decisions"][0] == {
        "variant": "treatment",
        "verdict": expected.verdict,
        "reasons": expected.reasons,
    }
    assert adjusted["decisions"][0]["reasons"] != raw["decisions"][0]["reasons"]
    json.dumps(adjusted, allow_nan=False)


def _close(lab, cli, path: str = "") -> None:
    """Every number of the CLI's readout equals the Lab's (to float rounding of sums taken in another order)."""
    if isinstance(lab, dict):
        for key in cli.keys() - {"label", "description", "experiment_key", "message", "warnings"}:
            _close(lab[key], cli[key], f"{path}.{key}")
    elif isinstance(lab, list):
        assert len(lab) == len(cli), path
        for index, (left, right) in enumerate(zip(lab, cli, strict=True)):
            _close(left, right, f"{path}[{index}]")
    elif isinstance(lab, float) and isinstance(cli, float):
        assert cli == pytest.approx(lab, rel=1e-6, abs=1e-12), path
    else:
        assert cli == lab, path


def _cli_and_lab(store, path, cuped: bool) -> tuple[dict, dict]:
    """``novarium analyze --json`` on the units at ``path`` and the Lab's readout, after checking that every goal
    metric's number (and segment) agrees."""
    args = [str(path), "--variant-col", "variant", "--control", "control", "--covariate", "pre_revenue"]
    args += [option for key in GOALS for option in ("--metric", key)]
    args += ["--guardrail", "revenue_per_visitor=10%", "--weights", "control=1,treatment=1", "--segment", "persona"]
    result = CliRunner().invoke(analyze, [*args, "--cuped" if cuped else "--no-cuped", "--json"])
    assert result.exit_code == 0, result.output
    cli = json.loads(result.output)
    lab = experiment_results(store, KEY, **SAME_DATA, cuped=cuped).to_dict()
    lab_goals = {**lab, "metrics": [m for m in lab["metrics"] if m["metric"] in GOALS]}
    lab_goals["segments"] = [s for s in lab["segments"] if s["metric"] in GOALS]
    _close(lab_goals, cli)
    return cli, lab


@pytest.mark.parametrize("cuped", [False, True])
def test_the_cli_on_the_exported_units_gives_the_labs_numbers(simulated, tmp_path, cuped):  # noqa: F811
    mart = _mart(simulated)
    units = mart[["variant", "persona", "pre_revenue"]].assign(
        conversion=(mart["purchases"] > 0).astype(int),
        revenue_per_visitor=mart["revenue"].astype(float),
        banner_ctr=(mart["banner_clicks"] > 0).astype(int),
    )
    path = tmp_path / "units.csv"
    units.to_csv(path, index=False)
    cli, lab = _cli_and_lab(simulated, path, cuped)
    assert [m["metric"] for m in cli["metrics"]] == list(GOALS)
    assert cli["analysis"]["cuped"] is cuped and cli["decisions"] == lab["decisions"]


def test_a_decision_keeps_the_analysis_it_was_read_in(simulated):  # noqa: F811
    shown = experiment_results(simulated, KEY, **ARGS, cuped=True).to_dict()
    done = recording.record_decision(
        simulated, KEY, choice="dont_ship", variant=None, learnings="Read with CUPED, still not enough.", cuped=True
    )
    stored = done.snapshot["results"]
    assert stored["analysis"]["cuped"] is True
    _close(shown["metrics"], stored["metrics"])  # the mart is rebuilt at the decision: sums may round differently
    assert stored["decisions"] == shown["decisions"]

    retro = retrospectives.get_retrospective(simulated, done.retrospective_id)
    view = retro_view(retro)
    assert view.analysis == "with CUPED" and retro_view(retro, "ko").analysis == "CUPED 적용"
    assert view.lift == fmt_rel(_primary_row(shown)["rel_lift"]) and view.lift_p == fmt_p(
        _primary_row(shown)["p_value_adjusted"]  # the p the results page's lift tile shows
    )
    assert "with CUPED" in retrospectives.to_markdown(retro)


def test_the_plan_sets_the_analysis_the_lab_reads_by_default(simulated):  # noqa: F811
    record = repository.get_experiment(simulated, KEY)
    assert recording.planned_cuped(record) is False
    assert recording.analyse(simulated, record, refresh=False).analysis.cuped is False
    planned = {**record.design, "design": {**(record.design.get("design") or {}), "cuped": True}}
    with_plan = dataclasses.replace(record, design=planned)
    assert recording.planned_cuped(with_plan) is True
    assert recording.analyse(simulated, with_plan, refresh=False).analysis.cuped is True


@pytest.mark.parametrize("cuped", [False, True])
def test_the_exported_units_give_the_labs_numbers(simulated, tmp_path, cuped):  # noqa: F811
    """The units the API exports (``marts.units_export``) are the rows the Lab sums: ``novarium analyze`` on them
    reads the Lab's readout."""
    units = experiment_units(simulated, KEY)
    assert len(units) == 4_000 and {"variant", "persona", "pre_revenue", *GOALS} <= set(units.columns)
    assert "aov" not in units.columns  # a ratio of sums has no value per unit
    path = tmp_path / "units.csv"
    path.write_text(units_csv(simulated, KEY))
    _cli_and_lab(simulated, path, cuped)
