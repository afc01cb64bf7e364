"""Simulated visits as the rows the HTTP path stores: ``events`` (and ``assignments``) rows for bulk loads.

Each visit logs, seconds apart: ``page_view`` (and the user's ``exposure`` on their first visit, at the same
instant, with ``exposure_event_id`` and the experiment's key and variant), then ``banner_click``, ``search``, one
``item_view`` per item viewed, ``add_to_cart``, ``checkout_start`` and ``purchase`` (value: the order's total) as
the visit sampled them. Outcome events carry no experiment key, as the shop logs them; the marts attribute them to
the experiment from the user's first exposure on. A visit's events span well under ``VISIT_MARGIN_SECONDS``.
Event ids are ``f"{run_id}:{n}"`` with ``n`` counting the run's events in the order built here.

The engine stores its events in ``engine_events`` (``marts.schema``): ``engine_load`` gives them as compact frames
(numbers and codes, one row per visitor for the strings) and the SELECT that expands them in the database, so no
Python string is built per event.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from shop.tracking import exposure_event_id
from swarm.simulation import VisitLog

EVENT_NAMES = (
    "exposure",
    "page_view",
    "banner_click",
    "search",
    "item_view",
    "add_to_cart",
    "checkout_start",
    "purchase",
)
ITEM_SECONDS = 15
"""Seconds between item views."""
ITEM_STEPS_MAX = 60
"""Item views after this many keep the last one's time step (keeps long visits inside the margin)."""
_OFFSETS = {"exposure": 0, "page_view": 0, "banner_click": 4, "search": 9, "item_view": 20}
_AFTER_ITEMS = {"add_to_cart": 10, "checkout_start": 50, "purchase": 140}
ITEM_OFFSET = timedelta(seconds=_OFFSETS["item_view"])
"""How long after a visit's page view its first item view comes (a visit that opened an item has one there)."""


@dataclass(frozen=True)
class Chunk:
    """A block of a run's users and their simulated visits.

    Attributes:
        user_id: the users' ids.
        arm: each user's variant index.
        exposed: False where the exposure bug dropped the user's exposure.
        visits: their visits (``VisitLog.user`` indexes this block).
    """

    user_id: np.ndarray
    arm: np.ndarray
    exposed: np.ndarray
    visits: VisitLog


ENGINE_COLUMNS = (
    "run_id",
    "number",
    "event_id",
    "user_id",
    "name",
    "ts",
    "experiment_key",
    "variant",
    "value",
    "received_at",
)
"""The ``engine_events`` columns ``ENGINE_SELECT`` yields, in order."""
ENGINE_SELECT = """
SELECT r.run_id, e.number, CASE WHEN e.code = 0 THEN v.exposure_id END, v.user_id, n.name, e.ts,
       CASE WHEN e.code = 0 THEN r.experiment_key END, CASE WHEN e.code = 0 THEN a.variant END, e.value,
       r.received_at
FROM {events} AS e
JOIN {visitors} AS v ON v.visitor = e.visitor
JOIN {names} AS n ON n.code = e.code
JOIN {arms} AS a ON a.arm = v.arm
CROSS JOIN {run} AS r
"""
"""Expands ``engine_load``'s frames into ``engine_events`` rows (exposures carry the key, the variant and their id;
the other events' ids are ``run_id:number``)."""


@dataclass(frozen=True)
class EngineLoad:
    """A chunk's events as compact frames for ``Store.bulk_insert_select(ENGINE_COLUMNS, ENGINE_SELECT)``.

    Attributes:
        frames: ``events`` (number, visitor, code, ts, value), ``visitors`` (visitor, user_id, exposure_id, arm),
            ``names`` (code, name), ``arms`` (arm, variant) and ``run`` (one row: run_id, experiment_key,
            received_at).
        rows: events in the chunk.
    """

    frames: dict[str, pd.DataFrame]
    rows: int


