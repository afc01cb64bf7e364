"""The Runs form's plan and mode: the plan's days and visitors filled in, Watch or Fast-forward, and fast-forwarding.

A small state beside the Runs page's ``RunsState`` (which it reads and writes with ``get_state``, imported inside
the handlers so the page can import this module). The rules live in ``novarium_app.lab.run_plan``; a fast-forward
runs the engine in a worker thread, so the Lab stays responsive, and the run then shows in the run list like any
other.
"""

import asyncio
import logging
from typing import Any

import reflex as rx
import sqlalchemy as sa

from marts.storage import StorageError
from novarium_app.components.admin_access import admin_action
from novarium_app.i18n import LocaleState, pick
from novarium_app.lab.run_plan import (
    MODES,
    NO_WORDS,
    PlannedRun,
    fast_forward,
    fast_forward_words,
    read_planned_run,
    watch_warning,
)
from novarium_app.services import get_run_manager, get_store
from novarium_app.settings import SettingsError
from shop.access import Action

log = logging.getLogger("novarium.runs")

NOT_STARTED = (
    "Check the highlighted fields: the run was not started.",
    "표시된 칸을 확인하세요. 실행을 시작하지 않았습니다.",
)
FAILED = ("Could not fast-forward the run: ", "빨리 감기를 하지 못했습니다: ")
PLAN_ERRORS = (ValueError, LookupError, RuntimeError, OSError, SettingsError, StorageError, sa.exc.SQLAlchemyError)


def _list_runs() -> list[Any]:
    return get_run_manager().list_runs()


def read_plan(experiment_key: str) -> PlannedRun | None:
    """The experiment's plan as a run, or None (logged) when it cannot be read: the form then keeps its values."""
    try:
        return read_planned_run(get_store(), experiment_key)
    except PLAN_ERRORS:
        log.exception("the plan of %r could not be read", experiment_key)
        return None


class RunPlanState(rx.State):
    """Where the form's days and agents come from, how the run plays, and a fast-forward under way."""

    mode: str = "watch"
    source: str = ""
    source_ko: str = ""
    warning: str = ""
    warning_ko: str = ""
    forwarding: bool = False
    forward_note: str = ""
    forward_note_ko: str = ""

    def apply(self, planned: PlannedRun | None, runs: Any) -> None:
        """Fill the Runs form (``runs``, the page's state) with the plan and say where the numbers come from."""
        if planned is None:
            self.source, self.source_ko = NO_WORDS
            return
        errors, errors_ko = dict(runs.errors), dict(runs.errors_ko)
        for name, value in planned.form().items():
            setattr(runs, name, value)
            errors.pop(name, None)
            errors_ko.pop(name, None)
        runs.errors, runs.errors_ko = errors, errors_ko
        self.source, self.source_ko = planned.words()
        self.warning, self.warning_ko = watch_warning(self.mode, runs.agents)

    @rx.event
    async def prefill(self, experiment_key: str):
        """The learner picked an experiment: fill in its plan's days and visitors."""
        from novarium_app.pages.runs import RunsState

        planned = await asyncio.to_thread(read_plan, experiment_key) if experiment_key else None
        runs = await self.get_state(RunsState)
        if runs.experiment_key == experiment_key:  # not another pick meanwhile
            self.apply(planned, runs)

    @rx.event
    async def set_mode(self, value: str | list[str]):
        """Watch agents over HTTP, or fast-forward with the engine (the switch sends one value)."""
        from novarium_app.pages.runs import RunsState

        if not isinstance(value, str) or value not in MODES:
            return
        self.mode = value
        self.warning, self.warning_ko = watch_warning(value, (await self.get_state(RunsState)).agents)

    @rx.event
    def note_agents(self, value: str):
        """The agents field changed: warn when watching that many would take long."""
        self.warning, self.warning_ko = watch_warning(self.mode, value)

    @rx.event(background=True)
    @admin_action(Action.START_RUN)
    async def fast_forward(self):
        """Validate the form and simulate the whole run with the engine in a worker thread; then follow it."""
        from novarium_app.pages.runs import RunsState

        async with self:
            locale = (await self.get_state(LocaleState)).locale
            if self.forwarding:
                return
            runs = await self.get_state(RunsState)
            settings = runs.check_form()
            if settings is not None:
                self.forwarding = True
                days, visitors = f"{settings.days:,}", f"{settings.agents:,}"
                self.forward_note = f"Fast-forwarding {days} days of traffic: {visitors} visitors…"
                self.forward_note_ko = f"{days}일 트래픽 빨리 감는 중: 방문자 {visitors}명…"
        if settings is None:
            yield rx.toast.error(pick(locale, NOT_STARTED))
            return
        try:
            result = await asyncio.to_thread(fast_forward, get_store(), settings)
            listed = await asyncio.to_thread(_list_runs)
        except PLAN_ERRORS as error:
            log.exception("fast-forwarding a run failed")
            async with self:
                self.forwarding, self.forward_note, self.forward_note_ko = False, "", ""
            text = (str(error).strip() or type(error).__name__).splitlines()[0]
            yield rx.toast.error(pick(locale, FAILED) + text)
            return
        async with self:
            self.forwarding, self.forward_note, self.forward_note_ko = False, "", ""
            runs = await self.get_state(RunsState)
            runs.follow(result.run_id, listed)
        yield rx.toast.success(pick(locale, fast_forward_words(result, settings.days)))
        yield RunsState.refresh_monitor
