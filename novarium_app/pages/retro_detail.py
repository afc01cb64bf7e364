"""One retrospective: everything its snapshot holds, editable learnings, the coach's slot and a Markdown export."""

import asyncio
import logging
from urllib.parse import urlencode

import reflex as rx
import sqlalchemy as sa

from marts.retrospectives import (
    MAX_LEARNINGS,
    RetrospectiveError,
    RetrospectiveNotFound,
    RetroView,
    get_retrospective,
    retro_view,
    to_markdown,
    update_learnings,
)
from marts.storage import StorageError
from novarium_app import routes
from novarium_app.components import retro_sections as sections
from novarium_app.components.admin_access import admin_action
from novarium_app.components.coach_writeup import coach_section
from novarium_app.components.layout import lab_page
from novarium_app.components.page_parts import empty_state, error_callout
from novarium_app.components.retro_cards import STYLE, route_id
from novarium_app.components.retro_words import CORRECT, CORRECT_COLORS, badge, decision_badge, outcome_badge
from novarium_app.i18n import LocaleState, pick, t
from novarium_app.services import get_store
from novarium_app.settings import SettingsError
from shop.access import Action

log = logging.getLogger("novarium.retrospectives")

ROUTE = f"{routes.RETROSPECTIVES}/[retrospective_id]"
ERRORS = (SettingsError, StorageError, RetrospectiveError, sa.exc.SQLAlchemyError)


def _views(retrospective_id: str) -> tuple[RetroView, RetroView]:
    retro = get_retrospective(get_store(), retrospective_id)
    return retro_view(retro), retro_view(retro, "ko")


def _save(retrospective_id: str, learnings: str) -> tuple[RetroView, RetroView]:
    retro = update_learnings(get_store(), retrospective_id, learnings)
    return retro_view(retro), retro_view(retro, "ko")


def _markdown(retrospective_id: str, locale: str) -> tuple[str, str]:
    retro = get_retrospective(get_store(), retrospective_id)
    suffix = "-ko" if locale == "ko" else ""
    return to_markdown(retro, locale), f"retrospective-{retro.experiment_key}-{retro.created_at:%Y%m%d}{suffix}.md"


def _first_line(error: BaseException) -> str:
    return (str(error).strip() or type(error).__name__).splitlines()[0]


class RetroDetailState(rx.State):
    """The retrospective on screen and the learnings being edited."""

    loading: bool = True
    error: str = ""
    missing: str = ""
    view: RetroView = RetroView()
    view_ko: RetroView = RetroView()
    draft: str = ""
    saving: bool = False
    exporting: bool = False

    @rx.event
    async def load(self):
        """Read the retrospective named in the URL."""
        self.loading, self.error, self.missing = True, "", ""
        retrospective_id = route_id(self.router.url.path)
        yield
        try:
            self.view, self.view_ko = await asyncio.to_thread(_views, retrospective_id)
            self.draft = self.view.learnings
        except RetrospectiveNotFound:
            self.missing = retrospective_id
        except ERRORS as error:
            log.exception("retrospective %s could not load", retrospective_id)
            self.error = _first_line(error)
        self.loading = False

    @rx.event
    def set_draft(self, value: str):
        """Keep what the learner types (checked as they type, saved on demand)."""
        self.draft = value

    @rx.event
    def discard(self):
        """Back to the saved learnings."""
        self.draft = self.view.learnings

    @rx.event
    @admin_action(Action.SAVE_RETROSPECTIVE)
    async def save(self):
        """Save the learnings; a toast says how it went."""
        locale = (await self.get_state(LocaleState)).locale
        if self.too_long:
            yield rx.toast.error(
                pick(
                    locale, ("Learnings were not saved: they are too long.", "배운 점이 너무 길어 저장하지 못했습니다.")
                )
            )
            return
        self.saving = True
        yield
        try:
            self.view, self.view_ko = await asyncio.to_thread(_save, self.view.retrospective_id, self.draft)
            self.draft = self.view.learnings
            yield rx.toast.success(pick(locale, ("Learnings saved.", "배운 점을 저장했습니다.")))
        except (*ERRORS, RetrospectiveNotFound) as error:
            log.exception("saving the learnings failed")
            failed = pick(locale, ("Could not save the learnings: ", "배운 점을 저장하지 못했습니다: "))
            yield rx.toast.error(failed + _first_line(error))
        self.saving = False

    @rx.event
    async def export(self):
        """Download the retrospective as Markdown."""
        locale = (await self.get_state(LocaleState)).locale
        self.exporting = True
        yield
        try:
            text, filename = await asyncio.to_thread(_markdown, self.view.retrospective_id, locale)
        except (*ERRORS, RetrospectiveNotFound) as error:
            log.exception("exporting a retrospective failed")
            self.exporting = False
            yield rx.toast.error(pick(locale, ("Could not export: ", "내보내지 못했습니다: ")) + _first_line(error))
            return
        self.exporting = False
        yield rx.download(data=text, filename=filename, mime_type="text/markdown")

    @rx.var
    def dirty(self) -> bool:
        """Unsaved changes."""
        return self.draft != self.view.learnings

    @rx.var
    def too_long(self) -> bool:
        """The draft breaks the length rule."""
        return len(self.draft) > MAX_LEARNINGS

    @rx.var
    def draft_count(self) -> str:
        """Characters used out of the limit."""
        return f"{len(self.draft):,} / {MAX_LEARNINGS:,}"

    @rx.var
    def compare_href(self) -> str:
        """Compare this retrospective with another."""
        return f"{routes.RETRO_COMPARE}?{urlencode({'a': self.view.retrospective_id})}"

    @rx.var
    def review_href(self) -> str:
        """Review mode, starting here."""
        return f"{routes.RETRO_REVIEW}?{urlencode({'start': self.view.retrospective_id})}"


