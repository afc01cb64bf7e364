"""``marts.stats`` against GrowthBook's gbstats 0.8.0 (golden values in ``tests/fixtures/gbstats/golden.json``).

Where both engines use the same method, the numbers agree to 1e-6 relative (1e-9 absolute). Where NovaRium chose
another convention (a normal reference instead of Student t, a pooled null standard error, another prior, ...), the
test asserts the documented relationship instead; ``tests/fixtures/gbstats/README.md`` describes each difference and
its size. Rebuild the golden file with ``bash tests/fixtures/gbstats/generate.sh``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from scipy import special

from marts.stats.bayesian import BayesianConfig, NormalPrior, bayesian_beta_binomial, bayesian_normal
from marts.stats.cuped import cuped_test
from marts.stats.frequentist import (
    DeltaMethodRatioTest,
    FrequentistConfig,
    TwoProportionZTest,
    WelchTTest,
)
from marts.stats.results import ErrorCode
from marts.stats.sequential import SequentialConfig, always_valid_test
from marts.stats.srm import check_srm
from marts.stats.sufficient import CovariateStats, RatioStats, SampleStats

GOLDEN_PATH = Path(__file__).resolve().parents[1] / "fixtures" / "gbstats" / "golden.json"
GOLDEN: dict[str, Any] = json.loads(GOLDEN_PATH.read_text(encoding="utf-8"))
CASES: dict[str, dict[str, Any]] = {case["id"]: case for case in GOLDEN["cases"]}
UNADJUSTED = "SampleMeanStatistic (metric only, unadjusted)"


def close(expected: float | None) -> Any:
    """Equal to a golden value where the methods are the same."""
    return None if expected is None else pytest.approx(expected, rel=1e-6, abs=1e-9)


def close_pair(expected: list[float | None]) -> tuple[Any, Any]:
    return close(expected[0]), close(expected[1])


def case_ids(kind: str) -> list[str]:
    """Ids of the cases of one kind on which gbstats gives a result (the degenerate ones are tested apart)."""
    ids = []
    for case_id, case in CASES.items():
        first = next(iter(case["gbstats"].values()))["results"]["two_sided_relative"]
        if case["kind"] == kind and first["error_message"] is None:
            ids.append(case_id)
    return ids


def golden(case_id: str, statistic: str, output: str) -> dict[str, Any]:
    return CASES[case_id]["gbstats"][statistic]["results"][output]


def sample_stats(case_id: str) -> tuple[SampleStats, SampleStats]:
    case = CASES[case_id]
    return SampleStats(**case["control"]), SampleStats(**case["treatment"])


def ratio_stats(case_id: str) -> tuple[RatioStats, RatioStats]:
    case = CASES[case_id]
    return RatioStats(**case["control"]), RatioStats(**case["treatment"])


def covariate_stats(case_id: str) -> tuple[CovariateStats, CovariateStats]:
    case = CASES[case_id]
    return CovariateStats(**case["control"]), CovariateStats(**case["treatment"])


def z_quantile(probability: float) -> float:
    return float(special.ndtri(probability))


def t_quantile(probability: float, df: float) -> float:
    return float(special.stdtrit(df, probability))


def test_golden_file_is_gbstats_0_8_0() -> None:
    assert GOLDEN["gbstats_version"] == "0.8.0"
    assert {case["kind"] for case in GOLDEN["cases"]} == {"proportion", "mean", "ratio", "cuped"}
    for case in GOLDEN["cases"]:
        for analysis in case["gbstats"].values():
            assert set(analysis["results"]) == set(GOLDEN["configs"])


# ---------------------------------------------------------------------------------------------------------------------
# Welch t-test: the same method as gbstats' t tests on SampleMeanStatistic (ddof = 1, Welch–Satterthwaite df).
# It covers the mean cases, the proportion cases read as 0/1 means, and the CUPED cases' metric without adjustment.

WELCH_CASES = (
    [(case_id, "SampleMeanStatistic") for case_id in case_ids("mean")]
    + [(case_id, "SampleMeanStatistic") for case_id in case_ids("proportion")]
    + [(case_id, UNADJUSTED) for case_id in case_ids("cuped")]
)


def welch_inputs(case_id: str) -> tuple[SampleStats, SampleStats]:
    if CASES[case_id]["kind"] == "cuped":
        control, treatment = covariate_stats(case_id)
        return control.metric, treatment.metric
    return sample_stats(case_id)


@pytest.mark.parametrize(("case_id", "statistic"), WELCH_CASES)
def test_welch_two_sided_matches_gbstats(case_id: str, statistic: str) -> None:
    ours = WelchTTest(*welch_inputs(case_id)).compute()
    absolute = golden(case_id, statistic, "two_sided_absolute")
    relative = golden(case_id, statistic, "two_sided_relative")

    assert ours.error is None
    assert ours.abs_lift == close(absolute["expected"])
    assert ours.std_error == close(absolute["uplift_stddev"])
    assert ours.df == close(absolute["dof"])
    assert ours.abs_ci == close_pair(absolute["ci"])
    assert ours.p_value == close(absolute["p_value"])
    assert ours.rel_lift == close(relative["expected"])
    assert ours.rel_std_error == close(relative["uplift_stddev"])
    assert ours.rel_ci == close_pair(relative["ci"])


@pytest.mark.parametrize(("case_id", "statistic"), WELCH_CASES)
def test_welch_greater_matches_gbstats(case_id: str, statistic: str) -> None:
    ours = WelchTTest(*welch_inputs(case_id), FrequentistConfig(alternative="greater")).compute()
    absolute = golden(case_id, statistic, "one_sided_greater_absolute")
    relative = golden(case_id, statistic, "one_sided_greater_relative")

    assert ours.abs_ci == close_pair(absolute["ci"])  # (lower, None): None is the unbounded side, as in golden.json
    assert ours.rel_ci == close_pair(relative["ci"])
    assert ours.p_value == close(absolute["p_value"])


@pytest.mark.parametrize(("case_id", "statistic"), WELCH_CASES)
def test_welch_less_matches_gbstats_up_to_its_interval_bug(case_id: str, statistic: str) -> None:
    """The p-values agree. gbstats 0.8.0's OneSidedTreatmentLesserTTest returns (-inf, estimate - width), which
    mirrors the correct upper bound (estimate + width) about the estimate (a bug in gbstats, not ours)."""
    ours = WelchTTest(*welch_inputs(case_id), FrequentistConfig(alternative="less")).compute()
    for difference, (low, high) in (("absolute", ours.abs_ci), ("relative", ours.rel_ci)):
        theirs = golden(case_id, statistic, f"one_sided_lesser_{difference}")
        assert low is None
        assert theirs["ci"][0] is None
        assert high == close(2.0 * theirs["expected"] - theirs["ci"][1])
    assert ours.p_value == close(golden(case_id, statistic, "one_sided_lesser_absolute")["p_value"])


@pytest.mark.parametrize(("case_id", "statistic"), WELCH_CASES)
def test_welch_alpha_matches_gbstats(case_id: str, statistic: str) -> None:
    ours = WelchTTest(*welch_inputs(case_id), FrequentistConfig(alpha=0.10)).compute()
    assert ours.rel_ci == close_pair(golden(case_id, statistic, "two_sided_relative_alpha_0.10")["ci"])


@pytest.mark.parametrize(("case_id", "statistic"), WELCH_CASES)
def test_relative_p_value_intended_difference(case_id: str, statistic: str) -> None:
    """Ours: one p-value, for "no difference", on the absolute lift. gbstats: the relative result's p-value tests the
    relative lift against its own delta-method standard error, with the same Welch df."""
    ours = WelchTTest(*welch_inputs(case_id)).compute()
    relative = golden(case_id, statistic, "two_sided_relative")

    gbstats_relative_statistic = ours.rel_lift / ours.rel_std_error
    assert 2.0 * special.stdtr(ours.df, -abs(gbstats_relative_statistic)) == close(relative["p_value"])


# ---------------------------------------------------------------------------------------------------------------------
# Two-proportion z-test against gbstats' ProportionStatistic (variance p(1-p), ddof = 0, as ours).


@pytest.mark.parametrize("case_id", case_ids("proportion"))
def test_proportion_lift_and_standard_errors_match_gbstats(case_id: str) -> None:
    ours = TwoProportionZTest(*sample_stats(case_id)).compute()
    absolute = golden(case_id, "ProportionStatistic", "two_sided_absolute")
    relative = golden(case_id, "ProportionStatistic", "two_sided_relative")

    assert ours.abs_lift == close(absolute["expected"])
    assert ours.std_error == close(absolute["uplift_stddev"])  # the unpooled (Wald) standard error
    assert ours.rel_lift == close(relative["expected"])
    assert ours.rel_std_error == close(relative["uplift_stddev"])


@pytest.mark.parametrize("case_id", case_ids("proportion"))
@pytest.mark.parametrize("difference", ["absolute", "relative"])
def test_proportion_interval_intended_difference(case_id: str, difference: str) -> None:
    """Same centre and standard error; ours uses the normal quantile, gbstats Student t with Welch df."""
    ours = TwoProportionZTest(*sample_stats(case_id)).compute()
    theirs = golden(case_id, "ProportionStatistic", f"two_sided_{difference}")
    low, high = ours.abs_ci if difference == "absolute" else ours.rel_ci

    ratio = t_quantile(0.975, theirs["dof"]) / z_quantile(0.975)
    assert (theirs["ci"][1] - theirs["ci"][0]) == close((high - low) * ratio)
    assert (theirs["ci"][1] + theirs["ci"][0]) == close(high + low)


@pytest.mark.parametrize("case_id", case_ids("proportion"))
def test_proportion_p_value_intended_difference(case_id: str) -> None:
    """Ours: pooled standard error under the null and a normal reference. gbstats: unpooled and Student t."""
    control, treatment = sample_stats(case_id)
    ours = TwoProportionZTest(control, treatment).compute()
    theirs = golden(case_id, "ProportionStatistic", "two_sided_absolute")

    pooled = (control.sum + treatment.sum) / (control.n + treatment.n)
    pooled_std_error = math.sqrt(pooled * (1.0 - pooled) * (1.0 / control.n + 1.0 / treatment.n))
    assert ours.statistic == close(theirs["expected"] / pooled_std_error)
    assert ours.p_value == close(2.0 * special.ndtr(-abs(theirs["expected"]) / pooled_std_error))
    assert abs(ours.p_value - theirs["p_value"]) < 0.01  # largest in these cases: 0.0076 (prop_unequal_n)


# ---------------------------------------------------------------------------------------------------------------------
# Delta-method ratio against gbstats' RatioStatistic: the same variance; ours refers the statistic to the normal.


@pytest.mark.parametrize("case_id", case_ids("ratio"))
def test_ratio_lift_and_standard_errors_match_gbstats(case_id: str) -> None:
    ours = DeltaMethodRatioTest(*ratio_stats(case_id)).compute()
    absolute = golden(case_id, "RatioStatistic", "two_sided_absolute")
    relative = golden(case_id, "RatioStatistic", "two_sided_relative")
    arms = CASES[case_id]["gbstats"]["RatioStatistic"]["arms"]

    assert ours.control_mean == close(arms["control"]["mean"])
    assert ours.treatment_mean == close(arms["treatment"]["mean"])
    assert ours.abs_lift == close(absolute["expected"])
    assert ours.std_error == close(absolute["uplift_stddev"])
    assert ours.rel_lift == close(relative["expected"])
    assert ours.rel_std_error == close(relative["uplift_stddev"])
    assert ours.statistic == close(absolute["expected"] / absolute["uplift_stddev"])


@pytest.mark.parametrize("case_id", case_ids("ratio"))
@pytest.mark.parametrize("difference", ["absolute", "relative"])
def test_ratio_interval_and_p_value_intended_difference(case_id: str, difference: str) -> None:
    """Same estimate and standard error; ours uses the normal, gbstats Student t with Welch df of the ratio
    variances."""
    ours = DeltaMethodRatioTest(*ratio_stats(case_id)).compute()
    theirs = golden(case_id, "RatioStatistic", f"two_sided_{difference}")
    low, high = ours.abs_ci if difference == "absolute" else ours.rel_ci

    ratio = t_quantile(0.975, theirs["dof"]) / z_quantile(0.975)
    assert (theirs["ci"][1] - theirs["ci"][0]) == close((high - low) * ratio)
    if difference == "absolute" and theirs["uplift_stddev"] > 0:
        t_statistic = theirs["expected"] / theirs["uplift_stddev"]
        assert theirs["p_value"] == close(2.0 * special.stdtr(theirs["dof"], -abs(t_statistic)))
        assert ours.p_value == close(2.0 * special.ndtr(-abs(t_statistic)))


# ---------------------------------------------------------------------------------------------------------------------
# Degenerate data: both engines refuse, each in its own way.


def test_zero_baseline_intended_difference() -> None:
    """gbstats blocks every frequentist output when the control mean is 0; ours keeps the absolute lift, its interval
    and the p-value and drops only the relative numbers."""
    control, treatment = sample_stats("prop_zero_baseline")
    theirs = golden("prop_zero_baseline", "ProportionStatistic", "two_sided_absolute")
    assert theirs["error_message"] == "ZERO_NEGATIVE_BASELINE_VARIATION"

    ours = TwoProportionZTest(control, treatment).compute()
    assert ours.error == ErrorCode.ZERO_BASELINE
    assert ours.abs_lift == pytest.approx(0.05)
    assert ours.p_value is not None
    assert ours.rel_lift is None
    assert ours.rel_ci == (None, None)


@pytest.mark.parametrize(
    ("case_id", "test"), [("prop_zero_variance", TwoProportionZTest), ("mean_zero_variance", WelchTTest)]
)
def test_zero_variance_is_an_error_in_both(case_id: str, test: type) -> None:
    statistic = "ProportionStatistic" if test is TwoProportionZTest else "SampleMeanStatistic"
    assert golden(case_id, statistic, "two_sided_relative")["error_message"] == "ZERO_NEGATIVE_VARIANCE"

    ours = test(*sample_stats(case_id)).compute()
    assert ours.error == ErrorCode.ZERO_VARIANCE
    assert ours.p_value is None


# ---------------------------------------------------------------------------------------------------------------------
# Bayesian normal model: the same model as gbstats' EffectBayesianABTest (normal likelihood of the lift, conjugate
# normal prior). Ours takes the variance of every SampleStats with ddof = 1, so it matches gbstats' SampleMeanStatistic.

PRIOR_STDDEV = 0.1  # gbstats' default prior_stddev, on the relative lift


def bayesian_config(output: str, control: SampleStats) -> BayesianConfig:
    """Our configuration for a gbstats Bayesian output id (the prior in golden.json's ``configs``)."""
    relative = "relative" in output
    prior = None
    if "proper" in output:
        # gbstats' prior is on the relative lift; for absolute results it rescales it by the control mean.
        scale = 1.0 if relative else control.mean
        prior = NormalPrior(mean=0.0, variance=(PRIOR_STDDEV * scale) ** 2)
    return BayesianConfig(relative=relative, normal_prior=prior)


BAYESIAN_OUTPUTS = [
    "bayesian_flat_relative",
    "bayesian_flat_absolute",
    "bayesian_proper_relative",
    "bayesian_proper_absolute",
]


@pytest.mark.parametrize(("case_id", "statistic"), WELCH_CASES)
@pytest.mark.parametrize("output", BAYESIAN_OUTPUTS)
def test_bayesian_normal_matches_gbstats(case_id: str, statistic: str, output: str) -> None:
    control, treatment = welch_inputs(case_id)
    ours = bayesian_normal(control, treatment, bayesian_config(output, control))
    theirs = golden(case_id, statistic, output)

    assert ours.error is None
    assert ours.lift_mean == close(theirs["expected"])
    assert ours.lift_std == close(theirs["uplift_stddev"])
    assert (ours.ci_lower, ours.ci_upper) == close_pair(theirs["ci"])
    assert ours.chance_to_beat_control == close(theirs["chance_to_win"])
    # gbstats' risk is [loss of keeping control, loss of shipping the treatment].
    assert ours.expected_loss_control == close(theirs["risk"][0])
    assert ours.expected_loss_treatment == close(theirs["risk"][1])


@pytest.mark.parametrize(("case_id", "statistic"), WELCH_CASES)
def test_bayesian_inverse_metric_relationship(case_id: str, statistic: str) -> None:
    """gbstats' ``inverse`` (lower is better) flips chance to win and swaps the risks; ours reports the plain
    direction and leaves the reading to the caller."""
    ours = bayesian_normal(*welch_inputs(case_id))
    theirs = golden(case_id, statistic, "bayesian_flat_relative_inverse")

    assert 1.0 - ours.chance_to_beat_control == close(theirs["chance_to_win"])
    assert [ours.expected_loss_treatment, ours.expected_loss_control] == [close(value) for value in theirs["risk"]]


@pytest.mark.parametrize("case_id", case_ids("proportion"))
def test_bayesian_normal_on_proportions_variance_convention(case_id: str) -> None:
    """gbstats' ProportionStatistic has variance p(1 - p) (ddof = 0); ours takes n / (n - 1) times that (ddof = 1)."""
    control, treatment = sample_stats(case_id)
    ours = bayesian_normal(control, treatment, BayesianConfig(relative=False))
    theirs = golden(case_id, "ProportionStatistic", "bayesian_flat_absolute")
    arms = CASES[case_id]["gbstats"]["ProportionStatistic"]["arms"]
    var_c, var_t = arms["control"]["variance"], arms["treatment"]["variance"]

    assert theirs["uplift_stddev"] ** 2 == close(var_c / control.n + var_t / treatment.n)
    assert ours.lift_std**2 == close(var_c / (control.n - 1) + var_t / (treatment.n - 1))
    assert abs(ours.chance_to_beat_control - theirs["chance_to_win"]) < 1e-3  # largest here: 8.1e-4 (n = 120)


@pytest.mark.parametrize("case_id", case_ids("proportion"))
def test_beta_binomial_is_near_gbstats_normal_model(case_id: str) -> None:
    """A different model (Beta(1, 1) posteriors of each rate, exact integrals) from gbstats' normal approximation:
    the chance to beat control is the same event on both scales and approaches gbstats' as n grows."""
    control, treatment = sample_stats(case_id)
    absolute = bayesian_beta_binomial(control, treatment, BayesianConfig(relative=False))
    relative = bayesian_beta_binomial(control, treatment, BayesianConfig(relative=True))
    theirs = golden(case_id, "ProportionStatistic", "bayesian_flat_absolute")

    assert relative.chance_to_beat_control == pytest.approx(absolute.chance_to_beat_control, abs=1e-9)
    tolerance = 1e-5 if min(control.n, treatment.n) >= 10_000 else 1e-2  # largest here: 5.4e-3 (n = 120)
    assert absolute.chance_to_beat_control == pytest.approx(theirs["chance_to_win"], abs=tolerance)


def test_bayesian_degenerate_data() -> None:
    """Both refuse a relative lift over a zero control mean and data without variance. gbstats also refuses when only
    one arm has no variance (0/100 conversions); ours uses the pooled variance of the lift and answers."""
    control, treatment = sample_stats("prop_zero_baseline")
    assert golden("prop_zero_baseline", "SampleMeanStatistic", "bayesian_flat_relative")["error_message"] == (
        "ZERO_NEGATIVE_BASELINE_VARIATION"
    )
    assert bayesian_normal(control, treatment).error == ErrorCode.ZERO_BASELINE
    assert golden("prop_zero_baseline", "SampleMeanStatistic", "bayesian_flat_absolute")["error_message"] == (
        "ZERO_NEGATIVE_VARIANCE"
    )
    assert bayesian_normal(control, treatment, BayesianConfig(relative=False)).error is None

    for case_id in ("prop_zero_variance", "mean_zero_variance"):
        assert (
            golden(case_id, "SampleMeanStatistic", "bayesian_flat_absolute")["error_message"]
            == "ZERO_NEGATIVE_VARIANCE"
        )
        assert bayesian_normal(*sample_stats(case_id)).error == ErrorCode.ZERO_VARIANCE


# ---------------------------------------------------------------------------------------------------------------------
# Sequential: ours is the normal-mixture mSPRT with tau^2 = rho^2 V N; gbstats' SequentialTwoSidedTTest is Waudby-Smith
# et al.'s asymptotic confidence sequence. With planned_units = sequential_tuning_parameter they are the same formula.


@pytest.mark.parametrize(("case_id", "statistic"), WELCH_CASES)
@pytest.mark.parametrize("tau", [5000, 1000])
def test_sequential_matches_gbstats(case_id: str, statistic: str, tau: int) -> None:
    ours = always_valid_test(*welch_inputs(case_id), SequentialConfig(planned_units=tau))
    theirs = golden(case_id, statistic, f"sequential_absolute_tau_{tau}")

    assert ours.error is None
    assert ours.abs_lift == close(theirs["expected"])
    assert ours.std_error == close(theirs["uplift_stddev"])
    assert (ours.ci_lower, ours.ci_upper) == close_pair(theirs["ci"])
    assert ours.p_value == close(theirs["p_value"])


@pytest.mark.parametrize(("case_id", "statistic"), WELCH_CASES)
def test_sequential_naive_numbers_use_the_normal(case_id: str, statistic: str) -> None:
    """Our fixed-horizon reference numbers beside the sequential ones are z-based; gbstats' fixed-horizon test is
    Welch's t. Same statistic, different reference distribution."""
    ours = always_valid_test(*welch_inputs(case_id))
    theirs = golden(case_id, statistic, "two_sided_absolute")

    statistic_value = theirs["expected"] / theirs["uplift_stddev"]
    assert ours.naive_p_value == close(2.0 * special.ndtr(-abs(statistic_value)))
    assert ours.naive_ci_upper - ours.naive_ci_lower == close(2.0 * z_quantile(0.975) * theirs["uplift_stddev"])


def test_sequential_degenerate_data() -> None:
    for case_id in ("prop_zero_variance", "mean_zero_variance"):
        assert golden(case_id, "SampleMeanStatistic", "sequential_absolute_tau_5000")["error_message"] == (
            "ZERO_NEGATIVE_VARIANCE"
        )
        assert always_valid_test(*sample_stats(case_id)).error == ErrorCode.ZERO_VARIANCE


# ---------------------------------------------------------------------------------------------------------------------
# CUPED: the same adjustment y - theta c and the same per-arm adjusted variance; theta and the reference distribution
# differ. gbstats' theta comes from the sums of both arms pooled as one sample (so it includes the between-arm
# difference); ours pools the within-arm sums (the OLS coefficient with a treatment indicator). Ours is a z-test,
# gbstats a Welch t-test.


def within_and_between(case_id: str) -> dict[str, float]:
    control, treatment = covariate_stats(case_id)
    n = control.n + treatment.n
    return {
        "w_cc": (control.n - 1) * control.covariate.variance + (treatment.n - 1) * treatment.covariate.variance,
        "k": control.n * treatment.n / n,
        "d_y": treatment.metric.mean - control.metric.mean,
        "d_c": treatment.covariate.mean - control.covariate.mean,
    }


@pytest.mark.parametrize("case_id", case_ids("cuped"))
def test_cuped_theta_intended_difference(case_id: str) -> None:
    """gbstats' theta = (W_yc + k dy dc) / (W_cc + k dc^2), ours = W_yc / W_cc (W: within-arm sums, k = n_c n_t / N)."""
    ours = cuped_test(*covariate_stats(case_id))
    parts = within_and_between(case_id)
    w_yc = ours.theta * parts["w_cc"]
    gbstats_theta = CASES[case_id]["gbstats"]["RegressionAdjustedStatistic"]["theta"]

    between = parts["k"] * parts["d_y"] * parts["d_c"]
    assert gbstats_theta == close((w_yc + between) / (parts["w_cc"] + parts["k"] * parts["d_c"] ** 2))
    assert abs(ours.theta - gbstats_theta) < 0.005  # largest here: 0.0031 (cuped_pre_imbalance)


@pytest.mark.parametrize("case_id", case_ids("cuped"))
def test_cuped_adjustment_formula_matches_gbstats_at_its_theta(case_id: str) -> None:
    """At gbstats' theta our sufficient statistics give gbstats' adjusted lift and standard error exactly."""
    control, treatment = covariate_stats(case_id)
    theta = CASES[case_id]["gbstats"]["RegressionAdjustedStatistic"]["theta"]
    theirs = golden(case_id, "RegressionAdjustedStatistic", "two_sided_absolute")

    def adjusted_variance(arm: CovariateStats) -> float:
        return arm.metric.variance + theta**2 * arm.covariate.variance - 2 * theta * arm.covariance

    lift = (treatment.metric.mean - theta * treatment.covariate.mean) - (
        control.metric.mean - theta * control.covariate.mean
    )
    std_error = math.sqrt(adjusted_variance(control) / control.n + adjusted_variance(treatment) / treatment.n)
    assert lift == close(theirs["expected"])
    assert std_error == close(theirs["uplift_stddev"])


@pytest.mark.parametrize("case_id", case_ids("cuped"))
def test_cuped_result_is_near_gbstats(case_id: str) -> None:
    """Ours differs from gbstats only through theta (and z against t): the lifts agree to a few percent of a
    standard error, the standard errors to 1e-4 relative."""
    ours = cuped_test(*covariate_stats(case_id))
    theirs = golden(case_id, "RegressionAdjustedStatistic", "two_sided_absolute")
    parts = within_and_between(case_id)

    assert ours.abs_lift == close(parts["d_y"] - ours.theta * parts["d_c"])
    assert abs(ours.abs_lift - theirs["expected"]) < 0.05 * theirs["uplift_stddev"]  # largest: 0.023 SE
    assert ours.std_error == pytest.approx(theirs["uplift_stddev"], rel=1e-4)  # largest: 1.3e-5
    assert ours.p_value == close(2.0 * special.ndtr(-abs(ours.abs_lift) / ours.std_error))


@pytest.mark.parametrize("case_id", case_ids("cuped"))
def test_cuped_relative_lift_intended_difference(case_id: str) -> None:
    """Ours divides the adjusted difference by the adjusted control mean (at the pooled covariate mean); gbstats by the
    unadjusted control mean."""
    ours = cuped_test(*covariate_stats(case_id))
    analysis = CASES[case_id]["gbstats"]["RegressionAdjustedStatistic"]
    absolute = analysis["results"]["two_sided_absolute"]
    relative = analysis["results"]["two_sided_relative"]

    assert ours.rel_lift == close(ours.abs_lift / ours.adjusted_mean_control)
    assert relative["expected"] == close(absolute["expected"] / analysis["arms"]["control"]["unadjusted_mean"])
    assert abs(ours.rel_lift - relative["expected"]) < 0.001  # largest here: 6.3e-4 (cuped_pre_imbalance)


@pytest.mark.parametrize("case_id", case_ids("cuped"))
def test_cuped_raw_comparison_matches_gbstats_unadjusted(case_id: str) -> None:
    """The raw numbers beside the adjusted ones: same lift and standard error as gbstats' unadjusted Welch test,
    normal reference instead of t."""
    ours = cuped_test(*covariate_stats(case_id))
    theirs = golden(case_id, UNADJUSTED, "two_sided_absolute")

    assert ours.raw_abs_lift == close(theirs["expected"])
    assert ours.raw_std_error == close(theirs["uplift_stddev"])
    assert ours.raw_p_value == close(2.0 * special.ndtr(-abs(theirs["expected"]) / theirs["uplift_stddev"]))
    ratio = t_quantile(0.975, theirs["dof"]) / z_quantile(0.975)
    assert theirs["ci"][1] - theirs["ci"][0] == close((ours.raw_ci_upper - ours.raw_ci_lower) * ratio)


# ---------------------------------------------------------------------------------------------------------------------
# Sample ratio mismatch: the same chi-square goodness-of-fit test.

SRM_CASES = {case["id"]: case for case in GOLDEN["srm"]["cases"]}


@pytest.mark.parametrize("case_id", [case_id for case_id, case in SRM_CASES.items() if sum(case["users"])])
def test_srm_matches_gbstats(case_id: str) -> None:
    case = SRM_CASES[case_id]
    names = [f"v{index}" for index in range(len(case["users"]))]
    ours = check_srm(dict(zip(names, case["users"], strict=True)), dict(zip(names, case["weights"], strict=True)))
    assert ours.p_value == close(case["p_value"])


def test_srm_without_units_intended_difference() -> None:
    """gbstats reports p = 1 when no unit has arrived; ours says there is nothing to check yet."""
    case = SRM_CASES["srm_no_users"]
    assert case["p_value"] == 1.0
    ours = check_srm({"control": 0, "treatment": 0})
    assert ours.error == ErrorCode.NO_DATA
    assert ours.p_value is None
