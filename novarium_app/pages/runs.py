"""Runs: launch a swarm of HTTP agents against a running experiment, watch it live, stop and resume it.

A run belongs to the process-wide ``RunManager`` (``services.get_run_manager``), not to the browser tab. The page
only polls it: ``RunsState.poll`` is a background event that reads the manager about once a second while any run
is active. Reloading the page lists the runs again and re-attaches the poller if one is still running.
"""

import asyncio
import logging
from dataclasses import fields
from typing import Any

import reflex as rx
import sqlalchemy as sa

from marts.storage import StorageError
from novarium_app import routes
from novarium_app.components import run_rows
from novarium_app.components.layout import lab_page
from novarium_app.components.run_form import (
    DEFAULTS,
    RULES,
    RunSettings,
    check_experiment,
    check_field,
    validate_run_form,
)
from novarium_app.components.run_panels import live_run_card, run_history
from novarium_app.components.run_widgets import form_field
from novarium_app.services import get_run_manager, get_store
from novarium_app.settings import SettingsError
from shop import repository

log = logging.getLogger("novarium.runs")

POLL_SECONDS = 1.0
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
    """The run form, the live run and the run history of the Runs page."""

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

    _polling: bool = False
    _kicked: bool = False

    # ----- loading and polling -------------------------------------------------------------------------------

    @rx.event
    async def load(self):
        """List the running experiments and the runs; re-attach the poller when a run is active."""
        self.loading = True
        self.error = ""
        yield
        try:
            records = await asyncio.to_thread(_running_experiments)
            runs = await asyncio.to_thread(_list_runs)
        except RUN_ERRORS as error:
            log.exception("the Runs page could not load")
            self.error = f"Could not load the runs: {_first_line(error)}"
            self.loading = False
            return
        self.experiments = [experiment_option(record) for record in records]
        keys = [option["key"] for option in self.experiments]
        if self.experiment_key not in keys:
            self.experiment_key = keys[0] if keys else ""
        self._show(runs)
        self.loading = False
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
                        self.error = f"Lost track of the runs: {_first_line(error)}"
                    return
                async with self:
                    before = {row["run_id"]: row["status"] for row in self.runs}
                    self._show(runs)
                    ended = run_rows.ended_runs(before, self.runs)
                    if not self._kicked and not any(row["active"] for row in self.runs):
                        self._polling = False  # released under the lock, so a run started now is never missed
                        released = True
                    self._kicked = False
                for row in ended:
                    if message := run_rows.ending_message(row):
                        yield _toast(*message)
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

    # ----- the form ------------------------------------------------------------------------------------------

    @rx.event
    def set_field(self, name: str, value: str):
        """Store one field as typed and check it at once, so the error shows while the learner types."""
        if name not in FIELDS:
            return
        setattr(self, name, value)
        errors = dict(self.errors)
        if name == "experiment_key":
            problem = check_experiment(value, self._running_keys())
        else:
            problem = check_field(name, value)
        if problem:
            errors[name] = problem
        else:
            errors.pop(name, None)
        self.errors = errors

    @rx.event
    def set_seasonality(self, value: bool):
        """Turn day-of-week seasonality on or off."""
        self.seasonality = value

    @rx.event
    def reset_form(self):
        """Back to the default settings."""
        for name, value in DEFAULTS.items():
            setattr(self, name, value)
        self.seasonality = False
        self.errors = {}

    def _running_keys(self) -> list[str]:
        return [option["key"] for option in self.experiments]

    def _form(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in FIELDS}

    # ----- actions -------------------------------------------------------------------------------------------

    @rx.event(background=True)
    async def start_run(self):
        """Validate the form; only a valid form reaches the runner."""
        from swarm.runner import RunRequest

        async with self:
            if self.submitting:
                return
            check = validate_run_form(self._form(), self.seasonality, self._running_keys())
            self.errors = check.errors
            settings = check.settings
            if settings is not None:
                self.submitting = True
        if settings is None:
            yield rx.toast.error("Check the highlighted fields: the run was not started.")
            return
        try:
            run_id = await get_run_manager().start(RunRequest(**_fields(settings)))
            runs = await asyncio.to_thread(_list_runs)
        except RUN_ERRORS as error:
            log.exception("starting a run failed")
            async with self:
                self.submitting = False
            yield rx.toast.error(f"Could not start the run: {_first_line(error)}")
            return
        async with self:
            self.submitting = False
            self.focus_id = run_id
            self._kicked = True
            self._show(runs)
        yield rx.toast.success(f"Run started: {settings.agents:,} agents on {settings.experiment_key}.")
        yield RunsState.poll

    @rx.event(background=True)
    async def stop_run(self, run_id: str):
        """Stop a run: requests in flight finish and nothing more is sent, so what is stored matches the counts."""
        async for update in self._act(run_id, "stop"):
            yield update

    @rx.event(background=True)
    async def resume_run(self, run_id: str):
        """Resume a stopped, interrupted or failed run with the agents not yet done, if its experiment runs."""
        async for update in self._act(run_id, "resume"):
            yield update

    async def _act(self, run_id: str, action: str):
        async with self:
            if self.acting:
                return
            self.acting = run_id
            self.focus_id = run_id
            key = next((row["experiment_key"] for row in self.runs if row["run_id"] == run_id), "")
        manager = get_run_manager()
        try:
            if action == "resume" and (refusal := await self._not_running(key)):
                async with self:
                    self.acting = ""
                yield rx.toast.error(f"Could not resume run {run_rows.short_id(run_id)}: {refusal}")
                return
            await (manager.stop(run_id) if action == "stop" else manager.resume(run_id))
            progress = await asyncio.to_thread(manager.progress, run_id)
            runs = await asyncio.to_thread(_list_runs)
        except RUN_ERRORS as error:
            log.exception("could not %s run %s", action, run_id)
            async with self:
                self.acting = ""
            yield rx.toast.error(f"Could not {action} run {run_rows.short_id(run_id)}: {_first_line(error)}")
            return
        async with self:
            self.acting = ""
            self._kicked = action == "resume"
            self._show(runs)
        yield rx.toast.success(_action_message(action, progress))
        if action == "resume":
            yield RunsState.poll

    async def _not_running(self, key: str) -> str:
        """Why a run of experiment ``key`` cannot resume now ("" when it can); refreshes the experiment list."""
        records = await asyncio.to_thread(_running_experiments)
        async with self:
            self.experiments = [experiment_option(record) for record in records]
        if any(record.key == key for record in records):
            return ""
        return f"experiment {key!r} is not running; start it, then resume"

    @rx.event
    def focus(self, run_id: str):
        """Show this run in the live card."""
        self.focus_id = run_id

    # ----- derived values ------------------------------------------------------------------------------------

    @rx.var
    def live(self) -> dict[str, str]:
        """The run in the live card: the one in focus, else the newest."""
        for row in self.runs:
            if row["run_id"] == self.focus_id:
                return row
        return self.runs[0] if self.runs else {}

    @rx.var
    def history(self) -> list[dict[str, str]]:
        """The newest runs, as many as the table shows."""
        return self.runs[:HISTORY_ROWS]

    @rx.var
    def history_note(self) -> str:
        """Says when older runs are left out of the table."""
        hidden = len(self.runs) - HISTORY_ROWS
        return f"The {HISTORY_ROWS} newest of {len(self.runs):,} runs" if hidden > 0 else ""

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


