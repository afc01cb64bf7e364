"""Experiments: every stored experiment with its status, hypothesis, primary metric, variants and creation date.

From here a learner continues or starts a draft, opens the Runs page for a running experiment, or opens an
experiment's results. With no experiment yet, the page points to the builder.
"""

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import reflex as rx
import sqlalchemy as sa

from marts.storage import StorageError
from novarium_app import routes
from novarium_app.builder import listing
from novarium_app.components.admin_access import admin_action
from novarium_app.components.experiment_rows import experiment_card, stop_dialog
from novarium_app.components.layout import lab_page
from novarium_app.components.page_parts import empty_state, error_callout, page_header, refresh_button
from novarium_app.i18n import LocaleState, Text, pick, t
from novarium_app.services import get_store
from novarium_app.settings import SettingsError
from shop import repository
from shop.access import Action

log = logging.getLogger("novarium.experiments")

STORE_ERRORS = (SettingsError, StorageError, sa.exc.SQLAlchemyError, OSError)
FILTER_LABELS: dict[str, Text] = {
    "all": ("All", "전체"),
    **{status: label for status, (label, _, _) in listing.STATUS.items()},
}


def _list() -> list[repository.ExperimentRecord]:
    return repository.list_experiments(get_store())


def _start(key: str) -> repository.ExperimentRecord:
    return repository.start_experiment(get_store(), key)


def _stop(key: str) -> repository.ExperimentRecord:
    """running -> stopped: the one domain call the list's Stop makes (as ``POST /api/experiments/{key}/stop``)."""
    return repository.stop_experiment(get_store(), key)


def _first_line(error: BaseException) -> str:
    return (str(error).strip() or type(error).__name__).splitlines()[0]


class ExperimentsState(rx.State):
    """The experiment list, newest first, and the start and stop actions."""

    loading: bool = True
    error: str = ""
    rows: list[dict[str, str]] = []
    status_filter: str = "all"
    acting: str = ""
    confirm_stop: str = ""

    @rx.event
    async def load(self):
        """Read every experiment off the event loop."""
        self.loading = True
        self.error = ""
        yield
        try:
            records = await asyncio.to_thread(_list)
        except STORE_ERRORS as error:
            log.exception("the experiments page could not load")
            self.error = _first_line(error)
            self.loading = False
            return
        self.rows = [listing.row(record) for record in reversed(records)]
        self.loading = False

    @rx.event
    def set_filter(self, value: str | list[str]):
        """Show only experiments with one status (or all)."""
        if isinstance(value, str) and value in listing.FILTERS:
            self.status_filter = value

    @rx.event
    @admin_action(Action.START_EXPERIMENT)
    async def start(self, key: str):
        """Start a draft; a refusal (another running experiment sets the same knob) is shown as it is."""
        done = (f"'{key}' is running.", f"'{key}' 실험이 시작되었습니다.")
        async for event in self._act(key, _start, ("Could not start: ", "시작하지 못했습니다: "), done):
            yield event

    @rx.event
    def ask_stop(self, key: str):
        """Ask before stopping a running experiment (the dialog names it)."""
        if not self.acting:
            self.confirm_stop = key

    @rx.event
    def cancel_stop(self):
        """Leave the experiment running."""
        self.confirm_stop = ""

    @rx.event
    def close_stop(self, is_open: bool):
        """The dialog closed without a choice (Escape, a click outside): leave the experiment running."""
        if not is_open:
            self.confirm_stop = ""

    @rx.event
    @admin_action(Action.STOP_EXPERIMENT)
    async def stop(self):
        """Stop the experiment the learner confirmed: no new assignments or exposures; its data stays."""
        key, self.confirm_stop = self.confirm_stop, ""
        if not key:
            return
        done = (f"'{key}' is stopped.", f"'{key}' 실험을 중지했습니다.")
        async for event in self._act(key, _stop, ("Could not stop: ", "중지하지 못했습니다: "), done):
            yield event

    async def _act(self, key: str, action: Callable[[str], Any], failed: Text, done: Text):
        """Run ``action(key)`` off the event loop, list the experiments again and say ``done``; a refusal (the rule
        or the clashing knob) is shown as it is."""
        if self.acting:
            return
        locale = (await self.get_state(LocaleState)).locale
        self.acting = key
        yield
        try:
            await asyncio.to_thread(action, key)
            records = await asyncio.to_thread(_list)
        except repository.ExperimentError as error:
            self.acting = ""
            yield rx.toast.error(pick(locale, failed) + str(error), duration=10000)
            return
        except STORE_ERRORS as error:
            log.exception("%s on %s failed", action.__name__, key)
            self.acting = ""
            yield rx.toast.error(pick(locale, failed) + _first_line(error))
            return
        self.rows = [listing.row(record) for record in reversed(records)]
        self.acting = ""
        yield rx.toast.success(pick(locale, done))

    @rx.var
    def shown(self) -> list[dict[str, str]]:
        """The rows the filter lets through."""
        if self.status_filter == "all":
            return self.rows
        return [row for row in self.rows if row["status"] == self.status_filter]

    @rx.var
    def counts(self) -> dict[str, str]:
        """How many experiments have each status."""
        return listing.counts(self.rows)