SHOWN = rx.cond(LocaleState.is_korean, RetroDetailState.view_ko, RetroDetailState.view)
"""The retrospective in the learner's language."""


def _header() -> rx.Component:
    view = SHOWN
    return rx.vstack(
        rx.link(
            rx.hstack(
                rx.icon("arrow-left", size=14), t(("All retrospectives", "모든 회고")), spacing="1", align="center"
            ),
            href=routes.RETROSPECTIVES,
            size="2",
            id="retro-back",
        ),
        rx.hstack(
            rx.vstack(
                rx.heading(view.name, size="8", weight="bold", id="retro-title"),
                rx.hstack(
                    rx.code(view.experiment_key, variant="soft", color_scheme="gray"),
                    outcome_badge(view.outcome),
                    decision_badge(view.decision),
                    rx.cond(view.correct != "", badge(view.correct, CORRECT, CORRECT_COLORS)),
                    rx.text(t(("Saved ", "저장 ")), view.saved, " UTC", size="1", color=rx.color("gray", 10)),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                spacing="2",
            ),
            rx.spacer(),
            rx.hstack(
                rx.link(
                    rx.button(rx.icon("git-compare", size=16), t(("Compare", "비교")), variant="soft"),
                    href=RetroDetailState.compare_href,
                ),
                rx.link(
                    rx.button(rx.icon("presentation", size=16), t(("Present", "발표")), variant="soft"),
                    href=RetroDetailState.review_href,
                ),
                rx.button(
                    rx.icon("file-down", size=16),
                    t(("Export Markdown", "마크다운 내보내기")),
                    on_click=RetroDetailState.export,
                    loading=RetroDetailState.exporting,
                    id="retro-export",
                ),
                spacing="2",
                wrap="wrap",
            ),
            align="end",
            width="100%",
            wrap="wrap",
            spacing="3",
        ),
        spacing="3",
        width="100%",
    )


def _hypothesis() -> rx.Component:
    hypothesis = SHOWN.hypothesis
    return sections.section(
        ("Hypothesis", "가설"),
        "lightbulb",
        rx.cond(
            hypothesis != "",
            rx.blockquote(hypothesis, size="4", id="retro-hypothesis"),
            rx.text(t(("No hypothesis recorded.", "기록된 가설이 없습니다.")), size="2", color=rx.color("gray", 10)),
        ),
    )


def _learnings() -> rx.Component:
    return sections.section(
        ("Learnings", "배운 점"),
        "notebook-pen",
        rx.text_area(
            value=RetroDetailState.draft,
            on_change=RetroDetailState.set_draft,
            placeholder=t(
                (
                    "What did this experiment teach you? What would you do differently next time?",
                    "이 실험에서 무엇을 배웠나요? 다음에는 무엇을 다르게 하겠습니까?",
                )
            ),
            rows="7",
            resize="vertical",
            width="100%",
            size="3",
            color_scheme=rx.cond(RetroDetailState.too_long, "red", "gray"),
            aria_invalid=rx.cond(RetroDetailState.too_long, "true", "false"),
            aria_label=t(("Learnings", "배운 점")),
            id="retro-learnings",
        ),
        rx.hstack(
            rx.cond(
                RetroDetailState.too_long,
                rx.text(
                    t(("Learnings: must be at most 10,000 characters.", "배운 점: 10,000자 이하로 입력해야 합니다.")),
                    size="1",
                    color=rx.color("red", 11),
                    id="retro-learnings-error",
                ),
                rx.text(
                    rx.cond(
                        RetroDetailState.dirty,
                        t(("Unsaved changes", "저장하지 않은 변경 사항")),
                        t(("Saved", "저장됨")),
                    ),
                    size="1",
                    color=rx.color("gray", 10),
                    id="retro-learnings-state",
                ),
            ),
            rx.spacer(),
            rx.text(
                RetroDetailState.draft_count,
                size="1",
                color=rx.cond(RetroDetailState.too_long, rx.color("red", 11), rx.color("gray", 10)),
                class_name="tabular-nums",
            ),
            rx.button(
                t(("Discard", "되돌리기")),
                on_click=RetroDetailState.discard,
                variant="soft",
                color_scheme="gray",
                disabled=~RetroDetailState.dirty,
            ),
            rx.button(
                rx.icon("save", size=16),
                t(("Save learnings", "배운 점 저장")),
                on_click=RetroDetailState.save,
                loading=RetroDetailState.saving,
                disabled=~RetroDetailState.dirty | RetroDetailState.too_long,
                id="retro-save",
            ),
            spacing="3",
            align="center",
            width="100%",
        ),
        section_id="retro-learnings-section",
    )


def _columns(main: list[rx.Component], aside: list[rx.Component], aside_width: str = "22rem") -> rx.Component:
    return rx.grid(
        rx.vstack(*main, spacing="4", width="100%", min_width="0"),
        rx.vstack(*aside, spacing="4", width="100%", min_width="0"),
        grid_template_columns=rx.breakpoints(initial="1fr", lg=f"minmax(0, 1fr) {aside_width}"),
        spacing="4",
        width="100%",
        align_items="start",
    )


def _detail() -> rx.Component:
    view = SHOWN
    return rx.vstack(
        _header(),
        sections.headline_tiles(view),
        _columns([_hypothesis(), sections.decision(view)], [sections.design(view)]),
        sections.results(view),
        sections.guardrails_and_split(view),
        sections.truth(view),
        _learnings(),
        coach_section(view),
        spacing="4",
        width="100%",
    )


def _not_found() -> rx.Component:
    return empty_state(
        rx.center(rx.icon("search-x", size=22), class_name="retro-icon"),
        ("Retrospective not found", "회고를 찾을 수 없습니다"),
        rx.text(
            t(("No retrospective has the id ", "다음 ID의 회고가 없습니다: ")),
            rx.code(RetroDetailState.missing),
            size="2",
            color=rx.color("gray", 11),
        ),
        rx.link(rx.button(t(("See all retrospectives", "모든 회고 보기"))), href=routes.RETROSPECTIVES),
        element_id="retro-missing",
    )


def _loading() -> rx.Component:
    return rx.vstack(
        rx.skeleton(rx.box(height="5rem", width="100%")),
        rx.grid(*[rx.skeleton(rx.card(height="7rem")) for _ in range(4)], columns="4", spacing="4", width="100%"),
        rx.skeleton(rx.card(height="24rem"), width="100%"),
        spacing="4",
        width="100%",
        id="retro-loading",
    )


@lab_page(ROUTE, "Retrospective", on_load=RetroDetailState.load)
def retro_detail() -> rx.Component:
    """One retrospective."""
    return rx.vstack(
        rx.el.style(STYLE),
        rx.cond(
            RetroDetailState.error != "",
            error_callout(
                t(("Could not read the retrospective: ", "회고를 읽지 못했습니다: ")),
                RetroDetailState.error,
                element_id="retro-error",
            ),
        ),
        rx.cond(
            RetroDetailState.loading,
            _loading(),
            rx.cond(RetroDetailState.missing != "", _not_found(), rx.cond(RetroDetailState.error == "", _detail())),
        ),
        spacing="5",
        width="100%",
    )
