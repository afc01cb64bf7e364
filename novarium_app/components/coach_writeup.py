"""A retrospective's "Write it up": the coach drafts a write-up from the stored numbers (streamed when a model is
configured), the learner edits it, and it is saved only when every number in it matches a stored one.
"""

import asyncio
import logging
from typing import Any

import reflex as rx
import sqlalchemy as sa

from coach.grounding import check_grounding
from coach.service import RUBRIC, UngroundedWriteup, display_markdown, edited, save_writeup, stream_writeup
from coach.writeup import writeup_facts
from marts.retrospectives import (
    Retrospective,
    RetrospectiveError,
    RetrospectiveNotFound,
    get_retrospective,
)
from marts.retrospectives.record import MAX_WRITEUP
from marts.storage import StorageError
from novarium_app.components.admin_access import admin_action
from novarium_app.components.coach_review import CoachChoiceState, coach_choice, fallback_notice
from novarium_app.components.retro_sections import FAINT, MUTED, coach_text, section
from novarium_app.i18n import LocaleState, pick, t
from novarium_app.services import get_store
from novarium_app.settings import SettingsError
from shop.access import Action

log = logging.getLogger("novarium.coach")

ERRORS = (SettingsError, StorageError, RetrospectiveError, RetrospectiveNotFound, sa.exc.SQLAlchemyError)


def _read(retrospective_id: str) -> tuple[Retrospective, dict[str, Any]]:
    retro = get_retrospective(get_store(), retrospective_id)
    return retro, writeup_facts(retro)


def _save(retrospective_id: str, text: str, source: str, facts: dict[str, Any]) -> None:
    save_writeup(get_store(), retrospective_id, text, source, facts)


class CoachWriteupState(rx.State):
    """The write-up being drafted for the retrospective on screen."""

    retrospective_id: str = ""
    running: bool = False
    saving: bool = False
    draft: str = ""
    generated: str = ""
    source: str = ""
    notice_en: str = ""
    notice_ko: str = ""
    preview: str = ""
    unmatched: list[str] = []
    _facts: dict[str, Any] = {}

    @rx.event(background=True)
    async def write(self, retrospective_id: str):
        """Draft a write-up of ``retrospective_id``, streaming the coach's answer into the editor."""
        async with self:
            if self.running:
                return
            locale = (await self.get_state(LocaleState)).locale
            config = (await self.get_state(CoachChoiceState)).config()
            self.retrospective_id, self.running = retrospective_id, True
            self._clear()
        try:
            try:
                retro, facts = await asyncio.to_thread(_read, retrospective_id)
            except ERRORS as error:
                log.exception("the coach could not read retrospective %s", retrospective_id)
                async with self:
                    self.running = False
                failed = pick(locale, ("The coach could not read it: ", "코치가 회고를 읽지 못했습니다: "))
                yield rx.toast.error(failed + str(error).splitlines()[0])
                return
            async with self:
                self._facts = facts
            async for event in stream_writeup(retro, config, locale):
                async with self:
                    self._take(event)
        finally:
            async with self:
                self.running = False
                self._check()

    def _take(self, event: Any) -> None:
        if event.kind == "chunk":
            self.draft += event.text
        elif event.kind == "notice":
            self.draft = ""
            self.notice_en, self.notice_ko = event.notice or ("", "")
        else:
            self.draft = self.generated = event.text
            self.source = event.source
        self._check()

    def _check(self) -> None:
        """The preview and the unmatched numbers, from one grounding check (none while the answer streams in)."""
        if self.running or not self.draft or not self._facts:
            self.preview, self.unmatched = display_markdown(self.draft) if self.draft else "", []
            return
        grounding = check_grounding(self.draft, self._facts)
        self.preview = display_markdown(self.draft, grounding)
        self.unmatched = [span.text for span in grounding.unmatched]

    def _clear(self) -> None:
        self.draft = self.generated = self.source = self.notice_en = self.notice_ko = ""
        self._check()

    @rx.event
    def set_draft(self, value: str):
        """Keep the learner's edits (checked as they type)."""
        if not self.running and isinstance(value, str):
            self.draft = value
            self._check()

    @rx.event
    def discard(self):
        """Drop the draft."""
        if not self.running:
            self._clear()

    @rx.event
    @admin_action(Action.SAVE_RETROSPECTIVE)
    async def save(self):
        """Save the draft as the coach's write-up, unless a number in it matches no stored number."""
        locale = (await self.get_state(LocaleState)).locale
        if self.running or not self.draft.strip():
            return
        source = self.saved_source
        self.saving = True
        yield
        try:
            await asyncio.to_thread(_save, self.retrospective_id, self.draft, source, self._facts)
        except UngroundedWriteup as error:
            self.saving = False
            yield rx.toast.error(
                pick(locale, ("Not saved: ", "저장하지 않았습니다: ")) + error.grounding.describe(locale)
            )
            return
        except ERRORS as error:
            log.exception("saving the coach's write-up failed")
            self.saving = False
            yield rx.toast.error(
                pick(locale, ("Could not save: ", "저장하지 못했습니다: ")) + str(error).splitlines()[0]
            )
            return
        self.saving = False
        self._clear()
        yield rx.toast.success(pick(locale, ("Write-up saved.", "피드백을 저장했습니다.")))
        from novarium_app.pages.retro_detail import RetroDetailState  # the page imports this module

        yield RetroDetailState.load

    @rx.var
    def saved_source(self) -> str:
        """Who wrote the text: the coach's source, marked edited once the learner changed it."""
        return self.source if self.draft == self.generated else edited(self.source or RUBRIC)

    @rx.var
    def too_long(self) -> bool:
        return len(self.draft) > MAX_WRITEUP


