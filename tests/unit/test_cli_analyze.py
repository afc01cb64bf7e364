"""``novarium analyze``: the cookie_cats figures, the JSON shape, and one clear line for bad input.

A few tests run the installed command in a subprocess; the rest call the click command in-process (faster).
"""

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from statsmodels.stats.proportion import proportions_ztest

from novarium_app.commands.analyze import analyze as analyze_command
from tests.datasets import COOKIE_CATS

NOVARIUM = Path(sys.executable).with_name("novarium")


def analyze(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run([str(NOVARIUM), "analyze", *args], capture_output=True, text=True, env=env, timeout=120)


def analyze_in_process(*args: str):
    return CliRunner().invoke(analyze_command, list(args), env={"COLUMNS": "200"})


def cookie_cats(*extra: str) -> dict:
    result = analyze(
        str(COOKIE_CATS), "--variant-col", "version", "--control", "gate_30",
        "--metric", "retention_1", "--metric", "retention_7", "--json", *extra,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_cookie_cats_reproduces_the_published_figures():
    report = cookie_cats()
    assert report["srm"]["observed"] == {"gate_30": 44_700, "gate_40": 45_489}
    assert report["srm"]["p_value"] == pytest.approx(0.0086, abs=5e-5)
    assert report["srm"]["warning"] is False  # a caution at 0.01, not a warning at 0.001
    # As published (examples/data/README.md), each to half a unit of its last printed digit.
    figures = {"retention_1": (-1.784, (0.074, 5e-4), -0.0132), "retention_7": (-3.164, (0.00155, 5e-6), -0.0431)}
    for metric in report["metrics"]:
        z, p, rel = figures[metric["metric"]]
        (comparison,) = metric["comparisons"]
        assert metric["kind"] == "binary"
        assert comparison["statistic"] == pytest.approx(z, abs=5e-4)
        assert comparison["p_value"] == pytest.approx(p[0], abs=p[1])
        assert comparison["rel_lift"] == pytest.approx(rel, abs=5e-4)
        assert comparison["rel_ci"][0] < comparison["rel_lift"] < comparison["rel_ci"][1]


def test_the_json_shape_and_holm_adjustment_across_metrics():
    report = cookie_cats()
    assert set(report) >= {"alpha", "srm", "metrics"} and report["alpha"] == 0.05
    assert set(report["srm"]) >= {"p_value", "observed", "expected_share", "warning"}
    raw = [m["comparisons"][0]["p_value"] for m in report["metrics"]]
    adjusted = [m["comparisons"][0]["p_value_adjusted"] for m in report["metrics"]]
    assert min(adjusted) == pytest.approx(2 * min(raw)) and max(adjusted) == pytest.approx(max(raw))
    for metric in report["metrics"]:
        assert [v["variant"] for v in metric["variants"]] == ["gate_30", "gate_40"]
        assert set(metric["variants"][0]) >= {"variant", "n", "mean", "std"}
        comparison = metric["comparisons"][0]
        assert set(comparison) >= {
            "variant", "vs", "abs_lift", "abs_ci", "rel_lift", "rel_ci", "p_value", "p_value_adjusted", "method",
            "chance_to_beat", "cuped",
        }  # fmt: skip
        assert comparison["vs"] == "gate_30" and comparison["cuped"] is None
        assert 0 <= comparison["chance_to_beat"] <= 1


def test_a_binary_result_matches_statsmodels_and_cuped_reduces_variance(tmp_path):
    rng = np.random.default_rng(8)
    n = 4000
    pre = rng.gamma(2.0, 5.0, n)
    variant = np.where(rng.random(n) < 0.5, "a", "b")
    spend = pre * 0.8 + rng.normal(0, 3, n) + np.where(variant == "b", 0.7, 0.0)
    bought = (rng.random(n) < np.where(variant == "b", 0.12, 0.10)).astype(int)
    path = tmp_path / "units.csv"
    pd.DataFrame({"arm": variant, "bought": bought, "spend": spend, "pre": pre}).to_csv(path, index=False)

    def run(*extra: str) -> dict:
        result = analyze(
            str(path), "--variant-col", "arm", "--control", "a", "--metric", "bought", "--metric", "spend",
            "--covariate", "pre", "--weights", "a=50,b=50", "--correction", "fdr_bh", "--json", *extra,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    plain, adjusted = run("--no-cuped"), run()  # with a covariate, CUPED is the default analysis
    assert plain["analysis"]["cuped"] is False and adjusted["analysis"] == {
        "cuped": True, "covariate": "pre", "label": "with CUPED", "label_ko": "CUPED 적용",
    }  # fmt: skip
    bought_report, spend_report = plain["metrics"]
    counts = [int(bought[variant == v].sum()) for v in ("b", "a")]
    sizes = [int((variant == v).sum()) for v in ("b", "a")]
    _, expected_p = proportions_ztest(counts, sizes)
    assert bought_report["comparisons"][0]["p_value"] == pytest.approx(expected_p, rel=1e-9)
    assert spend_report["comparisons"][0]["cuped"] is None and not spend_report["comparisons"][0]["cuped_applied"]
    raw, cuped = spend_report["comparisons"][0], adjusted["metrics"][1]["comparisons"][0]
    assert cuped["cuped_applied"] and cuped["method"] == "cuped_z_test"
    assert cuped["cuped"]["variance_reduction"] > 0.5
    assert cuped["cuped"]["raw_abs_ci"] == pytest.approx(raw["abs_ci"], rel=1e-2)  # z against Welch's t
    assert cuped["abs_ci"][1] - cuped["abs_ci"][0] < raw["abs_ci"][1] - raw["abs_ci"][0]
    assert math.isfinite(cuped["p_value"]) and cuped["p_value"] < raw["p_value"]


def test_cuped_without_a_covariate_is_refused_in_one_line():
    result = analyze_in_process(
        str(COOKIE_CATS), "--variant-col", "version", "--control", "gate_30", "--metric", "retention_1", "--cuped"
    )
    assert result.exit_code != 0 and "--cuped: needs a pre-period covariate" in result.output


def test_the_table_is_readable_without_json():
    result = analyze(str(COOKIE_CATS), "--variant-col", "version", "--control", "gate_30", "--metric", "retention_7")
    assert result.returncode == 0, result.stderr
    assert "Sample ratio (caution)" in result.stdout
    assert "retention_7 (binary)" in result.stdout and "-4.3%" in result.stdout


@pytest.fixture
def small_csv(tmp_path) -> Path:
    path = tmp_path / "small.csv"
    path.write_text("group,converted,city\na,1,x\nb,0,y\na,0,x\nb,1,y\n")
    return path


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--variant-col", "group", "--control", "a", "--metric", "revenue"], "revenue: no such column"),
        (["--variant-col", "grp", "--control", "a", "--metric", "converted"], "grp: no such column"),
        (["--variant-col", "group", "--control", "z", "--metric", "converted"], "--control: 'z' is not a value"),
        (["--variant-col", "group", "--control", "a", "--metric", "city"], "city: must be numeric"),
        (["--variant-col", "group", "--control", "a", "--metric", "converted", "--weights", "a=1"], "--weights"),
    ],
)
def test_bad_input_is_one_line_and_exit_1(small_csv, args, fragment):
    result = analyze(str(small_csv), *args)
    assert result.returncode == 1, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert fragment in lines[0]


def test_an_empty_file_a_missing_file_and_a_single_variant_are_one_line(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    single = tmp_path / "single.csv"
    single.write_text("group,converted\na,1\na,0\n")
    broken = tmp_path / "broken.csv.gz"
    broken.write_bytes(b"not gzip at all")
    cases = [
        (empty, "is empty"),
        (tmp_path / "nope.csv", "does not exist"),
        (single, "only one variant"),
        (broken, "is not a readable CSV"),
    ]
    for path, fragment in cases:
        result = analyze(str(path), "--variant-col", "group", "--control", "a", "--metric", "converted")
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and fragment in result.stderr


def test_guardrails_the_ship_rule_sequential_and_power_reach_the_json():
    report = cookie_cats("--guardrail", "sum_game_rounds=5%", "--guardrail", "retention_7=0.5")
    json.dumps(report, allow_nan=False)
    assert report["family_size"] == 2  # retention_1 and retention_7; sum_game_rounds is a guardrail only
    roles = {m["metric"]: m["role"] for m in report["metrics"]}
    assert roles == {"retention_1": "primary", "retention_7": "secondary", "sum_game_rounds": "guardrail"}
    by_metric = {m["metric"]: m["comparisons"][0] for m in report["metrics"]}
    assert by_metric["sum_game_rounds"]["guardrail"]["verdict"] == "inconclusive"
    assert by_metric["sum_game_rounds"]["p_value_adjusted"] is None
    assert by_metric["retention_7"]["guardrail"]["verdict"] == "non_inferior"  # within an absolute 0.5
    (decision,) = report["decisions"]
    assert decision["variant"] == "gate_40" and decision["verdict"] == "dont_ship"
    assert decision["reasons"][0] == "Do not ship gate_40: a goal metric got worse."
    for comparison in by_metric.values():
        sequential = comparison["sequential"]
        assert sequential["p_value"] >= comparison["p_value"] and "90,189 units" in sequential["tuning"]
        assert sequential["ci"][0] < comparison["abs_ci"][0] and sequential["ci"][1] > comparison["abs_ci"][1]
        assert comparison["mde"]["power"] == 0.8 and comparison["mde"]["abs"] > 0
    assert by_metric["retention_7"]["mde"]["rel"] == pytest.approx(0.0388, abs=5e-4)


def test_the_tables_show_sequential_power_segments_and_the_verdict(tmp_path):
    rng = np.random.default_rng(5)
    n = 6000
    arm = np.where(rng.random(n) < 0.5, "a", "b")
    frame = pd.DataFrame(
        {
            "arm": arm,
            "bought": (rng.random(n) < np.where(arm == "b", 0.16, 0.10)).astype(int),
            "latency": rng.normal(np.where(arm == "b", 130.0, 100.0), 20.0),
            "device": rng.choice(["desktop", "mobile"], n),
        }
    )
    path = tmp_path / "units.csv"
    frame.to_csv(path, index=False)
    result = analyze_in_process(
        str(path), "--variant-col", "arm", "--control", "a", "--metric", "bought", "--guardrail", "latency=2%",
        "--lower-is-better", "latency", "--segment", "device", "--planned-units", "8000",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "latency (continuous) · guardrail only, margin 2%, lower is better" in out
    assert "always-valid p [CI]" in out and "guardrail harmed: latency in b: the upper one-sided 95% bound" in out
    assert out.count("this test could detect ±") == 2 and "with 80% power at alpha 0.05" in out
    assert "bought: b vs a by device" in out and "2 device segments were tested" in out
    assert "tuned for the tightest interval at 8,000 planned units" in out
    assert "b: don't ship" in out and "a guardrail was harmed" in out
    assert out.rstrip().endswith("╯")  # the verdict panel comes last
    assert "nan" not in out.lower().replace("non-inferior", "")
    assert "inf" not in out.lower().replace("non-inferior", "")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--guardrail", "revenue=5%"], "--guardrail revenue: no such column"),
        (["--guardrail", "converted=five"], "--guardrail converted: margin 'five' must be a number >= 0"),
        (["--guardrail", "converted"], "--guardrail: 'converted' must be COLUMN=MARGIN"),
        (["--guardrail", "city=5%"], "--guardrail city: must be numeric or True/False"),
        (["--lower-is-better", "city"], "--lower-is-better city: not an analysed column"),
        (["--segment", "country"], "--segment country: no such column"),
    ],
)
def test_bad_guardrail_direction_and_segment_options_are_one_line_and_exit_1(small_csv, args, fragment):
    result = analyze_in_process(
        str(small_csv), "--variant-col", "group", "--control", "a", "--metric", "converted", *args
    )
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and result.stdout == "", result.stderr
    assert fragment in lines[0]
