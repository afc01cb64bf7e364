"""Adoptions: what the shop shows now, every variant ever adopted into it, and rolling one back."""

import asyncio
import logging
from typing import Any

import reflex as rx
import sqlalchemy as sa

from marts.storage import StorageError
from novarium_app import routes
from novarium_app.builder.labels import knob_label
from novarium_app.components.admin_access import admin_action
from novarium_app.components.layout import lab_page
from novarium_app.components.page_parts import WITH_SIDE_PANEL, loading_grid, page_header, refresh_button
from novarium_app.components.results_widgets import STYLE, notice, section_title
from novarium_app.components.tables import scroll_table
from novarium_app.i18n import LocaleState, pick, t
from novarium_app.lab.reveal import config_text
from novarium_app.services import get_store
from novarium_app.settings import SettingsError
from shop import adoptions
from shop.access import Action
from shop.knobs import CATALOG, DEFAULTS

log = logging.getLogger("novarium.adoptions")

ERRORS = (adoptions.AdoptionError, SettingsError, StorageError, sa.exc.SQLAlchemyError, OSError)


def _first_line(error: BaseException) -> str:
    return (str(error).strip() or type(error).__name__).splitlines()[0]


def _shown(value: Any, unit: str) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        value = f"{value:g}"
    return f"${value}" if unit == "$" else f"{value}{unit}"


def live_knobs(config: dict[str, Any]) -> list[dict[str, str]]:
    """Every knob as the shop shows it now: its value, its default and whether an adoption changed it."""
    return [
        {
            "key": knob.key,
            "label": knob.label,
            "label_ko": knob_label(knob.key)[1],
            "value": _shown(config.get(knob.key, DEFAULTS[knob.key]), knob.unit),
            "default": _shown(DEFAULTS[knob.key], knob.unit),
            "changed": "yes" if knob.key in config and config[knob.key] != DEFAULTS[knob.key] else "no",
        }
        for knob in CATALOG
    ]


def adoption_row(record: adoptions.AdoptionRecord) -> dict[str, str]:
    """One adoption as the history lists it."""
    return {
        "adoption_id": record.adoption_id,
        "experiment_key": record.experiment_key or "",
        "results": routes.results_for(record.experiment_key) if record.experiment_key else "",
        "variant": record.variant or "",
        "config": config_text(record.config),
        "config_ko": config_text(record.config, "ko"),
        "adopted_at": f"{record.adopted_at:%Y-%m-%d %H:%M}",
        "rolled_back_at": f"{record.rolled_back_at:%Y-%m-%d %H:%M}" if record.rolled_back_at else "",
        "active": "yes" if record.active else "no",
        "note": record.note,
    }


def _read() -> tuple[list[adoptions.AdoptionRecord], dict[str, Any]]:
    store = get_store()
    return adoptions.list_adoptions(store), adoptions.adopted_config(store)


class AdoptionsState(rx.State):
    """The adoption history and the shop's live config."""

    loading: bool = True
    error: str = ""
    rows: list[dict[str, str]] = []
    knobs: list[dict[str, str]] = []
    changed: int = 0
    acting: str = ""

    @rx.event
    async def load(self):
        """Read the adoptions and the adopted config."""
        self.loading, self.error = True, ""
        yield
        try:
            history, config = await asyncio.to_thread(_read)
        except ERRORS as error:
            log.exception("the adoptions could not load")
            self.error, self.loading = _first_line(error), False
            return
        self._show(history, config)
        self.loading = False

    def _show(self, history: list[adoptions.AdoptionRecord], config: dict[str, Any]) -> None:
        self.rows = [adoption_row(record) for record in reversed(history)]  # newest first
        self.knobs = live_knobs(config)
        self.changed = sum(row["changed"] == "yes" for row in self.knobs)

    @rx.event
    @admin_action(Action.ROLL_BACK)
    async def rollback(self, adoption_id: str):
        """Roll one adoption back; every visitor sees the change at once."""
        if self.acting:
            return
        locale = (await self.get_state(LocaleState)).locale
        self.acting = adoption_id
        yield
        store = get_store()
        try:
            record = await asyncio.to_thread(adoptions.rollback_adoption, store, adoption_id)
            history, config = await asyncio.to_thread(_read)
        except ERRORS as error:
            log.exception("rolling back %s failed", adoption_id)
            self.acting = ""
            reason = _first_line(error)
            yield rx.toast.error(pick(locale, (f"Could not roll back: {reason}", f"되돌리지 못했습니다: {reason}")))
            return
        self._show(history, config)
        self.acting = ""
        variant = record.variant or "?"
        yield rx.toast.success(
            pick(
                locale,
                (
                    f"Rolled back {variant} of {record.experiment_key}: the shop no longer shows it.",
                    f"{record.experiment_key}의 {variant}을(를) 되돌렸습니다. 쇼핑몰에 더 이상 보이지 않습니다.",
                ),
            )
        )


