"""The builder wizard's state: the draft being edited, its problems, the power plan and the save and launch actions.

The whole draft is kept in the browser (``saved``, local storage, JSON), so a reload or a later visit continues
where the learner left off. Every edit goes through ``_refresh``: it re-checks the draft, re-plans the power,
re-hashes the probe id and writes the draft back to the browser. The rules, the plan and the spec live in the pure
``novarium_app.builder`` package; this class only wires them to the page.
"""

import asyncio
import json
import logging
from typing import Any

import plotly.graph_objects as go
import reflex as rx
import sqlalchemy as sa

from marts.baselines import Baselines, metric_baselines
from marts.horizon import Horizon, warehouse_horizon
from marts.storage import StorageError
from novarium_app import routes
from novarium_app.builder import draft as drafts
from novarium_app.builder import evaluate, plan, prefill, saving, validation, view
from novarium_app.builder.adopted import adoption_note
from novarium_app.builder.hypothesis import compose
from novarium_app.builder.labels import metric_label
from novarium_app.builder.spec import draft_from_spec, payload
from novarium_app.components.admin_access import admin_action
from novarium_app.components.builder_charts import power_curve
from novarium_app.components.builder_edits import DEFAULT_PROBE, BuilderEdits, row_index
from novarium_app.i18n import LocaleState, Text, pick
from novarium_app.services import get_store
from novarium_app.settings import SettingsError
from shop import repository
from shop.access import Action
from shop.adoptions import list_adoptions
from shop.experiments import SpecError
from shop.state import preview_href
from swarm.population import visitors_curve

log = logging.getLogger("novarium.builder")

STORE_ERRORS = (SettingsError, StorageError, sa.exc.SQLAlchemyError, OSError)
LAST = drafts.STEPS - 1
TO_STEPPER = rx.scroll_to("builder-stepper")
"""Every step change scrolls the stepper to the top of the window: a step opens at its start, not mid-page."""


def _read_store() -> tuple[
    Baselines, Horizon | None, tuple[int, ...], list[repository.ExperimentRecord], dict[str, str]
]:
    store = get_store()
    horizon = warehouse_horizon(store)
    visitors = visitors_curve(store, plan.MAX_HORIZON, horizon)
    records = repository.list_experiments(store)
    return metric_baselines(store), horizon, visitors, records, adoption_note(list_adoptions(store))


def _save(spec: dict[str, Any], launch: bool) -> saving.Saved:
    return saving.save(get_store(), spec, launch=launch)


def toast(level: str, message: str, **props: Any) -> rx.event.EventSpec:
    """A toast at the top centre: the wizard's buttons sit at the bottom right, where toasts appear elsewhere."""
    show = {"success": rx.toast.success, "warning": rx.toast.warning, "info": rx.toast.info}.get(level, rx.toast.error)
    return show(message, position="top-center", **props)


def _lists(pairs: dict[str, tuple[str, str]]) -> dict[str, list[str]]:
    return {name: list(pair) for name, pair in pairs.items()}


def _first_line(error: BaseException) -> str:
    return (str(error).strip() or type(error).__name__).splitlines()[0]


