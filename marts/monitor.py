"""The live run monitor: a run's exposures, primary metric, peeking p-values and event rate over time, from SQL.

Everything is aggregated in the database by time bucket, so one look at a run costs one pass over its events and
returns at most ``MAX_LOOKS`` rows per variant, however large the run:

- **Time.** A run is days of the experiment's own calendar: its plan stores the window's start and its days, and
  every event carries a simulated timestamp (``ts``) inside it. So a run, watched or fast-forwarded, is bucketed by
  ``ts`` over its whole window (the ``calendar`` clock), in looks a whole number of which make a day
  (``DAY_WIDTHS``), and the Lab shows day 1 to day D. Runs stored before plans kept a window are read as before: an
  HTTP run by arrival (``received_at``) from its start, an engine run by the span of its ``ts``, in widths that
  grow in steps (``WIDTHS``) as the run gets longer.
- **Attribution.** The same rule as the ``experiment_users`` mart (``marts.etl.experiment_users``): the run's users
  enter at their first ``exposure`` carrying the experiment's key (if ``assignments`` gives them a variant); from
  their first exposure's ``ts`` on, their events with that key or with no key count. Each user enters the curves at
  the bucket their exposure arrived in, and each event counts at the later of its own bucket and that one.
- **Increments.** Per variant and bucket the query returns the users who entered and the change in the metric's
  sufficient statistics (sum and sum of squares of the per-user values, via a per-user running total), so the
  cumulative statistics at every look are running sums. The last look equals the mart built from the same data.

Looks at those cumulative statistics give the naive and the always-valid (mSPRT) p-values
(``marts.stats.sequential.trajectory``), and the units per variant give the SRM check against the experiment's
planned weights. ``monitor_run`` reads everything in one transaction (``snapshot``), so the pieces agree. Nothing
here reads a run's ground truth (``runs.truth``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, Protocol

import sqlalchemy as sa

from marts.etl.checks import valid_amount
from marts.etl.experiment_users import COUNTED_EVENTS
from marts.metrics import METRICS, Metric
from marts.stats.sequential import SequentialConfig, SequentialResult, trajectory
from marts.stats.srm import SrmResult, check_srm
from marts.stats.sufficient import SampleStats
from marts.storage import Store

Clock = Literal["received", "simulated", "calendar"]
CLOCK_COLUMNS: dict[str, str] = {"received": "received_at", "simulated": "ts", "calendar": "ts"}
DAY = 86_400
DAY_WIDTHS: tuple[int, ...] = (3600, 7200, 10800, 14400, 21600, 28800, 43200, DAY)
"""Calendar look widths in seconds: each divides a day, so looks line up with the run's days."""
CALENDAR_LOOKS = 48
"""The most looks a calendar window takes, unless even one look a day makes more (a run of over 48 days)."""
MAX_LOOKS = 240
"""The most buckets (looks) a monitor has: the payload bound."""
WIDTHS: tuple[int, ...] = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400)
"""Bucket widths in seconds, smallest first; a run uses the smallest that keeps it within ``MAX_LOOKS``."""
ALPHA = 0.05
DEFAULT_METRIC = "conversion"

# Metric columns of the mart -> the event they come from and whether they sum its value (revenue) or count it.
_SOURCES: dict[str, tuple[str, bool]] = {column: (name, False) for name, column in COUNTED_EVENTS.items()}
_SOURCES["revenue"] = ("purchase", True)


class Reader(Protocol):
    """What the monitor reads through: a ``Store`` or a ``snapshot``."""

    def query(self, sql: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]: ...


