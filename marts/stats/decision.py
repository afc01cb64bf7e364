"""The ship rule: turn goal results, guardrail verdicts and the SRM check into a decision with reasons.

For one treatment variant, in this order:

1. ``dont_ship`` when the split is broken (SRM warning), a guardrail is harmed, or a goal metric got significantly
   worse after adjustment.
2. ``ship`` when at least one goal metric improved significantly after adjustment and every guardrail is
   significantly non-inferior.
3. ``keep_running`` when the planned sample is not reached yet (``horizon_reached=False``).
4. ``inconclusive`` otherwise: the planned sample is in and the evidence is not there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from marts.stats.guardrails import GuardrailResult
from marts.stats.multiple import AdjustedComparison, Correction, GoalComparison, adjust_goals
from marts.stats.srm import SrmResult
from marts.vocabulary import p_phrase

Verdict = Literal["ship", "dont_ship", "keep_running", "inconclusive"]

_CORRECTION_WORDS = {
    "holm": "after Holm correction",
    "fdr_bh": "after Benjamini–Hochberg correction",
    "bonferroni": "after Bonferroni correction",
    "none": "without correction",
}


@dataclass(frozen=True)
class Decision:
    """What to do with one treatment variant, and why.

    Attributes:
        variant: the treatment variant.
        verdict: "ship", "dont_ship", "keep_running" or "inconclusive".
        reasons: plain-words reasons, the deciding ones first.
        goals: this variant's adjusted goal results.
        guardrails: this variant's guardrail verdicts.
        srm: the experiment's SRM check, if one was given.
    """

    variant: str
    verdict: Verdict
    reasons: list[str] = field(default_factory=list)
    goals: tuple[AdjustedComparison, ...] = ()
    guardrails: tuple[GuardrailResult, ...] = ()
    srm: SrmResult | None = None


def decide(
    variant: str,
    goals: Sequence[AdjustedComparison],
    guardrails: Sequence[GuardrailResult] = (),
    srm: SrmResult | None = None,
    *,
    horizon_reached: bool = True,
) -> Decision:
    """Apply the ship rule to ``variant``; entries of other variants in ``goals`` and ``guardrails`` are ignored.

    Args:
        variant: the treatment variant to decide on.
        goals: goal results already adjusted across the whole family (see ``multiple.adjust_goals``).
        guardrails: guardrail verdicts (see ``guardrails.check_guardrail``).
        srm: the experiment's sample ratio check.
        horizon_reached: whether the planned sample size is in (a fixed-horizon test is read only then).
    """
    goals = tuple(goal for goal in goals if goal.variant == variant)
    guardrails = tuple(guardrail for guardrail in guardrails if guardrail.variant == variant)
    blockers, wins, open_points, notes = [], [], [], []

    if srm is not None:
        if srm.status == "warning":
            blockers.append(f"Sample ratio mismatch: {srm.message}")
        elif srm.status == "caution":
            notes.append(f"Sample ratio caution: {srm.message}")
        elif srm.status == "unavailable":
            notes.append(f"Sample ratio not checked: {srm.message}")

    if not goals:
        open_points.append(f"{variant}: no goal metric to judge a win on.")
    for goal in goals:
        sentence = _goal_sentence(goal)
        (wins if goal.improved else blockers if goal.worsened else open_points).append(sentence)

    if not guardrails:
        notes.append("No guardrails were set.")
    for guardrail in guardrails:
        bucket = {"non_inferior": notes, "harmed": blockers, "inconclusive": open_points}[guardrail.verdict]
        bucket.extend(guardrail.reasons)

    if blockers:
        verdict: Verdict = "dont_ship"
        causes = [
            "the split is broken" if srm is not None and srm.status == "warning" else "",
            "a goal metric got worse" if any(goal.worsened for goal in goals) else "",
            "a guardrail was harmed" if any(guardrail.verdict == "harmed" for guardrail in guardrails) else "",
        ]
        summary = f"Do not ship {variant}: {', '.join(cause for cause in causes if cause)}."
    elif wins and all(guardrail.non_inferior for guardrail in guardrails):
        verdict = "ship"
        summary = f"Ship {variant}: a goal metric improved significantly and every guardrail is non-inferior."
    elif not horizon_reached:
        verdict = "keep_running"
        summary = f"Keep {variant} running: the planned sample is not in yet and there is no decision so far."
    else:
        verdict = "inconclusive"
        summary = f"Inconclusive for {variant}: the planned sample is in, but the evidence to ship is not."
    if verdict == "ship":
        reasons = [summary, *wins, *notes, *open_points]
    else:
        reasons = [summary, *blockers, *open_points, *wins, *notes]
    return Decision(variant, verdict, reasons, goals, guardrails, srm)


def decide_all(
    goals: Sequence[GoalComparison],
    guardrails: Sequence[GuardrailResult] = (),
    srm: SrmResult | None = None,
    *,
    correction: Correction = "holm",
    horizon_reached: bool = True,
) -> dict[str, Decision]:
    """Adjust the goals as one family (guardrails stay out of it), then decide on every treatment variant."""
    adjusted = adjust_goals(goals, correction)
    variants = list(dict.fromkeys([goal.variant for goal in goals] + [guardrail.variant for guardrail in guardrails]))
    return {
        variant: decide(variant, adjusted, guardrails, srm, horizon_reached=horizon_reached) for variant in variants
    }


def _goal_sentence(goal: AdjustedComparison) -> str:
    comparison = goal.goal.comparison
    label = f"{goal.metric} in {goal.variant}"
    if goal.p_value is None:
        return f"{label}: no test ({comparison.message or 'no p-value'})."
    if comparison.rel_lift is not None:
        change = f"{comparison.rel_lift:+.2%}"
    elif comparison.abs_lift is not None:
        change = f"{comparison.abs_lift:+.4g} (absolute)"
    else:
        change = "no estimate"
    after = _CORRECTION_WORDS[goal.correction]
    p_values = f"adjusted {p_phrase(goal.adjusted_p_value)}, raw {p_phrase(goal.p_value)}"
    if goal.improved:
        return f"{label}: improved {change}, significant {after} ({p_values})."
    if goal.worsened:
        return f"{label}: got worse {change}, significant {after} ({p_values})."
    return f"{label}: {change}, not significant {after} ({p_values})."
