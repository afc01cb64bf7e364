"""A run's ground truth recomputed the way a learner could: from public API responses and the public source code.

Everything here is reachable without admin rights: the run (``GET /api/runs/{id}``: its mix, switches, days and
times), the experiment's variants (``GET /api/experiments/{key}``) and the adopted configs (``GET /api/adoptions``),
fed to the open ``Plan.build`` and ``ground_truth``. The persona sensitivities then are the documented (nominal)
ones. Tests pass ``world=`` when they play the admin, who may read the deployment's world.
"""

from datetime import datetime
from typing import Any

import httpx

from swarm.plan import Arm, Plan
from swarm.switches import Switches
from swarm.truth import GroundTruth, ground_truth

EVERY_KNOB = {
    "discount_pct": 20,
    "free_delivery_threshold": 15.0,
    "urgency_badge": "ends_tonight",
    "show_ratings": False,
    "recommendation_layout": "list",
    "checkout_button_text": "Secure order now",
}
"""A treatment that moves every sensitivity of ``swarm.world.SENSITIVITIES``."""
CLEAR_MARGIN = 0.05
"""A recomputed effect this far (relatively) from the stored one is not a rounding difference."""


def public_plan(api: httpx.Client, run_id: str, world: Any = None) -> Plan:
    """The run's plan rebuilt from public responses (in ``world`` when given, else the nominal world)."""
    run = _get(api, f"/api/runs/{run_id}")
    experiment = _get(api, f"/api/experiments/{run['experiment_key']}")
    adopted: dict[str, Any] = {}
    active = [a for a in _get(api, "/api/adoptions") if a["rolled_back_at"] is None]
    for adoption in sorted(active, key=lambda a: (a["adopted_at"], a["adoption_id"])):
        adopted.update(adoption["config"])
    params = run["params"]
    arms = [Arm(v["name"], {**adopted, **v["config"]}, v["weight"]) for v in experiment["variants"]]
    extra = {} if world is None else {"world": world}
    return Plan.build(
        arms,
        mix=params["mix"],
        switches=Switches(**params["switches"]),
        days=params["days"],
        end=datetime.fromisoformat(run["started_at"]).replace(tzinfo=None),
        **extra,
    )


def public_truth(api: httpx.Client, run_id: str, world: Any = None) -> GroundTruth:
    """The run's ground truth recomputed from public responses (see ``public_plan``)."""
    return ground_truth(public_plan(api, run_id, world))


def largest_gap(one: GroundTruth, other: GroundTruth) -> float:
    """The largest relative difference between two truths' effects, over the mix and per persona, both scenarios."""
    gaps = [0.0]
    for table in ("run", "lasting"):
        first, second = getattr(one, table), getattr(other, table)
        pairs = [(first.effects, second.effects)]
        pairs += [(first.persona_effects[p], second.persona_effects[p]) for p in first.persona_effects]
        for mine, theirs in pairs:
            for variant, by_metric in mine.items():
                for metric, effect in by_metric.items():
                    a, b = effect.absolute, theirs[variant][metric].absolute
                    if a is not None and b is not None and max(abs(a), abs(b)) > 1e-9:
                        gaps.append(abs(a - b) / max(abs(a), abs(b)))
    return max(gaps)


def _get(api: httpx.Client, path: str) -> Any:
    response = api.get(path)
    response.raise_for_status()
    return response.json()
