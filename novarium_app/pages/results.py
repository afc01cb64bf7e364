"""Results: pick an experiment (``/results``), then read its results and decide (``/results/[results_key]``).

The page analyses the experiment from a freshly rebuilt ``experiment_users`` mart on every visit, into two readouts
of the same sums: with CUPED and without. It shows one of them, the plan's analysis until the learner flips the
CUPED switch, and every tile, table row, plot point, adjusted p-value and the ship rule come from that one. The
decision is recorded in the analysis on screen. The ground truth
is never loaded before the learner records a decision: it is read by ``lab.recording.record_decision`` and reaches
the state only in the reveal that follows (or, on a later visit, from the saved retrospective).
"""

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
import reflex as rx
import sqlalchemy as sa

from marts.stats.readout import analysis_of
from marts.storage import StorageError
from marts.vocabulary import metric_name
from novarium_app import routes
from novarium_app.components import results_charts
from novarium_app.components.admin_access import admin_action
from novarium_app.components.layout import lab_page
from novarium_app.components.page_parts import WITH_SIDE_PANEL, page_header, refresh_button
from novarium_app.components.results_decision import decision_panel, reveal_card
from novarium_app.components.results_metrics import forest_card, metric_card
from novarium_app.components.results_panels import (
    empty_results,
    experiment_list,
    guardrails_card,
    recommendation_card,
    results_header,
    results_loading,
    segments_card,
    srm_callout,
    summary_tiles,
)
from novarium_app.components.results_widgets import STYLE, notice
from novarium_app.i18n import LocaleState, pick, t
from novarium_app.lab import decisions, recording, records, reveal, views
from novarium_app.services import get_store
from novarium_app.settings import SettingsError
from shop import adoptions, repository
from shop.access import Action
from shop.repository import ExperimentError, ExperimentNotFound

log = logging.getLogger("novarium.results")

LISTED = ("running", "stopped", "completed")
NOT_RECORDED = (
    "Check the highlighted fields: nothing was recorded.",
    "표시된 항목을 확인하세요. 아무것도 기록되지 않았습니다.",
)
LOAD_ERRORS = (SettingsError, StorageError, sa.exc.SQLAlchemyError, ValueError, OSError)
DECIDE_ERRORS = (ExperimentError, SettingsError, StorageError, sa.exc.SQLAlchemyError, ValueError, OSError)


PEEKING_NOTE = (
    "Still running: every look at these results is recorded. Deciding on an early peek inflates false "
    "positives; decide at the planned sample size.",
    "아직 진행 중입니다. 결과를 볼 때마다 기록됩니다. 이른 엿보기로 결정하면 거짓 양성이 늘어납니다. "
    "계획한 표본 크기에서 결정하세요.",
)


@dataclass(frozen=True)
class _Loaded:
    """One visit's reads: ``results`` is the plan's readout, ``readouts`` both analyses keyed by ``_analysis_key``."""

    record: repository.ExperimentRecord
    results: dict[str, Any] | None
    past: records.PastDecision | None
    adoption: adoptions.AdoptionRecord | None = None
    readouts: dict[str, dict[str, Any]] | None = None
    planned_cuped: bool = False


def _analysis_key(cuped: bool) -> str:
    return "cuped" if cuped else "raw"


def _first_line(error: BaseException) -> str:
    return (str(error).strip() or type(error).__name__).splitlines()[0]


def _key_from(path: str) -> str:
    prefix = routes.RESULTS + "/"
    return path.rstrip("/")[len(prefix) :] if path.startswith(prefix) else ""


def _list_experiments() -> list[dict[str, str]]:
    listed = [r for r in repository.list_experiments(get_store()) if r.status in LISTED]
    order = {status: position for position, status in enumerate(LISTED)}
    listed.sort(key=lambda r: (order[r.status], -(r.started_at or r.created_at).timestamp()))
    return [experiment_row(record) for record in listed]


def experiment_row(record: repository.ExperimentRecord) -> dict[str, str]:
    """An experiment as the picker lists it."""
    primary_en, primary_ko = metric_name(record.primary_metric or "conversion")
    started = record.started_at or record.created_at
    return {
        "key": record.key,
        "name": record.name,
        "status": record.status,
        "hypothesis": record.hypothesis,
        "primary_en": primary_en,
        "primary_ko": primary_ko,
        "variants": " · ".join(v.name for v in record.variants),
        "started": f"{started:%Y-%m-%d %H:%M}",
        "href": routes.results_for(record.key),
    }


