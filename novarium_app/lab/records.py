"""What the results page reads and writes beside the analysis: the ground truth, past decisions, retrospectives
(``marts.retrospectives``) and the peeking record (``marts.peeking``).

The ground truth is read only by ``latest_truth``, and only ``recording.record_decision`` calls it: the truth never
reaches the page before a decision is recorded.
"""

import json
from dataclasses import dataclass
from typing import Any

from marts import peeking, retrospectives
from marts.storage import Store
from swarm.truth import GroundTruth

_LATEST_TRUTH = """
SELECT truth FROM runs
WHERE experiment_key = :key AND truth IS NOT NULL
ORDER BY CASE WHEN status = 'completed' THEN 0 ELSE 1 END, started_at DESC, run_id DESC
LIMIT 1
"""


@dataclass(frozen=True)
class PastDecision:
    """The latest recorded decision on an experiment (its newest retrospective)."""

    retrospective_id: str
    decision: str
    outcome: str | None
    learnings: str
    snapshot: dict[str, Any]

    @property
    def final(self) -> bool:
        """Whether it ended the experiment (ship or don't ship); keep running leaves it open."""
        return self.decision in ("ship", "dont_ship")


def latest_truth(store: Store, experiment_key: str) -> GroundTruth | None:
    """The ground truth of the experiment's latest completed simulated run, or None.

    Without a completed run, the latest run's truth (a stopped or interrupted run): the truth depends on the run's
    plan, not on how many of its shoppers came.
    """
    text = store.scalar(_LATEST_TRUTH, {"key": experiment_key})
    return GroundTruth.from_dict(json.loads(text)) if text else None


def latest_decision(store: Store, experiment_key: str) -> PastDecision | None:
    """The newest retrospective recorded for the experiment, or None."""
    mine = [r for r in retrospectives.list_retrospectives(store) if r.experiment_key == experiment_key]
    if not mine:
        return None
    retro = mine[0]  # newest first
    return PastDecision(retro.retrospective_id, retro.decision, retro.outcome, retro.learnings, dict(retro.snapshot))


def save_retrospective(
    store: Store, *, experiment_key: str, decision: str, outcome: str, learnings: str, snapshot: dict[str, Any]
) -> str:
    """Save the decision as a retrospective; returns its id (raises ``RetrospectiveError`` naming bad fields)."""
    saved = retrospectives.save_retrospective(
        store, experiment_key=experiment_key, decision=decision, outcome=outcome, learnings=learnings, snapshot=snapshot
    )
    return saved.retrospective_id


def record_results_view(store: Store, experiment_key: str) -> None:
    """Record that a running experiment's results were looked at (one look for the peeking report)."""
    peeking.record_results_view(store, experiment_key)
