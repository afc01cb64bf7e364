"""Retrospectives: every saved retrospective, searchable and filtered by outcome and primary metric."""

import asyncio
import logging
from urllib.parse import urlencode

import reflex as rx
import sqlalchemy as sa

from marts.retrospectives import OUTCOMES, RetrospectiveError, list_retrospectives, metric_label, retro_view
from marts.retrospectives.korean import metric_label_ko
from marts.storage import StorageError
from novarium_app import routes
from novarium_app.components.layout import lab_page
from novarium_app.components.page_parts import error_callout, loading_grid, page_header
from novarium_app.components.retro_cards import STYLE, RetroCard, card_from, no_matches, no_retrospectives, retro_card
from novarium_app.components.retro_learnings import RetroLearningsState, learnings_panel
from novarium_app.components.retro_words import OUTCOMES as OUTCOME_WORDS
from novarium_app.i18n import LocaleState, t
from novarium_app.services import get_store
from novarium_app.settings import SettingsError

log = logging.getLogger("novarium.retrospectives")

ALL = "all"
LOAD_ERRORS = (SettingsError, StorageError, RetrospectiveError, sa.exc.SQLAlchemyError)


def _cards(query: str, outcome: str, metric: str) -> list[RetroCard]:
    retros = list_retrospectives(
        get_store(), query=query, outcome=None if outcome == ALL else outcome, metric=None if metric == ALL else metric
    )
    return [card_from(retro_view(retro)) for retro in retros]


def _metrics() -> tuple[int, list[dict[str, str]]]:
    """How many retrospectives exist, and the primary metrics they use."""
    retros = list_retrospectives(get_store())
    keys = sorted({r.primary_metric for r in retros if r.primary_metric})
    return len(retros), [
        {"key": key, "label": metric_label(key), "label_ko": metric_label_ko(key, metric_label(key))} for key in keys
    ]


def _first_line(error: BaseException) -> str:
    return (str(error).strip() or type(error).__name__).splitlines()[0]


class RetroListState(rx.State):
    """The list, its filters and what they match."""

    loading: bool = True
    searching: bool = False
    error: str = ""
    total: int = 0
    query: str = ""
    outcome: str = ALL
    metric: str = ALL
    metrics: list[dict[str, str]] = []
    cards: list[RetroCard] = []

    @rx.event
    async def load(self):
        """Count the retrospectives, list the metrics they use and show what the filters match."""
        self.loading = True
        self.error = ""
        yield
        try:
            self.total, self.metrics = await asyncio.to_thread(_metrics)
            if self.metric != ALL and all(m["key"] != self.metric for m in self.metrics):
                self.metric = ALL
            self.cards = await asyncio.to_thread(_cards, self.query, self.outcome, self.metric)
        except LOAD_ERRORS as error:
            log.exception("the retrospectives could not load")
            self.error = _first_line(error)
        self.loading = False

    async def _refresh(self):
        self.searching = True
        yield
        try:
            self.cards = await asyncio.to_thread(_cards, self.query, self.outcome, self.metric)
        except LOAD_ERRORS as error:
            log.exception("filtering the retrospectives failed")
            yield rx.toast.error(_first_line(error))
        self.searching = False

    @rx.event
    async def set_query(self, value: str):
        """Search the key, name, hypothesis and learnings."""
        self.query = value[:200]
        async for update in self._refresh():
            yield update

    @rx.event
    async def set_outcome(self, value: str):
        """Only one outcome, or all."""
        self.outcome = value if value in OUTCOMES else ALL
        async for update in self._refresh():
            yield update

    @rx.event
    async def set_metric(self, value: str):
        """Only one primary metric, or all."""
        self.metric = value if any(m["key"] == value for m in self.metrics) else ALL
        async for update in self._refresh():
            yield update

    @rx.event
    async def clear_filters(self):
        """Back to every retrospective."""
        self.query, self.outcome, self.metric = "", ALL, ALL
        async for update in self._refresh():
            yield update

    @rx.var
    def filtered(self) -> bool:
        """Whether any filter is set."""
        return bool(self.query.strip()) or self.outcome != ALL or self.metric != ALL

    @rx.var
    def review_href(self) -> str:
        """Review mode over what the filters match."""
        params = {"q": self.query.strip(), "outcome": self.outcome, "metric": self.metric}
        query = urlencode({k: v for k, v in params.items() if v and v != ALL})
        return f"{routes.RETRO_REVIEW}?{query}" if query else routes.RETRO_REVIEW


