"""Teaching simulations on the vectorised engine: the A/A test and the peeking problem.

Both draw thousands of small experiments whose arms are identical (an A/A plan), so every "significant" result is
a false positive. They are pure: settings in, typed results out, no database and no UI.

- ``aa``: one fixed-horizon test per experiment; the p-values' histogram and the false-positive rate.
- ``peeking``: each experiment looked at K times as its data accumulate; stopping at the first naive p < alpha
  against the always-valid mSPRT p-value.
"""

from swarm.lessons.aa import AAResult, AASettings, run_aa
from swarm.lessons.common import METRICS, LessonCancelled, wilson_interval
from swarm.lessons.peeking import PeekingResult, PeekingSettings, run_peeking

__all__ = [
    "METRICS",
    "AAResult",
    "AASettings",
    "LessonCancelled",
    "PeekingResult",
    "PeekingSettings",
    "run_aa",
    "run_peeking",
    "wilson_interval",
]