def _read(key: str) -> _Loaded:
    store = get_store()
    record = repository.get_experiment(store, key)
    if record.status not in LISTED:
        return _Loaded(record, None, None)
    sums = recording.analysis_sums(store, record)
    readouts = {_analysis_key(flag): sums.readout(flag).to_dict() for flag in (False, True)}
    planned = recording.planned_cuped(record)
    results = readouts[_analysis_key(planned)]
    past = records.latest_decision(store, key)
    if record.status == "running":
        records.record_results_view(store, key)
    adoption = None
    if past is not None and past.decision == "ship":
        live = [a for a in adoptions.list_adoptions(store) if a.experiment_key == key and a.active]
        adoption = live[-1] if live else None
    return _Loaded(record, results, past, adoption, readouts, planned)


class ResultsState(rx.State):
    """The picker and one experiment's results, its decision and (after it) the ground-truth reveal."""

    listing: bool = True
    list_error: str = ""
    experiments: list[dict[str, str]] = []

    key: str = ""
    loading: bool = True
    error: str = ""
    missing: bool = False
    experiment: dict[str, str] = {}
    users: int = 0
    empty_variants: list[str] = []
    summary: list[dict[str, str]] = []
    srm: views.Line = views.Line("gray", "", "")
    cards: list[views.MetricCard] = []
    guardrail_lines: list[views.Line] = []
    segments: list[views.SegmentBlock] = []
    verdict: str = ""
    headline_en: str = ""
    headline_ko: str = ""
    reasons: list[views.Line] = []
    ship_rule_en: str = ""
    ship_rule_ko: str = ""
    cuped_on: bool = False
    cuped_note_en: str = ""
    cuped_note_ko: str = ""
    treatments: list[str] = []
    _points: list[dict[str, Any]] = []
    _readouts: dict[str, dict[str, Any]] = {}
    _planned_days: int = 0  # the plan's horizon (0 without one)

    choice: str = ""
    ship_variant: str = ""
    learnings: str = ""
    errors: dict[str, str] = {}
    submitting: bool = False
    kept_running: bool = False

    decided: bool = False
    outcome: dict[str, str] = {}
    reveal_rows: list[dict[str, str]] = []
    adoption: dict[str, str] = {}
    _truth_points: dict[str, float] = {}

    # ----- the picker ----------------------------------------------------------------------------------------

    @rx.event
    async def load_list(self):
        """List the experiments that have run."""
        self.listing = True
        self.list_error = ""
        yield
        try:
            self.experiments = await asyncio.to_thread(_list_experiments)
        except LOAD_ERRORS as error:
            log.exception("the results picker could not load")
            self.list_error = _first_line(error)
        self.listing = False

    # ----- one experiment ------------------------------------------------------------------------------------

    @rx.event
    async def load(self):
        """Rebuild the experiment's mart, analyse it and show it (and the reveal when it was decided before)."""
        key = _key_from(self.router.url.path)
        fresh = key != self.key
        if fresh:
            self._reset_form()
        self.key, self.loading, self.error, self.missing = key, True, "", False
        yield
        try:
            loaded = await asyncio.to_thread(_read, key)
        except ExperimentNotFound:
            self.missing, self.loading = True, False
            return
        except LOAD_ERRORS as error:
            log.exception("the results of %s could not load", key)
            self.error, self.loading = _first_line(error), False
            return
        self.experiment = experiment_row(loaded.record)
        self.treatments = [v.name for v in loaded.record.variants[1:]]
        if self.ship_variant not in self.treatments:
            self.ship_variant = self.treatments[0] if len(self.treatments) == 1 else ""
        past = loaded.past
        if fresh:  # a new experiment opens in its decided (else planned) analysis; a refresh keeps the switch
            decided = past is not None and past.final and bool(past.snapshot)
            self.cuped_on = analysis_of(past.snapshot.get("results", {}))["cuped"] if decided else loaded.planned_cuped
        self._readouts = loaded.readouts or {}
        self._planned_days = recording.planned_days(loaded.record) or 0
        self._show(self._readouts.get(_analysis_key(self.cuped_on), loaded.results))
        if past is not None and past.final and past.snapshot:
            self._reveal_from(past.snapshot, past.learnings, past.retrospective_id)
            self.adoption = reveal.adoption_row(loaded.adoption) if loaded.adoption else {}
        elif not self.kept_running:
            self._hide_reveal()
        self.loading = False

    def _reset_form(self) -> None:
        self.choice, self.ship_variant, self.learnings, self.errors = "", "", "", {}
        self.kept_running = False
        self._hide_reveal()

    def _hide_reveal(self) -> None:
        self.decided, self.outcome, self.reveal_rows, self.adoption, self._truth_points = False, {}, [], {}, {}

    def _show(self, results: dict[str, Any] | None) -> None:
        if results is None:
            self.users, self.cards, self._points, self.summary = 0, [], [], []
            return
        self.users = int(results["users"])
        primary = next((m for m in results["metrics"] if m["role"] == "primary"), None)
        self.empty_variants = [v["variant"] for v in primary["variants"] if not v["n"]] if primary else []
        self.summary = reveal.summary_tiles(results, self._planned_days or None)
        self.srm = views.srm_lines(results)
        self.cards = views.metric_cards(results)
        self._points = views.forest_points(results)
        self.guardrail_lines = views.guardrail_lines(results)
        self.segments = views.segment_blocks(results)
        self.verdict, self.headline_en, self.headline_ko, self.reasons = views.recommendation(results)
        self.ship_rule_en, self.ship_rule_ko = reveal.ship_rule(results)
        self.cuped_note_en, self.cuped_note_ko = reveal.cuped_note(results)

    def _reveal_from(self, snapshot: dict[str, Any], learnings: str, retrospective_id: str) -> None:
        shown = reveal.from_snapshot(snapshot, learnings, retrospective_id)
        self.decided = True
        self.outcome = shown.outcome
        self.reveal_rows = shown.rows
        self._truth_points = shown.truth_points
        self.adoption = shown.adoption

    # ----- CUPED and the decision form -----------------------------------------------------------------------

    @rx.var
    def forest_en(self) -> go.Figure:
        """The estimate-and-interval plot, in English."""
        return results_charts.forest(self._points, truth=self._truth_points)

    @rx.var
    def forest_ko(self) -> go.Figure:
        """The estimate-and-interval plot, in Korean."""
        return results_charts.forest(self._points, korean=True, truth=self._truth_points)

    @rx.event
    def set_cuped(self, value: bool):
        """Read every figure with CUPED (True) or without: the page shows that analysis's readout."""
        self.cuped_on = bool(value)
        readout = self._readouts.get(_analysis_key(self.cuped_on))
        if readout is not None:
            self._show(readout)

    @rx.event
    def set_choice(self, value: str):
        """Choose ship, don't ship or keep running."""
        self.choice = value if value in decisions.CHOICES else ""
        self.errors = {k: v for k, v in self.errors.items() if not k.startswith(("choice", "variant"))}

    @rx.event
    def set_ship_variant(self, value: str):
        """Choose the variant to ship."""
        self.ship_variant = value
        self.errors = {k: v for k, v in self.errors.items() if not k.startswith("variant")}

    @rx.event
    def set_learnings(self, value: str):
        """Keep the learnings note; clear its error once it is long enough."""
        self.learnings = value
        if "learnings" in self.errors and "learnings" not in self._problems():
            self.errors = {k: v for k, v in self.errors.items() if not k.startswith("learnings")}

    def _problems(self) -> dict[str, tuple[str, str]]:
        variant = self.ship_variant if self.choice == "ship" else ""
        return decisions.form_problems(self.choice, variant, self.learnings, self.treatments)

    @rx.event
    @admin_action(Action.DECIDE)
    async def record(self):
        """Record the decision; then reveal the truth (ship, don't ship), adopt (ship) and say what happened."""
        if self.submitting or self.decided:
            return
        locale = (await self.get_state(LocaleState)).locale
        problems = self._problems()
        self.errors = {field: text[0] for field, text in problems.items()} | {
            f"{field}_ko": text[1] for field, text in problems.items()
        }
        if problems:
            yield _toast(locale, "error", *NOT_RECORDED)
            return
        self.submitting = True
        yield
        variant = self.ship_variant if self.choice == "ship" else None
        try:
            done = await asyncio.to_thread(
                recording.record_decision,
                get_store(),
                self.key,
                choice=self.choice,
                variant=variant,
                learnings=self.learnings,
                cuped=self.cuped_on,
            )
        except DECIDE_ERRORS as error:
            log.exception("recording the decision on %s failed", self.key)
            self.submitting = False
            reason = _first_line(error)
            yield _toast(
                locale, "error", f"Could not record the decision: {reason}", f"결정을 기록하지 못했습니다: {reason}"
            )
            return
        self.submitting = False
        self.experiment = {**self.experiment, "status": done.status}
        if done.choice == "keep_running":
            self.kept_running = True
        else:
            self._reveal_from(done.snapshot, self.learnings, done.retrospective_id)
            if done.adoption is not None:
                self.adoption = reveal.adoption_row(done.adoption)
        for message in reveal.toasts(done):
            yield _toast(locale, *message)


