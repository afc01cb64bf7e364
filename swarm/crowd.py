"""Who a run's visitors are and when they visit: the shop's traffic (``swarm.traffic``) given names.

A run draws its visitors from the plan's visitor mix and their visits from the traffic process (``draw_schedule``).
A visitor who was a customer before the window is a *returning* visitor: they take the next warehouse user of their
persona not yet in the experiment. A visitor who arrived during the window, or a returning one when the warehouse
has no one left of their persona, is a *new* visitor with a fresh id (the run stores a ``users`` row for them). Bots
get bot ids. The HTTP agents and the engine name their visitors with the same ``name_visitors``, and store the same
``users`` rows for the newcomers (``newcomers``).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from swarm.customers import users_frame
from swarm.plan import PERSONA_NAMES, Plan
from swarm.simulation import Schedule, draw_schedule

CROWD = 0x43524F57
"""The random stream (with the run's seed) that draws an HTTP run's crowd."""
BOT = PERSONA_NAMES.index("bot")


def crowd_rng(seed: int) -> np.random.Generator:
    """The random generator an HTTP run draws its crowd with."""
    return np.random.default_rng([seed, CROWD])


def draw_personas(plan: Plan, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` visitors' personas (indexes in ``PERSONA_NAMES``) from the plan's visitor mix."""
    codes = np.array([PERSONA_NAMES.index(p) for p in plan.personas], dtype=np.int8)
    cumulative = np.cumsum([plan.mix[p] for p in plan.personas])
    picks = np.searchsorted(cumulative / cumulative[-1], rng.random(n), side="right")
    return codes[np.minimum(picks, len(codes) - 1)]


def name_visitors(
    persona: np.ndarray, new: np.ndarray, pools: Mapping[str, Sequence[str]], fresh: str, bot: str
) -> tuple[np.ndarray, np.ndarray]:
    """Ids for visitors: returning ones take their persona's pool in order; the rest get ``fresh`` or ``bot`` ids.

    Returns:
        (user ids, whether each is a warehouse user).
    """
    n = len(persona)
    ids = np.empty(n, dtype=object)
    known = np.zeros(n, dtype=bool)
    for code in np.unique(persona):
        if code == BOT:
            continue
        pool = list(pools.get(PERSONA_NAMES[code], ()))
        rows = np.flatnonzero((persona == code) & ~new)[: len(pool)]
        ids[rows] = pool[: len(rows)]
        known[rows] = True
    for prefix, rows in (
        (bot, np.flatnonzero(~known & (persona == BOT))),
        (fresh, np.flatnonzero(~known & (persona != BOT))),
    ):
        ids[rows] = [f"{prefix}{index:x}" for index in rows.tolist()]
    return ids, known


@dataclass(frozen=True)
class Crowd:
    """An HTTP run's agents: agent ``i`` is ``user_ids[i]`` with ``personas[i]`` and visits on the schedule."""

    user_ids: list[str]
    personas: list[str]
    codes: np.ndarray
    from_warehouse: np.ndarray
    schedule: Schedule
    _offsets: np.ndarray

    def __len__(self) -> int:
        return len(self.user_ids)

    def arrival_order(self) -> np.ndarray:
        """Agent indexes by their first visit, earliest first (ties and visitless agents by index, the latter last).

        A watched run plays its agents in this order, so its days fill in the order the calendar runs.
        """
        first = np.full(len(self), np.iinfo(np.int64).max, dtype=np.int64)
        rows = self._offsets[:-1]
        visited = self._offsets[1:] > rows
        first[visited] = self.schedule.second[rows[visited]]
        return np.argsort(first, kind="stable")

    def visits(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        """Agent ``index``'s visits: their days and start seconds from the window's start, earliest first."""
        rows = slice(int(self._offsets[index]), int(self._offsets[index + 1]))
        return self.schedule.day[rows], self.schedule.second[rows]

    def newcomers(self, plan: Plan, rng: np.random.Generator) -> pd.DataFrame:
        """``users`` rows for the agents who are not warehouse users (``newcomers``)."""
        return newcomers(
            np.array(self.user_ids, dtype=object), self.codes, self.schedule, self.from_warehouse, plan, rng
        )


def newcomers(
    user_ids: np.ndarray,
    persona: np.ndarray,
    schedule: Schedule,
    known: np.ndarray,
    plan: Plan,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """``users`` rows for the visitors who are not warehouse users: they sign up on their first visit."""
    first_second = np.zeros(len(user_ids), dtype=np.int64)
    first_second[schedule.user[schedule.first]] = schedule.second[schedule.first]
    new = ~np.asarray(known)
    signup = np.datetime64(plan.start, "s") + first_second[new].astype("timedelta64[s]")
    return users_frame(np.asarray(user_ids, dtype=object)[new], persona[new], signup.astype("datetime64[us]"), rng)


def draw_crowd(run_id: str, plan: Plan, roster, agents: int, rng: np.random.Generator) -> Crowd:
    """The ``agents`` visitors of an HTTP run, named from the roster's warehouse users (``swarm.runs.Roster``)."""
    persona = draw_personas(plan, agents, rng)
    schedule = draw_schedule(plan, persona, rng)
    pools: dict[str, list[str]] = {}
    for user_id, name in zip(roster.user_ids, roster.personas, strict=True):
        pools.setdefault(name, []).append(user_id)
    ids, known = name_visitors(persona, schedule.new, pools, f"{run_id}-v", f"{run_id}-b")
    offsets = np.searchsorted(schedule.user, np.arange(agents + 1), side="left")
    return Crowd(list(ids), [PERSONA_NAMES[c] for c in persona], persona, known, schedule, offsets)
