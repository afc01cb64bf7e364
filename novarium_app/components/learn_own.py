"""Your own peeking: how often the learner opened results while their experiments ran, and what that did to alpha."""

import asyncio
import logging

import reflex as rx
import sqlalchemy as sa

from marts.peeking import SAME_LOOK, peeking_report
from marts.storage import StorageError
from novarium_app import routes
from novarium_app.components.learn_text import own_lesson, peeking_rows
from novarium_app.components.learn_ui import bi, card_title
from novarium_app.i18n import LocaleState, t
from novarium_app.services import get_store
from novarium_app.settings import SettingsError

log = logging.getLogger("novarium.learn")


def _report() -> list:
    return peeking_report(get_store())


class OwnPeekingState(rx.State):
    """The learner's looks per experiment, read from storage on each visit."""

    loading: bool = True
    error: str = ""
    rows: list[dict[str, str]] = []
    lesson: list[str] = ["", ""]

    @rx.event
    async def load(self):
        """Read the peeking report off the event loop; show the reason if it fails."""
        self.loading = True
        self.error = ""
        yield
        try:
            report = await asyncio.to_thread(_report)
        except (SettingsError, StorageError, sa.exc.SQLAlchemyError) as error:
            log.exception("the peeking report could not load")
            self.error = str(error).splitlines()[0] if str(error) else type(error).__name__
            self.loading = False
            return
        self.rows = peeking_rows(report)
        self.lesson = list(own_lesson(report))
        self.loading = False


def _status(row: rx.Var) -> rx.Component:
    colour = rx.match(row["status"], ("running", "blue"), ("stopped", "amber"), ("completed", "grass"), "gray")
    return rx.badge(
        rx.cond(LocaleState.is_korean, row["status_ko"], row["status_en"]),
        color_scheme=colour,
        variant="soft",
        radius="full",
    )


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(row["name"], size="2", weight="medium"),
                rx.code(row["key"], size="1", variant="ghost"),
                spacing="0",
            )
        ),
        rx.table.cell(_status(row)),
        rx.table.cell(rx.text(row["looks"], class_name="tabular-nums"), text_align="right"),
        rx.table.cell(rx.text(row["mid_run"], class_name="tabular-nums"), text_align="right"),
        rx.table.cell(
            rx.hstack(
                rx.text(row["implied"], weight="bold", class_name="tabular-nums"),
                rx.badge(row["ratio"], color_scheme=row["tone"].to(str), variant="soft"),
                spacing="2",
                justify="end",
                align="center",
            ),
            text_align="right",
        ),
        class_name="peeking-row",
        custom_attrs={"data-key": row["key"]},
    )


def _table() -> rx.Component:
    def header(text: tuple[str, str], align: str = "left") -> rx.Component:
        return rx.table.column_header_cell(t(text), text_align=align)

    return rx.vstack(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    header(("Experiment", "실험")),
                    header(("Status", "상태")),
                    header(("Looks while running", "진행 중 확인"), "right"),
                    header(("During a live run", "실행 도중"), "right"),
                    header(("Implied α", "실질 α"), "right"),
                )
            ),
            rx.table.body(rx.foreach(OwnPeekingState.rows, _row)),
            variant="surface",
            size="2",
            width="100%",
            id="own-peeking-table",
        ),
        rx.text(
            t(
                (
                    f"Views less than {SAME_LOOK.seconds // 60} minute apart count as one look. Implied α: the chance "
                    "of a false positive if you stop at the first look with p < α, for that many equally spaced looks.",
                    f"{SAME_LOOK.seconds // 60}분 안에 다시 연 것은 한 번으로 셉니다. 실질 α: 같은 간격으로 그만큼 "
                    "확인하다가 처음 p < α가 나올 때 멈춘다면 거짓 양성이 나올 확률입니다.",
                )
            ),
            size="1",
            color=rx.color("gray", 10),
        ),
        rx.callout(bi(OwnPeekingState.lesson), icon="graduation-cap", color_scheme="violet", size="2", id="own-lesson"),
        spacing="3",
        width="100%",
    )


def _empty() -> rx.Component:
    return rx.vstack(
        rx.center(rx.icon("eye-off", size=20), class_name="learn-icon"),
        rx.text(t(("No experiment has run yet", "아직 진행한 실험이 없습니다")), size="3", weight="bold"),
        rx.text(
            t(
                (
                    "Each time you open an experiment's results while it is running, NovaRium counts a look. Start an "
                    "experiment, send shoppers to it from the Runs page, and your own peeking shows up here.",
                    "실험이 진행되는 동안 결과를 열 때마다 NovaRium이 한 번의 확인으로 셉니다. 실험을 시작하고 실행 "
                    "페이지에서 쇼핑객을 보내면 여기에 나의 중간 확인 기록이 나타납니다.",
                )
            ),
            size="2",
            color=rx.color("gray", 11),
            max_width="36rem",
        ),
        rx.code(
            "novarium experiments create examples/red-banner.json && novarium experiments start red-banner", size="1"
        ),
        rx.hstack(
            rx.link(
                rx.button(rx.icon("rocket", size=14), t(("Go to Runs", "실행 페이지로")), size="2"),
                href=routes.RUNS,
                id="own-peeking-next",
            ),
            rx.button(
                rx.icon("refresh-cw", size=14),
                t(("Refresh", "새로고침")),
                on_click=OwnPeekingState.load,
                variant="soft",
                color_scheme="gray",
                size="2",
            ),
            spacing="2",
        ),
        spacing="3",
        align="start",
        width="100%",
        id="own-peeking-empty",
    )


def own_peeking_section() -> rx.Component:
    """The learner's own looks, per experiment, with the lesson they teach."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                card_title(
                    "eye",
                    ("Your own peeking", "나의 중간 확인"),
                    ("Results you opened while your experiments ran", "실험이 진행되는 동안 열어 본 결과"),
                ),
                rx.spacer(),
                rx.tooltip(
                    rx.icon_button(
                        rx.icon("refresh-cw", size=16),
                        on_click=OwnPeekingState.load,
                        variant="soft",
                        color_scheme="gray",
                        aria_label=t(("Refresh", "새로고침")),
                    ),
                    content=t(("Refresh your looks", "확인 기록 새로고침")),
                ),
                align="center",
                width="100%",
            ),
            rx.cond(
                OwnPeekingState.error != "",
                rx.callout(
                    rx.text(t(("Could not read your looks: ", "확인 기록을 읽지 못했습니다: ")), OwnPeekingState.error),
                    icon="triangle-alert",
                    color_scheme="red",
                    size="2",
                    id="own-peeking-error",
                ),
                rx.cond(
                    OwnPeekingState.loading,
                    rx.skeleton(rx.box(height="8rem"), width="100%"),
                    rx.cond(OwnPeekingState.rows.length() > 0, _table(), _empty()),
                ),
            ),
            spacing="4",
            width="100%",
        ),
        size="3",
        width="100%",
        id="own-peeking",
    )
