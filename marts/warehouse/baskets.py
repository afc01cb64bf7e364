"""Draw orders and their lines for the sessions that ordered: restaurant, basket, coupon, fee and status.

Money is computed in integer cents, so an order's subtotal is exactly the sum of its lines.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from marts.warehouse.personas import HistoryProfile
from marts.warehouse.population import Population, pick_rows
from marts.warehouse.visits import Visits

COUPON_PERCENTS = np.array([10, 15, 20])
COUPON_CAP_CENTS = 800
CANCEL_RATE = 0.03
"""Share of orders cancelled after being placed (they keep their amounts; status says ``cancelled``)."""
POPULAR_ITEM_WEIGHT = 3.0
CHECKOUT_MINUTES = (2.0, 4.0)
"""Gamma (shape, scale) of the minutes between session start and order, plus one minute."""


@dataclass(frozen=True)
class Baskets:
    """Orders (ordered by time) and their lines (ordered by order, then line number)."""

    session: np.ndarray
    """Index into the visits of each order's session."""
    restaurant: np.ndarray
    """Row index into the restaurants frame."""
    ordered_at: np.ndarray
    items_count: np.ndarray
    subtotal_cents: np.ndarray
    discount_cents: np.ndarray
    fee_cents: np.ndarray
    cancelled: np.ndarray
    line_order: np.ndarray
    """Index into the orders of each line."""
    line_no: np.ndarray
    line_item: np.ndarray
    """Row index into the menu_items frame."""
    quantity: np.ndarray
    unit_cents: np.ndarray


def _cents(values: pd.Series) -> np.ndarray:
    return np.rint(values.to_numpy(dtype=float) * 100).astype(np.int64)


def restaurant_weights(restaurants: pd.DataFrame, profiles: tuple[HistoryProfile, ...]) -> np.ndarray:
    """P(persona picks restaurant): one row per persona, popularity discounted by price level."""
    sensitivity = np.array([p.price_sensitivity for p in profiles])[:, None]
    level = restaurants["price_level"].to_numpy(dtype=float)[None, :]
    weights = restaurants["popularity"].to_numpy(dtype=float)[None, :] * np.exp(-sensitivity * (level - 1.0))
    return weights / weights.sum(axis=1, keepdims=True)


def _item_bounds(restaurants: pd.DataFrame, menu: pd.DataFrame, profiles: tuple[HistoryProfile, ...]) -> np.ndarray:
    """Increasing upper bounds, one row per persona: block ``r`` holds restaurant r's cumulative item shares + r."""
    rest_row = pd.Index(restaurants["restaurant_id"]).get_indexer(menu["restaurant_id"])
    if (rest_row < 0).any() or (np.diff(rest_row) < 0).any():
        raise ValueError("menu: items must belong to listed restaurants and be grouped in restaurant order")
    price = menu["price"].to_numpy(dtype=float)
    median = pd.Series(price).groupby(rest_row).transform("median").to_numpy()
    base = np.where(menu["is_popular"].to_numpy(dtype=bool), POPULAR_ITEM_WEIGHT, 1.0)
    sensitivity = np.array([p.price_sensitivity for p in profiles])[:, None]
    weights = base[None, :] * np.exp(-sensitivity * (price / median - 1.0))
    block_total = np.stack([np.bincount(rest_row, weights=w) for w in weights])
    block_cum = np.stack([pd.Series(w).groupby(rest_row).cumsum().to_numpy() for w in weights])
    shares = block_cum / block_total[:, rest_row]
    last = np.r_[rest_row[1:] != rest_row[:-1], True]
    shares[:, last] = 1.0
    return rest_row[None, :] + shares


def draw_baskets(
    rng: np.random.Generator,
    people: Population,
    visits: Visits,
    restaurants: pd.DataFrame,
    menu: pd.DataFrame,
    profiles: tuple[HistoryProfile, ...],
    window_hours: float,
) -> Baskets:
    """One order per ordering session, then its lines drawn from the chosen restaurant's menu."""
    choice = restaurant_weights(restaurants, profiles)
    favourite = pick_rows(rng.random(len(people)), choice[people.persona])

    session = np.flatnonzero(visits.ordered)
    user = visits.user[session]
    persona = people.persona[user]
    loyal = rng.random(len(session)) < np.array([p.loyalty for p in profiles])[persona]
    fresh = pick_rows(rng.random(len(session)), choice[persona])
    restaurant = np.where(loyal, favourite[user], fresh)

    minutes = 1.0 + rng.gamma(*CHECKOUT_MINUTES, size=len(session))
    ordered_at = np.minimum(visits.start[session] + minutes / 60.0, window_hours - 1 / 3600)
    order = np.argsort(ordered_at, kind="stable")
    session, persona, restaurant, ordered_at = session[order], persona[order], restaurant[order], ordered_at[order]

    units = 1 + rng.poisson(np.array([p.basket_items for p in profiles])[persona] - 1.0)
    line_order, line_item, quantity = _draw_lines(rng, persona, restaurant, units, restaurants, menu, profiles)
    first = np.r_[0, np.flatnonzero(np.diff(line_order)) + 1]
    line_no = np.arange(len(line_order)) - np.repeat(first, np.diff(np.r_[first, len(line_order)])) + 1
    unit_cents = _cents(menu["price"])[line_item]
    amounts = np.bincount(line_order, weights=quantity * unit_cents, minlength=len(session))
    subtotal = np.rint(amounts).astype(np.int64)

    coupon = rng.random(len(session)) < np.array([p.discount_sensitivity for p in profiles])[persona]
    percent = COUPON_PERCENTS[rng.integers(0, len(COUPON_PERCENTS), size=len(session))]
    discount = np.where(coupon, np.minimum(subtotal * percent // 100, COUPON_CAP_CENTS), 0)
    cancelled = rng.random(len(session)) < CANCEL_RATE
    return Baskets(
        session=session,
        restaurant=restaurant,
        ordered_at=ordered_at,
        items_count=units.astype(np.int64),
        subtotal_cents=subtotal,
        discount_cents=discount.astype(np.int64),
        fee_cents=_cents(restaurants["delivery_fee"])[restaurant],
        cancelled=cancelled,
        line_order=line_order,
        line_no=line_no.astype(np.int64),
        line_item=line_item,
        quantity=quantity.astype(np.int64),
        unit_cents=unit_cents,
    )


def _draw_lines(
    rng: np.random.Generator,
    persona: np.ndarray,
    restaurant: np.ndarray,
    units: np.ndarray,
    restaurants: pd.DataFrame,
    menu: pd.DataFrame,
    profiles: tuple[HistoryProfile, ...],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each unit of each order picks an item of the order's restaurant; equal picks merge into one line.

    Returns the order index, menu row and quantity of every line, ordered by order then menu position.
    """
    unit_order = np.repeat(np.arange(len(units)), units)
    unit_persona = persona[unit_order]
    target = restaurant[unit_order] + rng.random(len(unit_order))  # block r of the bounds holds restaurant r
    bounds = _item_bounds(restaurants, menu, profiles)
    unit_item = np.empty(len(unit_order), dtype=np.int64)
    for index in range(len(profiles)):
        mask = unit_persona == index
        unit_item[mask] = np.searchsorted(bounds[index], target[mask], side="right")
    line_key, quantity = np.unique(unit_order * len(menu) + unit_item, return_counts=True)
    line_order, line_item = np.divmod(line_key, len(menu))
    return line_order, line_item, quantity
