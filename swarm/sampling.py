"""Drawing visits from a VisitModel: the one sampler the vectorised engine and the HTTP agents share.

The engine draws thousands of visits at once; an HTTP agent draws one (``n=1``). Both go through
``sample_visits``, so the two paths cannot drift apart. The draws happen in a fixed order, so the same generator
state gives the same visits.
"""

from dataclasses import dataclass

import numpy as np

from swarm.behaviour import DELIVERY_FEE, TOP_UP_BAND, TOP_UP_MARGIN, VisitModel


@dataclass(frozen=True)
class Visits:
    """``n`` sampled visits, one entry per visit in every array."""

    banner_click: np.ndarray
    searched: np.ndarray
    viewed: np.ndarray
    items_viewed: np.ndarray
    carted: np.ndarray
    checked_out: np.ndarray
    purchased: np.ndarray
    value: np.ndarray
    subtotal: np.ndarray
    """The order's basket before discount and fee (the drawn basket, topped up; 0 without an order)."""

    def __len__(self) -> int:
        return len(self.purchased)


def sample_visits(model: VisitModel, n: int, rng: np.random.Generator) -> Visits:
    """Draw ``n`` independent visits of one persona under one config."""
    uniforms = rng.random((7, n))
    extra_items = rng.poisson(max(model.items_viewed - 1.0, 0.0), n)
    basket = rng.lognormal(model.basket_log_mean, max(model.basket_log_sd, 1e-9), n)

    banner_click = uniforms[0] < model.click_banner
    searched = uniforms[1] < model.search
    viewed = uniforms[2] < model.view_item
    carted = viewed & (uniforms[3] < model.add_to_cart)
    checked_out = carted & (uniforms[4] < model.checkout)
    purchased = checked_out & (uniforms[5] < model.purchase)
    items_viewed = np.where(viewed, 1 + extra_items, 0)

    threshold = model.free_delivery_threshold
    near = (basket >= threshold * (1.0 - TOP_UP_BAND)) & (basket < threshold)
    topped = near & (uniforms[6] < model.top_up)
    subtotal = np.where(topped, threshold + TOP_UP_MARGIN, basket)
    fee = np.where(subtotal < threshold, DELIVERY_FEE, 0.0)
    value = np.where(purchased, np.round(subtotal * (1.0 - model.discount) + fee, 2), 0.0)
    kept = np.where(purchased, subtotal, 0.0)
    return Visits(banner_click, searched, viewed, items_viewed, carted, checked_out, purchased, value, kept)