def _action_message(action: str, progress: Any) -> str:
    if progress is None:
        return f"Run {action} requested."
    short = run_rows.short_id(progress.run_id)
    if action == "stop":
        return f"Run {short} {progress.status} after {progress.agents_done:,} of {progress.agents_planned:,} agents."
    return f"Run {short} resumed at {progress.agents_done:,} of {progress.agents_planned:,} agents."


# ----- the page ------------------------------------------------------------------------------------------------

AGENT_PRESETS = (("300", "300"), ("1,000", "1000"), ("10,000", "10000"), ("78,396", "78396"))


def _header() -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.heading("Runs", size="8", weight="bold"),
            rx.text(
                "Send simulated shoppers through the NovaEats shop. Runs live on the server: reload or close this tab "
                "freely.",
                color=rx.color("gray", 11),
            ),
            spacing="1",
        ),
        rx.spacer(),
        rx.hstack(
            rx.cond(
                RunsState.active_count > 0,
                rx.badge(
                    rx.box(class_name="live-dot"),
                    RunsState.active_count,
                    " running",
                    color_scheme="blue",
                    variant="surface",
                    size="2",
                    id="runs-active",
                ),
            ),
            rx.tooltip(
                rx.icon_button(
                    rx.icon("refresh-cw", size=16),
                    on_click=RunsState.load,
                    variant="soft",
                    color_scheme="gray",
                    size="2",
                    aria_label="Refresh",
                ),
                content="Refresh experiments and runs",
            ),
            spacing="2",
            align="center",
        ),
        align="end",
        width="100%",
    )


