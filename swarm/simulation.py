"""The vectorised simulation core: users -> visits -> per-user outcomes, in memory, through ``sample_visits``.

``simulate_visits`` turns visitors (persona and arm per visitor) into every visit they make: ``draw_schedule`` gives
each visit its day and time from the shop's traffic (``swarm.traffic``), then each (persona, arm, day) group is
sampled through the shared ``swarm.sampling.sample_visits``.
``simulate_outcomes`` draws the users too and sums their visits into the ``experiment_users`` columns without
touching a database; ``iter_experiments`` does that for thousands of small experiments (A/A and peeking lessons).
The engine (``swarm.engine``) writes the same visits as events instead.

In memory the arm comes from a random draw with the arms' weights; the engine uses the shop's assignment hash.
Both give each user an arm independent of everything else, so the two are statistically identical.
"""

from collections.abc import Iterator
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from swarm.plan import PERSONA_NAMES, Plan
from swarm.sampling import sample_visits
from swarm.traffic import draw_visitors

COUNT_COLUMNS = ("page_views", "banner_clicks", "searches", "item_views", "add_to_carts", "checkouts", "purchases")


@dataclass(frozen=True)
class VisitLog:
    """Every visit of a group of users, one entry per visit in every array (grouped by user, first visit first).

    Attributes:
        user: the user's index in the simulated group.
        day: the run day (0-based) of the visit.
        second: when it starts, in seconds from the start of the run window.
        first: whether it is the user's first visit (where the exposure is logged).
        banner_click, searched, viewed, items_viewed, carted, checked_out, purchased, value: as ``sample_visits``.
    """

    user: np.ndarray
    day: np.ndarray
    second: np.ndarray
    first: np.ndarray
    banner_click: np.ndarray
    searched: np.ndarray
    viewed: np.ndarray
    items_viewed: np.ndarray
    carted: np.ndarray
    checked_out: np.ndarray
    purchased: np.ndarray
    value: np.ndarray

    def __len__(self) -> int:
        return len(self.user)


@dataclass(frozen=True)
class Outcomes:
    """Per-user outcomes of simulated users: the ``experiment_users`` columns as arrays, one entry per user.

    Attributes:
        arms: the variants' names (``arm`` indexes them).
        start: the start of the run window (``first_second`` counts from it).
        arm: each user's variant index.
        persona: each user's persona index in ``PERSONA_NAMES``.
        exposed: False for users whose exposure the exposure bug dropped (they are missing from the mart).
        first_day: the run day of the first visit (the exposure).
        first_second: when the first visit starts, in seconds from ``start``.
        page_views, banner_clicks, searches, item_views, add_to_carts, checkouts, purchases: event counts.
        revenue: the sum of the user's order values in $.
    """

    arms: tuple[str, ...]
    start: np.datetime64
    arm: np.ndarray
    persona: np.ndarray
    exposed: np.ndarray
    first_day: np.ndarray
    first_second: np.ndarray
    page_views: np.ndarray
    banner_clicks: np.ndarray
    searches: np.ndarray
    item_views: np.ndarray
    add_to_carts: np.ndarray
    checkouts: np.ndarray
    purchases: np.ndarray
    revenue: np.ndarray

    def __len__(self) -> int:
        return len(self.arm)

    def take(self, rows: slice | np.ndarray) -> "Outcomes":
        """The outcomes of a subset of the users (a slice is a view, no copy)."""
        arrays = {f.name: getattr(self, f.name)[rows] for f in fields(self) if f.name not in ("arms", "start")}
        return Outcomes(arms=self.arms, start=self.start, **arrays)

    def to_frame(self, *, exposed_only: bool = True) -> pd.DataFrame:
        """The ``experiment_users`` columns (variant, persona, first_exposure_at, counts, revenue) as a DataFrame.

        By default users whose exposure was dropped are left out, as the mart leaves them out.
        """
        out = self.take(np.flatnonzero(self.exposed)) if exposed_only else self
        frame = {
            "variant": pd.Categorical.from_codes(out.arm, out.arms),
            "persona": pd.Categorical.from_codes(out.persona, PERSONA_NAMES),
            "first_exposure_at": out.start + out.first_second.astype("timedelta64[s]"),
        }
        frame.update({column: getattr(out, column) for column in COUNT_COLUMNS})
        frame["revenue"] = out.revenue
        return pd.DataFrame(frame)


