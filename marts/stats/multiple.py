"""Multiple testing across goal metrics × treatment variants.

Every goal metric in every treatment variant is one hypothesis of the family. Holm–Bonferroni (the default) keeps
the chance of any false win at alpha; Benjamini–Hochberg ("fdr_bh") keeps the expected share of false wins at alpha
and finds more. Guardrails are not in the family: they answer a different, one-sided question (see ``guardrails``),
and ``adjust_goals`` only accepts goals.

Comparisons without a p-value (degenerate data) are left out of the family: they cannot produce a false win.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from marts.stats.frequentist import Comparison

Correction = Literal["holm", "fdr_bh", "bonferroni", "none"]
CORRECTIONS: tuple[str, ...] = ("holm", "fdr_bh", "bonferroni", "none")


def adjust_p_values(p_values: Sequence[float], correction: Correction = "holm") -> list[float]:
    """Adjusted p-values in the input order (the same values as statsmodels ``multipletests``).

    Args:
        p_values: raw p-values in [0, 1].
        correction: "holm" (Holm–Bonferroni step-down), "fdr_bh" (Benjamini–Hochberg step-up), "bonferroni" or
            "none".
    """
    if correction not in CORRECTIONS:
        raise ValueError(f"correction: must be one of {', '.join(CORRECTIONS)}, got {correction!r}")
    raw = np.asarray(p_values, dtype=float)
    if raw.ndim != 1 or not np.all((raw >= 0.0) & (raw <= 1.0)):
        raise ValueError("p_values: must be a flat list of numbers between 0 and 1")
    m = raw.size
    if m == 0 or correction == "none":
        return raw.tolist()
    if correction == "bonferroni":
        return np.minimum(raw * m, 1.0).tolist()
    order = np.argsort(raw, kind="stable")
    ranked = raw[order]
    if correction == "holm":
        stepped = np.maximum.accumulate(ranked * (m - np.arange(m)))
    else:
        stepped = np.minimum.accumulate((ranked * m / np.arange(1, m + 1))[::-1])[::-1]
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(stepped, 1.0)
    return adjusted.tolist()


@dataclass(frozen=True)
class GoalComparison:
    """One goal metric in one treatment variant, against control.

    Attributes:
        metric: the metric key.
        variant: the treatment variant's name.
        comparison: the test result.
        higher_is_better: the metric's good direction.
    """

    metric: str
    variant: str
    comparison: Comparison
    higher_is_better: bool = True


@dataclass(frozen=True)
class AdjustedComparison:
    """A goal comparison with its raw and family-adjusted p-values.

    Attributes:
        goal: the goal comparison.
        p_value: the raw p-value (None when the comparison has none).
        adjusted_p_value: the p-value adjusted across the family (None when left out of it).
        correction: the adjustment used.
        family_size: how many hypotheses the family held.
    """

    goal: GoalComparison
    p_value: float | None
    adjusted_p_value: float | None
    correction: Correction
    family_size: int

    @property
    def metric(self) -> str:
        return self.goal.metric

    @property
    def variant(self) -> str:
        return self.goal.variant

    @property
    def significant(self) -> bool:
        """Whether the adjusted p-value is below the comparison's alpha."""
        return self.adjusted_p_value is not None and self.adjusted_p_value < self.goal.comparison.alpha

    @property
    def improved(self) -> bool:
        """Significant after adjustment and in the metric's good direction."""
        return self.significant and self._direction() > 0

    @property
    def worsened(self) -> bool:
        """Significant after adjustment and in the metric's bad direction."""
        return self.significant and self._direction() < 0

    def _direction(self) -> int:
        lift = self.goal.comparison.abs_lift
        if not lift:  # None or exactly zero
            return 0
        return 1 if (lift > 0) == self.goal.higher_is_better else -1


def adjust_goals(goals: Sequence[GoalComparison], correction: Correction = "holm") -> list[AdjustedComparison]:
    """Adjust the p-values of all goal comparisons (every metric × variant) as one family, in input order."""
    in_family = [index for index, goal in enumerate(goals) if goal.comparison.p_value is not None]
    adjusted = adjust_p_values([goals[index].comparison.p_value for index in in_family], correction)
    adjusted_by_index = dict(zip(in_family, adjusted, strict=True))
    return [
        AdjustedComparison(
            goal=goal,
            p_value=goal.comparison.p_value,
            adjusted_p_value=adjusted_by_index.get(index),
            correction=correction,
            family_size=len(in_family),
        )
        for index, goal in enumerate(goals)
    ]
