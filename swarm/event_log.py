"""Simulated visits as the rows the HTTP path stores: ``events`` (and ``assignments``) frames for bulk inserts.

Each visit logs, seconds apart: ``page_view`` (and the user's ``exposure`` on their first visit, at the same
instant, with ``exposure_event_id`` and the experiment's key and variant), then ``banner_click``, ``search``, one
``item_view`` per item viewed, ``add_to_cart``, ``checkout_start`` and ``purchase`` (value: the order's total) as
the visit sampled them. Outcome events carry no experiment key, as the shop logs them; the marts attribute them to
the experiment from the user's first exposure on. A visit's events span well under ``VISIT_MARGIN_SECONDS``.
Event ids are ``f"{run_id}:{n}"`` with ``n`` counting the run's events in the order built here.
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


def event_frame(
    chunk: Chunk,
    *,
    experiment_key: str,
    arms: tuple[str, ...],
    run_id: str,
    start: datetime,
    received_at: datetime,
    first_number: int,
) -> pd.DataFrame:
    """The chunk's events as an ``events`` frame, numbered from ``first_number``."""
    log = chunk.visits
    visit_rows, name_codes, offsets = [], [], []
    for code, name in enumerate(EVENT_NAMES):
        rows, offset = _rows(name, log, chunk.exposed)
        visit_rows.append(rows)
        name_codes.append(np.full(len(rows), code, dtype=np.int8))
        offsets.append(offset)
    visit = np.concatenate(visit_rows)
    code = np.concatenate(name_codes)
    offset = np.concatenate(offsets)
    user = log.user[visit]
    count = len(visit)
    is_exposure = code == 0  # exposures come first
    exposures = int(is_exposure.sum())
    exposure_users = user[:exposures]
    event_id = np.empty(count, dtype=object)
    event_id[:exposures] = [exposure_event_id(experiment_key, uid) for uid in chunk.user_id[exposure_users]]
    prefix = f"{run_id}:"
    event_id[exposures:] = [prefix + str(n) for n in range(first_number + exposures, first_number + count)]
    tagged = np.where(is_exposure, 0, -1).astype(np.int8)
    variant = np.full(count, -1, dtype=np.int8)
    variant[is_exposure] = chunk.arm[exposure_users]
    value = np.full(count, np.nan)
    bought = code == EVENT_NAMES.index("purchase")
    value[bought] = log.value[visit[bought]]
    seconds = log.second[visit] + offset
    return pd.DataFrame(
        {
            "event_id": event_id,
            "user_id": pd.Categorical.from_codes(user, pd.Index(chunk.user_id, dtype=object)),
            "name": pd.Categorical.from_codes(code, EVENT_NAMES),
            "ts": np.datetime64(start, "s") + seconds.astype("timedelta64[s]"),
            "experiment_key": pd.Categorical.from_codes(tagged, [experiment_key]),
            "variant": pd.Categorical.from_codes(variant, arms),
            "value": value,
            "run_id": pd.Categorical.from_codes(np.zeros(count, dtype=np.int8), [run_id]),
            "received_at": np.full(count, np.datetime64(received_at, "us")),
        },
        copy=False,
    )


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
