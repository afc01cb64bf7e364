"""The swarm's personas: who shops at NovaEats and how, with every parameter documented.

One world: these personas generate the warehouse history (``swarm.history``) and every run, the HTTP agents' and the
engine's, so the experiments a learner runs happen in the shop they studied. Each persona says how often its
customers visit and how long they stay (``swarm.traffic`` turns that into days of traffic), and what one visit does
under the default configuration; ``swarm.behaviour`` is the only place that turns a variant's knobs into changes of
them. The five personas of the original product, plus an optional bot.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from marts.vocabulary import persona_name

DEVICES = ("ios", "android", "web")
"""The devices customers shop on (``users.device``, ``sessions.device``)."""


@dataclass(frozen=True)
class Persona:
    """One kind of shopper.

    Attributes:
        name: the persona's key, as stored in ``users.persona``.
        description: who they are, in one sentence.
        share: their share of the default population mix (the warehouse's mix replaces it when available).
        click_banner: chance to click the hero banner during a visit.
        search: chance to use search during a visit.
        view_item: chance to open at least one menu item during a visit.
        items_viewed: mean number of items viewed, given at least one.
        add_to_cart: chance to add to the cart, given an item was viewed.
        checkout: chance to start checkout, given a non-empty cart.
        purchase: chance to complete the purchase, given checkout started.
        basket_log_mean: mean of log(basket subtotal in $) (the basket value is log-normal).
        basket_log_sd: standard deviation of log(basket subtotal).
        price_sensitivity: how strongly fees and prices move the purchase decision (0 = not at all).
        discount_sensitivity: how strongly a discount lifts cart and purchase decisions (0 = not at all).
        urgency_response: how urgency cues (warm banner, badge) move clicks and carts; negative means they repel.
        rating_reliance: how much seeing star ratings reassures them before adding to the cart.
        layout_preference: +1 prefers a visual grid, -1 prefers a comparable list, 0 indifferent.
        top_up: chance to add to a basket just under the free-delivery threshold to reach it (a habit of the default
            shop too, so a baseline parameter: the world's secret draws leave it alone; see ``swarm.world``).
        visits_per_week: how often a customer visits, on average (``swarm.traffic`` spreads the visits over days).
        weekly_churn: chance that a customer stops visiting NovaEats in a given week.
        device_mix: shares of ios, android and web among these customers (``DEVICES`` order).
        is_bot: a crawler: browses fast, clicks at random, never buys.
    """

    name: str
    description: str
    share: float
    click_banner: float
    search: float
    view_item: float
    items_viewed: float
    add_to_cart: float
    checkout: float
    purchase: float
    basket_log_mean: float
    basket_log_sd: float
    price_sensitivity: float
    discount_sensitivity: float
    urgency_response: float
    rating_reliance: float
    layout_preference: float
    top_up: float
    visits_per_week: float
    weekly_churn: float
    device_mix: tuple[float, float, float]
    is_bot: bool = False

    @property
    def label(self) -> str:
        """The name the Lab shows, from the one catalog (``marts.vocabulary``)."""
        return persona_name(self.name)[0]

    def __post_init__(self) -> None:
        for field in (
            "share",
            "click_banner",
            "search",
            "view_item",
            "add_to_cart",
            "checkout",
            "purchase",
            "top_up",
            "weekly_churn",
        ):
            value = getattr(self, field)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{self.name}.{field}: must be a probability in [0, 1] (got {value})")
        if not 0.0 < self.visits_per_week <= 50.0:
            raise ValueError(f"{self.name}.visits_per_week: must be in (0, 50] (got {self.visits_per_week})")
        if not self.weekly_churn > 0.0:
            raise ValueError(f"{self.name}.weekly_churn: must be above 0 (got {self.weekly_churn})")
        mix = self.device_mix
        if len(mix) != len(DEVICES) or min(mix) < 0 or abs(sum(mix) - 1.0) > 1e-9:
            raise ValueError(f"{self.name}.device_mix: must be {len(DEVICES)} non-negative shares summing to 1")
        if self.items_viewed < 1:
            raise ValueError(f"{self.name}.items_viewed: must be at least 1 (got {self.items_viewed})")


IMPULSIVE = Persona(
    "impulsive",
    "Buys on a whim; urgency and bright banners work on them.",
    share=0.20,
    click_banner=0.18,
    search=0.20,
    view_item=0.70,
    items_viewed=2.0,
    add_to_cart=0.24,
    checkout=0.70,
    purchase=0.78,
    basket_log_mean=3.55,
    basket_log_sd=0.35,
    price_sensitivity=0.2,
    discount_sensitivity=0.8,
    urgency_response=1.0,
    rating_reliance=0.1,
    layout_preference=1.0,
    top_up=0.08,
    visits_per_week=2.2,
    weekly_churn=0.035,
    device_mix=(0.55, 0.35, 0.1),
)
RATIONAL = Persona(
    "rational",
    "Compares prices and fees; reads ratings; discounts and free delivery move them.",
    share=0.25,
    click_banner=0.08,
    search=0.55,
    view_item=0.78,
    items_viewed=4.0,
    add_to_cart=0.15,
    checkout=0.62,
    purchase=0.70,
    basket_log_mean=2.95,
    basket_log_sd=0.30,
    price_sensitivity=1.5,
    discount_sensitivity=1.2,
    urgency_response=-0.1,
    rating_reliance=0.8,
    layout_preference=-1.0,
    top_up=0.6,
    visits_per_week=1.8,
    weekly_churn=0.02,
    device_mix=(0.35, 0.35, 0.3),
)
WINDOW_SHOPPER = Persona(
    "window_shopper",
    "Browses a lot, rarely buys; a deal can tip them over.",
    share=0.25,
    click_banner=0.14,
    search=0.30,
    view_item=0.62,
    items_viewed=5.0,
    add_to_cart=0.05,
    checkout=0.40,
    purchase=0.50,
    basket_log_mean=3.05,
    basket_log_sd=0.35,
    price_sensitivity=0.8,
    discount_sensitivity=1.5,
    urgency_response=0.4,
    rating_reliance=0.3,
    layout_preference=1.0,
    top_up=0.32,
    visits_per_week=4.5,
    weekly_churn=0.04,
    device_mix=(0.45, 0.4, 0.15),
)
MISSION = Persona(
    "mission",
    "Knows what they want; searches, orders and leaves; hardly moved by the shop's dressing.",
    share=0.15,
    click_banner=0.04,
    search=0.75,
    view_item=0.90,
    items_viewed=1.4,
    add_to_cart=0.47,
    checkout=0.85,
    purchase=0.90,
    basket_log_mean=3.35,
    basket_log_sd=0.25,
    price_sensitivity=0.3,
    discount_sensitivity=0.2,
    urgency_response=0.0,
    rating_reliance=0.2,
    layout_preference=-0.5,
    top_up=0.12,
    visits_per_week=0.8,
    weekly_churn=0.015,
    device_mix=(0.4, 0.35, 0.25),
)
CAUTIOUS = Persona(
    "cautious",
    "Hesitant first-timer; ratings reassure them and pressure puts them off.",
    share=0.15,
    click_banner=0.06,
    search=0.35,
    view_item=0.58,
    items_viewed=3.0,
    add_to_cart=0.09,
    checkout=0.45,
    purchase=0.55,
    basket_log_mean=3.00,
    basket_log_sd=0.30,
    price_sensitivity=1.0,
    discount_sensitivity=0.6,
    urgency_response=-0.8,
    rating_reliance=1.2,
    layout_preference=0.0,
    top_up=0.4,
    visits_per_week=1.4,
    weekly_churn=0.03,
    device_mix=(0.3, 0.35, 0.35),
)
BOT = Persona(
    "bot",
    "A crawler: many page views, random clicks, never a purchase (off unless the bot switch is on).",
    share=0.0,
    click_banner=0.50,
    search=0.50,
    view_item=0.95,
    items_viewed=8.0,
    add_to_cart=0.0,
    checkout=0.0,
    purchase=0.0,
    basket_log_mean=0.0,
    basket_log_sd=0.0,
    price_sensitivity=0.0,
    discount_sensitivity=0.0,
    urgency_response=0.0,
    rating_reliance=0.0,
    layout_preference=0.0,
    top_up=0.0,
    visits_per_week=3.0,
    weekly_churn=0.5,
    device_mix=(0.0, 0.0, 1.0),
    is_bot=True,
)

SHOPPERS: tuple[Persona, ...] = (IMPULSIVE, RATIONAL, WINDOW_SHOPPER, MISSION, CAUTIOUS)
PERSONAS: Mapping[str, Persona] = {p.name: p for p in (*SHOPPERS, BOT)}


def default_mix() -> dict[str, float]:
    """The default population mix of the five shopper personas."""
    return {p.name: p.share for p in SHOPPERS}


def check_mix(mix: Mapping[str, float]) -> dict[str, float]:
    """A population mix normalised to sum to 1; raises ValueError naming the persona or the rule."""
    if not mix:
        raise ValueError("mix: must name at least one persona")
    for name, share in mix.items():
        if name not in PERSONAS:
            raise ValueError(f"mix.{name}: unknown persona; known personas are {', '.join(PERSONAS)}")
        if not share >= 0:
            raise ValueError(f"mix.{name}: must be a non-negative share (got {share})")
    total = sum(mix.values())
    if total <= 0:
        raise ValueError("mix: shares must add up to more than 0")
    return {name: share / total for name, share in mix.items() if share > 0}