def _editor() -> rx.Component:
    state = CoachWriteupState
    return rx.vstack(
        fallback_notice(state.notice_en, state.notice_ko, "coach-writeup-notice"),
        rx.grid(
            rx.text_area(
                value=state.draft,
                on_change=state.set_draft,
                read_only=state.running,
                rows="16",
                width="100%",
                font_family="var(--code-font-family)",
                font_size="var(--font-size-1)",
                id="coach-writeup-draft",
            ),
            rx.box(
                rx.markdown(state.preview),
                class_name="retro-coach-text",
                padding="0.75rem",
                border=f"1px solid {rx.color('gray', 5)}",
                border_radius="var(--radius-3)",
                max_height="26rem",
                overflow_y="auto",
                id="coach-writeup-preview",
            ),
            columns=rx.breakpoints(initial="1", lg="2"),
            spacing="3",
            width="100%",
        ),
        rx.cond(
            state.unmatched.length() > 0,
            rx.callout.root(
                rx.callout.icon(rx.icon("triangle-alert")),
                rx.callout.text(
                    t(
                        (
                            "These numbers match nothing stored for this experiment (marked ⚠ in the preview). "
                            "Correct or remove them before saving: ",
                            "이 숫자들은 이 실험에 저장된 어떤 값과도 맞지 않습니다(미리보기에 ⚠ 표시). 저장하기 "
                            "전에 고치거나 지우세요: ",
                        )
                    ),
                    rx.foreach(state.unmatched, lambda n: rx.code(n, color_scheme="tomato", margin_right="0.25rem")),
                ),
                color_scheme="tomato",
                size="1",
                width="100%",
                id="coach-writeup-ungrounded",
            ),
        ),
        rx.hstack(
            rx.text(t(("Source: ", "출처: ")), state.saved_source, size="1", color=FAINT, id="coach-writeup-source"),
            rx.spacer(),
            rx.button(t(("Discard", "버리기")), on_click=state.discard, variant="soft", color_scheme="gray", size="2"),
            rx.button(
                rx.icon("save", size=14),
                t(("Save write-up", "피드백 저장")),
                on_click=state.save,
                loading=state.saving,
                disabled=state.running | (state.unmatched.length() > 0) | state.too_long,
                size="2",
                id="coach-writeup-save",
            ),
            align="center",
            width="100%",
        ),
        spacing="3",
        width="100%",
    )


def coach_section(view: rx.Var) -> rx.Component:
    """The coach's saved write-up (or the empty slot), "Write it up", and the editor while drafting."""
    state = CoachWriteupState
    drafting = (state.retrospective_id == view.retrospective_id) & ((state.draft != "") | state.running)
    return section(
        ("Coach write-up", "코치 피드백"),
        "sparkles",
        rx.hstack(
            rx.text(
                t(
                    (
                        "The coach writes up this experiment from the stored numbers; you edit it before saving.",
                        "코치가 저장된 숫자로 이 실험을 정리합니다. 저장하기 전에 고칠 수 있습니다.",
                    )
                ),
                size="2",
                color=MUTED,
            ),
            rx.spacer(),
            coach_choice(),
            rx.button(
                rx.icon("pen-line", size=14),
                rx.cond(
                    view.coach_writeup != "", t(("Write it up again", "다시 작성")), t(("Write it up", "작성하기"))
                ),
                on_click=state.write(view.retrospective_id),
                loading=state.running,
                variant="soft",
                size="2",
                id="coach-writeup",
            ),
            align="center",
            width="100%",
            wrap="wrap",
        ),
        rx.cond(drafting, _editor(), coach_text(view)),
        section_id="retro-coach",
    )
