"""The learner's own peeking: every opening of an experiment's results, and what looking early does to alpha.

The results page calls ``record_results_view`` each time it shows an experiment. A view while the experiment is
running is a *look*: a chance to stop on a naive p-value that dipped below alpha by luck. ``peeking_report`` counts
the looks per experiment and turns them into the false-positive rate they imply with ``peeking_alpha``.

``peeking_alpha(K, alpha)`` is the chance that at least one of ``K`` equally spaced looks at accumulating data gives
``|z| > z_(1 - alpha / 2)`` when there is no effect (Armitage, McPherson and Rowe, 1969). It is computed exactly
(up to quadrature) by their recursive numerical integration over the continuation region, so it is deterministic:
K = 2, 5, 10, 20 at alpha 0.05 give 0.083, 0.142, 0.193, 0.248.
"""

import math
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import numpy as np
import sqlalchemy as sa
from scipy import special

from marts.storage import Store

MAX_LOOKS = 1_000
"""``peeking_alpha`` accepts up to this many looks (about 1 second of work; alpha is then 0.53 at 5%)."""
SAME_LOOK = timedelta(minutes=1)
"""Views of one experiment closer together than this are one look (a reload shows the same data)."""
_GRID_POINTS = 201
_MAX_KEY_LENGTH = 80


@dataclass(frozen=True)
class ExperimentPeeking:
    """How one experiment was looked at.

    Attributes:
        key, name, status: the experiment.
        views: every recorded opening of its results.
        looks: distinct looks while it was running (views less than ``SAME_LOOK`` apart count once).
        mid_run_looks: of those, looks taken while a swarm run was still sending data.
        alpha: the planned significance level.
        implied_alpha: the false-positive rate of stopping at the first naive significant look among ``looks``.
    """

    key: str
    name: str
    status: str
    views: int
    looks: int
    mid_run_looks: int
    alpha: float
    implied_alpha: float

    @property
    def inflation(self) -> float:
        """How many times the planned alpha the implied one is."""
        return self.implied_alpha / self.alpha


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def record_results_view(
    store: Store, experiment_key: str, *, run_id: str | None = None, viewed_at: datetime | None = None
) -> None:
    """Record that the learner opened ``experiment_key``'s results now (or at ``viewed_at``, naive UTC).

    ``run_id`` defaults to the experiment's swarm run that is sending data at that moment, if any.

    Raises:
        ValueError: when experiment_key is empty or longer than 80 characters.
        StorageError, sqlalchemy.exc.SQLAlchemyError: when the database refuses the write.
    """
    if not isinstance(experiment_key, str) or not 0 < len(experiment_key.strip()) <= _MAX_KEY_LENGTH:
        raise ValueError(f"experiment_key: must be 1 to {_MAX_KEY_LENGTH} characters (got {experiment_key!r})")
    viewed_at = viewed_at or _utcnow()
    with store.transaction() as conn:
        if run_id is None:
            run_id = conn.execute(
                sa.text(
                    "SELECT run_id FROM runs WHERE experiment_key = :key AND status = 'running' "
                    "ORDER BY started_at DESC LIMIT 1"
                ),
                {"key": experiment_key},
            ).scalar()
        conn.execute(
            sa.text(
                "INSERT INTO results_views (view_id, experiment_key, viewed_at, run_id) "
                "VALUES (:view_id, :key, :viewed_at, :run_id)"
            ),
            {"view_id": uuid.uuid4().hex, "key": experiment_key, "viewed_at": viewed_at, "run_id": run_id},
        )


def views_by_experiment(store: Store) -> dict[str, list[datetime]]:
    """Every recorded view, per experiment key, oldest first."""
    rows = store.query("SELECT experiment_key, viewed_at FROM results_views ORDER BY experiment_key, viewed_at")
    views: dict[str, list[datetime]] = {}
    for row in rows:
        views.setdefault(row["experiment_key"], []).append(row["viewed_at"])
    return views


