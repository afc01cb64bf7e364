"""Runs: play days of the shop's traffic in a running experiment and monitor them; stop and resume a watched run.

The form opens on the chosen experiment's plan (its days and the visitors they bring, ``RunPlanState``). A run is
either watched (HTTP agents, ``start_run``) or fast-forwarded (the engine, ``RunPlanState.fast_forward``); both
are listed and monitored alike, on the experiment's own calendar (day 1 to day D).

A watched run belongs to the process-wide ``RunManager`` (``services.get_run_manager``), not to the browser tab. The
page only polls it: ``RunsState.poll`` is a background event that reads the manager about once a second while any run
is active. Reloading the page lists the runs again and re-attaches the poller if one is still running.

The monitor of the followed run (``marts.monitor``: split check, cumulative primary metric, naive and always-valid
p-values, events per day) is read by ``refresh_monitor``, another background event: every ``MONITOR_SECONDS``
while the run is live, once more when it ends, and once for a finished run (its final curves). The SQL goes through
a process-wide cache (``monitor_source``), so many tabs cost one query. A run's ground truth is never shown here.
"""

import asyncio
import logging
import time
from dataclasses import fields
from typing import Any

import plotly.graph_objects as go
import reflex as rx
import sqlalchemy as sa

from marts.monitor import MonitorError
from marts.storage import StorageError
from novarium_app import routes
from novarium_app.components import monitor_charts, run_rows
from novarium_app.components.admin_access import admin_action
from novarium_app.components.layout import lab_page
from novarium_app.components.monitor_panels import MonitorVars, monitor_section
from novarium_app.components.monitor_source import read_monitor
from novarium_app.components.monitor_view import MonitorView, build_view
from novarium_app.components.page_parts import error_callout
from novarium_app.components.run_form import (
    DEFAULTS,
    NO_ERROR,
    RULES,
    RunSettings,
    experiment_error,
    field_error,
    validate_run_form,
)
from novarium_app.components.run_form_view import no_experiment_card, run_form_card
from novarium_app.components.run_page import STYLE, runs_header, runs_loading
from novarium_app.components.run_panels import live_run_card, run_history
from novarium_app.components.run_plan_state import RunPlanState, read_plan
from novarium_app.i18n import LocaleState, Text, pick
from novarium_app.services import get_run_manager, get_store
from novarium_app.settings import SettingsError
from shop import repository
from shop.access import Action

log = logging.getLogger("novarium.runs")

POLL_SECONDS = 1.0
MONITOR_SECONDS = 1.5
HISTORY_ROWS = 25
# What a manager or storage call may raise; anything else reaches Reflex's own handler and its log.
RUN_ERRORS = (ValueError, LookupError, RuntimeError, OSError, SettingsError, StorageError, sa.exc.SQLAlchemyError)
FIELDS = ("experiment_key", *RULES)


def experiment_option(record: repository.ExperimentRecord) -> dict[str, str]:
    """A running experiment as the form's select shows it: never its ground truth, only its design."""
    arms = " · ".join(f"{v.name} {v.weight:g}" for v in record.variants)
    return {"key": record.key, "name": record.name, "variants": arms}


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]


def _running_experiments() -> list[repository.ExperimentRecord]:
    return repository.list_experiments(get_store(), status="running")


def _list_runs() -> list[Any]:
    return get_run_manager().list_runs()


