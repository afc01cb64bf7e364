"""Who shops at NovaEats: the five personas that drive the warehouse history, plus regions and devices.

Each persona is a ``HistoryProfile``: how often its users visit, how far a visit goes down the funnel, what they
buy and how long they stay. The defaults give an overall session-to-order conversion near 4-5 % and an average
order value near $30.
"""

from dataclasses import dataclass, fields

DEVICES = ("ios", "android", "web")
REGIONS: dict[str, float] = {
    "New York": 0.30,
    "Los Angeles": 0.22,
    "Chicago": 0.16,
    "Houston": 0.12,
    "Seattle": 0.11,
    "Austin": 0.09,
}
"""Cities users live in, with their share of users."""

_UNIT_INTERVAL = (
    "share",
    "view_item",
    "add_to_cart",
    "start_checkout",
    "purchase",
    "discount_sensitivity",
    "loyalty",
    "weekly_churn",
)


@dataclass(frozen=True)
class HistoryProfile:
    """The behaviour of one persona in the generated history."""

    name: str
    """Persona key stored in ``users.persona``."""
    share: float
    """Fraction of users with this persona; the shares of a profile set sum to 1."""
    visits_per_week: float
    """Mean sessions per active user per week; individual users vary around it (gamma, shape 2)."""
    pages_per_session: float
    """Mean pages browsed in a session before any funnel step (menus, search, restaurant lists)."""
    view_item: float
    """P(a session opens an item page)."""
    add_to_cart: float
    """P(adds to cart | viewed an item), scaled per user by an appetite factor (log-normal, mean 1)."""
    start_checkout: float
    """P(starts checkout | added to cart)."""
    purchase: float
    """P(places the order | started checkout), before the warm-up ramp."""
    basket_items: float
    """Mean units per order (1 + Poisson(basket_items - 1))."""
    price_sensitivity: float
    """Preference for cheap: restaurant weight is multiplied by exp(-k * (price_level - 1)) and item weight by
    exp(-k * (price / restaurant median - 1)); 0 ignores price."""
    discount_sensitivity: float
    """P(an order redeems a coupon) (10-20 % off, capped at $8)."""
    loyalty: float
    """P(an order goes to the user's favourite restaurant) rather than a fresh pick; the repeat-order habit."""
    weekly_churn: float
    """P(an active user stops visiting in a given week); users who signed up before the window are active at
    its start."""
    warmup_days: float
    """Days after signup for the purchase propensity to ramp up: it is scaled by 1 - exp(-tenure / warmup_days);
    0 means no ramp."""
    device_mix: tuple[float, float, float]
    """Shares of ios, android and web among this persona's users (order of ``DEVICES``)."""

    def __post_init__(self) -> None:
        for name in _UNIT_INTERVAL:
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{self.name}: {name} must be within [0, 1], got {value}")
        if self.visits_per_week <= 0:
            raise ValueError(f"{self.name}: visits_per_week must be > 0, got {self.visits_per_week}")
        for name in ("pages_per_session", "basket_items"):
            if getattr(self, name) < 1:
                raise ValueError(f"{self.name}: {name} must be >= 1, got {getattr(self, name)}")
        for name in ("price_sensitivity", "warmup_days"):
            if getattr(self, name) < 0:
                raise ValueError(f"{self.name}: {name} must be >= 0, got {getattr(self, name)}")
        if len(self.device_mix) != len(DEVICES) or min(self.device_mix) < 0 or abs(sum(self.device_mix) - 1) > 1e-9:
            raise ValueError(f"{self.name}: device_mix must be {len(DEVICES)} non-negative shares summing to 1")

    @property
    def session_conversion(self) -> float:
        """P(a session ends in an order) for a settled user: the product of the four funnel steps."""
        return self.view_item * self.add_to_cart * self.start_checkout * self.purchase


def validate_profiles(profiles: tuple[HistoryProfile, ...]) -> tuple[HistoryProfile, ...]:
    """Return ``profiles`` if they form a population; raise ValueError naming the rule otherwise."""
    if not profiles:
        raise ValueError("profiles must hold at least one HistoryProfile")
    names = [p.name for p in profiles]
    if len(set(names)) != len(names):
        raise ValueError(f"profiles must have unique names, got {names}")
    total = sum(p.share for p in profiles)
    if abs(total - 1.0) > 1e-9:
        raise ValueError(f"profiles: shares must sum to 1, got {total:.6f}")
    return profiles


def profile_table(profiles: tuple[HistoryProfile, ...]) -> list[dict[str, object]]:
    """The profiles as rows (one dict per persona), for docs and reports."""
    return [{f.name: getattr(p, f.name) for f in fields(p)} for p in profiles]


DEFAULT_PROFILES: tuple[HistoryProfile, ...] = validate_profiles(
    (
        HistoryProfile(
            name="impulsive",
            share=0.20,
            visits_per_week=2.2,
            pages_per_session=4.0,
            view_item=0.70,
            add_to_cart=0.30,
            start_checkout=0.58,
            purchase=0.74,
            basket_items=3.3,
            price_sensitivity=0.0,
            discount_sensitivity=0.10,
            loyalty=0.30,
            weekly_churn=0.035,
            warmup_days=0.0,
            device_mix=(0.55, 0.35, 0.10),
        ),
        HistoryProfile(
            name="rational",
            share=0.25,
            visits_per_week=1.8,
            pages_per_session=8.0,
            view_item=0.72,
            add_to_cart=0.22,
            start_checkout=0.50,
            purchase=0.62,
            basket_items=2.2,
            price_sensitivity=1.5,
            discount_sensitivity=0.45,
            loyalty=0.25,
            weekly_churn=0.020,
            warmup_days=3.0,
            device_mix=(0.35, 0.35, 0.30),
        ),
        HistoryProfile(
            name="window_shopper",
            share=0.25,
            visits_per_week=4.5,
            pages_per_session=10.0,
            view_item=0.55,
            add_to_cart=0.08,
            start_checkout=0.30,
            purchase=0.45,
            basket_items=1.8,
            price_sensitivity=0.4,
            discount_sensitivity=0.25,
            loyalty=0.20,
            weekly_churn=0.040,
            warmup_days=5.0,
            device_mix=(0.45, 0.40, 0.15),
        ),
        HistoryProfile(
            name="mission",
            share=0.15,
            visits_per_week=0.8,
            pages_per_session=2.5,
            view_item=0.88,
            add_to_cart=0.56,
            start_checkout=0.80,
            purchase=0.86,
            basket_items=2.6,
            price_sensitivity=0.2,
            discount_sensitivity=0.05,
            loyalty=0.70,
            weekly_churn=0.015,
            warmup_days=0.0,
            device_mix=(0.40, 0.35, 0.25),
        ),
        HistoryProfile(
            name="cautious",
            share=0.15,
            visits_per_week=1.4,
            pages_per_session=6.0,
            view_item=0.55,
            add_to_cart=0.15,
            start_checkout=0.40,
            purchase=0.45,
            basket_items=1.7,
            price_sensitivity=0.8,
            discount_sensitivity=0.30,
            loyalty=0.60,
            weekly_churn=0.030,
            warmup_days=21.0,
            device_mix=(0.30, 0.35, 0.35),
        ),
    )
)
