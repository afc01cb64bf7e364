"""How much of the planned sample is in: the smallest variant against the plan's users per variant, and the plan's
horizon in days.

The monitor, the results page's users tile and the retrospective state them with these words, so they agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PlannedProgress:
    """The smallest variant's users against the plan."""

    smallest: int
    per_variant: int

    @property
    def share(self) -> float:
        return self.smallest / self.per_variant

    @property
    def complete(self) -> bool:
        return self.smallest >= self.per_variant

    @property
    def percent(self) -> str:
        """The share in whole percent, at most 99% while the plan is not complete ("99%" for 17,029 of 17,033)."""
        whole = round(self.share * 100) if self.complete else min(round(self.share * 100), 99)
        return f"{whole}%"

    def words(self) -> tuple[str, str]:
        """ "5,988 of the planned 10,000 per variant (60%)", in (English, Korean)."""
        n, planned, share = f"{self.smallest:,}", f"{self.per_variant:,}", self.percent
        return f"{n} of the planned {planned} per variant ({share})", f"변형당 계획 {planned}명 중 {n}명({share})"


def planned_progress(results: dict[str, Any], planned_per_variant: Any = None) -> PlannedProgress | None:
    """The readout's progress against its plan (``planned_units`` per comparison, or ``planned_per_variant``);
    None when there is no plan or no users yet."""
    observed = (results.get("srm") or {}).get("observed") or {}
    planned = results.get("planned_units")
    per_variant = planned // 2 if isinstance(planned, int) and planned >= 2 else planned_per_variant
    if not isinstance(per_variant, int) or per_variant < 1 or not observed:
        return None
    return PlannedProgress(int(min(observed.values())), per_variant)


def planned_horizon(days: Any) -> tuple[str, str]:
    """ "Planned horizon: 22 days", in (English, Korean); ("", "") without a plan's days."""
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        return "", ""
    return f"Planned horizon: {days:,} days", f"계획 기간: {days:,}일"