class RunsState(rx.State):
    """The run form, the followed run with its monitor, and the run history of the Runs page."""

    loading: bool = True
    error: str = ""
    experiments: list[dict[str, str]] = []
    runs: list[dict[str, str]] = []
    focus_id: str = ""
    submitting: bool = False
    acting: str = ""

    experiment_key: str = ""
    agents: str = DEFAULTS["agents"]
    concurrency: str = DEFAULTS["concurrency"]
    seed: str = DEFAULTS["seed"]
    days: str = DEFAULTS["days"]
    think_time: str = DEFAULTS["think_time"]
    novelty: str = DEFAULTS["novelty"]
    bot_share: str = DEFAULTS["bot_share"]
    exposure_bug: str = DEFAULTS["exposure_bug"]
    seasonality: bool = False
    errors: dict[str, str] = {}
    errors_ko: dict[str, str] = {}

    monitor: dict[str, str] = {}
    monitor_variants: list[dict[str, str]] = []
    monitor_peeks: list[dict[str, str]] = []
    monitor_loading: bool = False
    monitor_error: str = ""

    _chart: dict[str, Any] = {}
    _monitor_for: str = ""
    _monitor_version: str = ""
    _monitor_at: float = 0.0
    _monitor_busy: bool = False
    _polling: bool = False
    _kicked: bool = False

    # ----- loading and polling -------------------------------------------------------------------------------

    @rx.event
    async def load(self):
        """List the running experiments and the runs; re-attach the poller when a run is active; show the monitor."""
        self.loading = True
        self.error = ""
        yield
        try:
            records = await asyncio.to_thread(_running_experiments)
            runs = await asyncio.to_thread(_list_runs)
        except RUN_ERRORS as error:
            log.exception("the Runs page could not load")
            self.error = await self._say(
                ("Could not load the runs: ", "실행 목록을 불러오지 못했습니다: ")
            ) + _first_line(error)
            self.loading = False
            return
        self.experiments = [experiment_option(record) for record in records]
        keys = [option["key"] for option in self.experiments]
        if self.experiment_key not in keys:
            self.experiment_key = keys[0] if keys else ""
        if self.experiment_key:  # the form opens on the chosen experiment's plan, before it shows
            planned = await asyncio.to_thread(read_plan, self.experiment_key)
            (await self.get_state(RunPlanState)).apply(planned, self)
        self._show(runs)
        self._monitor_version = ""  # a reload always reads the monitor again
        self.loading = False
        yield RunsState.refresh_monitor
        if any(row["active"] for row in self.runs):
            self._kicked = True
            yield RunsState.poll

    @rx.event(background=True)
    async def poll(self):
        """Refresh the runs about once a second until none is active; one poller per tab at a time."""
        async with self:
            if self._polling:
                return
            self._polling = True
            self._kicked = False
        released = False
        try:
            while not released:
                try:
                    runs = await asyncio.to_thread(_list_runs)
                except RUN_ERRORS as error:
                    log.exception("polling the runs failed")
                    async with self:
                        prefix = await self._say(("Lost track of the runs: ", "실행 상태를 놓쳤습니다: "))
                        self.error = prefix + _first_line(error)
                    return
                async with self:
                    before = {row["run_id"]: row["status"] for row in self.runs}
                    self._show(runs)
                    ended = run_rows.ended_runs(before, self.runs)
                    if not self._kicked and not any(row["active"] for row in self.runs):
                        self._polling = False  # released under the lock, so a run started now is never missed
                        released = True
                    self._kicked = False
                    locale = await self._locale()
                    stale = self._monitor_stale()
                for row in ended:
                    if message := run_rows.ending_message(row, locale):
                        yield _toast(*message)
                if stale:
                    yield RunsState.refresh_monitor
                if not released:
                    await asyncio.sleep(POLL_SECONDS)
        finally:
            if not released:
                async with self:
                    self._polling = False

    def _show(self, runs: list[Any]) -> None:
        ordered = sorted(runs, key=lambda progress: progress.started_at, reverse=True)
        self.runs = [run_rows.progress_row(progress) for progress in ordered]
        if all(row["run_id"] != self.focus_id for row in self.runs):
            active = [row["run_id"] for row in self.runs if row["active"]]
            self.focus_id = active[0] if active else (self.runs[0]["run_id"] if self.runs else "")

    async def _locale(self) -> str:
        return (await self.get_state(LocaleState)).locale

    async def _say(self, text: Text) -> str:
        return pick(await self._locale(), text)

    # ----- the monitor ---------------------------------------------------------------------------------------

    def _monitor_stale(self) -> bool:
        """Whether the followed run's monitor should be read again now."""
        row = self.live
        if not row or self._monitor_busy:
            return False
        if row["run_id"] != self._monitor_for:
            return True
        if row["active"]:
            return time.monotonic() - self._monitor_at >= MONITOR_SECONDS
        return row["version"] != self._monitor_version

    @rx.event(background=True)
    async def refresh_monitor(self):
        """Read the followed run's monitor (off the event loop) when it is stale; one read per tab at a time."""
        async with self:
            if not self._monitor_stale():
                return
            row = self.live
            run_id, version, live = row["run_id"], row["version"], bool(row["active"])
            self._monitor_busy = True
            if run_id != self._monitor_for:
                self._clear_monitor()
                self.monitor_loading = True
        view, problem = None, ""
        try:
            view = build_view(await read_monitor(run_id, version, live))
        except (MonitorError, *RUN_ERRORS) as error:
            log.exception("the monitor of run %s could not be read", run_id)
            problem = _first_line(error)
        finally:
            async with self:
                self._monitor_busy = False  # released whatever happened, so the monitor can never stall
                self.monitor_loading = False
                again = self._apply_monitor(run_id, version, view, problem)
        if again:
            yield RunsState.refresh_monitor

    def _apply_monitor(self, run_id: str, version: str, view: MonitorView | None, problem: str) -> bool:
        """Show a monitor read (or why it failed); returns whether it should be read again at once."""
        if self.live.get("run_id") != run_id:  # the learner followed another run meanwhile
            self._monitor_for = ""
            return True
        self._monitor_for, self._monitor_version, self._monitor_at = run_id, version, time.monotonic()
        self.monitor_error = problem
        if view is None:
            return False
        self.monitor, self.monitor_variants, self.monitor_peeks = view.summary, view.variants, view.peeks
        self._chart = view.chart
        return self._monitor_stale()  # the run ended while its monitor was read: read the final one

    @rx.event
    def retry_monitor(self):
        """Read the monitor again after an error."""
        self.monitor_error = ""
        self._monitor_for = ""
        return RunsState.refresh_monitor

    def _clear_monitor(self) -> None:
        self.monitor, self.monitor_variants, self.monitor_peeks, self._chart = {}, [], [], {}
        self.monitor_error = ""

    @rx.var
    def metric_figure(self) -> go.Figure:
        """The primary metric's cumulative curves."""
        return monitor_charts.metric_figure(self._chart)

    @rx.var
    def p_figure(self) -> go.Figure:
        """Naive and always-valid p-values over the looks."""
        return monitor_charts.p_value_figure(self._chart)

    @rx.var
    def rate_figure(self) -> go.Figure:
        """Events stored per second."""
        return monitor_charts.rate_figure(self._chart)

    # ----- the form ------------------------------------------------------------------------------------------

    @rx.event
    def set_field(self, name: str, value: str):
        """Store one field as typed and check it at once, so the error shows while the learner types."""
        if name not in FIELDS:
            return
        setattr(self, name, value)
        if name == "experiment_key":
            problem = experiment_error(value, self._running_keys())
        else:
            problem = field_error(name, value)
        errors, errors_ko = dict(self.errors), dict(self.errors_ko)
        if problem == NO_ERROR:
            errors.pop(name, None)
            errors_ko.pop(name, None)
        else:
            errors[name], errors_ko[name] = problem
        self.errors, self.errors_ko = errors, errors_ko

    @rx.event
    def set_seasonality(self, value: bool):
        """Turn day-of-week seasonality on or off."""
        self.seasonality = value

    @rx.event
    async def reset_form(self):
        """Back to the default settings, with the chosen experiment's plan (read before the form changes again)."""
        for name, value in DEFAULTS.items():
            setattr(self, name, value)
        self.seasonality = False
        self.errors, self.errors_ko = {}, {}
        planned = await asyncio.to_thread(read_plan, self.experiment_key) if self.experiment_key else None
        (await self.get_state(RunPlanState)).apply(planned, self)

    def check_form(self) -> RunSettings | None:
        """Validate the whole form and show its errors; the settings when it is valid."""
        check = validate_run_form(self._form(), self.seasonality, self._running_keys())
        self.errors, self.errors_ko = check.errors, check.errors_ko
        return check.settings

    def follow(self, run_id: str, runs: list[Any]) -> None:
        """Follow ``run_id`` in the live card and the monitor, with ``runs`` listed."""
        self.focus_id = run_id
        self._show(runs)

    def _running_keys(self) -> list[str]:
        return [option["key"] for option in self.experiments]

    def _form(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in FIELDS}

    # ----- actions -------------------------------------------------------------------------------------------

    @rx.event(background=True)
    @admin_action(Action.START_RUN)
    async def start_run(self):
        """Validate the form; only a valid form reaches the runner."""
        from swarm.runner import RunRequest

        async with self:
            locale = await self._locale()
            if self.submitting:
                return
            settings = self.check_form()
            if settings is not None:
                self.submitting = True
        if settings is None:
            yield rx.toast.error(
                pick(
                    locale,
                    (
                        "Check the highlighted fields: the run was not started.",
                        "표시된 칸을 확인하세요. 실행을 시작하지 않았습니다.",
                    ),
                )
            )
            return
        try:
            run_id = await get_run_manager().start(RunRequest(**_fields(settings)))
            runs = await asyncio.to_thread(_list_runs)
        except RUN_ERRORS as error:
            log.exception("starting a run failed")
            async with self:
                self.submitting = False
            prefix = pick(locale, ("Could not start the run: ", "실행을 시작하지 못했습니다: "))
            yield rx.toast.error(prefix + _first_line(error))
            return
        async with self:
            self.submitting = False
            self.focus_id = run_id
            self._kicked = True
            self._show(runs)
        agents, key = f"{settings.agents:,}", settings.experiment_key
        yield rx.toast.success(
            pick(locale, (f"Run started: {agents} agents on {key}.", f"실행 시작: {key}에 에이전트 {agents}명."))
        )
        yield RunsState.poll
        yield RunsState.refresh_monitor

    @rx.event(background=True)
    @admin_action(Action.STOP_RUN)
    async def stop_run(self, run_id: str):
        """Stop a run: requests in flight finish and nothing more is sent, so what is stored matches the counts."""
        async for update in self._act(run_id, "stop"):
            yield update

    @rx.event(background=True)
    @admin_action(Action.RESUME_RUN)
    async def resume_run(self, run_id: str):
        """Resume a stopped, interrupted or failed run with the agents not yet done, if its experiment runs."""
        async for update in self._act(run_id, "resume"):
            yield update

    async def _act(self, run_id: str, action: str):
        async with self:
            if self.acting:
                return
            locale = await self._locale()
            self.acting = run_id
            self.focus_id = run_id
            key = next((row["experiment_key"] for row in self.runs if row["run_id"] == run_id), "")
        manager = get_run_manager()
        short = run_rows.short_id(run_id)
        failed = {
            "stop": (f"Could not stop run {short}: ", f"실행 {short}을(를) 중지하지 못했습니다: "),
            "resume": (f"Could not resume run {short}: ", f"실행 {short}을(를) 재개하지 못했습니다: "),
        }[action]
        try:
            if action == "resume" and (refusal := await self._not_running(key, locale)):
                async with self:
                    self.acting = ""
                yield rx.toast.error(pick(locale, failed) + refusal)
                return
            await (manager.stop(run_id) if action == "stop" else manager.resume(run_id))
            progress = await asyncio.to_thread(manager.progress, run_id)
            runs = await asyncio.to_thread(_list_runs)
        except RUN_ERRORS as error:
            log.exception("could not %s run %s", action, run_id)
            async with self:
                self.acting = ""
            yield rx.toast.error(pick(locale, failed) + _first_line(error))
            return
        async with self:
            self.acting = ""
            self._kicked = action == "resume"
            self._show(runs)
        yield rx.toast.success(run_rows.action_message(action, progress, locale))
        if action == "resume":
            yield RunsState.poll
        yield RunsState.refresh_monitor

    async def _not_running(self, key: str, locale: str) -> str:
        """Why a run of experiment ``key`` cannot resume now ("" when it can); refreshes the experiment list."""
        records = await asyncio.to_thread(_running_experiments)
        async with self:
            self.experiments = [experiment_option(record) for record in records]
        if any(record.key == key for record in records):
            return ""
        return pick(
            locale,
            (
                f"experiment {key!r} is not running; start it, then resume",
                f"실험 {key!r}이(가) 진행 중이 아닙니다. 실험을 시작한 뒤 재개하세요",
            ),
        )

    @rx.event
    def focus(self, run_id: str):
        """Follow this run in the live card and the monitor."""
        self.focus_id = run_id
        return RunsState.refresh_monitor

    # ----- derived values ------------------------------------------------------------------------------------

    @rx.var
    def live(self) -> dict[str, str]:
        """The run in the live card: the one in focus, else the newest."""
        for row in self.runs:
            if row["run_id"] == self.focus_id:
                return row
        return self.runs[0] if self.runs else {}

    @rx.var
    def live_active(self) -> bool:
        """The followed run is running."""
        return bool(self.live.get("active"))

    @rx.var
    def history(self) -> list[dict[str, str]]:
        """The newest runs, as many as the table shows."""
        return self.runs[:HISTORY_ROWS]

    @rx.var
    def history_hidden_total(self) -> str:
        """The number of runs, formatted, when older ones are left out of the table; else ""."""
        return f"{len(self.runs):,}" if len(self.runs) > HISTORY_ROWS else ""

    @rx.var
    def live_percent(self) -> int:
        """The live run's share of agents done, 0 to 100."""
        return int(self.live.get("percent", "0") or 0)

    @rx.var
    def active_count(self) -> int:
        """How many runs are running now."""
        return sum(1 for row in self.runs if row["active"])

    @rx.var
    def chosen(self) -> dict[str, str]:
        """The experiment picked in the form."""
        return next((option for option in self.experiments if option["key"] == self.experiment_key), {})

    @rx.var
    def experiment_keys(self) -> list[str]:
        """The keys of the running experiments, for the select."""
        return [option["key"] for option in self.experiments]


