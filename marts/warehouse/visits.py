"""Draw sessions: when each user visits, on which device, and how far each visit goes down the funnel."""

from dataclasses import dataclass

import numpy as np

from marts.warehouse.personas import HistoryProfile
from marts.warehouse.population import Population, pick_rows
from marts.warehouse.rhythm import Rhythm

OTHER_DEVICE_SHARE = 0.12
"""Share of sessions on a device other than the user's main one (drawn from the persona's device mix)."""
MAX_STEP_PROBABILITY = 0.98


@dataclass(frozen=True)
class Visits:
    """One array entry per session, ordered by start time; ``user`` indexes the population."""

    user: np.ndarray
    start: np.ndarray
    device: np.ndarray
    page_views: np.ndarray
    viewed_item: np.ndarray
    added_to_cart: np.ndarray
    started_checkout: np.ndarray
    ordered: np.ndarray

    def __len__(self) -> int:
        return len(self.user)


def _column(profiles: tuple[HistoryProfile, ...], name: str) -> np.ndarray:
    return np.array([getattr(p, name) for p in profiles], dtype=float)


def draw_visits(
    rng: np.random.Generator, people: Population, profiles: tuple[HistoryProfile, ...], rhythm: Rhythm
) -> Visits:
    """Sessions as a Poisson process per user over its active span, shaped by the traffic rhythm."""
    rate = _column(profiles, "visits_per_week")[people.persona] / 168.0 * people.activity
    counts = rng.poisson(rate * rhythm.mass(people.active_from, people.active_until))
    user = np.repeat(np.arange(len(people)), counts)
    start = rhythm.at_fraction(rng.random(len(user)), people.active_from[user], people.active_until[user])
    start = np.minimum(start, rhythm.hours - 1 / 3600)  # a session starts at least one second before the end
    order = np.lexsort((user, start))
    user, start = user[order], start[order]
    persona = people.persona[user]

    device_mix = np.array([p.device_mix for p in profiles])
    other = pick_rows(rng.random(len(user)), device_mix[persona])
    device = np.where(rng.random(len(user)) < OTHER_DEVICE_SHARE, other, people.device[user])

    tenure_days = (start - people.signup[user]) / 24.0
    warmup = _column(profiles, "warmup_days")[persona]
    ramp = 1.0 - np.exp(-np.divide(tenure_days, warmup, out=np.full(len(user), np.inf), where=warmup > 0))
    add_to_cart = _column(profiles, "add_to_cart")[persona] * people.appetite[user]
    add_probability = np.minimum(add_to_cart, MAX_STEP_PROBABILITY)

    steps = rng.random((4, len(user)))
    viewed = steps[0] < _column(profiles, "view_item")[persona]
    added = viewed & (steps[1] < add_probability)
    checkout = added & (steps[2] < _column(profiles, "start_checkout")[persona])
    ordered = checkout & (steps[3] < _column(profiles, "purchase")[persona] * ramp)

    browsing = rng.poisson(_column(profiles, "pages_per_session")[persona] - 1.0)
    page_views = 1 + browsing + viewed + added + 2 * checkout
    return Visits(
        user=user,
        start=start,
        device=device,
        page_views=page_views.astype(np.int64),
        viewed_item=viewed,
        added_to_cart=added,
        started_checkout=checkout,
        ordered=ordered,
    )
