"""Draw the user base: persona, signup time, region, device, activity and lifetime of every user."""

from dataclasses import dataclass

import numpy as np

from marts.warehouse.personas import REGIONS, HistoryProfile
from marts.warehouse.rhythm import Rhythm, time_of_day

PRE_WINDOW_SHARE = 0.6
"""Share of users who signed up before the window (they are active when it opens)."""
PRE_WINDOW_DAYS = 365
"""Earliest signup of a pre-window user, in days before the window."""
SIGNUP_GROWTH = 1.3
"""Signups inside the window accelerate: their cumulative share after a fraction x of the traffic is x**growth."""
ACTIVITY_SHAPE = 2.0
"""Gamma shape of the per-user visit-rate multiplier (mean 1): smaller means more uneven users."""
APPETITE_SIGMA = 0.5
"""Log-normal sigma of the per-user purchase-intent multiplier (mean 1)."""


@dataclass(frozen=True)
class Population:
    """One array entry per user, in signup order; times are hours from the window start."""

    persona: np.ndarray
    signup: np.ndarray
    active_from: np.ndarray
    active_until: np.ndarray
    activity: np.ndarray
    appetite: np.ndarray
    region: np.ndarray
    device: np.ndarray

    def __len__(self) -> int:
        return len(self.persona)


def pick_rows(fraction: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Categorical draws by inverse CDF: ``shares`` is one row of probabilities per draw (or one shared row)."""
    cumulative = np.cumsum(np.atleast_2d(shares), axis=1)
    picks = (fraction[:, None] >= cumulative[:, :-1]).sum(axis=1)
    return picks.astype(np.int64)


def draw_population(
    rng: np.random.Generator, users: int, profiles: tuple[HistoryProfile, ...], rhythm: Rhythm
) -> Population:
    """Draw ``users`` users; every draw is vectorised over the whole population."""
    shares = np.array([p.share for p in profiles])
    persona = pick_rows(rng.random(users), shares)

    pre_window = rng.random(users) < PRE_WINDOW_SHARE
    days_before = rng.integers(1, PRE_WINDOW_DAYS + 1, size=users)
    before = -24.0 * days_before + time_of_day(rng.random(users))
    inside = rhythm.at_fraction(rng.random(users) ** (1 / SIGNUP_GROWTH))
    signup = np.where(pre_window, before, inside)

    weekly_churn = np.array([p.weekly_churn for p in profiles])[persona]
    hazard = -np.log1p(-np.minimum(weekly_churn, 1 - 1e-12))
    lifetime_weeks = np.divide(rng.exponential(1.0, users), hazard, out=np.full(users, np.inf), where=hazard > 0)
    active_from = np.maximum(signup, 0.0)
    active_until = np.minimum(active_from + 168.0 * lifetime_weeks, float(rhythm.hours))

    activity = rng.gamma(ACTIVITY_SHAPE, 1 / ACTIVITY_SHAPE, users)
    appetite = rng.lognormal(-(APPETITE_SIGMA**2) / 2, APPETITE_SIGMA, users)
    region = pick_rows(rng.random(users), np.array(list(REGIONS.values())))
    device_mix = np.array([p.device_mix for p in profiles])
    device = pick_rows(rng.random(users), device_mix[persona])

    order = np.argsort(signup, kind="stable")
    return Population(
        persona=persona[order],
        signup=signup[order],
        active_from=active_from[order],
        active_until=active_until[order],
        activity=activity[order],
        appetite=appetite[order],
        region=region[order],
        device=device[order],
    )