# ----- the page --------------------------------------------------------------------------------------------------

NO_ADOPTIONS = (
    "Nothing has been adopted yet. Ship a winning variant from its results page and it goes live here.",
    "아직 적용한 변형이 없습니다. 결과 페이지에서 이기는 변형을 배포하면 여기에 나타납니다.",
)
ROLLBACK_WARNING = (
    "Every visitor outside a running experiment stops seeing this variant's settings at once. The adoption stays "
    "in the history.",
    "진행 중인 실험 밖의 모든 방문자에게 이 변형의 설정이 즉시 사라집니다. 적용 기록은 이력에 남습니다.",
)


def _knob(row: rx.Var) -> rx.Component:
    changed = row["changed"] == "yes"
    return rx.hstack(
        rx.text(t((row["label"], row["label_ko"])), size="2", color=rx.color("gray", 11)),
        rx.spacer(),
        rx.cond(changed, rx.text(row["default"], size="1", color=rx.color("gray", 9), text_decoration="line-through")),
        rx.badge(
            row["value"], color_scheme=rx.cond(changed, "grass", "gray"), variant=rx.cond(changed, "solid", "soft")
        ),
        align="center",
        spacing="2",
        width="100%",
        class_name="live-knob",
        custom_attrs={"data-knob": row["key"], "data-changed": row["changed"]},
    )


def _live_card() -> rx.Component:
    S = AdoptionsState
    return rx.card(
        rx.vstack(
            section_title(
                ("Live in the shop now", "현재 쇼핑몰 설정"),
                ("Visitors outside running experiments see this", "진행 중인 실험 밖의 방문자가 보는 설정"),
                "store",
            ),
            rx.cond(
                S.changed > 0,
                rx.text(
                    S.changed,
                    t((" setting(s) differ from the defaults.", "개 설정이 기본값과 다릅니다.")),
                    size="2",
                    weight="medium",
                ),
                rx.text(
                    t(("The shop shows its defaults.", "쇼핑몰이 기본 설정을 보여 줍니다.")), size="2", weight="medium"
                ),
            ),
            rx.vstack(rx.foreach(S.knobs, _knob), spacing="2", width="100%", id="live-config"),
            rx.link(
                rx.button(
                    rx.icon("arrow-up-right", size=14),
                    t(("Open the shop", "쇼핑몰 열기")),
                    variant="soft",
                    width="100%",
                ),
                href=routes.SHOP,
                is_external=True,
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
    )


def _rollback_button(row: rx.Var) -> rx.Component:
    S = AdoptionsState
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(
                rx.icon("undo-2", size=14),
                t(("Roll back", "되돌리기")),
                size="1",
                variant="soft",
                color_scheme="tomato",
                loading=S.acting == row["adoption_id"],
                class_name="rollback",
                white_space="nowrap",
            ),
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title(t(("Roll back ", "되돌리기: ")), row["variant"], "?"),
            rx.alert_dialog.description(t(ROLLBACK_WARNING), size="2"),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button(t(("Cancel", "취소")), variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(
                        t(("Roll back", "되돌리기")),
                        color_scheme="tomato",
                        on_click=S.rollback(row["adoption_id"]),
                        class_name="confirm-rollback",
                    ),
                ),
                spacing="3",
                justify="end",
                margin_top="1rem",
            ),
            max_width="28rem",
        ),
    )


