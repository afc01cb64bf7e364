"""The behaviour model: the one place where a variant's knobs cause changes in what each persona does.

Each knob moves the log-odds of one or more funnel steps, scaled by the persona's sensitivities:

- banner_color: banner clicks (warm colours up, charcoal down), scaled by 1 + urgency_response.
- urgency_badge: banner clicks, add to cart and purchase; sign and size from urgency_response (cautious repelled).
- discount_pct: add to cart and purchase up (discount_sensitivity); every order's subtotal down by the discount.
- free_delivery_threshold: purchase down when the fee applies (price_sensitivity); baskets just under the
  threshold are topped up to reach it (with the persona's ``top_up`` chance).
- checkout_button_text: purchase; "now" nudges the urgency-minded, "secure"/"safe" reassures rating readers.
- recommendation_layout: item views; grid for visual browsers, list for comparers (layout_preference).
- show_ratings: add to cart down when ratings are hidden (rating_reliance).
- banner_headline: nothing. A placebo knob: the model ignores the words.

Every shift is relative to the shop's default configuration, so the defaults reproduce the personas' declared
parameters exactly. The sensitivities a shift is scaled by are this deployment's (``swarm.world``): the personas'
documented values are the nominal world's. The novelty switch scales every shift by a factor that decays over the
days of a run.
"""

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shop.knobs import resolve
from swarm.personas import Persona

DELIVERY_FEE = 3.49
"""The delivery fee an order pays below the free-delivery threshold."""
TOP_UP_BAND = 0.25
"""Baskets within this fraction below the free-delivery threshold may be topped up to reach it."""
TOP_UP_MARGIN = 0.50
"""A topped-up basket ends this many dollars above the threshold."""

BANNER_WARMTH = {"red": 1.0, "orange": 0.6, "purple": 0.2, "green": 0.0, "blue": -0.1, "charcoal": -0.5}
URGENCY = {"none": 0.0, "limited_time": 0.6, "selling_fast": 0.8, "ends_tonight": 1.0}
DEFAULT_WARMTH = BANNER_WARMTH["orange"]


@dataclass(frozen=True)
class VisitModel:
    """What one persona does on one visit under one resolved config: the probabilities the swarm samples from.

    Funnel steps are conditional: add_to_cart given an item view, checkout given a cart, purchase given checkout.
    """

    persona: str
    click_banner: float
    search: float
    view_item: float
    items_viewed: float
    add_to_cart: float
    checkout: float
    purchase: float
    basket_log_mean: float
    basket_log_sd: float
    discount: float
    free_delivery_threshold: float
    top_up: float
    is_bot: bool

    @property
    def purchase_per_visit(self) -> float:
        """Chance that one visit ends in an order."""
        return self.view_item * self.add_to_cart * self.checkout * self.purchase


def _logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))


def _shift(p: float, delta: float) -> float:
    """Move a probability by ``delta`` on the log-odds scale (0 and 1 stay put)."""
    if p <= 0.0 or p >= 1.0 or delta == 0.0:
        return p
    return 1.0 / (1.0 + math.exp(-(_logit(p) + delta)))


def _fee_share(persona: Persona, threshold: float) -> float:
    """Chance that a basket's subtotal falls below the free-delivery threshold (log-normal basket)."""
    if persona.basket_log_sd <= 0 or threshold <= 0:
        return 0.0
    z = (math.log(threshold) - persona.basket_log_mean) / persona.basket_log_sd
    return 0.5 * math.erfc(-z / math.sqrt(2))


def knob_shifts(persona: Persona, config: Mapping[str, Any]) -> dict[str, float]:
    """Log-odds shifts of each funnel step caused by ``config`` relative to the default shop."""
    full = resolve(config)
    defaults = resolve()
    urgency_mind = persona.urgency_response
    warmth = BANNER_WARMTH[full["banner_color"]] - DEFAULT_WARMTH
    badge = URGENCY[full["urgency_badge"]] - URGENCY[defaults["urgency_badge"]]
    discount = (full["discount_pct"] - defaults["discount_pct"]) / 100.0
    fee_change = _fee_share(persona, full["free_delivery_threshold"]) - _fee_share(
        persona, defaults["free_delivery_threshold"]
    )
    words = set(re.findall(r"[a-z]+", full["checkout_button_text"].lower()))
    layout = 1.0 if full["recommendation_layout"] == "grid" else -1.0
    default_layout = 1.0 if defaults["recommendation_layout"] == "grid" else -1.0
    ratings_hidden = (not full["show_ratings"]) - (not defaults["show_ratings"])

    return {
        "click_banner": 0.30 * warmth * (1.0 + urgency_mind) + 0.35 * badge * (1.0 + urgency_mind),
        "view_item": 0.15 * persona.layout_preference * (layout - default_layout) / 2.0,
        "add_to_cart": 0.30 * badge * urgency_mind
        + 2.5 * discount * persona.discount_sensitivity
        - 0.40 * ratings_hidden * persona.rating_reliance,
        "checkout": 0.0,
        "purchase": 0.20 * badge * urgency_mind
        + 1.2 * discount * persona.discount_sensitivity
        - 0.9 * fee_change * persona.price_sensitivity
        + (0.15 * max(urgency_mind, 0.0) if "now" in words else 0.0)
        + (0.20 * persona.rating_reliance if words & {"secure", "safe"} else 0.0),
    }


def visit_model(
    persona: Persona, config: Mapping[str, Any], *, effect_scale: float = 1.0, purchase_shift: float = 0.0
) -> VisitModel:
    """The persona's visit under ``config``.

    Args:
        persona: who visits.
        config: the variant's knobs (missing knobs take their defaults).
        effect_scale: multiplies every knob shift (the novelty switch).
        purchase_shift: a log-odds shift of the purchase step shared by every variant (the seasonality switch).
    """
    full = resolve(config)
    shifts = {} if persona.is_bot else knob_shifts(persona, config)
    common = {"purchase": purchase_shift}

    def step(name: str) -> float:
        return _shift(getattr(persona, name), effect_scale * shifts.get(name, 0.0) + common.get(name, 0.0))

    return VisitModel(
        persona=persona.name,
        click_banner=step("click_banner"),
        search=persona.search,
        view_item=step("view_item"),
        items_viewed=persona.items_viewed,
        add_to_cart=step("add_to_cart"),
        checkout=step("checkout"),
        purchase=step("purchase"),
        basket_log_mean=persona.basket_log_mean,
        basket_log_sd=persona.basket_log_sd,
        discount=full["discount_pct"] / 100.0,
        free_delivery_threshold=float(full["free_delivery_threshold"]),
        top_up=0.0 if persona.is_bot else persona.top_up,
        is_bot=persona.is_bot,
    )


def order_value(model: VisitModel, subtotal: float) -> float:
    """What one order is worth to the shop: the (maybe topped-up) subtotal after discount, plus any delivery fee.

    ``subtotal`` is the basket drawn from the persona's log-normal; top-ups are decided by the caller's random draw
    and passed in already applied. Used by tests and documentation; the samplers apply the same arithmetic.
    """
    fee = DELIVERY_FEE if subtotal < model.free_delivery_threshold else 0.0
    return round(subtotal * (1.0 - model.discount) + fee, 2)
