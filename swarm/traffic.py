"""The shop's traffic: who visits NovaEats in a window of days, and when. One process for the history and every run.

Customers of persona ``p`` arrive (sign up) at ``A * share_p`` a day and stay a geometric number of days (daily churn
from the persona's weekly churn), so about ``A * share_p / churn_p`` are customers at any moment. A customer visits
as a Poisson process: ``visits_per_week / 7 * activity * rate(d)`` visits on day ``d``, with ``activity`` drawn once
per customer (gamma, shape ``ACTIVITY_SHAPE``, mean 1) and ``rate`` the day's traffic (the weekly rhythm, mean 1).

A window of ``D`` days holds the customers already there on its first day (each stays ``L`` days, geometric, at most
``D``) and those who arrive on day ``s`` (they stay ``min(L, D - s)`` days). Every customer falls in a *span class*
(first day, days, new or not) with an expected count per unit of arrivals. Given its class, a customer's visits are
``K ~ NegBin(shape, mean m)`` with ``m = visits_per_week / 7 * (sum of the span's day rates)``, on days drawn
independently with the day rates. A visitor is a customer with at least one visit in the window.

``swarm.history`` draws customers from these classes for the warehouse; ``draw_visitors`` draws a run's visitors
from them; ``swarm.truth`` takes exact expectations over them. So the warehouse's last 28 days, a 28-day A/A run
and the truth describe one process.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import numpy as np

from marts.warehouse.rhythm import DAY_FACTORS, time_of_day
from swarm.personas import Persona

ACTIVITY_SHAPE = 2.0
"""Gamma shape of a customer's visit-rate multiplier (mean 1): smaller means more uneven customers."""
DEFAULT_ARRIVALS_PER_DAY = 150.0
"""New customers a day when no warehouse says otherwise (the default warehouse's rate)."""
SECONDS_PER_DAY = 86_400
VISIT_MARGIN_SECONDS = 1_800
"""Visits start at least this long before their day ends, so a visit's events stay inside its day."""
DAY_RHYTHM = DAY_FACTORS / DAY_FACTORS.mean()
"""The weekly rhythm of traffic, Monday first, mean 1."""


def daily_churn(persona: Persona) -> float:
    """The chance that a customer leaves on a given day."""
    return 1.0 - (1.0 - persona.weekly_churn) ** (1.0 / 7.0)


def visit_rate(persona: Persona) -> float:
    """Mean visits a day of an average customer on an average day."""
    return persona.visits_per_week / 7.0


def day_rates(first_day: date, days: int, volume: Mapping[int, float] | None = None) -> np.ndarray:
    """The relative traffic of each day of a window (the weekly rhythm, times ``volume[weekday]`` when given)."""
    weekdays = [(first_day + timedelta(days=d)).weekday() for d in range(days)]
    rates = DAY_RHYTHM[weekdays]
    if volume is not None:
        rates = rates * np.array([volume[w] for w in weekdays])
    return rates


@dataclass(frozen=True)
class SpanClasses:
    """The span classes of one persona in one window, one entry per class in every array.

    Attributes:
        start: the first day (0-based) the customer is a customer in the window.
        days: how many days from ``start`` they stay in the window.
        new: whether they arrive during the window (else they were a customer before it).
        weight: expected customers of the class per new customer a day.
        mean_visits: their expected visits in the window.
        day_rates: the window's day rates.
    """

    start: np.ndarray
    days: np.ndarray
    new: np.ndarray
    weight: np.ndarray
    mean_visits: np.ndarray
    day_rates: np.ndarray

    def pgf(self, z: np.ndarray | float) -> np.ndarray:
        """E[z ** K] per class: the negative binomial's generating function."""
        return (1.0 + self.mean_visits * (1.0 - np.asarray(z)) / ACTIVITY_SHAPE) ** -ACTIVITY_SHAPE

    @property
    def visitor_weight(self) -> np.ndarray:
        """Expected visitors of each class per new customer a day."""
        return self.weight * (1.0 - self.pgf(0.0))

    def span_sum(self, per_day: np.ndarray) -> np.ndarray:
        """Per class, the sum of a per-day quantity over the class's days."""
        cumulative = np.concatenate([[0.0], np.cumsum(per_day)])
        return cumulative[self.start + self.days] - cumulative[self.start]


def span_classes(persona: Persona, rates: np.ndarray) -> SpanClasses:
    """Every span class of ``persona`` in a window with these day rates."""
    return _span_classes(persona.weekly_churn, persona.visits_per_week, tuple(float(r) for r in rates))


def _stays(churn: float, room: int) -> np.ndarray:
    """P(a customer stays 1..room days of the window): geometric, the tail lumped on ``room``."""
    stay = np.arange(1, room + 1)
    chance = churn * (1.0 - churn) ** (stay - 1)
    chance[-1] = (1.0 - churn) ** (room - 1)
    return chance