def _history_row(row: rx.Var) -> rx.Component:
    active = row["active"] == "yes"
    return rx.table.row(
        rx.table.cell(row["adopted_at"], class_name="tabular-nums"),
        rx.table.cell(
            rx.vstack(
                rx.cond(
                    row["results"] != "",
                    rx.link(row["experiment_key"], href=row["results"], weight="medium"),
                    rx.text("—"),
                ),
                rx.text(row["variant"], size="1", color=rx.color("gray", 10)),
                spacing="0",
            ),
        ),
        rx.table.cell(rx.text(t((row["config"], row["config_ko"])), size="1", white_space="normal"), max_width="22rem"),
        rx.table.cell(
            rx.cond(
                active,
                rx.badge(rx.icon("radio", size=12), t(("Live", "적용 중")), color_scheme="grass", variant="soft"),
                rx.badge(t(("Rolled back ", "되돌림 ")), row["rolled_back_at"], color_scheme="gray", variant="soft"),
            )
        ),
        rx.table.cell(rx.cond(active, _rollback_button(row))),
        class_name="adoption-row",
        custom_attrs={
            "data-adoption": row["adoption_id"],
            "data-active": row["active"],
            "data-experiment": row["experiment_key"],
        },
    )


def _history() -> rx.Component:
    S = AdoptionsState
    table = scroll_table(
        (("Adopted", "적용 시각"), ("Experiment", "실험"), ("Settings", "설정"), ("Status", "상태"), ("", "")),
        S.rows,
        _history_row,
        nowrap=False,
        box_id="adoption-history",
        variant="ghost",
        size="2",
    )
    empty = rx.vstack(
        rx.text(t(NO_ADOPTIONS), size="2", color=rx.color("gray", 11)),
        rx.link(
            rx.button(rx.icon("chart-column", size=14), t(("Go to results", "결과로 이동")), variant="soft"),
            href=routes.RESULTS,
        ),
        spacing="3",
        align="start",
        id="adoptions-empty",
    )
    return rx.card(
        rx.vstack(
            section_title(
                ("History", "이력"),
                ("Later adoptions win a setting both change", "같은 설정은 나중 적용이 우선합니다"),
                "history",
            ),
            rx.cond(S.rows.length() > 0, table, empty),
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
    )


@lab_page(routes.ADOPTIONS, "Adoptions", on_load=AdoptionsState.load)
def adoptions_page() -> rx.Component:
    """The adoption history with rollback, and what is live now."""
    S = AdoptionsState
    return rx.vstack(
        rx.el.style(STYLE),
        page_header(
            ("Adoptions", "적용 이력"),
            (
                "Winning variants shipped into the NovaEats shop, and what visitors see now.",
                "NovaEats 쇼핑몰에 배포한 변형과 지금 방문자가 보는 설정입니다.",
            ),
            refresh_button(S.load),
        ),
        rx.cond(
            S.error != "",
            notice(
                t(("Could not read the adoptions: ", "적용 이력을 읽지 못했습니다: ")),
                S.error,
                icon="triangle-alert",
                color_scheme="red",
                id="adoptions-error",
            ),
            rx.cond(
                S.loading & (S.knobs.length() == 0),
                loading_grid(["20rem", "24rem"], grid_template_columns=WITH_SIDE_PANEL),
                rx.grid(
                    _history(),
                    _live_card(),
                    grid_template_columns=WITH_SIDE_PANEL,
                    spacing="4",
                    width="100%",
                    align_items="start",
                ),
            ),
        ),
        spacing="5",
        width="100%",
    )
