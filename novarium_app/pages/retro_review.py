"""Review mode, for mentor sessions: one retrospective at a time in large type, driven from the keyboard.

→, j, PageDown: next · ←, k, PageUp: previous · Home / End: first / last · Esc: back to the list. Keys pressed with
Ctrl, Alt or Meta are left to the browser. The list can be narrowed with the list page's filters
(``?q=&outcome=&metric=``) and opened at one retrospective (``?start=ID``).
"""

import asyncio
import logging

import reflex as rx
import sqlalchemy as sa

from marts.retrospectives import OUTCOMES, RetrospectiveError, RetroView, list_retrospectives, retro_view
from marts.storage import StorageError
from novarium_app import routes
from novarium_app.components.page_parts import error_callout
from novarium_app.components.retro_slide import slide, step
from novarium_app.i18n import LocaleState, t
from novarium_app.services import get_store
from novarium_app.settings import SettingsError

log = logging.getLogger("novarium.retrospectives")

ERRORS = (SettingsError, StorageError, RetrospectiveError, sa.exc.SQLAlchemyError)
STYLE = """
.review-key { font-family: var(--code-font-family); font-size: 0.75rem; line-height: 1; padding: 0.2rem 0.4rem;
  border-radius: var(--radius-2); border: 1px solid var(--gray-7); border-bottom-width: 2px;
  background: var(--gray-2); color: var(--gray-12); }
.tabular-nums { font-variant-numeric: tabular-nums; }
.review-markdown .rt-Text, .review-markdown li { font-size: var(--font-size-5); line-height: var(--line-height-5); }
"""


def _load_views(query: str, outcome: str, metric: str) -> list[tuple[RetroView, RetroView]]:
    """Each matching retrospective in English and in Korean."""
    retros = list_retrospectives(
        get_store(), query=query, outcome=outcome if outcome in OUTCOMES else None, metric=metric or None
    )
    return [(retro_view(retro), retro_view(retro, "ko")) for retro in retros]


class RetroReviewState(rx.State):
    """The retrospectives under review and the one on screen."""

    loading: bool = True
    error: str = ""
    index: int = 0
    count: int = 0
    filtered: bool = False
    _views: list[tuple[RetroView, RetroView]] = []

    @rx.event
    async def load(self):
        """Read the retrospectives the URL's filters match; start at ``?start=ID`` if given."""
        self.loading, self.error = True, ""
        params = self.router.url.query_parameters
        query, outcome, metric = params.get("q", ""), params.get("outcome", ""), params.get("metric", "")
        yield
        try:
            views = await asyncio.to_thread(_load_views, query, outcome, metric)
        except ERRORS as error:
            log.exception("review mode could not load")
            self.error = (str(error).strip() or type(error).__name__).splitlines()[0]
            views = []
        self._views, self.count = views, len(views)
        self.filtered = bool(query.strip() or outcome in OUTCOMES or metric)
        start = params.get("start", "")
        self.index = next((i for i, (view, _) in enumerate(views) if view.retrospective_id == start), 0)
        self.loading = False

    @rx.event
    def key(self, key: str, info: dict):
        """Move with the keyboard; Esc leaves review mode."""
        if info.get("ctrl_key") or info.get("meta_key") or info.get("alt_key"):
            return None
        if key == "Escape":
            return rx.redirect(routes.RETROSPECTIVES)
        self._move(key)
        return None

    @rx.event
    def go_next(self):
        """The next retrospective."""
        self._move("ArrowRight")

    @rx.event
    def go_previous(self):
        """The previous retrospective."""
        self._move("ArrowLeft")

    def _move(self, key: str) -> None:
        moved = step(self.index, self.count, key)
        if moved is not None:
            self.index = moved

    @rx.var
    def current(self) -> RetroView:
        """The retrospective on screen, in English."""
        return self._views[self.index][0] if 0 <= self.index < len(self._views) else RetroView()

    @rx.var
    def current_ko(self) -> RetroView:
        """The retrospective on screen, in Korean."""
        return self._views[self.index][1] if 0 <= self.index < len(self._views) else RetroView()

    @rx.var
    def position(self) -> str:
        """ "3 / 12"."""
        return f"{self.index + 1} / {self.count}" if self.count else "0 / 0"

    @rx.var
    def progress(self) -> int:
        """How far through the session, in percent."""
        return round(100 * (self.index + 1) / self.count) if self.count else 0