def _field(label: str, name: str, hint: str, suffix: str = "", aside: rx.Component | None = None) -> rx.Component:
    return form_field(
        label,
        name,
        getattr(RunsState, name),
        RunsState.errors.get(name, ""),
        lambda value: RunsState.set_field(name, value),
        hint=hint,
        suffix=suffix,
        aside=aside,
    )


def _experiment_select() -> rx.Component:
    chosen = RunsState.chosen
    return rx.vstack(
        rx.text("Experiment", as_="label", html_for="run-experiment_key", size="2", weight="medium"),
        rx.select(
            RunsState.experiment_keys,
            value=RunsState.experiment_key,
            on_change=lambda value: RunsState.set_field("experiment_key", value),
            placeholder="Choose a running experiment",
            id="run-experiment_key",
            width="100%",
            size="2",
        ),
        rx.cond(
            RunsState.errors.contains("experiment_key"),
            rx.text(RunsState.errors["experiment_key"], size="1", color=rx.color("red", 11), id="error-experiment_key"),
            rx.cond(
                chosen.contains("key"),
                rx.hstack(
                    rx.icon("split", size=13, color=rx.color("accent", 10)),
                    rx.text(chosen["name"], " · ", chosen["variants"], size="1", color=rx.color("gray", 11)),
                    spacing="2",
                    align="center",
                ),
            ),
        ),
        spacing="1",
        width="100%",
    )


def _agents_field() -> rx.Component:
    presets = rx.hstack(
        *[
            rx.button(
                shown,
                on_click=RunsState.set_field("agents", value),
                size="1",
                variant=rx.cond(RunsState.agents == value, "solid", "soft"),
                color_scheme=rx.cond(RunsState.agents == value, "violet", "gray"),
                type="button",
                class_name="agent-preset",
            )
            for shown, value in AGENT_PRESETS
        ],
        spacing="1",
    )
    return _field("Agents", "agents", "Shoppers to simulate; 78,396 is the whole population", aside=presets)


def _section(title: str, subtitle: str) -> rx.Component:
    return rx.vstack(
        rx.text(title, size="1", weight="bold", color=rx.color("gray", 11), text_transform="uppercase"),
        rx.text(subtitle, size="1", color=rx.color("gray", 10)),
        spacing="0",
        width="100%",
    )


def _seasonality() -> rx.Component:
    return rx.vstack(
        rx.text("Seasonality", as_="label", html_for="run-seasonality", size="2", weight="medium"),
        rx.hstack(
            rx.switch(checked=RunsState.seasonality, on_change=RunsState.set_seasonality, id="run-seasonality"),
            rx.text(rx.cond(RunsState.seasonality, "On", "Off"), size="2"),
            spacing="2",
            align="center",
            height="var(--space-6)",
        ),
        rx.text("Weekday traffic swings", size="1", color=rx.color("gray", 10)),
        spacing="1",
        width="100%",
    )


def _run_form() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.center(rx.icon("rocket", size=18), class_name="card-icon"),
                rx.vstack(
                    rx.heading("New run", size="4"),
                    rx.text("Agents browse, click and order over HTTP.", size="2", color=rx.color("gray", 10)),
                    spacing="0",
                ),
                spacing="3",
                align="center",
            ),
            _experiment_select(),
            _agents_field(),
            rx.grid(
                _field("Concurrency", "concurrency", "Sessions at once"),
                _field("Seed", "seed", "Same seed, same run"),
                _field("Days", "days", "Days of traffic, 1 to 90"),
                _field("Think time", "think_time", "0 is turbo", suffix="s"),
                columns="2",
                spacing="3",
                width="100%",
            ),
            rx.divider(),
            _section("Realism switches", "Each has a known effect, revealed with the truth after you decide."),
            rx.grid(
                _field("Novelty", "novelty", "1 doubles the day-1 effect"),
                _field("Bot share", "bot_share", "Bots never buy", suffix="%"),
                _field("Exposure bug", "exposure_bug", "Planted SRM, last variant", suffix="%"),
                _seasonality(),
                columns="2",
                spacing="3",
                width="100%",
            ),
            rx.hstack(
                rx.button("Reset", on_click=RunsState.reset_form, variant="soft", color_scheme="gray", size="3"),
                rx.button(
                    rx.icon("play", size=16),
                    "Launch run",
                    on_click=RunsState.start_run,
                    loading=RunsState.submitting,
                    size="3",
                    flex="1",
                    id="launch-run",
                ),
                spacing="2",
                width="100%",
                padding_top="0.25rem",
            ),
            spacing="4",
            width="100%",
        ),
        size="3",
        width="100%",
        id="run-form",
    )


