"""A guardrail shows the bound it is judged by: one-sided, its side and level, inside the table's two-sided interval,
in the engine's reason, the results page's line and the Korean retrospective alike."""

import pytest

from marts.retrospectives.korean import sentence_ko
from marts.stats.frequentist import compare
from marts.stats.guardrails import GuardrailConfig, check_guardrail
from marts.stats.sufficient import SampleStats
from novarium_app.lab import views


@pytest.mark.parametrize(("higher_is_better", "side", "side_ko"), [(True, "lower", "하한"), (False, "upper", "상한")])
def test_the_bound_is_named_one_sided_and_sits_inside_the_two_sided_interval(higher_is_better, side, side_ko):
    control, treatment = SampleStats(5_000, 30.0, 12.0**2), SampleStats(5_000, 29.6, 12.0**2)
    comparison = compare("continuous", control, treatment)
    config = GuardrailConfig(0.05, relative=True, higher_is_better=higher_is_better)
    result = check_guardrail(comparison, config, metric="Average order value", variant="treatment")
    low, high = comparison.rel_ci
    assert low < result.bound < high  # one-sided 95% is a 90% two-sided edge: inside the table's 95% interval
    (reason,) = result.reasons
    assert f"the {side} one-sided 95% bound of the change is" in reason
    assert f"단측 95% {side_ko}" in sentence_ko(reason)
    item = {"metric": "aov", "variant": "treatment", "margin_type": "relative", **result.to_dict()}
    (line,) = views.guardrail_lines({"guardrails": [item]})
    shown = f"{result.bound * 100:+.2f}%".replace("-", "−")
    assert f"one-sided 95% {side} bound ({shown}" in line.en and "two-sided" in line.en
    assert f"단측 95% {side_ko}({shown}" in line.ko