def _top_bar() -> rx.Component:
    return rx.hstack(
        rx.hstack(
            rx.icon("presentation", size=20, color=rx.color("accent", 10)),
            rx.text(t(("Review mode", "리뷰 모드")), size="3", weight="bold"),
            spacing="2",
            align="center",
        ),
        rx.spacer(),
        rx.icon_button(
            rx.icon("chevron-left", size=20),
            on_click=RetroReviewState.go_previous,
            disabled=RetroReviewState.index == 0,
            variant="soft",
            size="3",
            aria_label=t(("Previous", "이전")),
            id="review-previous",
        ),
        rx.text(
            RetroReviewState.position,
            size="5",
            weight="bold",
            class_name="tabular-nums",
            min_width="5rem",
            text_align="center",
            id="review-position",
            aria_live="polite",
        ),
        rx.icon_button(
            rx.icon("chevron-right", size=20),
            on_click=RetroReviewState.go_next,
            disabled=RetroReviewState.index >= RetroReviewState.count - 1,
            variant="soft",
            size="3",
            aria_label=t(("Next", "다음")),
            id="review-next",
        ),
        rx.link(
            rx.button(rx.icon("x", size=16), t(("Exit", "나가기")), _key("Esc"), variant="soft", color_scheme="gray"),
            href=routes.RETROSPECTIVES,
            id="review-exit",
        ),
        spacing="3",
        align="center",
        width="100%",
    )


def _key(label: str) -> rx.Component:
    return rx.el.kbd(label, class_name="review-key")


def _hint() -> rx.Component:
    return rx.hstack(
        rx.icon("keyboard", size=14),
        _key("←"),
        _key("→"),
        rx.text(t(("or", "또는")), size="1"),
        _key("k"),
        _key("j"),
        rx.text(t(("previous / next", "이전 / 다음")), size="1"),
        _key("Home"),
        _key("End"),
        rx.text(t(("first / last", "처음 / 끝")), size="1"),
        _key("Esc"),
        rx.text(t(("leave", "나가기")), size="1"),
        spacing="2",
        align="center",
        color=rx.color("gray", 10),
        wrap="wrap",
        id="review-hint",
    )


def _empty() -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.icon("notebook-pen", size=40, color=rx.color("accent", 10)),
            rx.heading(
                rx.cond(
                    RetroReviewState.filtered,
                    t(("No retrospective matches these filters", "이 조건에 맞는 회고가 없습니다")),
                    t(("No retrospectives to review yet", "아직 리뷰할 회고가 없습니다")),
                ),
                size="7",
            ),
            rx.text(
                t(
                    (
                        "Save a retrospective from an experiment's results page, then come back for the session.",
                        "실험 결과 페이지에서 회고를 저장한 뒤 리뷰 세션을 시작하세요.",
                    )
                ),
                size="4",
                color=rx.color("gray", 11),
            ),
            rx.hstack(
                rx.link(
                    rx.button(t(("Back to the list", "목록으로")), variant="soft", size="3"), href=routes.RETROSPECTIVES
                ),
                rx.link(rx.button(t(("Go to results", "결과 보러 가기")), size="3"), href=routes.RESULTS),
                spacing="3",
            ),
            spacing="4",
            align="center",
            text_align="center",
        ),
        min_height="60vh",
        id="review-empty",
    )


@rx.page(route=routes.RETRO_REVIEW, title="Review mode · NovaRium", on_load=RetroReviewState.load)
def retro_review() -> rx.Component:
    """Full-screen review mode."""
    return rx.box(
        rx.el.style(STYLE),
        rx.window_event_listener(on_key_down=RetroReviewState.key),
        rx.vstack(
            _top_bar(),
            rx.box(rx.progress(value=RetroReviewState.progress, size="1"), width="100%", flex_shrink="0"),
            rx.cond(
                RetroReviewState.error != "",
                error_callout(
                    t(("Could not read the retrospectives: ", "회고를 읽지 못했습니다: ")),
                    RetroReviewState.error,
                    element_id="retro-error",
                ),
            ),
            rx.cond(
                RetroReviewState.loading,
                rx.skeleton(rx.box(height="60vh", width="100%"), width="100%", id="review-loading"),
                rx.cond(
                    RetroReviewState.count > 0,
                    slide(rx.cond(LocaleState.is_korean, RetroReviewState.current_ko, RetroReviewState.current)),
                    _empty(),
                ),
            ),
            rx.spacer(),
            _hint(),
            spacing="5",
            max_width="90rem",
            margin_x="auto",
            padding=rx.breakpoints(initial="1.25rem", md="2.5rem 3.5rem"),
            min_height="100vh",
        ),
        background=rx.color("gray", 1),
        min_height="100vh",
        width="100%",
    )