def _fields(settings: RunSettings) -> dict[str, Any]:
    return {field.name: getattr(settings, field.name) for field in fields(settings)}


def _toast(level: str, message: str) -> rx.event.EventSpec:
    show = {"success": rx.toast.success, "warning": rx.toast.warning}.get(level, rx.toast.error)
    return show(message, duration=8000 if level == "error" else 5000)


# ----- the page ------------------------------------------------------------------------------------------------


MONITOR = MonitorVars(
    summary=RunsState.monitor,
    variants=RunsState.monitor_variants,
    peeks=RunsState.monitor_peeks,
    metric_figure=RunsState.metric_figure,
    p_figure=RunsState.p_figure,
    rate_figure=RunsState.rate_figure,
    loading=RunsState.monitor_loading,
    error=RunsState.monitor_error,
    active=RunsState.live_active,
    on_retry=RunsState.retry_monitor,
)


def _workspace() -> rx.Component:
    """The form beside the followed run and its monitor, then the run history across the whole width."""
    return rx.vstack(
        rx.grid(
            rx.cond(
                RunsState.experiments.length() > 0,
                run_form_card(RunsState, RunPlanState),
                no_experiment_card(RunsState),
            ),
            rx.vstack(
                live_run_card(
                    RunsState.live, RunsState.live_percent, RunsState.acting, RunsState.stop_run, RunsState.resume_run
                ),
                rx.cond(RunsState.live.contains("run_id"), monitor_section(MONITOR)),
                spacing="4",
                width="100%",
                min_width="0",
            ),
            grid_template_columns=rx.breakpoints(initial="1fr", lg="25rem 1fr"),
            spacing="4",
            width="100%",
            align_items="start",
        ),
        run_history(
            RunsState.history,
            RunsState.history_hidden_total,
            RunsState.focus_id,
            RunsState.acting,
            RunsState.focus,
            RunsState.resume_run,
        ),
        spacing="4",
        width="100%",
    )


@lab_page(routes.RUNS, "Runs", on_load=RunsState.load)
def runs() -> rx.Component:
    """The Lab's Runs page."""
    return rx.vstack(
        rx.el.style(STYLE),
        runs_header(RunsState),
        rx.cond(
            RunsState.error != "",
            error_callout(RunsState.error, element_id="runs-error"),
        ),
        rx.cond(RunsState.loading, runs_loading(), _workspace()),
        spacing="5",
        width="100%",
    )
