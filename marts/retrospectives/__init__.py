"""Retrospectives: what an experiment taught, kept for good with a snapshot of its design, results and truth.

A retrospective is written once, when the learner decides, and read many times: alone, in a mentor's review
session, side by side with another one, or exported as Markdown. Only the learnings and the coach's write-up change
afterwards. The snapshot is stored as JSON text; everything that reads it tolerates missing keys, so snapshots
written by older versions still render.

Snapshot shape (every key optional)::

    {"experiment": {key, name, hypothesis, primary_metric, secondary_metrics, guardrails,
                    variants: [{name, weight, config}], allocation, design},
     "results": {experiment_key, analysis: {cuped, covariate, label, label_ko}, alpha, correction, control,
                 srm: {p_value, status, observed, expected_share, message},
                 metrics: [{metric, label, kind, role, variants: [{variant, n, mean}],
                            comparisons: [{variant, vs, abs_lift, abs_ci, rel_lift, rel_ci, p_value,
                                           p_value_adjusted, chance_to_beat, expected_loss, cuped, error, message}]}],
                 guardrails: [{metric, variant, verdict, reasons}], decisions: [{variant, verdict, reasons}]},
     "decision": {choice, recommendation, reasons},
     "truth": {...} | None,
     "verdict": {decision_correct, outcome, rule, rule_ko, explanation, explanation_ko,
                 ci_covered: {metric: {variant: bool}}},
     "coach": {source, written_at}}   # written by ``set_coach_writeup``
"""

from marts.retrospectives.compare import COMPARE_ROWS, compare, summary
from marts.retrospectives.markdown import to_markdown
from marts.retrospectives.record import (
    DECISIONS,
    MAX_LEARNINGS,
    OUTCOMES,
    Headline,
    Retrospective,
    RetrospectiveError,
    RetrospectiveNotFound,
    headline,
    metric_label,
    true_effects,
)
from marts.retrospectives.repository import (
    get_retrospective,
    list_retrospectives,
    save_retrospective,
    set_coach_writeup,
    update_learnings,
)
from marts.retrospectives.view import RetroView, retro_view

__all__ = [
    "COMPARE_ROWS",
    "DECISIONS",
    "MAX_LEARNINGS",
    "OUTCOMES",
    "Headline",
    "RetroView",
    "Retrospective",
    "RetrospectiveError",
    "RetrospectiveNotFound",
    "compare",
    "get_retrospective",
    "headline",
    "list_retrospectives",
    "metric_label",
    "retro_view",
    "save_retrospective",
    "set_coach_writeup",
    "summary",
    "to_markdown",
    "true_effects",
    "update_learnings",
]
