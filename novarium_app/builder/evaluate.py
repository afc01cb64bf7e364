"""One evaluation of the wizard after an edit: its problems, its plan, its spec check and what every panel shows.

``evaluate`` is the builder's whole reaction to a keystroke, as a pure function of the draft and what the page
knows (stored keys, the warehouse's baselines, what the learner touched): the state only stores its result.
``traffic_panel`` does the same for the hash visualiser.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from novarium_app.builder import knob_values, plan, traffic, validation, view
from novarium_app.builder.draft import ANALYSIS_PLANS, CUPED_CHOICES, STEPS, knobs_of
from novarium_app.builder.hypothesis import compose
from novarium_app.builder.spec import payload, same_spec, spec_problems
from shop.experiments import SpecError, parse_spec
from shop.knobs import KNOBS

Pair = tuple[str, str]
NO_BASELINE: Pair = (
    "Power: the plan needs a baseline for the primary metric",
    "검정력: 주 지표의 기준값이 있어야 계획할 수 있습니다",
)


@dataclass(frozen=True)
class Situation:
    """What the page knows besides the draft.

    Attributes:
        existing_keys: keys of the stored experiments.
        own_key: the stored draft being continued ("" for a new design).
        own_spec: that draft's stored spec.
        warehouse: each metric's warehouse baseline: ``mean`` and ``std`` (None when unknown).
        daily_visitors: the shop's visitors per day.
        visitors: visitors the shop's traffic brings in 1, 2, ... days (``swarm.population.visitors_curve``).
        touched: fields the learner edited (their problems show inline).
        checked_steps: steps the learner tried to leave (all their problems show).
    """

    existing_keys: frozenset[str] = frozenset()
    own_key: str = ""
    own_spec: Mapping[str, Any] | None = None
    warehouse: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    daily_visitors: float = 0.0
    visitors: tuple[int, ...] = ()
    touched: frozenset[str] = frozenset()
    checked_steps: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Evaluation:
    """Everything the wizard shows after one edit."""

    problems: dict[str, Pair]
    spec_check: list[str]
    design: dict[str, Any]
    plan: plan.Plan | None
    target_power: float
    shown: dict[str, Pair]
    step_states: list[str]
    review_rows: list[dict[str, str]]
    variant_rows: list[dict[str, str]]
    guardrail_rows: list[dict[str, str]]
    knob_errors: dict[str, Pair]
    preview_config: dict[str, Any] | None
    baseline: dict[str, str]
    plan_text: dict[str, str]


def _changed_own(spec: Mapping[str, Any], own_spec: Mapping[str, Any]) -> bool:
    try:
        return not same_spec(parse_spec(spec), parse_spec(own_spec))
    except SpecError:
        return True


def _plan(
    draft: Mapping[str, Any],
    found: dict[str, Pair],
    warehouse: Mapping[str, Any] | None,
    daily: float,
    visitors: tuple[int, ...] = (),
):
    """The plan when the power and traffic fields are valid; a plan problem is added to ``found``."""
    if any(validation.step_of(name) in (3, 4) or name.endswith(".weight") for name in found):
        return None, None
    inputs = plan.plan_inputs(draft["form"], draft["variants"], warehouse, daily, visitors)
    if inputs is None:
        found["plan"] = NO_BASELINE
        return None, None
    planned = plan.make_plan(inputs)
    if planned.problem is not None:
        found["plan"] = planned.problem
    return inputs, planned


def step_state(index: int, step: int, checked: frozenset[int], found: Mapping[str, Pair]) -> str:
    """A step's state in the stepper: current, problem (once checked), done or todo."""
    if index == step:
        return "current"
    if index in checked and any(validation.step_of(name) == index for name in found):
        return "problem"
    return "done" if index < step or index in checked else "todo"