class BuilderState(BuilderEdits, rx.State):
    """The experiment builder wizard; its edit handlers come from ``BuilderEdits``."""

    saved: str = rx.LocalStorage("", name="novarium_builder_draft")

    loading: bool = True
    load_error: str = ""
    step: int = 0
    selected: int = 1
    form: dict[str, str] = dict(drafts.FORM_DEFAULTS)
    variants: list[dict[str, str]] = drafts.default_variants()
    secondary: list[str] = []
    guardrails: list[dict[str, str]] = []

    touched: list[str] = []
    checked_steps: list[int] = []
    problems: dict[str, list[str]] = {}
    shown: dict[str, list[str]] = {}
    spec_check: list[str] = []
    review_problems: list[dict[str, str]] = []
    step_states: list[str] = ["current", "todo", "todo", "todo", "todo", "todo"]
    variant_rows: list[dict[str, str]] = []
    guardrail_rows: list[dict[str, str]] = []
    knob_errors: dict[str, list[str]] = {}
    preview_src: str = ""
    own_key: str = ""
    existing_keys: list[str] = []

    daily_visitors: str = "—"
    daily_days: str = "—"
    baseline: dict[str, str] = {}
    plan_text: dict[str, str] = {}
    probe_id: str = DEFAULT_PROBE
    probe: dict[str, str] = {}
    split_rows: list[dict[str, str]] = []

    busy: str = ""
    result_key: str = ""
    result_status: str = ""
    result_note: str = ""

    _warehouse_json: str = ""  # each metric's baseline (mean, std, n, source, missing) as JSON
    _daily: float = 0.0
    _visitors: list[int] = []
    adopted: dict[str, str] = {"note_en": "", "note_ko": ""}
    _own_spec: str = ""  # the stored draft's spec as JSON: plain data, never a state proxy
    _design: str = ""  # the power step's design as JSON
    _curve_days: list[int] = []
    _curve_power: list[float | None] = []
    _target: float = 0.8
    _planned_days: int = 0
    _split_signature: str = ""

    # ----- loading -------------------------------------------------------------------------------------------

    @rx.event
    async def load(self):
        """Restore the draft (a stored draft, a prefill link or the browser's copy) and read the warehouse."""
        self.loading = True
        self.load_error = ""
        self.result_key = self.result_status = self.result_note = ""
        yield
        params = dict(self.router.url.query_parameters)
        notice: tuple[str, Text] | None = None
        try:
            baselines, horizon, visitors, records, self.adopted = await asyncio.to_thread(_read_store)
        except STORE_ERRORS as error:
            log.exception("the builder could not read the warehouse")
            self.load_error = _first_line(error)
            baselines, horizon, visitors, records = None, None, (), []
        self.existing_keys = [record.key for record in records]
        self._set_baselines(baselines, horizon)
        self._visitors = list(visitors) if baselines is not None and not baselines.is_empty else []
        self.own_key, self._own_spec = "", ""
        draft = drafts.loads(self.saved)
        continue_key = params.get(prefill.DRAFT_PARAM, "")
        if continue_key:
            record = next((r for r in records if r.key == continue_key), None)
            if record is not None and record.status == "draft":
                draft = draft_from_spec(record.to_spec())
                self.own_key, self._own_spec = record.key, json.dumps(record.to_spec())
                notice = ("info", (f"Continuing draft '{record.key}'.", f"'{record.key}' 초안을 이어서 작성합니다."))
            else:
                notice = (
                    "error",
                    (f"There is no draft named '{continue_key}'.", f"'{continue_key}'라는 초안이 없습니다."),
                )
        elif prefill.wants_prefill(params):
            draft = prefill.prefill(params)
            notice = ("info", ("Started a new design from the link.", "링크의 내용으로 새 설계를 시작했습니다."))
        else:
            self.own_key = draft["form"]["key"] if draft["form"]["key"] in self._draft_keys(records) else ""
            if self.own_key:
                self._own_spec = json.dumps(next(r.to_spec() for r in records if r.key == self.own_key))
        self._use(draft)
        self.touched = []
        self.checked_steps = []
        self._refresh()
        self.loading = False
        if notice is not None:
            locale = await self._locale()
            level, text = notice
            yield toast(level, pick(locale, text))
        if continue_key or prefill.wants_prefill(params):
            yield rx.redirect(routes.BUILDER, replace=True)

    @staticmethod
    def _draft_keys(records: list[repository.ExperimentRecord]) -> set[str]:
        return {record.key for record in records if record.status == "draft"}

    def _set_baselines(self, baselines: Baselines | None, horizon: Horizon | None) -> None:
        if baselines is None or baselines.is_empty:
            self._warehouse_json = "" if baselines is None else json.dumps(plan.warehouse_inputs(baselines))
            self._daily = 0.0
            self.daily_visitors = self.daily_days = "—"
            return
        self._warehouse_json = json.dumps(plan.warehouse_inputs(baselines, horizon))
        self._daily = baselines.daily_visitors
        self.daily_visitors = f"{baselines.daily_visitors:,.0f}"
        self.daily_days = str(baselines.days)

    def _use(self, draft: dict[str, Any]) -> None:
        self.form = dict(draft["form"])
        self.variants = [dict(v) for v in draft["variants"]]
        self.secondary = list(draft["secondary"])
        self.guardrails = [dict(g) for g in draft["guardrails"]]
        self.step = draft["step"]
        self.selected = draft["selected"]

    def _draft(self) -> dict[str, Any]:
        return {
            "form": dict(self.form),
            "variants": [dict(v) for v in self.variants],
            "secondary": list(self.secondary),
            "guardrails": [dict(g) for g in self.guardrails],
            "step": self.step,
            "selected": self.selected,
        }

    async def _locale(self) -> str:
        return (await self.get_state(LocaleState)).locale

    # ----- the one refresh after every edit ------------------------------------------------------------------

    def _refresh(self) -> None:
        """Re-evaluate the draft after an edit, store what the panels show, and keep the draft in the browser."""
        draft = self._draft()
        result = evaluate.evaluate(
            draft,
            evaluate.Situation(
                existing_keys=frozenset(self.existing_keys),
                own_key=self.own_key,
                own_spec=json.loads(self._own_spec) if self._own_spec else None,
                warehouse=json.loads(self._warehouse_json or "{}"),
                daily_visitors=self._daily,
                visitors=tuple(self._visitors),
                touched=frozenset(self.touched),
                checked_steps=frozenset(self.checked_steps),
            ),
        )
        self.problems = _lists(result.problems)
        self.spec_check = result.spec_check
        self._design = json.dumps(result.design)
        self.shown = _lists(result.shown)
        self.step_states = result.step_states
        self.review_problems = result.review_rows
        self.variant_rows = result.variant_rows
        self.guardrail_rows = result.guardrail_rows
        self.knob_errors = _lists(result.knob_errors)
        self.preview_src = "" if result.preview_config is None else preview_href(result.preview_config)
        self.baseline = result.baseline
        self.plan_text = result.plan_text
        curve = result.plan.curve if result.plan is not None else ()
        self._curve_days = [point.day for point in curve]
        self._curve_power = [point.power for point in curve]
        self._planned_days = (result.plan.days or 0) if curve else 0
        self._target = result.target_power
        self._probe()
        self.saved = drafts.dumps(draft)

    def _probe(self) -> None:
        """Hash the probe id; re-split the made-up population only when the key, weights or allocation changed."""
        self.probe, split = evaluate.traffic_panel(self._draft(), "key" not in self.problems, self.probe_id)
        signature = repr(split)
        if signature != self._split_signature:
            self._split_signature = signature
            self.split_rows = evaluate.split_rows(*split) if split is not None else []

    def coach_spec(self, locale: str) -> dict[str, Any]:
        """The design as it stands, as the experiment spec the coach reviews (drafts may hold unparsed text)."""
        return payload(self._draft(), pick(locale, compose(self.form)), json.loads(self._design or "{}"))

    # ----- moving between steps ------------------------------------------------------------------------------

    @rx.event
    def open_step(self, step: int):
        """Open any step, scrolled to the stepper; nothing typed is lost."""
        index = row_index(step)
        if 0 <= index < drafts.STEPS:
            self.step = index
            if self.step == LAST:
                self.checked_steps = list(range(drafts.STEPS))
            self._refresh()
            return TO_STEPPER

    @rx.event
    async def next_step(self):
        """Go on when this step has no problems; otherwise show them inline."""
        self.checked_steps = sorted({*self.checked_steps, self.step})
        self._refresh()
        if validation.for_step(self._pairs(), self.step):
            locale = await self._locale()
            text = ("Fix the highlighted fields to go on.", "표시된 항목을 고쳐야 다음으로 갈 수 있습니다.")
            yield toast("error", pick(locale, text), id="builder-step-problems")
            return
        self.step = min(self.step + 1, LAST)
        if self.step == LAST:
            self.checked_steps = list(range(drafts.STEPS))
        self._refresh()
        yield TO_STEPPER

    @rx.event
    def back_step(self):
        """Go back one step, scrolled to the stepper."""
        self.step = max(self.step - 1, 0)
        self._refresh()
        return TO_STEPPER

    def _pairs(self) -> dict[str, tuple[str, str]]:
        return {name: (pair[0], pair[1]) for name, pair in self.problems.items()}

    # ----- save and launch -----------------------------------------------------------------------------------

    @rx.event
    @admin_action(Action.CREATE_EXPERIMENT)
    async def save_draft(self):
        """Store the spec as a draft experiment."""
        async for event in self._store(launch=False):
            yield event

    @rx.event
    @admin_action(Action.START_EXPERIMENT)
    async def launch(self):
        """Store the spec and start the experiment."""
        async for event in self._store(launch=True):
            yield event

    async def _store(self, launch: bool):
        if self.busy:
            return
        locale = await self._locale()
        self.checked_steps = list(range(drafts.STEPS))
        self._refresh()
        if self.problems or self.spec_check:
            text = (
                "Fix the problems listed first: nothing was saved.",
                "먼저 목록의 문제를 고치세요. 저장하지 않았습니다.",
            )
            yield toast("error", pick(locale, text))
            return
        spec = payload(self._draft(), pick(locale, compose(self.form)), json.loads(self._design or "{}"))
        self.busy = "launch" if launch else "draft"
        yield
        try:
            outcome = await asyncio.to_thread(_save, spec, launch)
        except SpecError as error:
            self.spec_check = list(error.problems)
            yield toast("error", pick(locale, ("Not saved: ", "저장하지 못했습니다: ")) + "; ".join(error.problems))
            return
        except STORE_ERRORS as error:
            log.exception("the builder could not save %s", spec.get("key"))
            yield toast("error", pick(locale, ("Could not save: ", "저장하지 못했습니다: ")) + _first_line(error))
            return
        finally:
            self.busy = ""
        yield self._stored(outcome, locale)

    def _stored(self, outcome: saving.Saved, locale: str) -> rx.event.EventSpec:
        """Show what was stored; a launched experiment clears the browser's copy of the design."""
        record = outcome.record
        self.result_key, self.result_status, self.result_note = record.key, record.status, outcome.start_error
        if record.key not in self.existing_keys:
            self.existing_keys = [*self.existing_keys, record.key]
        self.own_key, self._own_spec = record.key, json.dumps(record.to_spec())
        if record.status == "running":
            self.saved = ""
            text = (f"'{record.key}' is running.", f"'{record.key}' 실험이 시작되었습니다.")
            return toast("success", pick(locale, text))
        self._refresh()
        if outcome.start_error:
            text = ("Saved as a draft, but it did not start: ", "초안으로 저장했지만 시작하지 못했습니다: ")
            return toast("warning", pick(locale, text) + outcome.start_error, duration=10000)
        text = (
            (f"Draft '{record.key}' saved.", f"'{record.key}' 초안을 저장했습니다.")
            if outcome.created
            else (f"Draft '{record.key}' is already saved.", f"'{record.key}' 초안은 이미 저장되어 있습니다.")
        )
        return toast("success", pick(locale, text))

    # ----- derived values ------------------------------------------------------------------------------------

    @rx.var
    def hypothesis(self) -> list[str]:
        """The composed hypothesis, [English, Korean]."""
        return list(compose(self.form))

    @rx.var
    def guardrail_texts(self) -> list[list[str]]:
        """The guardrails in words, [English, Korean] each, for the review."""
        return [list(view.guardrail_text(row)) for row in self.guardrails]

    @rx.var
    def secondary_labels(self) -> list[list[str]]:
        """The secondary metrics' names, [English, Korean] each."""
        return [list(metric_label(m)) for m in self.secondary]

    @rx.var
    def current_knobs(self) -> dict[str, str]:
        """The selected variant's knob values as typed (only the knobs it changes)."""
        variant = self.variants[self.selected] if 0 <= self.selected < len(self.variants) else {}
        return drafts.knobs_of(variant)

    @rx.var
    def current_name(self) -> str:
        """The selected variant's name."""
        return self.variants[self.selected].get("name", "") if 0 <= self.selected < len(self.variants) else ""

    @rx.var
    def can_add_variant(self) -> bool:
        """Whether another variant fits (at most four)."""
        return len(self.variants) < drafts.MAX_VARIANTS

    @rx.var
    def ready(self) -> bool:
        """Whether the spec can be saved: no problem anywhere."""
        return not self.problems and not self.spec_check

    @rx.var
    def primary_label(self) -> list[str]:
        """The primary metric's name, [English, Korean]."""
        return list(metric_label(self.form.get("metric", "")))

    @rx.var
    def power_figure(self) -> go.Figure:
        """Power by day at the shop's traffic, with the target and the planned day."""
        return power_curve(self._curve_days, self._curve_power, self._target, self._planned_days)

    @rx.var
    def power_figure_ko(self) -> go.Figure:
        """The same chart, labelled in Korean."""
        return power_curve(self._curve_days, self._curve_power, self._target, self._planned_days, "ko")
