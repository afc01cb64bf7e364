"""Order lines for orders whose subtotal is already known: a restaurant, its dishes, and prices that add up.

The world (``swarm.history``) decides what an order is worth; this module decides what it holds. Each order picks a
restaurant (popular ones more often, pricey ones less for price-sensitive shoppers), a number of dishes that fits
its subtotal at that restaurant's prices, and the dishes themselves (popular dishes more often). The lines are then
priced at the menu's prices scaled to the order (a restaurant's own mark-ups and deals), in integer cents, and the
order's subtotal is the sum of its lines: within a few cents of the world's, never biased.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

POPULAR_ITEM_WEIGHT = 3.0
MAX_UNITS = 12


@dataclass(frozen=True)
class Lines:
    """Order lines, ordered by order then menu position, and each order's restaurant and exact subtotal."""

    restaurant: np.ndarray
    """Row index into the restaurants frame, per order."""
    items_count: np.ndarray
    subtotal_cents: np.ndarray
    line_order: np.ndarray
    line_no: np.ndarray
    line_item: np.ndarray
    """Row index into the menu_items frame."""
    quantity: np.ndarray
    unit_cents: np.ndarray


def restaurant_weights(restaurants: pd.DataFrame, sensitivity: np.ndarray) -> np.ndarray:
    """P(pick restaurant), one row per price sensitivity: popularity discounted by price level."""
    level = restaurants["price_level"].to_numpy(dtype=float)[None, :]
    weights = restaurants["popularity"].to_numpy(dtype=float)[None, :] * np.exp(-sensitivity[:, None] * (level - 1.0))
    return weights / weights.sum(axis=1, keepdims=True)


def draw_lines(
    rng: np.random.Generator,
    subtotal_cents: np.ndarray,
    group: np.ndarray,
    sensitivity: np.ndarray,
    restaurants: pd.DataFrame,
    menu: pd.DataFrame,
) -> Lines:
    """Lines for orders worth ``subtotal_cents``; ``group[i]`` indexes order i's price ``sensitivity``."""
    orders = len(subtotal_cents)
    choice = np.cumsum(restaurant_weights(restaurants, np.asarray(sensitivity, dtype=float)), axis=1)
    restaurant = (rng.random(orders)[:, None] >= choice[group][:, :-1]).sum(axis=1)
    rest_row = pd.Index(restaurants["restaurant_id"]).get_indexer(menu["restaurant_id"])
    price = _cents(menu["price"])
    median = pd.Series(price).groupby(rest_row).median().reindex(range(len(restaurants))).to_numpy()
    units = np.clip(np.rint(subtotal_cents / median[restaurant]), 1, MAX_UNITS).astype(np.int64)

    unit_order = np.repeat(np.arange(orders), units)
    bounds = _item_bounds(rest_row, menu)
    target = restaurant[unit_order] + rng.random(len(unit_order))  # block r of the bounds holds restaurant r
    unit_item = np.searchsorted(bounds, target, side="right")
    line_key, quantity = np.unique(unit_order * len(menu) + unit_item, return_counts=True)
    line_order, line_item = np.divmod(line_key, len(menu))

    raw = np.bincount(line_order, weights=quantity * price[line_item], minlength=orders)
    scale = subtotal_cents / raw
    unit_cents = np.maximum(np.rint(price[line_item] * scale[line_order]), 1).astype(np.int64)
    first = np.r_[0, np.flatnonzero(np.diff(line_order)) + 1]
    line_no = np.arange(len(line_order)) - np.repeat(first, np.diff(np.r_[first, len(line_order)])) + 1
    exact = np.bincount(line_order, weights=quantity * unit_cents, minlength=orders)
    return Lines(
        restaurant=restaurant,
        items_count=units,
        subtotal_cents=np.rint(exact).astype(np.int64),
        line_order=line_order,
        line_no=line_no.astype(np.int64),
        line_item=line_item,
        quantity=quantity.astype(np.int64),
        unit_cents=unit_cents,
    )


def _cents(values: pd.Series) -> np.ndarray:
    return np.rint(values.to_numpy(dtype=float) * 100).astype(np.int64)


def _item_bounds(rest_row: np.ndarray, menu: pd.DataFrame) -> np.ndarray:
    """Increasing upper bounds: block ``r`` holds restaurant r's cumulative item shares + r."""
    if (rest_row < 0).any() or (np.diff(rest_row) < 0).any():
        raise ValueError("menu: items must belong to listed restaurants and be grouped in restaurant order")
    weights = np.where(menu["is_popular"].to_numpy(dtype=bool), POPULAR_ITEM_WEIGHT, 1.0)
    block_total = np.bincount(rest_row, weights=weights)
    shares = pd.Series(weights).groupby(rest_row).cumsum().to_numpy() / block_total[rest_row]
    last = np.r_[rest_row[1:] != rest_row[:-1], True]
    shares[last] = 1.0
    return rest_row + shares