def _header() -> rx.Component:
    return page_header(
        ("Retrospectives", "회고"),
        (
            "What each experiment taught: the decision, the evidence and the truth, kept for good.",
            "실험마다 배운 것: 결정, 근거, 실제 효과를 영구히 보관합니다.",
        ),
        rx.cond(
            RetroListState.total > 0,
            rx.hstack(
                rx.link(
                    rx.button(rx.icon("git-compare", size=16), t(("Compare", "비교")), variant="soft", size="2"),
                    href=routes.RETRO_COMPARE,
                    id="retro-compare-link",
                ),
                rx.link(
                    rx.button(rx.icon("presentation", size=16), t(("Review mode", "리뷰 모드")), size="2"),
                    href=RetroListState.review_href,
                    id="retro-review-link",
                ),
                spacing="2",
            ),
        ),
        wrap="wrap",
        spacing="3",
    )


def _filters() -> rx.Component:
    return rx.card(
        rx.flex(
            rx.input(
                rx.input.slot(rx.cond(RetroListState.searching, rx.spinner(size="1"), rx.icon("search", size=16))),
                placeholder=t(("Search hypothesis, key or learnings…", "가설, 키, 배운 점 검색…")),
                value=RetroListState.query,
                on_change=RetroListState.set_query,
                debounce_timeout=250,
                size="3",
                flex="1",
                min_width="16rem",
                id="retro-search",
                aria_label=t(("Search retrospectives", "회고 검색")),
            ),
            rx.select.root(
                rx.select.trigger(aria_label=t(("Outcome", "결과")), id="retro-outcome", min_width="11rem"),
                rx.select.content(
                    rx.select.item(t(("All outcomes", "모든 결과")), value=ALL),
                    *[rx.select.item(t(text), value=code) for code, text in OUTCOME_WORDS.items()],
                ),
                value=RetroListState.outcome,
                on_change=RetroListState.set_outcome,
                size="3",
            ),
            rx.select.root(
                rx.select.trigger(aria_label=t(("Primary metric", "주요 지표")), id="retro-metric", min_width="13rem"),
                rx.select.content(
                    rx.select.item(t(("All primary metrics", "모든 주요 지표")), value=ALL),
                    rx.foreach(
                        RetroListState.metrics,
                        lambda m: rx.select.item(
                            rx.cond(LocaleState.is_korean, m["label_ko"], m["label"]), value=m["key"]
                        ),
                    ),
                ),
                value=RetroListState.metric,
                on_change=RetroListState.set_metric,
                size="3",
            ),
            spacing="3",
            wrap="wrap",
            width="100%",
            align="center",
        ),
        size="2",
        width="100%",
    )


def _count() -> rx.Component:
    return rx.hstack(
        rx.text(
            RetroListState.cards.length(),
            " / ",
            RetroListState.total,
            size="2",
            weight="medium",
            class_name="tabular-nums",
            id="retro-count",
        ),
        rx.text(t(("retrospectives", "개의 회고")), size="2", color=rx.color("gray", 10)),
        spacing="1",
        align="center",
    )


def _grid() -> rx.Component:
    return rx.grid(
        rx.foreach(RetroListState.cards, retro_card),
        columns=rx.breakpoints(initial="1", md="2", lg="3"),
        spacing="4",
        width="100%",
        id="retro-grid",
    )


def _loading() -> rx.Component:
    return loading_grid(["13rem"] * 6, columns=rx.breakpoints(initial="1", md="2", lg="3"), id="retro-loading")


def _body() -> rx.Component:
    return rx.cond(
        RetroListState.total == 0,
        no_retrospectives(),
        rx.vstack(
            _filters(),
            _count(),
            rx.cond(RetroListState.cards.length() > 0, _grid(), no_matches(RetroListState.clear_filters)),
            spacing="4",
            width="100%",
        ),
    )


@lab_page(routes.RETROSPECTIVES, "Retrospectives", on_load=[RetroListState.load, RetroLearningsState.load])
def retrospectives() -> rx.Component:
    """The Lab's retrospectives list."""
    return rx.vstack(
        rx.el.style(STYLE),
        _header(),
        rx.cond(
            RetroListState.error != "",
            error_callout(
                t(("Could not read the retrospectives: ", "회고를 읽지 못했습니다: ")),
                RetroListState.error,
                element_id="retro-error",
            ),
        ),
        rx.cond(RetroListState.loading, _loading(), rx.cond(RetroListState.error == "", _body())),
        learnings_panel(),
        spacing="5",
        width="100%",
    )
