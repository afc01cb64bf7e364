"""What a simulation needs besides its users: the arms, the population mix, the realism switches and the run's days.

The ground truth (``swarm.truth``) and the vectorised engine (``swarm.simulation``, ``swarm.engine``) read the same
``Plan``, so the truth describes exactly the process the engine samples from.

Days. A run covers ``days`` consecutive 24-hour windows ending at ``end`` (now, for a real run). Day ``d`` starts at
``end - (days - d) * 24h``; its weekday is that of its midpoint. Its traffic is ``Plan.day_rates``: the shop's weekly
rhythm (``swarm.traffic``), times ``WEEKDAY_VOLUME`` with seasonality.

Population. ``arrivals`` is the persona mix of new customers (the world's, ``swarm.personas``); ``mix`` is the mix of
the window's visitors that follows from it (``swarm.traffic``: frequent visitors are more likely to turn up in a
short window), with the bot switch's share of bots added. The truth averages over ``mix``.

World. Each plan lives in a ``swarm.world.World``: the personas' knob sensitivities of one deployment (drawn from its
secret), or the nominal world of the documented values when built without one. ``to_dict`` stores only the world's
id, never its sensitivities, and ``from_dict`` needs the same world back to rebuild the plan.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any

import numpy as np

from shop.knobs import config_problems
from swarm.behaviour import VisitModel, visit_model
from swarm.personas import PERSONAS, check_mix, default_mix
from swarm.switches import Switches
from swarm.traffic import day_rates, expected_visitors
from swarm.world import NOMINAL, World, plan_world

PERSONA_NAMES: tuple[str, ...] = tuple(PERSONAS)
"""Every persona, bot last; engine arrays store a persona as its index here."""
MAX_DAYS = 90
DAY = timedelta(days=1)


@dataclass(frozen=True)
class Arm:
    """One variant as visitors see it.

    Attributes:
        name: the variant's name; the first arm of a plan is the control.
        config: the knobs it sets, layered over any adopted config (missing knobs take their defaults).
        weight: its traffic weight.
    """

    name: str
    config: Mapping[str, Any]
    weight: float = 1.0


@dataclass(frozen=True)
class Plan:
    """Everything that defines a simulated experiment except its users.

    Attributes:
        arms: the variants, control first.
        mix: the population: persona name -> share (sums to 1; the bot share is included).
        switches: the realism switches.
        days: how many days the run covers.
        end: the end of the run window (naive UTC).
        world: the personas' knob sensitivities (the nominal world by default).
        arrivals: the personas' shares of new customers (``mix`` follows from it).
    """

    arms: tuple[Arm, ...]
    mix: Mapping[str, float]
    switches: Switches = field(default_factory=Switches)
    days: int = 1
    end: datetime = field(default_factory=lambda: datetime.now(UTC).replace(tzinfo=None, microsecond=0))
    world: World = NOMINAL
    arrivals: Mapping[str, float] = field(default_factory=default_mix)

    @classmethod
    def build(
        cls,
        variants: Sequence[tuple[str, Mapping[str, Any]] | Arm],
        *,
        mix: Mapping[str, float] | None = None,
        switches: Switches | None = None,
        days: int = 1,
        end: datetime | None = None,
        world: World | None = None,
    ) -> "Plan":
        """A checked plan; ``mix`` is the arrivals' persona mix (default: the personas' shares).

        The plan's visitor mix follows from the arrivals over its days, with the switches' bot share added.

        ``world`` (default: the nominal world) is the deployment's (``swarm.world.world_of``).

        To rebuild a stored plan use ``from_dict``: its mix already holds the bots.

        Raises:
            ValueError: naming the field and the rule that failed.
        """
        arms = tuple(v if isinstance(v, Arm) else Arm(v[0], dict(v[1])) for v in variants)
        switches = switches or Switches()
        _check_arms(arms, switches)
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
            raise ValueError(f"days: must be a whole number from 1 to {MAX_DAYS} (got {days!r})")
        end = end or datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        if end.tzinfo is not None:
            end = end.astimezone(UTC).replace(tzinfo=None)
        world = world or NOMINAL
        arrivals = check_mix(mix or default_mix())
        rates = window_rates(end - days * DAY, days, switches)
        visitors = expected_visitors({name: world.persona(name) for name in arrivals}, arrivals, rates)
        return cls(arms, population_mix(visitors, switches.bot_share), switches, days, end, world, arrivals)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], world: World | None = None) -> "Plan":
        """The plan ``to_dict`` wrote, exactly (its mix already holds the bot share, so it is not added again).

        Args:
            data: what ``to_dict`` wrote.
            world: the world the plan was made in (not needed for a plan made in the nominal world).

        Raises:
            ValueError: when the plan was made in another world than ``world``, or a field is invalid.
        """
        arms = tuple(Arm(v["name"], dict(v["config"]), float(v["weight"])) for v in data["variants"])
        switches = Switches(**data["switches"])
        _check_arms(arms, switches)
        mix = {name: float(share) for name, share in data["mix"].items()}
        end = datetime.fromisoformat(data["end"])
        arrivals = data.get("arrivals") or mix
        world = plan_world(data.get("world"), world)
        check_mix(mix), check_mix(arrivals)  # validates; the stored shares are kept exactly
        arrivals = {name: float(share) for name, share in arrivals.items()}
        return cls(arms, mix, switches, int(data["days"]), end, world, arrivals)

    @property
    def control(self) -> str:
        """The control's name."""
        return self.arms[0].name

    @property
    def arm_names(self) -> tuple[str, ...]:
        """The variants' names, control first."""
        return tuple(arm.name for arm in self.arms)

    @property
    def weights(self) -> np.ndarray:
        """The arms' traffic shares."""
        weights = np.array([arm.weight for arm in self.arms], dtype=float)
        return weights / weights.sum()

    @property
    def personas(self) -> tuple[str, ...]:
        """The personas of the mix, in ``PERSONA_NAMES`` order."""
        return tuple(name for name in PERSONA_NAMES if self.mix.get(name, 0.0) > 0)

    @property
    def start(self) -> datetime:
        """The start of the run window."""
        return self.end - self.days * DAY

    @property
    def time_varying(self) -> bool:
        """Whether visit behaviour changes from day to day (novelty or seasonality)."""
        return self.switches.novelty > 0 or self.switches.seasonality

    @property
    def bug_arm(self) -> int | None:
        """The index of the arm whose exposures the exposure bug drops, or None when the bug is off."""
        if self.switches.exposure_bug <= 0:
            return None
        name = self.switches.exposure_bug_variant
        return len(self.arms) - 1 if name is None else self.arm_names.index(name)

    def weekday(self, day: int) -> int:
        """The weekday (0 = Monday) of the middle of ``day`` (0-based)."""
        return (self.start + day * DAY + DAY / 2).weekday()

    @cached_property
    def day_rates(self) -> np.ndarray:
        """Each day's relative traffic: the weekly rhythm, times the seasonality volume when on."""
        return window_rates(self.start, self.days, self.switches)

    @cached_property
    def models(self) -> dict[tuple[str, int, int], VisitModel]:
        """(persona, arm index, day) -> the visit model of that day, novelty and seasonality applied."""
        return {
            (persona, index, day): visit_model(
                self.world.persona(persona),
                arm.config,
                effect_scale=self.switches.effect_scale(day),
                purchase_shift=self.switches.purchase_shift(self.weekday(day)),
            )
            for persona in self.personas
            for index, arm in enumerate(self.arms)
            for day in range(self.days)
        }

    @cached_property
    def lasting_models(self) -> dict[tuple[str, int, int], VisitModel]:
        """Like ``models`` once novelty has worn off (knob shifts at their lasting size; seasonality kept)."""
        return {
            (persona, index, day): visit_model(
                self.world.persona(persona),
                arm.config,
                effect_scale=1.0,
                purchase_shift=self.switches.purchase_shift(self.weekday(day)),
            )
            for persona in self.personas
            for index, arm in enumerate(self.arms)
            for day in range(self.days)
        }

    def expected_visitors(self, arrivals_per_day: float) -> float:
        """Visitors the window's traffic brings, bots included, with ``arrivals_per_day`` new customers a day."""
        arrivals = {name: arrivals_per_day * share for name, share in self.arrivals.items()}
        shoppers = expected_visitors({name: self.world.persona(name) for name in arrivals}, arrivals, self.day_rates)
        return sum(shoppers.values()) / (1.0 - self.switches.bot_share)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary, as stored with a run's parameters: the world by its id only (None when nominal)."""
        return {
            "variants": [{"name": a.name, "weight": a.weight, "config": dict(a.config)} for a in self.arms],
            "mix": dict(self.mix),
            "switches": self.switches.to_dict(),
            "days": self.days,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "world": self.world.world_id,
            "arrivals": dict(self.arrivals),
        }


