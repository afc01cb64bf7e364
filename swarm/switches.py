"""Optional realism switches, each with a known, documented effect.

- **Novelty** (``novelty``, ``novelty_half_life_days``): every knob shift is multiplied by
  ``1 + novelty * 0.5 ** (day / half_life)``. On day 0 a novelty of 1.0 doubles the effect; it then decays back to
  the lasting effect. The ground truth reports the lasting effect and the run's traffic-weighted average.
- **Seasonality** (``seasonality``): daily traffic follows ``WEEKDAY_VOLUME`` (Monday first) and purchase log-odds
  move by ``WEEKDAY_PURCHASE_SHIFT``, equally in every variant. Effects stay the same; daily rates swing.
- **Bots** (``bot_share``): this share of the traffic is the ``bot`` persona: many views and clicks, no purchases.
  Bots dilute conversion and click-through in every variant alike, shrinking absolute effects by (1 - bot_share).
- **Exposure bug** (``exposure_bug``): in one variant (``exposure_bug_variant``, by default the last), this share
  of the users whose first visit bounced (no item viewed) never log their exposure. They vanish from the analysis:
  a sample-ratio mismatch that also biases that variant's rates upward. The true effect is unchanged.
"""

from dataclasses import asdict, dataclass
from typing import Any

WEEKDAY_VOLUME = (0.90, 0.88, 0.92, 0.97, 1.12, 1.18, 1.03)
WEEKDAY_PURCHASE_SHIFT = (-0.05, -0.06, -0.04, 0.00, 0.06, 0.10, 0.03)


@dataclass(frozen=True)
class Switches:
    """The realism switches of one run; all off by default."""

    novelty: float = 0.0
    novelty_half_life_days: float = 2.0
    seasonality: bool = False
    bot_share: float = 0.0
    exposure_bug: float = 0.0
    exposure_bug_variant: str | None = None

    def __post_init__(self) -> None:
        if not 0.0 <= self.novelty <= 5.0:
            raise ValueError(f"novelty: must be from 0 to 5 (got {self.novelty})")
        if not 0.1 <= self.novelty_half_life_days <= 60.0:
            raise ValueError(f"novelty_half_life_days: must be from 0.1 to 60 (got {self.novelty_half_life_days})")
        if not 0.0 <= self.bot_share <= 0.5:
            raise ValueError(f"bot_share: must be from 0 to 0.5 (got {self.bot_share})")
        if not 0.0 <= self.exposure_bug <= 0.9:
            raise ValueError(f"exposure_bug: must be from 0 to 0.9 (got {self.exposure_bug})")

    def effect_scale(self, day: int) -> float:
        """The multiplier of every knob shift on ``day`` (0-based) of a run."""
        return 1.0 + self.novelty * 0.5 ** (day / self.novelty_half_life_days)

    def volume(self, weekday: int) -> float:
        """Relative traffic on a weekday (0 = Monday)."""
        return WEEKDAY_VOLUME[weekday] if self.seasonality else 1.0

    def purchase_shift(self, weekday: int) -> float:
        """Log-odds shift of the purchase step on a weekday (0 = Monday)."""
        return WEEKDAY_PURCHASE_SHIFT[weekday] if self.seasonality else 0.0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy, as stored with each run."""
        return asdict(self)