@lru_cache(maxsize=256)
def _span_classes(weekly_churn: float, visits_per_week: float, rates: tuple[float, ...]) -> SpanClasses:
    window = len(rates)
    churn = 1.0 - (1.0 - weekly_churn) ** (1.0 / 7.0)
    starts = [np.zeros(window, dtype=np.int64)]  # the customers there when the window opens: 1 / churn of them
    lengths = [np.arange(1, window + 1)]
    weights = [_stays(churn, window) / churn]
    new = [np.zeros(window, dtype=bool)]
    for start in range(window):  # one new customer a day arrives on each day
        room = window - start
        starts.append(np.full(room, start, dtype=np.int64))
        lengths.append(np.arange(1, room + 1))
        weights.append(_stays(churn, room))
        new.append(np.ones(room, dtype=bool))
    start = np.concatenate(starts)
    days = np.concatenate(lengths).astype(np.int64)
    cumulative = np.concatenate([[0.0], np.cumsum(rates)])
    mean_visits = visits_per_week / 7.0 * (cumulative[start + days] - cumulative[start])
    return SpanClasses(start, days, np.concatenate(new), np.concatenate(weights), mean_visits, np.array(rates))


def expected_visitors(personas: Mapping[str, Persona], arrivals: Mapping[str, float], rates: np.ndarray) -> dict:
    """Expected visitors per persona in a window, with ``arrivals[p]`` new customers of ``p`` a day."""
    return {
        name: float(arrivals[name] * span_classes(personas[name], rates).visitor_weight.sum())
        for name in arrivals
        if arrivals[name] > 0
    }


@dataclass(frozen=True)
class VisitorDraw:
    """Drawn visitors and their visits; visits are grouped by visitor, earliest first.

    Attributes:
        new: per visitor, whether they became a customer during the window (no history before it).
        user: per visit, the visitor's index.
        day: per visit, its day (0-based) in the window.
        second: per visit, its start in seconds from the window's start.
        first: per visit, whether it is the visitor's first.
    """

    new: np.ndarray
    user: np.ndarray
    day: np.ndarray
    second: np.ndarray
    first: np.ndarray

    def __len__(self) -> int:
        return len(self.new)


def draw_visitors(persona: Persona, rates: np.ndarray, n: int, rng: np.random.Generator) -> VisitorDraw:
    """``n`` visitors of ``persona`` in a window with these day rates, and their visits.

    A visitor's class is drawn with the classes' visitor weights; their activity from its distribution given at
    least one visit (rejection); their visit count from the zero-truncated Poisson given it; their days with the
    day rates over the class's span; the time of day from the daily rhythm.
    """
    classes = span_classes(persona, rates)
    chance = classes.visitor_weight / classes.visitor_weight.sum()
    picked = np.minimum(np.searchsorted(np.cumsum(chance), rng.random(n), side="right"), len(chance) - 1)
    mean = classes.mean_visits[picked]
    activity = np.empty(n)
    todo = np.arange(n)
    while len(todo):
        proposal = rng.gamma(ACTIVITY_SHAPE, 1.0 / ACTIVITY_SHAPE, len(todo))
        kept = rng.random(len(todo)) < -np.expm1(-mean[todo] * proposal)
        activity[todo[kept]] = proposal[kept]
        todo = todo[~kept]
    counts = _zero_truncated_poisson(mean * activity, rng)
    user = np.repeat(np.arange(n), counts)
    start, days = classes.start[picked][user], classes.days[picked][user]
    day, second = visit_times(rates, start, days, rng)
    order = np.lexsort((second, user))
    day, second = day[order], second[order]
    first = np.zeros(len(user), dtype=bool)
    first[np.cumsum(counts) - counts] = True
    return VisitorDraw(classes.new[picked], user, day, second, first)


def _zero_truncated_poisson(lam: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Poisson(lam) draws given at least one: the first event's time given it falls in [0, 1), then the rest."""
    first = -np.log1p(rng.random(len(lam)) * np.expm1(-lam)) / lam
    return 1 + rng.poisson(lam * np.clip(1.0 - first, 0.0, 1.0))


def visit_times(
    rates: np.ndarray, start: np.ndarray, days: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """For visits in spans ``[start, start + days)``: a day drawn with the day rates, then a time of day."""
    cumulative = np.concatenate([[0.0], np.cumsum(rates)])
    low, high = cumulative[start], cumulative[start + days]
    day = np.searchsorted(cumulative, low + rng.random(len(start)) * (high - low), side="right") - 1
    day = np.clip(day, start, start + days - 1)
    usable = (SECONDS_PER_DAY - VISIT_MARGIN_SECONDS) / SECONDS_PER_DAY
    clock = time_of_day(rng.random(len(start))) * 3600.0 * usable
    return day.astype(np.int16), day.astype(np.int64) * SECONDS_PER_DAY + clock.astype(np.int64)