def _toast(locale: str, level: str, english: str, korean: str) -> rx.event.EventSpec:
    show = {"success": rx.toast.success, "warning": rx.toast.warning}.get(level, rx.toast.error)
    return show(pick(locale, (english, korean)), duration=8000)


# ----- the pages -------------------------------------------------------------------------------------------------


@lab_page(routes.RESULTS, "Results", on_load=ResultsState.load_list)
def results_index() -> rx.Component:
    """Pick an experiment to read."""
    return rx.vstack(
        rx.el.style(STYLE),
        page_header(
            ("Results", "결과"),
            (
                "Read an experiment's evidence, then decide: ship, don't ship or keep running.",
                "실험의 근거를 읽고 결정하세요: 배포, 미배포 또는 계속 진행.",
            ),
            refresh_button(ResultsState.load_list),
        ),
        experiment_list(
            ResultsState.experiments, ResultsState.listing, ResultsState.list_error, ResultsState.load_list
        ),
        spacing="5",
        width="100%",
    )


def _evidence() -> rx.Component:
    S = ResultsState
    return rx.vstack(
        rx.cond(S.decided & (S.reveal_rows.length() > 0), reveal_card(S)),
        summary_tiles(S.summary),
        srm_callout(S.srm),
        forest_card(S.forest_en, S.forest_ko, S.cuped_on, S.set_cuped, S.cuped_note_en, S.cuped_note_ko),
        rx.foreach(S.cards, metric_card),
        guardrails_card(S.guardrail_lines),
        segments_card(S.segments, S.experiment),
        spacing="4",
        width="100%",
        min_width="0",
    )