def window_rates(start: datetime, days: int, switches: Switches) -> np.ndarray:
    """The day rates of a window starting at ``start``: a day's weekday is that of its midpoint."""
    volume = {weekday: switches.volume(weekday) for weekday in range(7)}
    return day_rates((start + DAY / 2).date(), days, volume)


def population_mix(mix: Mapping[str, float] | None, bot_share: float = 0.0) -> dict[str, float]:
    """The normalised mix (default: the personas' shares) with ``bot_share`` of bots added, in persona order."""
    shares = check_mix(mix if mix is not None else default_mix())
    if bot_share > 0:
        shares = {name: share * (1.0 - bot_share) for name, share in shares.items()}
        shares["bot"] = shares.get("bot", 0.0) + bot_share
    return {name: shares[name] for name in PERSONA_NAMES if shares.get(name, 0.0) > 0}


def _check_arms(arms: tuple[Arm, ...], switches: Switches) -> None:
    problems = []
    if not arms:
        problems.append("variants: must hold at least one variant (the control)")
    names = [arm.name for arm in arms]
    for index, arm in enumerate(arms):
        if not isinstance(arm.name, str) or not arm.name:
            problems.append(f"variants[{index}].name: must be a non-empty string")
        elif names.index(arm.name) != index:
            problems.append(f"variants[{index}].name: duplicate variant name {arm.name!r}")
        if not arm.weight > 0:
            problems.append(f"variants[{index}].weight: must be greater than 0 (got {arm.weight})")
        problems += [f"variants[{index}].config.{problem}" for problem in config_problems(arm.config)]
    bug_variant = switches.exposure_bug_variant
    if bug_variant is not None and bug_variant not in names:
        problems.append(f"exposure_bug_variant: unknown variant {bug_variant!r}; variants are {', '.join(names)}")
    if problems:
        raise ValueError("; ".join(problems))
