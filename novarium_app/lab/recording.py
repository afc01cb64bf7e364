"""Analyse an experiment from fresh marts, and record the learner's decision with everything that follows from it.

Recording a decision, in this order:

1. the results, recomputed from a freshly rebuilt ``experiment_users`` mart in the analysis the learner read (CUPED
   or not: the results page's switch, else the plan's), so the retrospective shows the numbers decided on;
2. the ground truth of the latest completed simulated run, read now and not before (none for keep running: the
   experiment goes on, so the truth stays hidden);
3. the judgement (``decisions.judge``);
4. the experiment's life cycle: ship and don't ship complete it (stopping it first when it runs); keep running
   leaves it running (resuming it when it was stopped);
5. shipping adopts the variant's config into the shop at once;
6. a retrospective row with the whole snapshot.
"""

from dataclasses import dataclass
from typing import Any

from marts.etl import build_experiment_users
from marts.results import ExperimentResults, ExperimentSums, experiment_sums
from marts.storage import Store
from novarium_app.lab import decisions, records
from shop import adoptions, repository
from shop.repository import ExperimentError, ExperimentRecord
from swarm.truth import GroundTruth

ANALYSABLE = ("running", "stopped", "completed")


@dataclass(frozen=True)
class RecordedDecision:
    """A recorded decision and what it did."""

    choice: str
    variant: str | None
    status: str
    judgement: decisions.Judgement
    results: dict[str, Any]
    truth: GroundTruth | None
    adoption: adoptions.AdoptionRecord | None
    retrospective_id: str
    snapshot: dict[str, Any]


def guardrails_of(record: ExperimentRecord) -> list[tuple[str, float, str]]:
    """The experiment's guardrails as (metric, margin, margin_type)."""
    return [(g["metric"], float(g["margin"]), g.get("margin_type", "relative")) for g in record.guardrails]


def planned_units(record: ExperimentRecord) -> int | None:
    """Units per comparison (control + one treatment) the design planned, when it says so."""
    design = record.design.get("design") or {}
    if isinstance(design.get("planned_units"), int) and design["planned_units"] >= 2:
        return design["planned_units"]
    per_variant = design.get("planned_n_per_variant")  # what the builder's power step saves
    if isinstance(per_variant, int) and per_variant >= 1:
        return 2 * per_variant
    return None


def planned_days(record: ExperimentRecord) -> int | None:
    """The plan's horizon in days, when the design says so."""
    days = (record.design.get("design") or {}).get("days")
    return days if isinstance(days, int) and not isinstance(days, bool) and days >= 1 else None


def planned_cuped(record: ExperimentRecord) -> bool:
    """The analysis the design pre-registered: CUPED (True) or not; a design that says nothing reads without it."""
    design = record.design.get("design") or {}
    return design.get("cuped") is True


def analysis_sums(store: Store, record: ExperimentRecord, *, refresh: bool = True) -> ExperimentSums:
    """The experiment's sums, ready for a readout in either analysis; ``refresh`` rebuilds its mart rows first."""
    if refresh:
        build_experiment_users(store, experiment_key=record.key)
    return experiment_sums(
        store,
        record.key,
        variants=[(v.name, v.weight) for v in record.variants],
        control=record.control,
        primary_metric=record.primary_metric or "conversion",
        secondary_metrics=record.secondary_metrics,
        guardrails=guardrails_of(record),
        planned_units=planned_units(record),
    )


def analyse(
    store: Store, record: ExperimentRecord, *, refresh: bool = True, cuped: bool | None = None
) -> ExperimentResults:
    """The experiment's readout with CUPED or without (None: the plan's choice, ``planned_cuped``)."""
    return analysis_sums(store, record, refresh=refresh).readout(planned_cuped(record) if cuped is None else cuped)


def recommendation(results: dict[str, Any], variant: str | None) -> dict[str, Any]:
    """The ship rule's verdict for ``variant`` (or the best one: a ship verdict first) with its reasons."""
    found = results.get("decisions", [])
    chosen = next((d for d in found if d["variant"] == variant), None)
    if chosen is None:
        chosen = next((d for d in found if d["verdict"] == "ship"), found[0] if found else None)
    if chosen is None:
        return {"variant": None, "verdict": "inconclusive", "reasons": []}
    return {"variant": chosen["variant"], "verdict": chosen["verdict"], "reasons": list(chosen["reasons"])}