class _Snapshot:
    """Queries on one connection, inside one transaction."""

    def __init__(self, conn: sa.Connection) -> None:
        self._conn = conn

    def query(self, sql: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        return [dict(row) for row in self._conn.execute(sa.text(sql), dict(params or {})).mappings()]


@contextmanager
def snapshot(store: Store) -> Iterator[Reader]:
    """One read transaction, so a look's curves, events and assignments agree with each other.

    On PostgreSQL it is REPEATABLE READ (one snapshot for every query) with JIT compilation off: the look's
    queries are planned as costly enough to compile, and compiling took seconds longer than running them.
    """
    with store.transaction() as conn:
        if store.backend == "postgres":
            conn.execute(sa.text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
            conn.execute(sa.text("SET LOCAL jit = off"))
        yield _Snapshot(conn)


class MonitorError(LookupError):
    """The run cannot be monitored (it does not exist); ``str()`` names the run."""


@dataclass(frozen=True)
class MonitoredRun:
    """What the monitor needs of a run and its experiment (never the run's ground truth).

    Attributes:
        variants: the experiment's variants in order, control first; ``weights`` their planned weights.
        allocation: the experiment's traffic allocation, in percent.
        planned_per_variant: the users per variant the experiment's power plan asked for (None without a plan).
        planned_days: the days the experiment's plan asked for (None without a plan).
        primary_metric: the experiment's primary metric key (``DEFAULT_METRIC`` when it has none).
        window_start: the start of the run's window of simulated days (None for runs stored without one).
        days: how many days the run's window covers (None for runs stored without a window).
    """

    run_id: str
    experiment_key: str
    kind: str
    status: str
    agents_planned: int
    started_at: datetime
    finished_at: datetime | None
    primary_metric: str
    allocation: float
    variants: tuple[str, ...]
    weights: tuple[float, ...]
    planned_per_variant: int | None = None
    planned_days: int | None = None
    window_start: datetime | None = None
    days: int | None = None

    @property
    def clock(self) -> Clock:
        """How the run's time is read: its calendar of simulated days; for older runs, arrival (HTTP) or ``ts``."""
        if self.window_start is not None and self.days:
            return "calendar"
        return "simulated" if self.kind == "engine" else "received"

    @property
    def control(self) -> str:
        """The first variant."""
        return self.variants[0]


@dataclass(frozen=True)
class Window:
    """The run's time buckets: bucket ``i`` covers ``[origin + i * width, origin + (i + 1) * width)``.

    The last bucket also takes anything later, so no event is ever left out.
    """

    clock: Clock
    origin: datetime
    end: datetime
    width: int
    looks: int

    def look_end(self, index: int) -> datetime:
        """When look ``index`` is taken: the end of its bucket, or the window's end for the last, partial one."""
        return min(self.origin + timedelta(seconds=(index + 1) * self.width), self.end)


@dataclass(frozen=True)
class VariantCurve:
    """One variant's cumulative units and metric statistics at each look.

    Attributes:
        stats: per look, the per-user metric values' sufficient statistics (for a ratio metric, of the numerator).
        denominators: per look, a ratio metric's denominator sum; empty for other metrics.
    """

    variant: str
    stats: tuple[SampleStats, ...]
    denominators: tuple[float, ...] = ()

    @property
    def units(self) -> tuple[int, ...]:
        """Exposed users at each look."""
        return tuple(stat.n for stat in self.stats)

    def values(self) -> tuple[float | None, ...]:
        """The metric at each look: the mean per user, or the ratio of sums; None before any unit (or denominator)."""
        if self.denominators:
            return tuple(
                stat.sum / den if den > 0 else None for stat, den in zip(self.stats, self.denominators, strict=True)
            )
        return tuple(stat.mean if stat.n else None for stat in self.stats)


@dataclass(frozen=True)
class Peeking:
    """One treatment against control at every look: naive and always-valid p-values (``SequentialResult``)."""

    variant: str
    control: str
    looks: tuple[SequentialResult, ...]
    config: SequentialConfig

    def naive_below(self) -> list[int]:
        """The looks at which the naive p-value was below alpha (each one a tempting, invalid stop)."""
        return _below([look.naive_p_value for look in self.looks], self.config.alpha)

    def valid_below(self) -> list[int]:
        """The looks at which the always-valid p-value was below alpha."""
        return _below([look.p_value for look in self.looks], self.config.alpha)


def _below(p_values: list[float | None], alpha: float) -> list[int]:
    return [index for index, p in enumerate(p_values) if p is not None and p < alpha]


@dataclass(frozen=True)
class RunMonitor:
    """A run as its monitor shows it at one moment.

    Attributes:
        events: events of the run stored per bucket (all names, exposures included).
        assigned: the run's users per variant in ``assignments``; ``srm_assigned`` checks them.
        srm: the SRM check of the exposed users (the units the analysis uses) against the planned weights.
        peeking: per treatment variant, for binary and continuous metrics; empty for ratio metrics.
    """

    run: MonitoredRun
    metric: Metric
    window: Window
    curves: tuple[VariantCurve, ...]
    events: tuple[int, ...]
    assigned: dict[str, int]
    srm_assigned: SrmResult
    srm: SrmResult
    peeking: tuple[Peeking, ...]

    @property
    def exposed(self) -> dict[str, int]:
        """Exposed users per variant at the last look."""
        return {curve.variant: curve.stats[-1].n for curve in self.curves}


# ----- reading the run ----------------------------------------------------------------------------------------

_RUN = """
SELECT r.run_id, r.experiment_key, r.kind, r.status, r.agents_planned, r.started_at, r.finished_at, r.params,
       x.primary_metric, x.allocation, x.design
FROM runs AS r JOIN experiments AS x ON x.key = r.experiment_key
WHERE r.run_id = :run_id
"""
_VARIANTS = "SELECT name, weight FROM variants WHERE experiment_key = :key ORDER BY position, name"
_SPAN = "SELECT MIN(ts) AS first, MAX(ts) AS last FROM events WHERE run_id = :run_id"


def read_run(store: Reader, run_id: str) -> MonitoredRun:
    """The run, its experiment's design and planned split.

    Raises:
        MonitorError: when no run has this id.
    """
    rows = store.query(_RUN, {"run_id": run_id})
    if not rows:
        raise MonitorError(f"run {run_id!r} does not exist")
    row = rows[0]
    arms = store.query(_VARIANTS, {"key": row["experiment_key"]})
    metric = row["primary_metric"] if row["primary_metric"] in METRICS else DEFAULT_METRIC
    start, days = run_calendar(row["params"])
    return MonitoredRun(
        run_id=row["run_id"],
        experiment_key=row["experiment_key"],
        kind=row["kind"],
        status=row["status"],
        agents_planned=int(row["agents_planned"]),
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        primary_metric=metric,
        allocation=float(row["allocation"]),
        variants=tuple(arm["name"] for arm in arms),
        weights=tuple(float(arm["weight"]) for arm in arms),
        planned_per_variant=_planned(row["design"], "planned_n_per_variant"),
        planned_days=_planned(row["design"], "days"),
        window_start=start,
        days=days,
    )


def _planned(design: str | None, name: str) -> int | None:
    """A whole number of the builder's plan (``planned_n_per_variant``, ``days``) from a stored design document."""
    try:
        planned = (json.loads(design or "{}").get("design") or {}).get(name)
    except (ValueError, AttributeError):
        return None
    return planned if isinstance(planned, int) and not isinstance(planned, bool) and planned >= 1 else None


def run_calendar(params: str | None) -> tuple[datetime | None, int | None]:
    """The start and the days of a run's window from its stored parameters (its plan); (None, None) without."""
    try:
        plan = json.loads(params or "{}").get("plan") or {}
        start, days = datetime.fromisoformat(plan["start"]), plan["days"]
    except (ValueError, AttributeError, KeyError, TypeError):
        return None, None
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        return None, None
    return start.replace(tzinfo=None), days


def bucket_width(span_seconds: float, max_looks: int = MAX_LOOKS) -> int:
    """The smallest width in ``WIDTHS`` that covers ``span_seconds`` in at most ``max_looks`` buckets."""
    for width in WIDTHS:
        if span_seconds <= width * max_looks:
            return width
    return math.ceil(span_seconds / max_looks)


def make_window(clock: Clock, origin: datetime, end: datetime, max_looks: int = MAX_LOOKS) -> Window:
    """Buckets from ``origin`` to ``end`` (at least one bucket)."""
    span = max((end - origin).total_seconds(), 0.0)
    width = bucket_width(span, max_looks)
    looks = max(1, min(max_looks, math.ceil(span / width)))
    return Window(clock, origin, max(end, origin), width, looks)


def calendar_window(origin: datetime, days: int, max_looks: int = CALENDAR_LOOKS) -> Window:
    """Looks over ``days`` simulated days from ``origin``: the narrowest ``DAY_WIDTHS`` width within ``max_looks``."""
    width = next((width for width in DAY_WIDTHS if days * DAY <= width * max_looks), DAY)
    return Window("calendar", origin, origin + timedelta(days=days), width, days * DAY // width)


def run_window(store: Reader, run: MonitoredRun, now: datetime | None = None) -> Window:
    """The run's buckets: over its calendar; for older runs, from its start to its end (or ``now``, naive UTC), or
    over its simulated visits."""
    if run.clock == "calendar" and run.window_start is not None and run.days:
        return calendar_window(run.window_start, run.days)
    if run.clock == "simulated":
        span = store.query(_SPAN, {"run_id": run.run_id})[0]
        if span["first"] is not None:
            return make_window("simulated", span["first"], span["last"] + timedelta(seconds=1))
    end = run.finished_at or now or datetime.now(UTC).replace(tzinfo=None)
    return make_window("received", run.started_at, max(end, run.started_at + timedelta(seconds=1)))


# ----- the aggregations ---------------------------------------------------------------------------------------

_BUCKET = (
    "LEAST(CAST(:last AS INTEGER), GREATEST(0, CAST(FLOOR(EXTRACT(EPOCH FROM ({column} - CAST(:origin AS TIMESTAMP)))"
    " / :width) AS INTEGER)))"
)


def _bucket(column: str) -> str:
    return _BUCKET.format(column=column)


def _measure(column: str) -> str:
    """A mart column as a per-event SQL expression over ``e``: 1 per counted event, or the purchase value."""
    name, valued = _SOURCES[column]
    then = "COALESCE(e.value, 0)" if valued else "1"
    return f"CAST(CASE WHEN e.name = '{name}' THEN {then} ELSE 0 END AS DOUBLE PRECISION)"


def metric_sql(metric: Metric, clock: Clock) -> str:
    """The per-(variant, bucket) increments of the metric's statistics (see the module docstring)."""
    column = CLOCK_COLUMNS[clock]
    columns = [metric.numerator, *([metric.denominator] if metric.denominator else [])]
    names = sorted({_SOURCES[name][0] for name in columns})
    listed = ", ".join(f"'{name}'" for name in names)
    numerator = _measure(metric.numerator)
    denominator = _measure(metric.denominator) if metric.denominator else "CAST(0 AS DOUBLE PRECISION)"
    outcome = f"""
    SELECT x.user_id, x.variant, GREATEST(x.entry, {_bucket("e." + column)}) AS bucket,
           {numerator} AS num, {denominator} AS den
    FROM exposed AS x
    JOIN events AS e ON {{join}}
    WHERE e.ts >= x.first_exposure_at AND e.name IN ({listed}) AND {valid_amount("e.value")}"""
    return f"""
WITH entered AS (
    SELECT user_id, MIN({column}) AS entered_at
    FROM events
    WHERE name = 'exposure' AND experiment_key = :key AND run_id = :run_id
    GROUP BY user_id
),
firsts AS (
    SELECT user_id, MIN(ts) AS first_exposure_at
    FROM events
    WHERE name = 'exposure' AND experiment_key = :key
    GROUP BY user_id
),
exposed AS (
    SELECT n.user_id, a.variant, f.first_exposure_at, {_bucket("n.entered_at")} AS entry
    FROM entered AS n
    JOIN firsts AS f ON f.user_id = n.user_id
    JOIN assignments AS a ON a.experiment_key = :key AND a.user_id = n.user_id
),
outcomes AS ({outcome.format(join="e.experiment_key = :key AND e.user_id = x.user_id")}
    UNION ALL{outcome.format(join="e.user_id = x.user_id AND e.experiment_key IS NULL")}
),
steps AS (
    SELECT user_id, variant, bucket, SUM(num) AS num, SUM(den) AS den
    FROM outcomes
    GROUP BY user_id, variant, bucket
),
running AS (
    SELECT variant, bucket, num, den, SUM(num) OVER (PARTITION BY user_id ORDER BY bucket) AS total
    FROM steps
)
SELECT variant, bucket, SUM(entered) AS entered, SUM(num) AS num, SUM(num_sq) AS num_sq, SUM(hits) AS hits,
       SUM(den) AS den
FROM (
    SELECT variant, entry AS bucket, 1 AS entered, CAST(0 AS DOUBLE PRECISION) AS num,
           CAST(0 AS DOUBLE PRECISION) AS num_sq, 0 AS hits, CAST(0 AS DOUBLE PRECISION) AS den
    FROM exposed
    UNION ALL
    SELECT variant, bucket, 0, num, total * total - (total - num) * (total - num),
           CASE WHEN total > 0 AND total - num <= 0 THEN 1 ELSE 0 END, den
    FROM running
) AS increments
GROUP BY variant, bucket
ORDER BY variant, bucket
"""


def _events_sql(clock: Clock) -> str:
    column = _bucket(CLOCK_COLUMNS[clock])
    return (
        f"SELECT bucket, COUNT(*) AS events FROM (SELECT {column} AS bucket FROM events WHERE run_id = :run_id) AS b "
        "GROUP BY bucket"
    )


_ASSIGNED = (
    "SELECT variant, COUNT(*) AS users FROM assignments WHERE experiment_key = :key AND run_id = :run_id "
    "GROUP BY variant"
)


def _window_params(window: Window) -> dict[str, object]:
    return {"origin": window.origin, "width": float(window.width), "last": window.looks - 1}


def metric_curves(store: Reader, run: MonitoredRun, metric: Metric, window: Window) -> tuple[VariantCurve, ...]:
    """Each variant's cumulative statistics at every look (the experiment's variants first, in order)."""
    params = {"key": run.experiment_key, "run_id": run.run_id, **_window_params(window)}
    rows = store.query(metric_sql(metric, window.clock), params)
    names = list(run.variants) + sorted({row["variant"] for row in rows} - set(run.variants))
    binary = metric.kind == "binary"
    steps = {name: [[0, 0.0, 0.0, 0.0] for _ in range(window.looks)] for name in names}
    for row in rows:
        step = steps[row["variant"]][int(row["bucket"])]
        hits = float(row["hits"] or 0)
        step[0] += int(row["entered"] or 0)
        step[1] += hits if binary else float(row["num"] or 0.0)
        step[2] += hits if binary else float(row["num_sq"] or 0.0)
        step[3] += float(row["den"] or 0.0)
    return tuple(_cumulate(name, steps[name], with_denominator=metric.denominator is not None) for name in names)


def _cumulate(variant: str, steps: list[list[float]], *, with_denominator: bool) -> VariantCurve:
    n, total, squares, den = 0, 0.0, 0.0, 0.0
    stats, denominators = [], []
    for entered, num, num_sq, step_den in steps:
        n, total, squares, den = n + int(entered), total + num, squares + num_sq, den + step_den
        stats.append(SampleStats(n, total, max(squares, 0.0)))
        denominators.append(den)
    return VariantCurve(variant, tuple(stats), tuple(denominators) if with_denominator else ())


def event_counts(store: Reader, run_id: str, window: Window) -> tuple[int, ...]:
    """The run's stored events per bucket."""
    counts = [0] * window.looks
    for row in store.query(_events_sql(window.clock), {"run_id": run_id, **_window_params(window)}):
        counts[int(row["bucket"])] += int(row["events"])
    return tuple(counts)


def assignment_counts(store: Reader, run: MonitoredRun) -> dict[str, int]:
    """The run's users per variant in ``assignments`` (every planned variant present, 0 when empty)."""
    counts = dict.fromkeys(run.variants, 0)
    for row in store.query(_ASSIGNED, {"key": run.experiment_key, "run_id": run.run_id}):
        counts[row["variant"]] = int(row["users"])
    return counts


# ----- statistics over the looks ------------------------------------------------------------------------------


def planned_units(run: MonitoredRun, variant: str) -> int:
    """Units the run is expected to put in control and ``variant`` together: the mSPRT's tuning point."""
    weights = dict(zip(run.variants, run.weights, strict=True))
    total = sum(weights.values())
    share = (weights.get(run.control, 0.0) + weights.get(variant, 0.0)) / total if total > 0 else 1.0
    return max(2, round(run.agents_planned * min(run.allocation, 100.0) / 100.0 * share))


def peeking_curves(
    run: MonitoredRun, curves: Sequence[VariantCurve], metric: Metric, alpha: float = ALPHA
) -> tuple[Peeking, ...]:
    """Naive and always-valid p-values of each treatment against control at every look (none for ratio metrics)."""
    if metric.kind == "ratio" or not curves:
        return ()
    control = curves[0]
    peeking = []
    for curve in curves[1:]:
        config = SequentialConfig(alpha=alpha, planned_units=planned_units(run, curve.variant))
        looks = trajectory(list(zip(control.stats, curve.stats, strict=True)), config)
        peeking.append(Peeking(curve.variant, control.variant, tuple(looks), config))
    return tuple(peeking)


def monitor_run(store: Store, run_id: str, now: datetime | None = None, alpha: float = ALPHA) -> RunMonitor:
    """Everything the Lab's run monitor shows for one run, as of ``now`` (naive UTC; default: the current time).

    Raises:
        MonitorError: when no run has this id.
    """
    with snapshot(store) as reader:
        run = read_run(reader, run_id)
        metric = METRICS[run.primary_metric]
        window = run_window(reader, run, now)
        curves = metric_curves(reader, run, metric, window)
        events = event_counts(reader, run_id, window)
        assigned = assignment_counts(reader, run)
    weights = dict(zip(run.variants, run.weights, strict=True))
    exposed = {curve.variant: curve.stats[-1].n for curve in curves}
    return RunMonitor(
        run=run,
        metric=metric,
        window=window,
        curves=curves,
        events=events,
        assigned=assigned,
        srm_assigned=check_srm(assigned, weights),
        srm=check_srm(exposed, weights),
        peeking=peeking_curves(run, curves, metric, alpha),
    )
