"""The stored retrospective and what it reads from its snapshot (robust to missing keys)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from marts.metrics import METRICS
from marts.vocabulary import GUARDRAIL_VERDICT_NAMES, OUTCOME_NAMES, VERDICT_NAMES

DECISIONS = ("ship", "dont_ship", "keep_running")
OUTCOMES = ("win", "loss", "flat", "inconclusive")
MAX_LEARNINGS = 10_000
MAX_WRITEUP = 20_000
MAX_KEY = 80
MAX_SOURCE = 80
VERDICT_WORDS = VERDICT_NAMES
"""A decision or the ship rule's verdict in (English, Korean): the one catalog's (``marts.vocabulary``)."""
OUTCOME_WORDS = OUTCOME_NAMES
GUARDRAIL_WORDS = GUARDRAIL_VERDICT_NAMES
DASH = "—"


class RetrospectiveError(ValueError):
    """Input broke a rule; ``errors`` maps each failed field to its rule, and ``str()`` names them all."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{field}: {rule}" for field, rule in self.errors.items()))


class RetrospectiveNotFound(KeyError):
    """No retrospective has this id."""

    def __init__(self, retrospective_id: str) -> None:
        self.retrospective_id = retrospective_id
        super().__init__(retrospective_id)

    def __str__(self) -> str:
        return f"retrospective {self.retrospective_id!r} does not exist"


@dataclass(frozen=True)
class Retrospective:
    """One stored retrospective; ``snapshot`` is the parsed JSON (treat it as read-only)."""

    retrospective_id: str
    experiment_key: str
    created_at: datetime
    decision: str
    outcome: str | None
    learnings: str
    snapshot: dict
    coach_writeup: str | None

    @property
    def experiment(self) -> dict[str, Any]:
        """The experiment's design as it was when the retrospective was saved."""
        return as_dict(self.snapshot.get("experiment"))

    @property
    def results(self) -> dict[str, Any]:
        """The analysis the decision was made on."""
        return as_dict(self.snapshot.get("results"))

    @property
    def name(self) -> str:
        """The experiment's name, or its key."""
        return str(self.experiment.get("name") or self.experiment_key)

    @property
    def hypothesis(self) -> str:
        """The experiment's hypothesis, or an empty string."""
        return str(self.experiment.get("hypothesis") or "")

    @property
    def primary_metric(self) -> str | None:
        """The primary metric's key: the design's, else the first goal metric in the results."""
        if metric := self.experiment.get("primary_metric"):
            return str(metric)
        metrics = as_dicts(self.results.get("metrics"))
        goals = [m for m in metrics if m.get("role", "goal") == "goal"] or metrics
        return str(goals[0]["metric"]) if goals and goals[0].get("metric") else None

    @property
    def recommendation(self) -> str | None:
        """What the ship rule recommended."""
        value = as_dict(self.snapshot.get("decision")).get("recommendation")
        return str(value) if value else None

    @property
    def decision_correct(self) -> bool | None:
        """Whether the decision was right given the truth; None when not judged."""
        value = as_dict(self.snapshot.get("verdict")).get("decision_correct")
        return value if isinstance(value, bool) else None

    @property
    def coach_source(self) -> str | None:
        """Who wrote the coach's write-up (``set_coach_writeup``'s ``source``)."""
        value = as_dict(self.snapshot.get("coach")).get("source")
        return str(value) if value and self.coach_writeup else None


@dataclass(frozen=True)
class Headline:
    """The primary metric's comparison the retrospective is about."""

    metric: str
    label: str
    kind: str
    variant: str
    vs: str
    abs_lift: float | None
    abs_ci: tuple[float | None, float | None]
    rel_lift: float | None
    rel_ci: tuple[float | None, float | None]
    p_value: float | None
    p_value_adjusted: float | None


# ----- reading a snapshot -----------------------------------------------------------------------------------------


def as_dict(value: Any) -> dict[str, Any]:
    """``value`` if it is a dict, else an empty one (snapshots may lack any key)."""
    return value if isinstance(value, dict) else {}


def as_dicts(value: Any) -> list[dict[str, Any]]:
    """The dicts of a list, or an empty list."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def number(value: Any) -> float | None:
    """A finite number as a float, else None."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def pair(value: Any) -> tuple[float | None, float | None]:
    """An interval's two ends (None where missing)."""
    if isinstance(value, list | tuple) and len(value) == 2:
        return number(value[0]), number(value[1])
    return None, None


def metric_label(metric: dict[str, Any] | str) -> str:
    """A metric's readable name: its own label, the catalog's, or its key."""
    key = metric if isinstance(metric, str) else str(metric.get("metric") or "")
    own = None if isinstance(metric, str) else metric.get("label")
    return str(own or (METRICS[key].label if key in METRICS else key))


def metric_kind(metric: dict[str, Any]) -> str:
    """binary, continuous or ratio (older snapshots say ``type``; the catalog fills the gap)."""
    key = str(metric.get("metric") or "")
    return str(metric.get("kind") or metric.get("type") or (METRICS[key].kind if key in METRICS else "continuous"))


def headline(retro: Retrospective) -> Headline | None:
    """The primary metric's comparison: the shipped (else the recommended) variant's, else the first treatment's."""
    primary = retro.primary_metric
    metric = next((m for m in as_dicts(retro.results.get("metrics")) if m.get("metric") == primary), None)
    if metric is None:
        return None
    comparisons = as_dicts(metric.get("comparisons"))
    decision = as_dict(retro.snapshot.get("decision"))
    chosen = decision.get("variant") or decision.get("recommended_variant")
    item = next((c for c in comparisons if c.get("variant") == chosen), comparisons[0] if comparisons else None)
    if item is None:
        return None
    return Headline(
        metric=str(primary),
        label=metric_label(metric),
        kind=metric_kind(metric),
        variant=str(item.get("variant") or ""),
        vs=str(item.get("vs") or retro.results.get("control") or ""),
        abs_lift=number(item.get("abs_lift")),
        abs_ci=pair(item.get("abs_ci")),
        rel_lift=number(item.get("rel_lift")),
        rel_ci=pair(item.get("rel_ci")),
        p_value=number(item.get("p_value")),
        p_value_adjusted=number(item.get("p_value_adjusted")),
    )


def true_effects(retro: Retrospective) -> dict[str, dict[str, dict[str, float | None]]]:
    """variant -> metric -> {"absolute", "relative"} from the truth (run scenario), empty without a truth."""
    truth = as_dict(retro.snapshot.get("truth"))
    effects = as_dict(truth.get("effects")) or as_dict(as_dict(truth.get("run")).get("effects"))
    return {
        str(variant): {
            str(metric): {key: number(as_dict(effect).get(key)) for key in ("absolute", "relative")}
            for metric, effect in as_dict(by_metric).items()
        }
        for variant, by_metric in effects.items()
    }