def _step(number: str, text: str, command: str) -> rx.Component:
    return rx.hstack(
        rx.center(rx.text(number, size="1", weight="bold"), class_name="step-dot"),
        rx.vstack(
            rx.text(text, size="2"),
            rx.code(command, size="1", variant="soft", white_space="pre-wrap", word_break="break-all"),
            spacing="1",
            min_width="0",
        ),
        spacing="3",
        align="start",
        width="100%",
    )


def _no_experiment() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.center(rx.icon("flask-conical-off", size=20), class_name="card-icon"),
            rx.heading("No experiment is running", size="4"),
            rx.text(
                "A run sends shoppers to a running experiment. Start one, then refresh this page.",
                size="2",
                color=rx.color("gray", 11),
            ),
            _step("1", "Create it from a spec", "novarium experiments create examples/red-banner.json"),
            _step("2", "Start it", "novarium experiments start red-banner"),
            rx.text(
                "Or use the API: POST /api/experiments with the spec, then POST /api/experiments/{key}/start.",
                size="1",
                color=rx.color("gray", 10),
            ),
            rx.button(rx.icon("refresh-cw", size=14), "Refresh", on_click=RunsState.load, variant="soft"),
            spacing="3",
            align="start",
        ),
        size="3",
        width="100%",
        id="runs-empty",
    )


def _loading() -> rx.Component:
    return rx.grid(
        rx.skeleton(rx.card(height="40rem")),
        rx.vstack(
            rx.skeleton(rx.card(height="15rem"), width="100%"),
            rx.skeleton(rx.card(height="16rem"), width="100%"),
            spacing="4",
            width="100%",
        ),
        grid_template_columns=rx.breakpoints(initial="1fr", lg="25rem 1fr"),
        spacing="4",
        width="100%",
        id="runs-loading",
    )


def _workspace() -> rx.Component:
    return rx.grid(
        rx.cond(RunsState.experiments.length() > 0, _run_form(), _no_experiment()),
        rx.vstack(
            live_run_card(
                RunsState.live, RunsState.live_percent, RunsState.acting, RunsState.stop_run, RunsState.resume_run
            ),
            run_history(
                RunsState.history,
                RunsState.history_note,
                RunsState.focus_id,
                RunsState.acting,
                RunsState.focus,
                RunsState.resume_run,
            ),
            spacing="4",
            width="100%",
            min_width="0",
        ),
        grid_template_columns=rx.breakpoints(initial="1fr", lg="25rem 1fr"),
        spacing="4",
        width="100%",
        align_items="start",
    )


STYLE = """
.card-icon { width: 2.25rem; height: 2.25rem; flex-shrink: 0; border-radius: var(--radius-3);
  background: var(--accent-3); color: var(--accent-11); }
.step-dot { width: 1.5rem; height: 1.5rem; flex-shrink: 0; border-radius: 9999px;
  background: var(--accent-9); color: white; }
.tabular-nums { font-variant-numeric: tabular-nums; }
.live-dot { width: 0.5rem; height: 0.5rem; border-radius: 9999px; background: var(--blue-9);
  animation: live-pulse 1.4s ease-in-out infinite; }
@keyframes live-pulse { 0%, 100% { opacity: 1; } 50% { opacity: 0.3; } }
.run-status[data-status="running"] svg { animation: run-spin 1.6s linear infinite; }
@keyframes run-spin { to { transform: rotate(360deg); } }
"""


@lab_page(routes.RUNS, "Runs", on_load=RunsState.load)
def runs() -> rx.Component:
    """The Lab's Runs page."""
    return rx.vstack(
        rx.el.style(STYLE),
        _header(),
        rx.cond(
            RunsState.error != "",
            rx.callout(RunsState.error, icon="triangle-alert", color_scheme="red", size="2", id="runs-error"),
        ),
        rx.cond(RunsState.loading, _loading(), _workspace()),
        spacing="5",
        width="100%",
    )
