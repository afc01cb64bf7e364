"""How a window's visitors and buyers grow with its length: the warehouse's answer to "how long must I run?".

A visitor of the last ``D`` days is a user with a session in them; a buyer is one of them with an order placed in
one of those sessions (cancelled or not, as ``marts.window_metrics`` counts). Both come from one pass: each user's
last session day and last ordering session day. Visitors do not add up day by day (the same people come back), and
conversion over a window grows with its length, so a plan needs both curves: an experiment of ``D`` days meets
``visitors(D)`` people who convert at ``buyers(D) / visitors(D)``, as the one world (``swarm.traffic``) makes them.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np

from marts.etl.checks import valid_amount
from marts.storage import Store

MAX_DAYS = 90

_LAST_DAYS = f"""
WITH ordering AS (
    SELECT DISTINCT session_id FROM orders AS o WHERE {valid_amount("o.total")}
),
per_user AS (
    SELECT s.user_id,
           MAX(CAST(s.started_at AS DATE)) AS last_visit,
           MAX(CASE WHEN o.session_id IS NOT NULL THEN CAST(s.started_at AS DATE) END) AS last_order
    FROM sessions AS s
    LEFT JOIN ordering AS o ON o.session_id = s.session_id
    WHERE s.started_at >= :start_at
    GROUP BY s.user_id
)
SELECT last_visit, last_order, COUNT(*) AS users FROM per_user GROUP BY last_visit, last_order
"""
_LAST_DAY = "SELECT MAX(started_at) FROM sessions"


@dataclass(frozen=True)
class Horizon:
    """Visitors and buyers of the warehouse's last ``D`` days, for ``D`` = 1 .. ``days``.

    Attributes:
        last_day: the warehouse's last day with traffic.
        visitors: ``visitors[D - 1]``: distinct visitors of the last ``D`` days.
        buyers: ``buyers[D - 1]``: those of them who ordered in those days.
    """

    last_day: date
    visitors: np.ndarray
    buyers: np.ndarray

    @property
    def days(self) -> int:
        """The longest window measured."""
        return len(self.visitors)

    def conversion(self, days: int) -> float:
        """The share of the last ``days`` days' visitors who ordered in them."""
        return float(self.buyers[days - 1] / self.visitors[days - 1]) if self.visitors[days - 1] else 0.0

    def first_day(self, days: int) -> date:
        """The first day of the last ``days`` days."""
        return self.last_day - timedelta(days=days - 1)


def warehouse_horizon(store: Store, days: int = MAX_DAYS) -> Horizon | None:
    """The visitors and buyers curves over up to ``days`` days (fewer when the history is shorter); None when empty.

    Raises:
        ValueError: when ``days`` is not 1 to MAX_DAYS.
    """
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise ValueError(f"days: must be a whole number from 1 to {MAX_DAYS} (got {days!r})")
    last = store.scalar(_LAST_DAY)
    if last is None:
        return None
    last_day, first_day = _day(last), _day(store.scalar("SELECT MIN(started_at) FROM sessions"))
    days = min(days, (last_day - first_day).days + 1)
    start = last_day - timedelta(days=days - 1)
    rows = store.query(_LAST_DAYS, {"start_at": start})
    visitors, buyers = np.zeros(days, dtype=np.int64), np.zeros(days, dtype=np.int64)
    for row in rows:
        visit_age = (last_day - _day(row["last_visit"])).days
        visitors[visit_age] += int(row["users"])
        if row["last_order"] is not None:
            buyers[(last_day - _day(row["last_order"])).days] += int(row["users"])
    return Horizon(last_day, np.cumsum(visitors), np.cumsum(buyers))


def _day(value: date | datetime) -> date:
    """A date from a date or a timestamp (the backends return either for a cast)."""
    return value.date() if isinstance(value, datetime) else value