def evaluate(draft: Mapping[str, Any], situation: Situation) -> Evaluation:
    """Check the draft, plan its power, check its spec and lay out every panel."""
    form = draft["form"]
    metric = form["metric"]
    warehouse = situation.warehouse.get(metric)
    available = bool(warehouse and warehouse.get("mean") is not None)
    context = validation.Context(situation.existing_keys, situation.own_key, available)
    found = validation.problems(draft, context)
    inputs, planned = _plan(draft, found, warehouse, situation.daily_visitors, situation.visitors)
    design = plan.design(planned, inputs) if inputs is not None and planned and planned.problem is None else {}
    if form.get("analysis_plan") in ANALYSIS_PLANS:
        design = {**design, "analysis_plan": form["analysis_plan"]}
    if form.get("cuped") in CUPED_CHOICES:
        design = {**design, "cuped": form["cuped"] == "on"}
    spec = payload(draft, compose(form)[0], design)
    own = situation.own_key
    if own and form["key"] == own and "key" not in found and _changed_own(spec, situation.own_spec or {}):
        found["key"] = (
            f"Key: draft '{own}' is saved with other settings; choose a new key to save your changes",
            f"키: '{own}' 초안은 다른 설정으로 저장되어 있습니다. 변경 내용을 저장하려면 새 키를 정하세요",
        )
    checked = situation.checked_steps
    shown = {
        name: pair for name, pair in found.items() if name in situation.touched or validation.step_of(name) in checked
    }
    spec_check = spec_problems(spec)
    selected = draft["selected"]
    variant = draft["variants"][selected] if 0 <= selected < len(draft["variants"]) else {}
    prefix = f"variants[{selected}].config."
    knob_errors = {name[len(prefix) :]: pair for name, pair in found.items() if name.startswith(prefix)}
    config = {key: knob_values.parse(KNOBS[key], raw) for key, raw in knobs_of(variant).items() if key in KNOBS}
    return Evaluation(
        problems=found,
        spec_check=spec_check,
        design=design,
        plan=planned,
        target_power=inputs.power if inputs is not None else 0.8,
        shown=shown,
        step_states=[step_state(index, draft["step"], checked, found) for index in range(STEPS)],
        review_rows=view.review_rows(found, spec_check),
        variant_rows=view.variant_rows(draft["variants"], selected, shown),
        guardrail_rows=view.guardrail_rows(draft["guardrails"], shown),
        knob_errors=knob_errors,
        preview_config=None if knob_errors else config,
        baseline=view.baseline_view(metric, warehouse, planned),
        plan_text=view.plan_view(planned, metric),
    )


def arms(variants: Sequence[Mapping[str, str]]) -> list[tuple[str, float]] | None:
    """(name, weight) of each variant, or None while a weight is not a number in (0, 1000]."""
    weights = [validation.number(v.get("weight", "")) for v in variants]
    if not all(w is not None and 0 < w <= 1000 for w in weights):
        return None
    return [(v.get("name", "") or f"#{i}", float(w)) for i, (v, w) in enumerate(zip(variants, weights, strict=True))]


def traffic_panel(
    draft: Mapping[str, Any], key_ok: bool, probe_id: str
) -> tuple[dict[str, str], tuple[str, list[tuple[str, float]], float] | None]:
    """The probe id's landing, and (salt, arms, allocation) for the made-up split; ({}, None) until usable."""
    form = draft["form"]
    found_arms = arms(draft["variants"])
    allocation = validation.number(form["allocation"], percent=True)
    if not key_ok or found_arms is None or allocation is None or not 0 < allocation <= 100:
        return {}, None
    salt = form["key"]
    landing = traffic.probe(salt, probe_id, found_arms, allocation)
    return view.probe_view(landing, [name for name, _ in found_arms], allocation), (salt, found_arms, allocation)


def split_rows(salt: str, found_arms: list[tuple[str, float]], allocation: float) -> list[dict[str, str]]:
    """The planned and observed share of each variant over the made-up population."""
    shares = traffic.split(salt, found_arms, allocation)
    edges = (0.0, *traffic.edges([w for _, w in found_arms]))
    return [
        {
            "name": name,
            "expected": f"{(edges[i + 1] - edges[i]) * allocation:.1f}%",
            "observed": f"{shares[i]:.1%}",
            "width": f"{(edges[i + 1] - edges[i]) * 100:.3f}%",
            "index": str(i),
        }
        for i, (name, _) in enumerate(found_arms)
    ]
