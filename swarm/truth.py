"""The ground truth, computed analytically: what every metric truly is in each variant, and the true effects.

State ``analytic``: exact expectations of the process ``swarm.simulation`` samples (the same ``Plan`` and
``VisitModel``s), not a simulation. Per persona, variant and day the visit model gives per-visit chances; a visitor
belongs to a span class of the window (``swarm.traffic``: when they are a customer, how many visits they expect) and
makes K >= 1 visits on days drawn with the day rates. Then, with ``x(d)`` the chance a visit on day ``d`` holds at
least one event of a kind and ``y(d)`` its expected count, averaged over the classes' visitors:

- binary metrics (conversion, banner_ctr, add_to_cart_rate, checkout_rate): ``1 - E[prod over visits (1 - x)]``,
  from the visit count's generating function;
- continuous metrics (revenue_per_visitor, orders_per_visitor, items_viewed): ``E[sum over visits y]`` (items
  viewed per visit: ``view_item * items_viewed``; revenue per visit: the purchase chance times the expected order
  value);
- ratio metrics (aov): ``E[numerator] / E[denominator]`` per user, so orders weight personas and days.

The expected order value is closed-form: the basket subtotal B is log-normal; baskets within ``TOP_UP_BAND`` below
the free-delivery threshold T are topped up to ``T + TOP_UP_MARGIN`` with the persona's top-up chance; the discount
scales the subtotal and a subtotal below T pays ``DELIVERY_FEE``. Partial expectations of the log-normal come from
the normal CDF: ``E[B; B < x] = exp(mu + sigma^2 / 2) * Phi((ln x - mu - sigma^2) / sigma)``. Rounding each order
to the cent is ignored (its bias is far below a cent).

The personas behave as in the plan's world (``swarm.world``): the deployment's secret knob sensitivities, the same
ones the engine and the HTTP agents sample with. Overall values weight personas by the mix (bots included when the
bot switch is on, which dilutes every variant alike). Two scenarios: ``run`` is the traffic-weighted average over
the run's days, novelty decay included; ``lasting`` is the same run once novelty has worn off. The exposure bug
changes no truth: it hides users from the analysis (a planted SRM and a biased sample), not what the variants do to
people.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from marts.metrics import CATALOG, Metric
from swarm.behaviour import DELIVERY_FEE, TOP_UP_BAND, TOP_UP_MARGIN, VisitModel
from swarm.plan import Plan
from swarm.traffic import SpanClasses, span_classes

STATE = "analytic"
COLUMNS = ("page_views", "banner_clicks", "searches", "item_views", "add_to_carts", "checkouts", "purchases", "revenue")
"""The ``experiment_users`` columns the truth knows how to compute."""
NOTES = (
    "Analytic: exact expectations of the simulated process, not estimates from a simulation.",
    "run: traffic-weighted average over the run's days, novelty decay included; lasting: once novelty wore off.",
    "Bots (when switched on) are part of the mix: they dilute conversion and click-through in every variant alike.",
    "The exposure bug changes no truth: it hides users from the analysis, not what the variants do to them.",
)


@dataclass(frozen=True)
class Effect:
    """A variant's effect on one metric versus the control; None when undefined (no orders, or a zero control)."""

    absolute: float | None
    relative: float | None

    @classmethod
    def between(cls, treatment: float | None, control: float | None) -> "Effect":
        """``treatment - control`` and its ratio to the control."""
        if treatment is None or control is None:
            return cls(None, None)
        absolute = treatment - control
        return cls(absolute, absolute / control if control != 0 else None)

    def to_dict(self) -> dict[str, float | None]:
        """JSON-ready."""
        return {"absolute": self.absolute, "relative": self.relative}


