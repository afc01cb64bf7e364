"""Degenerate data: every entry point returns a typed result with an error code, never raises, never emits NaN/inf.

Warnings are errors here, so a numpy overflow or division warning on the way also fails the test.
"""

import dataclasses
import itertools
import math

import numpy as np
import pytest

from marts.stats.decision import decide_all
from marts.stats.frequentist import Comparison, FrequentistConfig, compare
from marts.stats.guardrails import GuardrailConfig, check_guardrail
from marts.stats.multiple import GoalComparison
from marts.stats.results import ErrorCode
from marts.stats.segments import compare_segments
from marts.stats.srm import check_srm
from marts.stats.sufficient import RatioStats, SampleStats

pytestmark = pytest.mark.filterwarnings("error")

ALTERNATIVES = ("two-sided", "greater", "less")
INF, NAN = math.inf, math.nan


def assert_all_finite(value, path: str = "result") -> None:
    """Walk a result (dataclasses, tuples, lists, dicts) and fail on any NaN or inf number."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            assert_all_finite(getattr(value, field.name), f"{path}.{field.name}")
    elif isinstance(value, dict):
        for key, item in value.items():
            assert_all_finite(item, f"{path}[{key!r}]")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            assert_all_finite(item, f"{path}[{index}]")
    elif isinstance(value, float | np.floating):
        assert math.isfinite(value), f"{path} is {value}"


def binary(n: int, successes: int) -> SampleStats:
    return SampleStats(n, float(successes), float(successes))


def values(*xs: float) -> SampleStats:
    return SampleStats.from_values(np.array(xs, dtype=float))


def ratio(xs, ys) -> RatioStats:
    return RatioStats.from_values(np.array(xs, dtype=float), np.array(ys, dtype=float))


NOISY = values(*np.linspace(0.0, 9.0, 30))
NOISY_RATIO = ratio(np.linspace(1.0, 30.0, 30), np.arange(30) % 3 + 1.0)


def case(name: str, kind: str, control, treatment, error: ErrorCode | None, has_p: bool):
    """One degenerate input: the metric kind, both variants' statistics, the expected error, and whether a p-value
    is still expected."""
    return pytest.param(kind, control, treatment, error, has_p, id=name)


FIVES, ONES, TWOS = values(*[5.0] * 50), values(*[1.0] * 50), values(*[2.0] * 40)
# Constant data whose sum_sq - sum² / n rounds to a tiny positive "variance" (1.8e-17 and 2.5e-15).
POINT_THREES, THIRDS = SampleStats.from_values(np.full(12345, 0.3)), SampleStats.from_values(np.full(100_000, 1 / 3))
TINY_BASELINE = values(1e-300, -1e-300, 2e-300)
NO_ORDERS = ratio([0.0, 0.0, 0.0], [0.0, 0.0, 0.0])
PROPORTIONAL = ratio([2.0, 4.0, 6.0], [1.0, 2.0, 3.0]), ratio([2.0, 8.0], [1.0, 4.0])
NO_REVENUE = ratio([0.0, 0.0, 0.0], [1.0, 2.0, 1.0])
CASES = [
    case("binary n=0 both", "binary", binary(0, 0), binary(0, 0), ErrorCode.NO_DATA, False),
    case("binary n=0 treatment", "binary", binary(100, 20), binary(0, 0), ErrorCode.NO_DATA, False),
    case("binary zero conversions", "binary", binary(1000, 0), binary(1000, 0), ErrorCode.ZERO_VARIANCE, False),
    case("binary all conversions", "binary", binary(500, 500), binary(800, 800), ErrorCode.ZERO_VARIANCE, False),
    case("binary single variant", "binary", binary(100, 20), None, ErrorCode.SINGLE_VARIANT, False),
    case("binary control missing", "binary", None, binary(100, 20), ErrorCode.SINGLE_VARIANT, False),
    case("binary nothing at all", "binary", None, None, ErrorCode.SINGLE_VARIANT, False),
    case("binary identical", "binary", binary(400, 100), binary(400, 100), None, True),
    case("binary one unit each", "binary", binary(1, 1), binary(1, 0), ErrorCode.TOO_FEW_UNITS, False),
    case("binary one unit control", "binary", binary(1, 0), binary(1000, 100), ErrorCode.TOO_FEW_UNITS, False),
    case("binary zero baseline", "binary", binary(1000, 0), binary(1000, 5), ErrorCode.ZERO_BASELINE, True),
    case("binary 0% vs 100%", "binary", binary(100, 0), binary(100, 100), ErrorCode.ZERO_BASELINE, True),
    case("binary 100% vs 0%", "binary", binary(100, 100), binary(100, 0), None, True),
    case("binary successes > n", "binary", binary(10, 11), binary(10, 5), ErrorCode.INVALID_INPUT, False),
    case("binary non 0/1 values", "binary", values(0.0, 2.0, 3.0), binary(10, 5), ErrorCode.INVALID_INPUT, False),
    case("binary negative n", "binary", SampleStats(-3, 0.0, 0.0), binary(10, 5), ErrorCode.INVALID_INPUT, False),
    case("binary NaN sum", "binary", SampleStats(10, NAN, 1.0), binary(10, 5), ErrorCode.INVALID_INPUT, False),
    case("binary NaN n", "binary", SampleStats(NAN, 1.0, 1.0), binary(10, 5), ErrorCode.INVALID_INPUT, False),
    case("continuous n=0", "continuous", SampleStats(0, 0.0, 0.0), NOISY, ErrorCode.NO_DATA, False),
    case("continuous single variant", "continuous", NOISY, None, ErrorCode.SINGLE_VARIANT, False),
    case("continuous one unit", "continuous", values(3.0), values(4.0), ErrorCode.TOO_FEW_UNITS, False),
    case("continuous identical", "continuous", NOISY, NOISY, None, True),
    case("continuous constant equal", "continuous", FIVES, FIVES, ErrorCode.ZERO_VARIANCE, False),
    case("continuous constant apart", "continuous", ONES, TWOS, ErrorCode.ZERO_VARIANCE, False),
    case("continuous constant 0.3 rounding", "continuous", POINT_THREES, THIRDS, ErrorCode.ZERO_VARIANCE, False),
    case("continuous all zero", "continuous", values(*[0.0] * 10), values(*[0.0] * 9), ErrorCode.ZERO_VARIANCE, False),
    case("continuous one side constant", "continuous", TWOS, NOISY, None, True),
    case("continuous zero baseline", "continuous", values(-1.0, 1.0, -2.0, 2.0), NOISY, ErrorCode.ZERO_BASELINE, True),
    case("continuous inf sum_sq", "continuous", SampleStats(2, 2e200, INF), NOISY, ErrorCode.INVALID_INPUT, False),
    case("continuous huge sums", "continuous", SampleStats(3, 1e300, 1e308), NOISY, None, True),
    case("continuous huge spread", "continuous", SampleStats(3, 1e300, 1.7e308), values(1.0, 2.0), None, True),
    case("continuous tiny baseline", "continuous", TINY_BASELINE, NOISY, ErrorCode.ZERO_BASELINE, True),
    case("continuous tiny values", "continuous", values(1e-160, 3e-160), values(2e-160, 5e-160), None, True),
    case("ratio n=0", "ratio", RatioStats(0, 0.0, 0.0, 0.0, 0.0, 0.0), NOISY_RATIO, ErrorCode.NO_DATA, False),
    case("ratio single variant", "ratio", None, NOISY_RATIO, ErrorCode.SINGLE_VARIANT, False),
    case("ratio one unit", "ratio", ratio([10.0], [1.0]), NOISY_RATIO, ErrorCode.TOO_FEW_UNITS, False),
    case("ratio no orders", "ratio", NO_ORDERS, NOISY_RATIO, ErrorCode.ZERO_DENOMINATOR, False),
    case("ratio identical", "ratio", NOISY_RATIO, NOISY_RATIO, None, True),
    case("ratio constant per unit", "ratio", *PROPORTIONAL, ErrorCode.ZERO_VARIANCE, False),
    case("ratio zero baseline", "ratio", NO_REVENUE, NOISY_RATIO, ErrorCode.ZERO_BASELINE, True),
    case("ratio NaN", "ratio", RatioStats(3, NAN, 1.0, 1.0, 1.0, 1.0), NOISY_RATIO, ErrorCode.INVALID_INPUT, False),
    case("ratio tiny denominator", "ratio", RatioStats(3, 1.0, 1e-320, 1.0, 0.0, 0.0), NOISY_RATIO,
         ErrorCode.ZERO_DENOMINATOR, False),
]  # fmt: skip
ARGS = ("kind", "control", "treatment", "error", "has_p")


@pytest.mark.parametrize("alternative", ALTERNATIVES)
@pytest.mark.parametrize(ARGS, CASES)
def test_degenerate_comparisons_return_typed_results(kind, control, treatment, error, has_p, alternative):
    result = compare(kind, control, treatment, FrequentistConfig(alternative=alternative))
    assert isinstance(result, Comparison)
    assert result.error == error
    assert (result.p_value is not None) == has_p
    assert bool(result.message) == (error is not None)
    assert_all_finite(result)
    if error is not None and not has_p:
        assert result.abs_ci == (None, None) and result.rel_ci == (None, None) and result.statistic is None
    if error == ErrorCode.ZERO_BASELINE:
        assert result.rel_lift is None and result.rel_ci == (None, None) and result.abs_lift is not None


@pytest.mark.parametrize(ARGS, CASES)
def test_degenerate_comparisons_flow_through_guardrails_segments_and_decisions(kind, control, treatment, error, has_p):
    comparison = compare(kind, control, treatment)
    guards = [
        check_guardrail(comparison, GuardrailConfig(0.05, relative=relative, higher_is_better=up), variant="B")
        for relative, up in itertools.product((True, False), (True, False))
    ]
    for guard in guards:
        assert guard.verdict in ("non_inferior", "inconclusive", "harmed")
        assert guard.reasons and all(isinstance(reason, str) for reason in guard.reasons)
        if comparison.p_value is None:
            assert guard.verdict == "inconclusive" and guard.error is not None
    segments = compare_segments(kind, {"x": control} if control else {}, {"x": treatment} if treatment else {})
    decisions = decide_all([GoalComparison("m", "B", comparison)], guards, check_srm({"A": 0, "B": 0}))
    assert decisions["B"].verdict in ("ship", "dont_ship", "keep_running", "inconclusive")
    if error is not None and not has_p:
        assert decisions["B"].verdict != "ship"
    for result in (guards, segments, decisions):
        assert_all_finite(result)


def test_identical_variants_give_no_difference():
    for kind, stats_ in (("binary", binary(400, 100)), ("continuous", NOISY), ("ratio", NOISY_RATIO)):
        result = compare(kind, stats_, stats_)
        assert (result.abs_lift, result.rel_lift, result.statistic, result.p_value) == (0.0, 0.0, 0.0, 1.0)
        assert result.abs_ci[0] < 0.0 < result.abs_ci[1]


def test_constant_but_different_variants_keep_the_exact_lift():
    result = compare("continuous", values(*[1.0] * 50), values(*[2.0] * 40))
    assert (result.abs_lift, result.rel_lift) == (1.0, 1.0)
    assert result.p_value is None


def random_stats(rng: np.random.Generator, kind: str):
    """Tiny, extreme or empty statistics: sizes 0..3, values from zero to 1e150, sometimes constant."""
    n = int(rng.integers(0, 4))
    scale = float(rng.choice([0.0, 1e-150, 1.0, 1e150]))
    if kind == "binary":
        return binary(n, int(rng.integers(0, n + 1)))
    draws = rng.choice([0.0, 1.0, -1.0], n) * scale if rng.random() < 0.5 else np.full(n, scale)
    if kind == "continuous":
        return SampleStats.from_values(draws)
    return RatioStats.from_values(draws, rng.integers(0, 3, n).astype(float))


@pytest.mark.parametrize("kind", ["binary", "continuous", "ratio"])
def test_a_random_sweep_of_tiny_and_extreme_inputs_never_raises_or_leaks_nan(kind):
    rng = np.random.default_rng(2024)
    errors = set()
    for _ in range(1500):
        control = random_stats(rng, kind) if rng.random() < 0.95 else None
        treatment = random_stats(rng, kind)
        alternative = ALTERNATIVES[int(rng.integers(0, 3))]
        result = compare(kind, control, treatment, FrequentistConfig(alternative=alternative))
        assert_all_finite(result)
        assert (result.error is None) or result.message
        check = check_guardrail(result, GuardrailConfig(0.1, relative=bool(rng.random() < 0.5)))
        assert_all_finite(check)
        errors.add(result.error)
    assert {ErrorCode.NO_DATA, ErrorCode.TOO_FEW_UNITS} <= errors  # the sweep reached the degenerate branches


@pytest.mark.parametrize(
    ("observed", "weights", "error"),
    [
        ({}, None, ErrorCode.SINGLE_VARIANT),
        ({"A": 10}, None, ErrorCode.SINGLE_VARIANT),
        ({"A": 0, "B": 0}, None, ErrorCode.NO_DATA),
        ({"A": 1, "B": 0}, None, None),
        ({"A": 10**15, "B": 1}, None, None),
        ({"A": INF, "B": 1}, None, ErrorCode.INVALID_INPUT),
        ({"A": 5, "B": 5}, {"A": INF, "B": 1.0}, ErrorCode.INVALID_INPUT),
        ({"A": 5, "B": 5}, {"A": -1.0, "B": 1.0}, ErrorCode.INVALID_INPUT),
    ],
)
def test_degenerate_srm_input_returns_typed_results(observed, weights, error):
    result = check_srm(observed, weights)
    assert result.error == error
    assert result.status in ("ok", "caution", "warning", "unavailable")
    assert (result.status == "unavailable") == (error is not None)
    assert_all_finite(result)


def test_empty_inputs_to_segments_and_decisions_are_typed():
    breakdown = compare_segments("binary", {}, {})
    assert (breakdown.segments, breakdown.n_tested, breakdown.warning) == ((), 0, "")
    assert breakdown.false_positive_chance == 0.0
    assert decide_all([], []) == {}