def _new_button(text: Text, element_id: str, size: str = "3") -> rx.Component:
    return rx.link(
        rx.button(rx.icon("plus", size=16), t(text), size=size, id=element_id),
        href=routes.BUILDER,
        underline="none",
    )


def _header() -> rx.Component:
    return page_header(
        ("Experiments", "실험"),
        (
            "Every experiment you designed: continue a draft, start it, watch it run, read its results.",
            "설계한 모든 실험입니다. 초안을 이어 쓰고, 시작하고, 진행을 지켜보고, 결과를 읽으세요.",
        ),
        rx.hstack(
            rx.tooltip(refresh_button(ExperimentsState.load, size="3"), content=t(("Refresh", "새로 고침"))),
            _new_button(("New experiment", "새 실험"), "new-experiment"),
            spacing="2",
            align="center",
        ),
    )


def _filters() -> rx.Component:
    return rx.segmented_control.root(
        *[
            rx.segmented_control.item(
                rx.hstack(t(FILTER_LABELS[value]), rx.text(ExperimentsState.counts[value], color=rx.color("gray", 10))),
                value=value,
            )
            for value in listing.FILTERS
        ],
        value=ExperimentsState.status_filter,
        on_change=ExperimentsState.set_filter,
        size="2",
        id="status-filter",
    )


def _empty() -> rx.Component:
    return empty_state(
        rx.center(rx.icon("flask-conical", size=28), class_name="empty-icon"),
        ("No experiments yet", "아직 실험이 없습니다"),
        rx.text(
            t(
                (
                    "Start with a problem in the shop, turn it into a hypothesis, and launch a test in six steps.",
                    "쇼핑몰의 문제에서 출발해 가설을 세우고, 여섯 단계로 실험을 시작하세요.",
                )
            ),
            color=rx.color("gray", 11),
            text_align="center",
            max_width="32rem",
        ),
        _new_button(("Design your first experiment", "첫 실험 설계하기"), "design-first"),
        element_id="experiments-empty",
        align="center",
        padding_y="2.5rem",
    )


def _list_view() -> rx.Component:
    return rx.vstack(
        _filters(),
        rx.cond(
            ExperimentsState.shown.length() > 0,
            rx.vstack(
                rx.foreach(ExperimentsState.shown, lambda row: experiment_card(row, ExperimentsState)),
                spacing="3",
                width="100%",
                id="experiments",
            ),
            rx.callout(
                t(("No experiment has this status.", "이 상태의 실험이 없습니다.")),
                icon="filter-x",
                color_scheme="gray",
                size="2",
                id="experiments-none",
            ),
        ),
        spacing="4",
        width="100%",
    )


def _loading() -> rx.Component:
    return rx.vstack(
        *[rx.skeleton(rx.card(height="7.5rem"), width="100%") for _ in range(3)],
        spacing="3",
        width="100%",
        id="experiments-loading",
    )


STYLE = """
.empty-icon { width: 4rem; height: 4rem; border-radius: 9999px; background: var(--accent-3); color: var(--accent-11); }
"""


@lab_page(routes.EXPERIMENTS, "Experiments", on_load=ExperimentsState.load)
def experiments() -> rx.Component:
    """The Lab's experiment list."""
    return rx.vstack(
        rx.el.style(STYLE),
        _header(),
        stop_dialog(ExperimentsState),
        rx.cond(
            ExperimentsState.error != "",
            error_callout(
                t(("Could not read the experiments: ", "실험을 읽지 못했습니다: ")),
                ExperimentsState.error,
                element_id="experiments-error",
            ),
        ),
        rx.cond(
            ExperimentsState.loading,
            _loading(),
            rx.cond(ExperimentsState.rows.length() > 0, _list_view(), _empty()),
        ),
        spacing="5",
        width="100%",
    )
