"""The offline rubric coach: a deterministic critique of an experiment design before it runs.

``critique`` computes the rubric's power plan once, runs every check in ``CHECKS`` on the design and returns the
findings, blockers first. The numbers in a reason are computed by the checks (sample sizes and days come from
``marts.stats.power``), so the same input always gives the same critique. The checks, in order:

* structure: the change, the metric, the direction, the expected size and the rationale are all stated;
* variants: a control and a treatment that changes something;
* the OEC: the primary metric fits the knobs changed and the hypothesis; price changes guard revenue;
* guardrails: present, not the OEC, with plausible margins;
* power: the MDE is realistic for the baseline and the traffic, and the expected effect is not below it;
* duration: whole weeks, at least one;
* peeking: the analysis plan is decided (one look, or sequential);
* multiple testing: how many comparisons the Holm adjustment covers and what it costs;
* alpha and power are sane.
"""

from coach.checks.context import Check, Context
from coach.checks.duration import check_duration, check_peeking
from coach.checks.error_rates import check_error_rates
from coach.checks.guardrails import check_guardrails
from coach.checks.multiple import check_multiple
from coach.checks.oec import check_oec
from coach.checks.plan import power_plan
from coach.checks.power import check_power
from coach.checks.structure import check_structure
from coach.checks.variants import check_variants
from coach.findings import Critique
from coach.hypothesis import HypothesisInput
from marts.baselines import Baselines

CHECKS: tuple[Check, ...] = (
    check_structure,
    check_variants,
    check_oec,
    check_guardrails,
    check_power,
    check_duration,
    check_peeking,
    check_multiple,
    check_error_rates,
)


def critique(hypothesis: HypothesisInput, baselines: Baselines | None = None) -> Critique:
    """The rubric's findings on a design; ``baselines`` (``marts.baselines.metric_baselines``) fill a missing
    baseline, spread or daily traffic."""
    context = Context(baselines, power_plan(hypothesis, baselines))
    return Critique.of([finding for check in CHECKS for finding in check(hypothesis, context)])
