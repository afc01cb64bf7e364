"""The rubric's checks as a package: each check runs on its own, and ``critique`` runs them all in a fixed order."""

import inspect

from coach import SEVERITIES, critique, hypothesis_input
from coach.checks.context import Context
from coach.checks.plan import power_plan
from coach.rubric import CHECKS
from tests.unit.test_coach_rubric import good_spec, run, with_parts

PREFIXES = ("structure", "variants", "oec", "guardrails", "power", "duration", "peeking", "multiple", "design")


def test_every_check_takes_the_design_and_the_context_and_returns_findings():
    h = hypothesis_input(good_spec())
    context = Context(None, power_plan(h, None))
    for check in CHECKS:
        assert list(inspect.signature(check).parameters) == ["h", "context"]
        found = check(h, context)
        assert isinstance(found, list)
    assert len(CHECKS) == len(PREFIXES)


def test_the_checks_run_in_order_and_each_severity_keeps_that_order():
    spec = with_parts(change="", rationale="better", persona="impulsive")
    spec["guardrails"] = []
    spec["secondary_metrics"] = ["aov"]
    spec["design"]["days"] = 10
    spec["design"]["analysis_plan"] = ""
    h = hypothesis_input(spec)
    context = Context(None, power_plan(h, None))
    unsorted = [f for check in CHECKS for f in check(h, context)]
    assert [PREFIXES.index(f.code.split(".")[0]) for f in unsorted] == sorted(
        PREFIXES.index(f.code.split(".")[0]) for f in unsorted
    )
    assert critique(h).findings == tuple(sorted(unsorted, key=lambda f: SEVERITIES.index(f.severity)))


def test_a_check_without_a_plan_says_nothing_about_power():
    h = hypothesis_input(good_spec())
    assert [f.code for check in CHECKS for f in check(h, Context()) if f.code.startswith("power.")] == []


def test_the_korean_particle_follows_the_metric_name():
    spec = good_spec(baseline=30.0)
    spec["primary_metric"] = "revenue_per_visitor"
    found = run(spec).get("power.std_missing")
    assert found is not None
    assert found.reason[1].startswith("방문자당 매출은 평균 지표라")
