"""Pure statistics engine: no I/O, every test computed in O(1) from addable sufficient statistics.

Frequentist core:
- ``frequentist``: fixed-horizon tests (two-proportion z, Welch t, delta-method ratio) and ``compare``.
- ``srm``: the sample ratio mismatch check.
- ``multiple``: Holm / Benjamini–Hochberg adjustment across goal metrics × variants.
- ``guardrails``: one-sided non-inferiority tests with a margin.
- ``decision``: the ship rule.
- ``segments``: per-segment comparisons with a multiple-comparison warning.

Planning, Bayesian, sequential and variance reduction:
- ``power``: sample size, MDE, duration and power over days (agrees with statsmodels).
- ``bayesian``: chance to beat control, expected loss and credible intervals (Beta-Binomial and normal models).
- ``sequential``: always-valid p-values and intervals (mSPRT), and the naive trajectory next to them.
- ``cuped``: the pre-period covariate adjustment.

The readout: ``orchestrator.build_readout`` turns per-variant sufficient statistics into the one results readout
(``readout.Readout`` and its ``to_dict``), every figure read with CUPED or without. The Lab (``marts.results``, SQL
sums) and ``novarium analyze`` (``analysis``, unit rows) only gather the statistics.

Shared pieces: ``sufficient`` (the addable statistics), ``results`` (error codes) and ``units`` (checked unit-level
input).
"""

from marts.stats.decision import Decision, decide, decide_all
from marts.stats.frequentist import (
    Comparison,
    DeltaMethodRatioTest,
    FrequentistConfig,
    FrequentistTest,
    TwoProportionZTest,
    WelchTTest,
    compare,
    make_test,
)
from marts.stats.guardrails import GuardrailConfig, GuardrailResult, check_guardrail
from marts.stats.multiple import AdjustedComparison, GoalComparison, adjust_goals, adjust_p_values
from marts.stats.segments import SegmentBreakdown, SegmentComparison, compare_segments
from marts.stats.srm import SrmConfig, SrmResult, check_srm

__all__ = [
    "AdjustedComparison",
    "Comparison",
    "Decision",
    "DeltaMethodRatioTest",
    "FrequentistConfig",
    "FrequentistTest",
    "GoalComparison",
    "GuardrailConfig",
    "GuardrailResult",
    "SegmentBreakdown",
    "SegmentComparison",
    "SrmConfig",
    "SrmResult",
    "TwoProportionZTest",
    "WelchTTest",
    "adjust_goals",
    "adjust_p_values",
    "check_guardrail",
    "check_srm",
    "compare",
    "compare_segments",
    "decide",
    "decide_all",
    "make_test",
]