def experiment_snapshot(record: ExperimentRecord) -> dict[str, Any]:
    """The experiment as the retrospective keeps it."""
    return {
        "key": record.key,
        "name": record.name,
        "hypothesis": record.hypothesis,
        "primary_metric": record.primary_metric,
        "secondary_metrics": record.secondary_metrics,
        "guardrails": record.guardrails,
        "variants": [{"name": v.name, "weight": v.weight, "config": dict(v.config)} for v in record.variants],
        "allocation": record.allocation,
        "design": record.design.get("design") or {},
    }


def record_decision(
    store: Store,
    experiment_key: str,
    *,
    choice: str,
    variant: str | None,
    learnings: str,
    cuped: bool | None = None,
) -> RecordedDecision:
    """Record the learner's decision (see the module docstring for what follows from it).

    ``cuped`` is the analysis the learner read (the results page's switch); None takes the plan's.

    Raises:
        ExperimentNotFound: no experiment has this key.
        ValueError: naming the field and the rule (bad choice, variant or learnings; a draft experiment; keep
            running a completed experiment).
        TransitionError, KnobConflict: the life-cycle change was refused.
    """
    record = repository.get_experiment(store, experiment_key)
    treatments = [v.name for v in record.variants[1:]]
    problems = decisions.form_problems(choice, variant or "", learnings, treatments)
    if problems:
        raise ValueError("; ".join(text[0] for text in problems.values()))
    if record.status not in ANALYSABLE:
        raise ExperimentError(f"experiment {experiment_key!r} is {record.status}; decide on an experiment that ran")
    if choice == "keep_running" and record.status == "completed":
        raise ExperimentError(f"experiment {experiment_key!r} is completed; a completed experiment cannot keep running")
    chosen = variant if choice == "ship" else None
    results = analyse(store, record, cuped=cuped).to_dict()
    truth = None if choice == "keep_running" else records.latest_truth(store, experiment_key)
    primary = record.primary_metric or "conversion"
    judgement = decisions.judge(choice, chosen, truth, primary_metric=primary, guardrails=guardrails_of(record))

    status = _move(store, record, choice)
    adoption = adoptions.adopt(store, experiment_key, chosen, note=learnings.strip()[:500]) if chosen else None
    rows = decisions.reveal_rows(results, truth) if truth is not None else []
    snapshot = {
        "experiment": experiment_snapshot(record),
        "results": results,
        "decision": {"choice": choice, "variant": chosen, **_recommendation_fields(results, chosen)},
        "truth": truth.to_dict() if truth is not None else None,
        "verdict": {
            "decision_correct": judgement.decision_correct,
            "outcome": judgement.outcome,
            "rule": judgement.rule,
            "rule_ko": decisions.RULE[1],
            "explanation": judgement.explanation[0],
            "explanation_ko": judgement.explanation[1],
            "ci_covered": decisions.ci_covered(rows),
        },
    }
    retrospective_id = records.save_retrospective(
        store,
        experiment_key=experiment_key,
        decision=choice,
        outcome=judgement.outcome,
        learnings=learnings.strip(),
        snapshot=snapshot,
    )
    return RecordedDecision(choice, chosen, status, judgement, results, truth, adoption, retrospective_id, snapshot)


def _recommendation_fields(results: dict[str, Any], variant: str | None) -> dict[str, Any]:
    found = recommendation(results, variant)
    return {"recommendation": found["verdict"], "recommended_variant": found["variant"], "reasons": found["reasons"]}


def _move(store: Store, record: ExperimentRecord, choice: str) -> str:
    """Apply the decision to the experiment's life cycle; returns its new status."""
    status = record.status
    if choice == "keep_running":
        if status == "stopped":
            status = repository.start_experiment(store, record.key).status
        return status
    if status == "running":
        status = repository.stop_experiment(store, record.key).status
    if status == "stopped":
        status = repository.complete_experiment(store, record.key).status
    return status
