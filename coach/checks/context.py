"""What every rubric check reads besides the design: the warehouse's baselines and the rubric's power plan."""

from collections.abc import Callable
from dataclasses import dataclass, field

from coach.checks.plan import PowerPlan
from coach.findings import Finding
from coach.hypothesis import HypothesisInput
from marts.baselines import Baselines


@dataclass(frozen=True)
class Context:
    """The shared inputs of the checks.

    Attributes:
        baselines: the warehouse's baselines (``marts.baselines.metric_baselines``), None when not read.
        plan: the rubric's power plan for the design (``coach.checks.plan.power_plan``).
    """

    baselines: Baselines | None = None
    plan: PowerPlan = field(default_factory=PowerPlan)


Check = Callable[[HypothesisInput, Context], list[Finding]]
"""A rubric check: the findings it makes on a design."""