@dataclass(frozen=True)
class TruthTable:
    """True metric values and effects under one scenario.

    Attributes:
        values: metric -> variant -> true value over the whole mix.
        persona_values: persona -> metric -> variant -> true value.
        effects: variant (non-control) -> metric -> effect over the whole mix.
        persona_effects: persona -> variant (non-control) -> metric -> effect.
    """

    values: dict[str, dict[str, float | None]]
    persona_values: dict[str, dict[str, dict[str, float | None]]]
    effects: dict[str, dict[str, Effect]]
    persona_effects: dict[str, dict[str, dict[str, Effect]]]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "values": self.values,
            "persona_values": self.persona_values,
            "effects": _effects_dict(self.effects),
            "persona_effects": {p: _effects_dict(by_variant) for p, by_variant in self.persona_effects.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "TruthTable":
        """The table ``to_dict`` wrote."""
        return cls(
            values=data["values"],
            persona_values=data["persona_values"],
            effects=_effects_from(data["effects"]),
            persona_effects={p: _effects_from(v) for p, v in data["persona_effects"].items()},
        )


@dataclass(frozen=True)
class GroundTruth:
    """The true values and effects of one simulated experiment; revealed by the Lab only after the decision.

    Attributes:
        state: how it was computed ("analytic").
        control: the control's name.
        variants: every variant, control first.
        metrics: the metric keys covered (the catalog's).
        mix: the population the truth averages over (persona -> share).
        days: the run's days.
        switches: the realism switches (``Switches.to_dict``).
        run: values and effects averaged over the run's days and traffic, novelty included.
        lasting: values and effects once novelty has worn off.
        notes: how to read it.
    """

    state: str
    control: str
    variants: tuple[str, ...]
    metrics: tuple[str, ...]
    mix: dict[str, float]
    days: int
    switches: dict[str, Any]
    run: TruthTable
    lasting: TruthTable
    notes: tuple[str, ...] = NOTES

    def effect(self, metric: str, variant: str, *, persona: str | None = None, lasting: bool = False) -> Effect:
        """The true effect of ``variant`` on ``metric`` (over the mix, or for one persona)."""
        table = self.lasting if lasting else self.run
        return table.effects[variant][metric] if persona is None else table.persona_effects[persona][variant][metric]

    def value(self, metric: str, variant: str, *, persona: str | None = None, lasting: bool = False) -> float | None:
        """The true value of ``metric`` in ``variant`` (over the mix, or for one persona)."""
        table = self.lasting if lasting else self.run
        return table.values[metric][variant] if persona is None else table.persona_values[persona][metric][variant]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, snake_case: what ``runs.truth`` stores."""
        return {
            "state": self.state,
            "control": self.control,
            "variants": list(self.variants),
            "metrics": list(self.metrics),
            "mix": dict(self.mix),
            "days": self.days,
            "switches": dict(self.switches),
            "run": self.run.to_dict(),
            "lasting": self.lasting.to_dict(),
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "GroundTruth":
        """The truth ``to_dict`` wrote (for instance, read back from ``runs.truth``)."""
        return cls(
            state=data["state"],
            control=data["control"],
            variants=tuple(data["variants"]),
            metrics=tuple(data["metrics"]),
            mix=dict(data["mix"]),
            days=int(data["days"]),
            switches=dict(data["switches"]),
            run=TruthTable.from_dict(data["run"]),
            lasting=TruthTable.from_dict(data["lasting"]),
            notes=tuple(data.get("notes", NOTES)),
        )


def ground_truth(plan: Plan, metrics: tuple[Metric, ...] = CATALOG) -> GroundTruth:
    """The analytic ground truth of ``plan`` for every metric of the catalog.

    Raises:
        ValueError: when a metric reads an ``experiment_users`` column the truth cannot compute.
    """
    for metric in metrics:
        for column in (metric.numerator, metric.denominator):
            if column is not None and column not in COLUMNS:
                raise ValueError(f"metrics.{metric.key}: column {column!r} has no ground truth; known: {COLUMNS}")
    return GroundTruth(
        state=STATE,
        control=plan.control,
        variants=plan.arm_names,
        metrics=tuple(m.key for m in metrics),
        mix=dict(plan.mix),
        days=plan.days,
        switches=plan.switches.to_dict(),
        run=_table(plan, plan.models, metrics),
        lasting=_table(plan, plan.lasting_models, metrics),
    )


def expected_order_value(model: VisitModel) -> float:
    """E[value of one order] under ``model``: log-normal basket, top-up band, discount and delivery fee."""
    mu, sigma = model.basket_log_mean, model.basket_log_sd
    threshold = model.free_delivery_threshold
    low = threshold * (1.0 - TOP_UP_BAND)
    p_low, e_low = _below(low, mu, sigma)
    p_high, e_high = _below(threshold, mu, sigma)
    mean = math.exp(mu + sigma * sigma / 2.0) if sigma > 0 else math.exp(mu)
    p_band, e_band = p_high - p_low, e_high - e_low
    subtotal = (mean - e_band) + (1.0 - model.top_up) * e_band + model.top_up * (threshold + TOP_UP_MARGIN) * p_band
    pays_fee = p_low + (1.0 - model.top_up) * p_band
    return subtotal * (1.0 - model.discount) + DELIVERY_FEE * pays_fee


def visit_rates(model: VisitModel) -> dict[str, tuple[float, float]]:
    """Per visit and ``experiment_users`` column: (expected count, chance of at least one)."""
    carted = model.view_item * model.add_to_cart
    checked_out = carted * model.checkout
    bought = checked_out * model.purchase
    revenue = bought * expected_order_value(model) if bought > 0 else 0.0
    return {
        "page_views": (1.0, 1.0),
        "banner_clicks": (model.click_banner, model.click_banner),
        "searches": (model.search, model.search),
        "item_views": (model.view_item * model.items_viewed, model.view_item),
        "add_to_carts": (carted, carted),
        "checkouts": (checked_out, checked_out),
        "purchases": (bought, bought),
        "revenue": (revenue, bought),
    }


def user_expectations(models: list[VisitModel], classes: SpanClasses) -> dict[str, tuple[float, float]]:
    """Per visitor and column: (expected total, chance of at least one), with ``models[d]`` the model of day ``d``.

    Over the span classes of the window (``swarm.traffic``): a class's visits fall on its days in proportion to
    the day rates, so with ``x(d)`` a visit's chance of an event on day ``d`` the class misses it with chance
    ``G(mean rate-weighted (1 - x))`` (``G`` the visit count's generating function), and it expects
    ``sum over its days of rate(d) * y(d)`` times the visit rate events.
    """
    rates = [visit_rates(model) for model in models]
    day_rate = classes.day_rates
    visitors = float(classes.visitor_weight.sum())
    span_rate = classes.span_sum(day_rate)
    per_visit = classes.mean_visits / span_rate
    out = {}
    for column in COLUMNS:
        count = np.array([r[column][0] for r in rates])
        miss = 1.0 - np.array([r[column][1] for r in rates])
        total = float(np.dot(classes.weight, per_visit * classes.span_sum(day_rate * count)))
        reached = float(np.dot(classes.weight, 1.0 - classes.pgf(classes.span_sum(day_rate * miss) / span_rate)))
        out[column] = (total / visitors, reached / visitors)
    return out


def _table(plan: Plan, models: Mapping[tuple[str, int, int], VisitModel], metrics: tuple[Metric, ...]) -> TruthTable:
    per_persona = {
        (persona, index): user_expectations(
            [models[(persona, index, day)] for day in range(plan.days)],
            span_classes(plan.world.persona(persona), plan.day_rates),
        )
        for persona in plan.personas
        for index in range(len(plan.arms))
    }
    names = plan.arm_names
    values: dict[str, dict[str, float | None]] = {m.key: {} for m in metrics}
    persona_values: dict[str, dict[str, dict[str, float | None]]] = {
        p: {m.key: {} for m in metrics} for p in plan.personas
    }
    for index, name in enumerate(names):
        overall = {
            column: tuple(sum(plan.mix[p] * per_persona[(p, index)][column][i] for p in plan.personas) for i in (0, 1))
            for column in COLUMNS
        }
        for metric in metrics:
            values[metric.key][name] = _metric_value(metric, overall)
            for persona in plan.personas:
                persona_values[persona][metric.key][name] = _metric_value(metric, per_persona[(persona, index)])
    return TruthTable(
        values=values,
        persona_values=persona_values,
        effects=_effects(values, names),
        persona_effects={p: _effects(persona_values[p], names) for p in plan.personas},
    )


def _metric_value(metric: Metric, expected: Mapping[str, tuple[float, float]]) -> float | None:
    if metric.kind == "binary":
        return expected[metric.numerator][1]
    if metric.kind == "continuous":
        return expected[metric.numerator][0]
    denominator = expected[metric.denominator][0]
    return expected[metric.numerator][0] / denominator if denominator > 0 else None


def _effects(values: Mapping[str, Mapping[str, float | None]], names: tuple[str, ...]) -> dict[str, dict[str, Effect]]:
    control = names[0]
    return {
        name: {metric: Effect.between(by_variant[name], by_variant[control]) for metric, by_variant in values.items()}
        for name in names[1:]
    }


def _effects_dict(effects: Mapping[str, Mapping[str, Effect]]) -> dict[str, dict[str, dict[str, float | None]]]:
    return {variant: {metric: e.to_dict() for metric, e in by_metric.items()} for variant, by_metric in effects.items()}


def _effects_from(data: Mapping[str, Mapping[str, Mapping[str, float | None]]]) -> dict[str, dict[str, Effect]]:
    return {
        variant: {metric: Effect(e["absolute"], e["relative"]) for metric, e in by_metric.items()}
        for variant, by_metric in data.items()
    }


def _below(x: float, mu: float, sigma: float) -> tuple[float, float]:
    """(P(B < x), E[B; B < x]) for B log-normal(mu, sigma); sigma 0 is the point mass at exp(mu)."""
    if x <= 0:
        return 0.0, 0.0
    if sigma <= 0:
        point = math.exp(mu)
        return (1.0, point) if point < x else (0.0, 0.0)
    z = (math.log(x) - mu) / sigma
    return _phi(z), math.exp(mu + sigma * sigma / 2.0) * _phi(z - sigma)


def _phi(z: float) -> float:
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def _reverse_cumsum(values: np.ndarray) -> np.ndarray:
    """``out[d] = sum(values[d:])``."""
    return np.cumsum(values[::-1])[::-1]