def count_looks(views: Iterable[datetime], same_look: timedelta = SAME_LOOK) -> int:
    """Distinct looks among view times: a view within ``same_look`` of the previous one adds no look."""
    looks, last = 0, None
    for moment in sorted(views):
        if last is None or moment - last >= same_look:
            looks += 1
        last = moment
    return looks


def _check_alpha(alpha: float) -> float:
    if isinstance(alpha, bool) or not isinstance(alpha, int | float) or not 0 < alpha < 1:
        raise ValueError(f"alpha: must be a number strictly between 0 and 1 (got {alpha!r})")
    return float(alpha)


def peeking_alpha(looks: int, alpha: float = 0.05) -> float:
    """The false-positive rate of stopping at the first of ``looks`` equally spaced looks with naive p < alpha.

    Two-sided z-tests on accumulating data under the null; one look gives alpha itself.

    Raises:
        ValueError: when looks is not a whole number from 1 to 1,000, or alpha is not strictly between 0 and 1.
    """
    if isinstance(looks, bool) or not isinstance(looks, int | np.integer) or not 1 <= looks <= MAX_LOOKS:
        raise ValueError(f"looks: must be a whole number from 1 to {MAX_LOOKS:,} (got {looks!r})")
    return _peeking_alpha(int(looks), _check_alpha(alpha))


@lru_cache(maxsize=4096)
def _peeking_alpha(looks: int, alpha: float) -> float:
    """Recursive numerical integration of the sub-density of the running sum S_k inside |S_k| < c sqrt(k)."""
    bound = float(special.ndtri(1 - alpha / 2))
    crossed = alpha
    grid, weights = _trapezoid(bound)
    mass = np.exp(-grid * grid / 2) / math.sqrt(2 * math.pi) * weights  # S_1 ~ N(0, 1), kept inside the region
    for look in range(2, looks + 1):
        edge = bound * math.sqrt(look)
        stay = special.ndtr(edge - grid) - special.ndtr(-edge - grid)
        crossed += float(mass @ (1.0 - stay))
        next_grid, next_weights = _trapezoid(edge)
        gap = next_grid[:, None] - grid[None, :]
        density = np.exp(-gap * gap / 2) / math.sqrt(2 * math.pi) @ mass
        grid, mass = next_grid, density * next_weights
    return min(crossed, 1.0)


def _trapezoid(edge: float) -> tuple[np.ndarray, np.ndarray]:
    grid = np.linspace(-edge, edge, _GRID_POINTS)
    weights = np.full(_GRID_POINTS, grid[1] - grid[0])
    weights[[0, -1]] /= 2
    return grid, weights


def peeking_report(store: Store, alpha: float = 0.05, now: datetime | None = None) -> list[ExperimentPeeking]:
    """Per experiment that has ever started (newest first): its looks while running and the alpha they imply.

    A view counts as a look while running when it falls between the experiment's start and its stop (or ``now``).
    """
    alpha = _check_alpha(alpha)
    now = now or _utcnow()
    experiments = store.query(
        "SELECT key, name, status, started_at, stopped_at FROM experiments "
        "WHERE started_at IS NOT NULL ORDER BY started_at DESC, key"
    )
    rows = store.query("SELECT experiment_key, viewed_at, run_id FROM results_views ORDER BY viewed_at")
    views: dict[str, list[tuple[datetime, str | None]]] = {}
    for row in rows:
        views.setdefault(row["experiment_key"], []).append((row["viewed_at"], row["run_id"]))
    report = []
    for experiment in experiments:
        seen = views.get(experiment["key"], [])
        end = experiment["stopped_at"] or now
        running = [(moment, run) for moment, run in seen if experiment["started_at"] <= moment <= end]
        looks = count_looks(moment for moment, _ in running)
        mid_run = count_looks(moment for moment, run in running if run is not None)
        report.append(
            ExperimentPeeking(
                key=experiment["key"],
                name=experiment["name"],
                status=experiment["status"],
                views=len(seen),
                looks=looks,
                mid_run_looks=mid_run,
                alpha=alpha,
                implied_alpha=peeking_alpha(min(max(looks, 1), MAX_LOOKS), alpha),
            )
        )
    return report