def draw_users(plan: Plan, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Personas (indexes in ``PERSONA_NAMES``) from the plan's mix and arms from its weights, for ``n`` users."""
    codes = np.array([PERSONA_NAMES.index(p) for p in plan.personas], dtype=np.int8)
    shares = np.array([plan.mix[p] for p in plan.personas])
    persona = codes[_categorical(rng, shares, n)]
    arm = _categorical(rng, plan.weights, n).astype(np.int8)
    return persona, arm


@dataclass(frozen=True)
class Schedule:
    """Who visits and when: one entry per visitor in ``persona`` and ``new``, one per visit in the rest.

    Attributes:
        persona: each visitor's persona index in ``PERSONA_NAMES``.
        new: whether the visitor became a customer during the window (no history before it).
        user, day, second, first: as ``VisitLog``.
    """

    persona: np.ndarray
    new: np.ndarray
    user: np.ndarray
    day: np.ndarray
    second: np.ndarray
    first: np.ndarray

    def __len__(self) -> int:
        return len(self.persona)

    def take(self, keep: np.ndarray) -> "Schedule":
        """The schedule of the visitors where ``keep`` is True, renumbered in order."""
        number = np.cumsum(keep) - 1
        visits = keep[self.user]
        return Schedule(
            self.persona[keep],
            self.new[keep],
            number[self.user[visits]],
            self.day[visits],
            self.second[visits],
            self.first[visits],
        )


def draw_schedule(plan: Plan, persona: np.ndarray, rng: np.random.Generator) -> Schedule:
    """When visitors with these personas visit in the plan's window (``swarm.traffic``), in a fixed persona order.

    Raises:
        ValueError: when a persona is not in the plan's mix.
    """
    persona = np.asarray(persona)
    n = len(persona)
    present = np.unique(persona)
    known = {PERSONA_NAMES.index(p) for p in plan.personas}
    if any(int(code) not in known for code in present):
        names = [PERSONA_NAMES[int(c)] for c in present if int(c) not in known]
        raise ValueError(f"persona: {', '.join(names)} not in the plan's mix ({', '.join(plan.personas)})")
    new = np.zeros(n, dtype=bool)
    parts: list[tuple[np.ndarray, ...]] = []
    for code in present:
        rows = np.flatnonzero(persona == code)
        drawn = draw_visitors(plan.world.persona(PERSONA_NAMES[code]), plan.day_rates, len(rows), rng)
        new[rows] = drawn.new
        parts.append((rows[drawn.user], drawn.day, drawn.second, drawn.first))
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return Schedule(persona, new, empty, empty.astype(np.int16), empty, empty.astype(bool))
    user, day, second, first = (np.concatenate(column) for column in zip(*parts, strict=True))
    order = np.lexsort((second, user))
    return Schedule(persona, new, user[order], day[order], second[order], first[order])


def simulate_visits(plan: Plan, persona: np.ndarray, arm: np.ndarray, rng: np.random.Generator) -> VisitLog:
    """Every visit of the users with these personas and arms: their schedule, then the sampled funnel.

    Raises:
        ValueError: when a user's persona is not in the plan's mix or an arm index is out of range.
    """
    return sample_schedule(plan, draw_schedule(plan, persona, rng), arm, rng)


def sample_schedule(plan: Plan, schedule: Schedule, arm: np.ndarray, rng: np.random.Generator) -> VisitLog:
    """What each scheduled visit does, with each visitor's arm (the sampled funnel)."""
    arm = np.asarray(arm)
    if len(arm) and (arm.min() < 0 or arm.max() >= len(plan.arms)):
        raise ValueError(f"arm: indexes must be from 0 to {len(plan.arms) - 1}")
    return _sample(plan, schedule.persona, arm, schedule.user, schedule.day, schedule.second, schedule.first, rng)


def aggregate(log: VisitLog, n: int) -> dict[str, np.ndarray]:
    """Per-user sums of the visits: the ``experiment_users`` counts and revenue."""
    user = log.user
    columns = {
        "page_views": np.bincount(user, minlength=n),
        "banner_clicks": np.bincount(user, weights=log.banner_click, minlength=n),
        "searches": np.bincount(user, weights=log.searched, minlength=n),
        "item_views": np.bincount(user, weights=log.items_viewed, minlength=n),
        "add_to_carts": np.bincount(user, weights=log.carted, minlength=n),
        "checkouts": np.bincount(user, weights=log.checked_out, minlength=n),
        "purchases": np.bincount(user, weights=log.purchased, minlength=n),
    }
    out = {name: values.astype(np.int32) for name, values in columns.items()}
    out["revenue"] = np.round(np.bincount(user, weights=log.value, minlength=n), 2)
    return out


def exposure_dropped(plan: Plan, arm: np.ndarray, log: VisitLog, rng: np.random.Generator) -> np.ndarray:
    """Per user: whether the exposure bug drops their exposure (bug arm, first visit bounced, bad luck)."""
    n = len(arm)
    bug_arm = plan.bug_arm
    if bug_arm is None:
        return np.zeros(n, dtype=bool)
    bounced = np.zeros(n, dtype=bool)
    bounced[log.user[log.first]] = ~log.viewed[log.first]
    return (arm == bug_arm) & bounced & (rng.random(n) < plan.switches.exposure_bug)


def outcomes_of(plan: Plan, persona: np.ndarray, arm: np.ndarray, rng: np.random.Generator) -> Outcomes:
    """Simulate the given users and sum their visits (no database)."""
    n = len(persona)
    log = simulate_visits(plan, persona, arm, rng)
    dropped = exposure_dropped(plan, arm, log, rng)
    firsts = log.first
    first_day = np.zeros(n, dtype=np.int16)
    first_second = np.zeros(n, dtype=np.int64)
    first_day[log.user[firsts]] = log.day[firsts]
    first_second[log.user[firsts]] = log.second[firsts]
    return Outcomes(
        arms=plan.arm_names,
        start=np.datetime64(plan.start, "s"),
        arm=np.asarray(arm, dtype=np.int8),
        persona=np.asarray(persona, dtype=np.int8),
        exposed=~dropped,
        first_day=first_day,
        first_second=first_second,
        **aggregate(log, n),
    )


def simulate_outcomes(plan: Plan, users: int, seed: int | np.random.Generator) -> Outcomes:
    """Draw ``users`` users from the plan's mix and arms, simulate them and return their outcomes (no database)."""
    if users < 0:
        raise ValueError(f"users: must be 0 or more (got {users})")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    persona, arm = draw_users(plan, users, rng)
    return outcomes_of(plan, persona, arm, rng)


def iter_experiments(
    plan: Plan, experiments: int, users: int, seed: int, *, batch_users: int = 500_000
) -> Iterator[Outcomes]:
    """``experiments`` independent experiments of ``users`` users each, simulated many at a time.

    Users are independent, so one vectorised pass over ``k * users`` users cut into ``k`` blocks gives ``k``
    independent experiments. The same seed gives the same experiments.

    Raises:
        ValueError: when experiments or users is below 1.
    """
    if experiments < 1 or users < 1:
        raise ValueError(f"experiments, users: must be at least 1 (got {experiments}, {users})")
    rng = np.random.default_rng(seed)
    per_batch = max(1, batch_users // users)
    done = 0
    while done < experiments:
        batch = min(per_batch, experiments - done)
        outcomes = simulate_outcomes(plan, batch * users, rng)
        for index in range(batch):
            yield outcomes.take(slice(index * users, (index + 1) * users))
        done += batch


def _categorical(rng: np.random.Generator, shares: np.ndarray, n: int) -> np.ndarray:
    """``n`` draws of an index with probabilities ``shares`` (inverse CDF of one uniform each)."""
    cumulative = np.cumsum(shares)
    cumulative /= cumulative[-1]
    return np.minimum(np.searchsorted(cumulative, rng.random(n), side="right"), len(shares) - 1)


def _sample(
    plan: Plan,
    persona: np.ndarray,
    arm: np.ndarray,
    user: np.ndarray,
    day: np.ndarray,
    second: np.ndarray,
    first: np.ndarray,
    rng: np.random.Generator,
) -> VisitLog:
    """Sample each (persona, arm, day) group of visits with its visit model, in a fixed group order."""
    days = plan.days if plan.time_varying else 1
    arms = len(plan.arms)
    visit_day = day if plan.time_varying else np.zeros(len(user), dtype=np.int16)
    key = (persona[user].astype(np.int64) * arms + arm[user]) * days + visit_day
    order = np.argsort(key, kind="stable")
    sorted_keys = key[order]
    groups, starts = np.unique(sorted_keys, return_index=True)
    ends = np.append(starts[1:], len(order))
    total = len(user)
    out = {
        "banner_click": np.zeros(total, dtype=bool),
        "searched": np.zeros(total, dtype=bool),
        "viewed": np.zeros(total, dtype=bool),
        "items_viewed": np.zeros(total, dtype=np.int64),
        "carted": np.zeros(total, dtype=bool),
        "checked_out": np.zeros(total, dtype=bool),
        "purchased": np.zeros(total, dtype=bool),
        "value": np.zeros(total, dtype=float),
    }
    for group, begin, end in zip(groups, starts, ends, strict=True):
        rest, group_day = divmod(int(group), days)
        code, index = divmod(rest, arms)
        model = plan.models[(PERSONA_NAMES[code], index, group_day)]
        visits = sample_visits(model, int(end - begin), rng)
        rows = order[begin:end]
        for name, values in out.items():
            values[rows] = getattr(visits, name)
    return VisitLog(user=user, day=day, second=second, first=first, **out)
