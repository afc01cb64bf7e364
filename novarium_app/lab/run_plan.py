"""The Runs form's plan: the days and visitors an experiment's plan asks for, and the two ways to play them.

A run is ``days`` days of the shop's traffic (``swarm.engine``). The builder stores the plan's days in the
experiment's design (``design.days``); the visitors are what those days bring (``swarm.population.visitors_in``: the
count the power step planned on and a fast-forward brings), so the form opens on the whole plan. An experiment
without a saved plan opens on one day of traffic.

Two modes play a run. **Watch** sends persona agents over HTTP, each one a real request, which suits small and
medium runs (above ``WATCH_LIMIT`` agents the form suggests fast-forward). **Fast-forward** simulates the whole
plan with the vectorised engine in seconds and stores the same tables. No Reflex here: the Runs page's state calls
these functions.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from marts.storage import Store
from novarium_app.components.run_form import RULES, RunSettings
from shop.adoptions import adopted_config
from shop.repository import ExperimentRecord, get_experiment
from swarm.engine import EngineRun, plan_for, run_engine
from swarm.plan import MAX_DAYS, Plan
from swarm.population import arrivals_per_day, visitors_in
from swarm.world import World, world_of

Text = tuple[str, str]
"""(English, Korean)."""
Mode = Literal["watch", "fast_forward"]
MODES: tuple[Mode, ...] = ("watch", "fast_forward")
WATCH_LIMIT = 20_000
"""Above this many agents a watched run takes long; the form suggests fast-forward."""
NO_PLAN_DAYS = 1
NO_WORDS: Text = ("", "")


@dataclass(frozen=True)
class PlannedRun:
    """What an experiment's plan asks a run for.

    Attributes:
        experiment_key: the experiment.
        days: the plan's days (``NO_PLAN_DAYS`` without a saved plan).
        visitors: the visitors those days of traffic bring, bots included.
        per_variant: the plan's users per variant (None without a power plan).
        from_plan: whether ``days`` came from the builder's saved plan.
    """

    experiment_key: str
    days: int
    visitors: int
    per_variant: int | None = None
    from_plan: bool = True

    def form(self) -> dict[str, str]:
        """The form fields the plan fills, as the learner would type them."""
        return {"days": str(self.days), "agents": str(self.visitors)}

    def words(self) -> Text:
        """Where the numbers come from: "From your plan: 22 days, 41,200 visitors"."""
        days, visitors = f"{self.days:,}", f"{self.visitors:,}"
        unit = "day" if self.days == 1 else "days"
        if self.from_plan:
            return f"From your plan: {days} {unit}, {visitors} visitors", f"계획에서: {days}일, 방문자 {visitors}명"
        return (
            f"No saved plan: {days} {unit} of traffic brings {visitors} visitors",
            f"저장된 계획 없음: {days}일 트래픽이면 방문자 {visitors}명",
        )


def plan_days(design: Mapping[str, Any]) -> int | None:
    """The builder's planned days from an experiment's design document (``design.days``), when valid."""
    days = (design.get("design") or {}).get("days")
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        return None
    return days


def plan_per_variant(design: Mapping[str, Any]) -> int | None:
    """The builder's planned users per variant (``design.planned_n_per_variant``), when valid."""
    planned = (design.get("design") or {}).get("planned_n_per_variant")
    if isinstance(planned, bool) or not isinstance(planned, int) or planned < 1:
        return None
    return planned


def planned_run(
    record: ExperimentRecord,
    adopted: Mapping[str, Any],
    arrivals: float,
    *,
    world: World | None = None,
    end: datetime | None = None,
    visitors: Callable[[Plan], int] | None = None,
) -> PlannedRun:
    """The experiment's plan as a run: its days and the visitors they bring (``visitors(plan)``; by default the
    world's expectation at ``arrivals`` new customers a day)."""
    days = plan_days(record.design)
    chosen = days or NO_PLAN_DAYS
    plan = plan_for(record, adopted, days=chosen, end=end, world=world)
    count = visitors(plan) if visitors is not None else max(1, round(plan.expected_visitors(arrivals)))
    return PlannedRun(record.key, chosen, count, plan_per_variant(record.design), days is not None)


def read_planned_run(store: Store, experiment_key: str) -> PlannedRun:
    """``planned_run`` for a stored experiment, with the deployment's world and the warehouse's arrivals.

    Raises:
        ExperimentNotFound: when no experiment has this key.
        StorageError: when the database fails.
    """
    record = get_experiment(store, experiment_key)
    return planned_run(
        record,
        adopted_config(store),
        arrivals_per_day(store),
        world=world_of(store),
        visitors=lambda plan: visitors_in(store, plan),  # the power step's count, which a fast-forward brings
    )


def mode_of(value: str) -> Mode:
    """The mode named ``value``.

    Raises:
        ValueError: naming the field and the rule when ``value`` is neither mode.
    """
    if value not in MODES:
        raise ValueError(f"mode: must be one of {', '.join(MODES)} (got {value!r})")
    return value  # type: ignore[return-value]


def watch_warning(mode: str, agents: str) -> Text:
    """A warning when watching this many agents would take long (``NO_WORDS`` otherwise or when ``agents`` is bad)."""
    count = RULES["agents"].parse(agents)
    if mode != "watch" or count is None or count <= WATCH_LIMIT:
        return NO_WORDS
    shown = f"{int(count):,}"
    return (
        f"Watching {shown} agents over HTTP takes a long time; fast-forward plays the same days in seconds.",
        f"에이전트 {shown}명을 HTTP로 지켜보려면 오래 걸립니다. 빨리 감기는 같은 기간을 몇 초 만에 재생합니다.",
    )


def fast_forward(store: Store, settings: RunSettings) -> EngineRun:
    """Play a validated form with the engine: ``agents`` visitors over ``days`` days, stored as the engine does.

    Blocking (the Lab calls it with ``asyncio.to_thread``). Concurrency and think time only pace HTTP agents, so
    they play no part here.

    Raises:
        ValueError: naming the field and the rule (for instance, the experiment is not running).
        StorageError: when the database fails; the run is then marked failed.
    """
    return run_engine(
        store,
        settings.experiment_key,
        users=settings.agents,
        seed=settings.seed,
        days=settings.days,
        switches=settings.switches,
    )


def fast_forward_words(result: EngineRun, days: int) -> Text:
    """What a finished fast-forward did, for its toast."""
    inside = sum(result.assigned.values())
    unit = "day" if days == 1 else "days"
    seconds = f"{result.seconds.get('total', 0.0):.1f}"
    return (
        f"Fast-forwarded {days} {unit}: {result.users:,} visitors, {inside:,} in the experiment, "
        f"{result.events:,} events in {seconds} s.",
        f"{days}일 빨리 감기 완료: 방문자 {result.users:,}명, 실험 참여 {inside:,}명, 이벤트 {result.events:,}건, "
        f"{seconds}초.",
    )