def _side() -> rx.Component:
    S = ResultsState
    return rx.vstack(
        recommendation_card(S.verdict, S.headline_en, S.headline_ko, S.reasons, S.ship_rule_en, S.ship_rule_ko),
        rx.cond(
            S.experiment["status"] == "running",
            notice(
                t(PEEKING_NOTE),
                icon="eye",
                color_scheme="blue",
                size="1",
                id="peeking-note",
            ),
        ),
        decision_panel(S),
        spacing="4",
        width="100%",
    )


def _workspace() -> rx.Component:
    S = ResultsState
    return rx.cond(
        S.users > 0,
        rx.vstack(
            rx.cond(
                S.empty_variants.length() > 0,
                notice(
                    t(("No exposed users yet in: ", "아직 노출된 사용자가 없는 변형: ")),
                    S.empty_variants.join(", "),
                    icon="triangle-alert",
                    color_scheme="amber",
                    size="1",
                    id="empty-variants",
                ),
            ),
            rx.grid(
                _evidence(),
                _side(),
                grid_template_columns=WITH_SIDE_PANEL,
                spacing="4",
                width="100%",
                align_items="start",
            ),
            spacing="4",
            width="100%",
        ),
        empty_results(S.key, S.experiment["status"] == "draft"),
    )


@lab_page(f"{routes.RESULTS}/[results_key]", "Results", on_load=ResultsState.load)
def results_page() -> rx.Component:
    """One experiment's results and the decision."""
    S = ResultsState
    return rx.vstack(
        rx.el.style(STYLE),
        results_header(S.experiment, S.load, S.loading),
        rx.cond(
            S.missing,
            rx.callout.root(
                rx.callout.icon(rx.icon("search-x", size=16)),
                rx.callout.text(
                    t(("There is no experiment with this key. ", "이 키의 실험이 없습니다. ")),
                    rx.link(t(("See all results", "전체 결과 보기")), href=routes.RESULTS),
                ),
                color_scheme="amber",
                id="results-missing",
            ),
            rx.cond(
                S.error != "",
                notice(
                    t(("Could not analyse this experiment: ", "이 실험을 분석하지 못했습니다: ")),
                    S.error,
                    icon="triangle-alert",
                    color_scheme="red",
                    id="results-error",
                ),
                rx.cond(S.loading & (S.users == 0), results_loading(), _workspace()),
            ),
        ),
        spacing="5",
        width="100%",
    )
