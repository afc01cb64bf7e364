"""Generate the NovaEats warehouse history and load it into a Store.

``generate`` is pure and deterministic: the same arguments give identical frames. Each stage (users, sessions,
orders) draws from its own child of ``seed`` and every time is drawn relative to the window start, so moving
``end`` by whole weeks moves the same history in time. Any other shift realigns the weekly rhythm with the
calendar (weekends stay weekends), so the draws land on different times and the history differs.
"""

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd

from marts import schema
from marts.storage import Store
from marts.warehouse.baskets import Baskets, draw_baskets
from marts.warehouse.catalog import menu_items_frame, restaurants_frame
from marts.warehouse.personas import DEFAULT_PROFILES, DEVICES, REGIONS, HistoryProfile, validate_profiles
from marts.warehouse.population import Population, draw_population
from marts.warehouse.rhythm import Rhythm, window_start
from marts.warehouse.visits import Visits, draw_visits

MAX_USERS = 5_000_000
MAX_DAYS = 3_650


@dataclass(frozen=True)
class Warehouse:
    """The six warehouse tables as DataFrames, in the schema's column names."""

    restaurants: pd.DataFrame
    menu_items: pd.DataFrame
    users: pd.DataFrame
    sessions: pd.DataFrame
    orders: pd.DataFrame
    order_items: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """Table name to frame, parents before children."""
        return {name: getattr(self, name) for name in schema.WAREHOUSE_TABLES}

    def row_counts(self) -> dict[str, int]:
        """Table name to row count."""
        return {name: len(frame) for name, frame in self.tables().items()}


def _check_int(name: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ValueError(f"{name} must be an integer, got {type(value).__name__}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low:,} and {high:,}, got {value:,}")


def _validate(users: int, days: int, seed: int, end: date) -> None:
    _check_int("users", users, 1, MAX_USERS)
    _check_int("days", days, 1, MAX_DAYS)
    _check_int("seed", seed, 0, 2**63 - 1)
    if isinstance(end, datetime) or not isinstance(end, date):
        raise ValueError(f"end must be a datetime.date (not a datetime), got {type(end).__name__}")


def generate(
    users: int, days: int, seed: int, end: date, profiles: tuple[HistoryProfile, ...] = DEFAULT_PROFILES
) -> Warehouse:
    """Simulate ``users`` users over the ``days`` days that end the day before ``end``.

    Args:
        users: Population size (1 to 5,000,000).
        days: Length of the history in days (1 to 3,650).
        seed: Non-negative seed; the same arguments always give the same warehouse.
        end: The first day after the history (usually today); timestamps are naive, before midnight of ``end``.
        profiles: The personas and their shares (see ``marts.warehouse.personas``).

    Returns:
        The warehouse frames, ready for ``load``.

    Raises:
        ValueError: an argument breaks its rule; the message names it.
    """
    _validate(users, days, seed, end)
    profiles = validate_profiles(tuple(profiles))
    start = window_start(end, days)
    rhythm = Rhythm.for_window(start, days)
    user_rng, visit_rng, basket_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3))

    restaurants, menu = restaurants_frame(), menu_items_frame()
    people = draw_population(user_rng, users, profiles, rhythm)
    visits = draw_visits(visit_rng, people, profiles, rhythm)
    baskets = draw_baskets(basket_rng, people, visits, restaurants, menu, profiles, float(rhythm.hours))

    origin = np.datetime64(start, "us")
    user_ids = np.array([f"u{i:07d}" for i in range(1, users + 1)], dtype=object)
    return Warehouse(
        restaurants=restaurants,
        menu_items=menu,
        users=_users_frame(people, profiles, user_ids, origin),
        sessions=_sessions_frame(visits, user_ids, origin),
        orders=_orders_frame(baskets, visits, restaurants, user_ids, origin),
        order_items=_order_items_frame(baskets, menu),
    )


def _timestamps(origin: np.datetime64, hours: np.ndarray) -> np.ndarray:
    """Hours from the window start as timestamps, rounded to the second."""
    seconds = np.rint(hours * 3600.0).astype(np.int64)
    return origin + seconds.astype("timedelta64[s]").astype("timedelta64[us]")


def _users_frame(
    people: Population, profiles: tuple[HistoryProfile, ...], user_ids: np.ndarray, origin: np.datetime64
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "user_id": user_ids,
            "signup_at": _timestamps(origin, people.signup),
            "region": np.array(list(REGIONS), dtype=object)[people.region],
            "device": np.array(DEVICES, dtype=object)[people.device],
            "persona": np.array([p.name for p in profiles], dtype=object)[people.persona],
        }
    )


def _sessions_frame(visits: Visits, user_ids: np.ndarray, origin: np.datetime64) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "session_id": np.arange(1, len(visits) + 1, dtype=np.int64),
            "user_id": user_ids[visits.user],
            "started_at": _timestamps(origin, visits.start),
            "device": np.array(DEVICES, dtype=object)[visits.device],
            "page_views": visits.page_views,
            "viewed_item": visits.viewed_item,
            "added_to_cart": visits.added_to_cart,
            "started_checkout": visits.started_checkout,
            "ordered": visits.ordered,
        }
    )


def _orders_frame(
    baskets: Baskets, visits: Visits, restaurants: pd.DataFrame, user_ids: np.ndarray, origin: np.datetime64
) -> pd.DataFrame:
    total = baskets.subtotal_cents - baskets.discount_cents + baskets.fee_cents
    return pd.DataFrame(
        {
            "order_id": np.arange(1, len(baskets.session) + 1, dtype=np.int64),
            "user_id": user_ids[visits.user[baskets.session]],
            "session_id": baskets.session.astype(np.int64) + 1,
            "restaurant_id": restaurants["restaurant_id"].to_numpy()[baskets.restaurant],
            "ordered_at": _timestamps(origin, baskets.ordered_at),
            "items_count": baskets.items_count,
            "subtotal": baskets.subtotal_cents / 100.0,
            "discount": baskets.discount_cents / 100.0,
            "delivery_fee": baskets.fee_cents / 100.0,
            "total": total / 100.0,
            "status": np.where(baskets.cancelled, "cancelled", "delivered").astype(object),
        }
    )


def _order_items_frame(baskets: Baskets, menu: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "order_id": baskets.line_order.astype(np.int64) + 1,
            "line_no": baskets.line_no,
            "item_id": menu["item_id"].to_numpy()[baskets.line_item],
            "quantity": baskets.quantity,
            "unit_price": baskets.unit_cents / 100.0,
        }
    )


def load(store: Store, warehouse: Warehouse) -> dict[str, int]:
    """Replace the six warehouse tables with ``warehouse`` in one transaction; returns rows loaded per table.

    Children are cleared before parents and parents loaded first (see ``Store.replace_tables`` for how each
    backend clears). If any step fails, the transaction rolls back and the previous warehouse stays as it was.
    """
    if not isinstance(warehouse, Warehouse):
        raise ValueError(f"warehouse must be a Warehouse, got {type(warehouse).__name__}")
    with store.transaction() as conn:
        counts = store.replace_tables(conn, warehouse.tables())
    store.analyze(*counts)
    return counts