def engine_load(
    chunk: Chunk,
    *,
    experiment_key: str,
    arms: tuple[str, ...],
    run_id: str,
    start: datetime,
    received_at: datetime,
    first_number: int,
) -> EngineLoad:
    """The chunk's events for ``engine_events``, numbered from ``first_number``."""
    visit, code, seconds = _events(chunk)
    log = chunk.visits
    count = len(visit)
    value = np.full(count, np.nan)
    bought = code == EVENT_NAMES.index("purchase")
    value[bought] = log.value[visit[bought]]
    users = len(chunk.user_id)
    exposure_id = np.full(users, None, dtype=object)
    exposed = np.flatnonzero(chunk.exposed)
    exposure_id[exposed] = [exposure_event_id(experiment_key, uid) for uid in chunk.user_id[exposed]]
    frames = {
        "events": pd.DataFrame(
            {
                "number": np.arange(first_number, first_number + count, dtype=np.int64),
                "visitor": log.user[visit].astype(np.int32),
                "code": code,
                "ts": np.datetime64(start, "s") + seconds.astype("timedelta64[s]"),
                "value": value,
            },
            copy=False,
        ),
        "visitors": pd.DataFrame(
            {
                "visitor": np.arange(users, dtype=np.int32),
                "user_id": chunk.user_id,
                "exposure_id": exposure_id,
                "arm": chunk.arm.astype(np.int8),
            },
            copy=False,
        ),
        "names": pd.DataFrame({"code": np.arange(len(EVENT_NAMES), dtype=np.int8), "name": list(EVENT_NAMES)}),
        "arms": pd.DataFrame({"arm": np.arange(len(arms), dtype=np.int8), "variant": list(arms)}),
        "run": pd.DataFrame(
            {"run_id": [run_id], "experiment_key": [experiment_key], "received_at": [pd.Timestamp(received_at)]}
        ),
    }
    return EngineLoad(frames, count)


def _events(chunk: Chunk) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each event's visit (a row of ``chunk.visits``), name code (exposures first) and second from the start."""
    log = chunk.visits
    visit_rows, name_codes, offsets = [], [], []
    for code, name in enumerate(EVENT_NAMES):
        rows, offset = _rows(name, log, chunk.exposed)
        visit_rows.append(rows)
        name_codes.append(np.full(len(rows), code, dtype=np.int8))
        offsets.append(offset)
    visit = np.concatenate(visit_rows)
    return visit, np.concatenate(name_codes), log.second[visit] + np.concatenate(offsets)


def assignment_frame(
    chunk: Chunk, *, experiment_key: str, arms: tuple[str, ...], run_id: str, start: datetime
) -> pd.DataFrame:
    """The chunk's users as ``assignments`` rows, assigned at their first visit."""
    log = chunk.visits
    first_second = np.zeros(len(chunk.user_id), dtype=np.int64)
    first_second[log.user[log.first]] = log.second[log.first]
    n = len(chunk.user_id)
    return pd.DataFrame(
        {
            "experiment_key": pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), [experiment_key]),
            "user_id": chunk.user_id,
            "variant": pd.Categorical.from_codes(chunk.arm, arms),
            "assigned_at": np.datetime64(start, "s") + first_second.astype("timedelta64[s]"),
            "run_id": pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), [run_id]),
        },
        copy=False,
    )


def _rows(name: str, log: VisitLog, exposed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The visits that log ``name`` (a visit repeated per item viewed) and each event's offset in seconds."""
    if name == "exposure":
        rows = np.flatnonzero(log.first & exposed[log.user])
    elif name == "page_view":
        rows = np.arange(len(log))
    elif name == "item_view":
        counts = log.items_viewed
        rows = np.repeat(np.arange(len(log)), counts)
        step = np.arange(len(rows)) - np.repeat(np.cumsum(counts) - counts, counts)
        return rows, _OFFSETS[name] + ITEM_SECONDS * np.minimum(step, ITEM_STEPS_MAX)
    else:
        flag = {
            "banner_click": log.banner_click,
            "search": log.searched,
            "add_to_cart": log.carted,
            "checkout_start": log.checked_out,
            "purchase": log.purchased,
        }[name]
        rows = np.flatnonzero(flag)
    if name in _AFTER_ITEMS:
        items = np.minimum(log.items_viewed[rows], ITEM_STEPS_MAX + 1)
        offset = _OFFSETS["item_view"] + ITEM_SECONDS * items + _AFTER_ITEMS[name]
    else:
        offset = np.full(len(rows), _OFFSETS[name])
    return rows, offset.astype(np.int64)
