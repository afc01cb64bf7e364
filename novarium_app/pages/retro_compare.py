"""Compare: two retrospectives side by side, picked from two selects; the URL (?a=ID&b=ID) holds the choice."""

import asyncio
import logging
from urllib.parse import urlencode

import reflex as rx
import sqlalchemy as sa

from marts.retrospectives import RetrospectiveError, RetrospectiveNotFound, compare, list_retrospectives
from marts.storage import StorageError
from novarium_app import routes
from novarium_app.components.layout import lab_page
from novarium_app.components.page_parts import error_callout
from novarium_app.components.retro_cards import STYLE
from novarium_app.components.retro_compare_rows import CompareRow, bilingual_rows
from novarium_app.i18n import LocaleState, t
from novarium_app.services import get_store
from novarium_app.settings import SettingsError

log = logging.getLogger("novarium.retrospectives")

ERRORS = (SettingsError, StorageError, RetrospectiveError, sa.exc.SQLAlchemyError)


def _load(a: str, b: str) -> tuple[list[dict[str, str]], str, str, list[CompareRow]]:
    """The options, the two picks (the newest two by default) and their rows."""
    retros = list_retrospectives(get_store())
    by_id = {r.retrospective_id: r for r in retros}
    options = [
        {"id": r.retrospective_id, "label": f"{r.name} · {r.created_at:%Y-%m-%d}", "key": r.experiment_key}
        for r in retros
    ]
    ids = [r.retrospective_id for r in retros]
    for chosen in (a, b):
        if chosen and chosen not in by_id:
            raise RetrospectiveNotFound(chosen)
    a = a or next((i for i in ids if i != b), "")
    b = b or next((i for i in ids if i != a), "")
    rows = bilingual_rows(compare(by_id[a], by_id[b]), compare(by_id[a], by_id[b], "ko")) if a and b else []
    return options, a, b, rows


class RetroCompareState(rx.State):
    """The two picks and how they differ."""

    loading: bool = True
    error: str = ""
    missing: str = ""
    options: list[dict[str, str]] = []
    a: str = ""
    b: str = ""
    rows: list[CompareRow] = []

    @rx.var
    def a_href(self) -> str:
        """The left retrospective's page."""
        return routes.retrospective(self.a) if self.a else routes.RETROSPECTIVES

    @rx.var
    def b_href(self) -> str:
        """The right retrospective's page."""
        return routes.retrospective(self.b) if self.b else routes.RETROSPECTIVES

    @rx.event
    async def load(self):
        """Read the picks from the URL and compare them."""
        self.loading, self.error, self.missing = True, "", ""
        params = self.router.url.query_parameters
        yield
        try:
            self.options, self.a, self.b, self.rows = await asyncio.to_thread(
                _load, params.get("a", ""), params.get("b", "")
            )
        except RetrospectiveNotFound as error:
            self.missing = error.retrospective_id
            self.rows = []
        except ERRORS as error:
            log.exception("the comparison could not load")
            self.error = (str(error).strip() or type(error).__name__).splitlines()[0]
        self.loading = False

    @rx.event
    def pick_a(self, value: str):
        """Compare ``value`` on the left."""
        return rx.redirect(self._href(value, self.b), replace=True)

    @rx.event
    def pick_b(self, value: str):
        """Compare ``value`` on the right."""
        return rx.redirect(self._href(self.a, value), replace=True)

    @rx.event
    def swap(self):
        """Left becomes right."""
        return rx.redirect(self._href(self.b, self.a), replace=True)

    def _href(self, a: str, b: str) -> str:
        return f"{routes.RETRO_COMPARE}?{urlencode({'a': a, 'b': b})}"

    @rx.var
    def differences(self) -> int:
        """How many aspects differ."""
        return sum(1 for row in self.rows if not row.same)


def _picker(side: str, value: rx.Var, on_change: rx.EventHandler) -> rx.Component:
    return rx.vstack(
        rx.text(side, size="1", weight="bold", color=rx.color("gray", 10), text_transform="uppercase"),
        rx.select.root(
            rx.select.trigger(
                placeholder=t(("Choose a retrospective", "회고 선택")),
                width="100%",
                id=f"retro-pick-{side.lower()}",
            ),
            rx.select.content(
                rx.foreach(
                    RetroCompareState.options,
                    lambda o: rx.select.item(o["label"], value=o["id"]),
                )
            ),
            value=value,
            on_change=on_change,
            size="3",
        ),
        spacing="1",
        width="100%",
        min_width="0",
    )


def _row(row: rx.Var) -> rx.Component:
    def value(en: rx.Var, ko: rx.Var, side: str) -> rx.Component:
        return rx.table.cell(
            rx.text(t_var(en, ko), size="2", white_space="pre-wrap", word_break="break-word"),
            class_name=f"retro-cell-{side}",
        )

    return rx.table.row(
        rx.table.row_header_cell(
            rx.hstack(
                rx.text(t_var(row.label_en, row.label_ko), size="2", weight="medium"),
                rx.cond(~row.same, rx.box(class_name="retro-diff-dot", title=t(("Differs", "다름")))),
                spacing="2",
                align="center",
            ),
            white_space="nowrap",
        ),
        value(row.a_en, row.a_ko, "a"),
        value(row.b_en, row.b_ko, "b"),
        background=rx.cond(row.same, "transparent", rx.color("accent", 2)),
        custom_attrs={"data-row": row.key, "data-same": rx.cond(row.same, "true", "false")},
    )


def t_var(en: rx.Var, ko: rx.Var) -> rx.Var:
    """A backend-worded text in the learner's language."""
    return rx.cond(LocaleState.is_korean, ko, en)


def _column(side: str, href: rx.Var) -> rx.Component:
    return rx.table.column_header_cell(
        rx.hstack(
            rx.text(side),
            rx.link(
                rx.hstack(t(("Open", "열기")), rx.icon("arrow-up-right", size=12), spacing="1", align="center"),
                href=href,
                size="1",
                weight="regular",
            ),
            spacing="2",
            align="center",
        ),
        width="calc((100% - 13rem) / 2)",
    )


def _table() -> rx.Component:
    return rx.card(
        rx.box(
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell("", width="13rem"),
                        _column("A", RetroCompareState.a_href),
                        _column("B", RetroCompareState.b_href),
                    )
                ),
                rx.table.body(rx.foreach(RetroCompareState.rows, _row)),
                size="2",
                width="100%",
                layout="fixed",
                id="retro-compare-table",
            ),
            overflow_x="auto",
            width="100%",
        ),
        size="2",
        width="100%",
    )


def _controls() -> rx.Component:
    return rx.card(
        rx.flex(
            _picker("A", RetroCompareState.a, RetroCompareState.pick_a),
            rx.icon_button(
                rx.icon("arrow-left-right", size=16),
                on_click=RetroCompareState.swap,
                variant="soft",
                size="3",
                aria_label=t(("Swap A and B", "A와 B 바꾸기")),
                title=t(("Swap A and B", "A와 B 바꾸기")),
                id="retro-swap",
                align_self="end",
            ),
            _picker("B", RetroCompareState.b, RetroCompareState.pick_b),
            spacing="3",
            width="100%",
            direction=rx.breakpoints(initial="column", md="row"),
        ),
        size="2",
        width="100%",
    )


def _summary() -> rx.Component:
    return rx.hstack(
        rx.icon("git-compare", size=16, color=rx.color("accent", 10)),
        rx.text(
            RetroCompareState.differences,
            t((" of ", " / ")),
            RetroCompareState.rows.length(),
            t((" aspects differ", "개 항목이 다릅니다")),
            size="2",
            color=rx.color("gray", 11),
            id="retro-differences",
        ),
        spacing="2",
        align="center",
    )


def _too_few() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.center(rx.icon("git-compare", size=22), class_name="retro-icon"),
            rx.heading(t(("Two retrospectives are needed", "회고가 두 개 이상 필요합니다")), size="5"),
            rx.text(
                t(
                    (
                        "Save a retrospective for another experiment on its results page, then compare them here.",
                        "다른 실험의 결과 페이지에서 회고를 하나 더 저장한 다음 여기서 비교하세요.",
                    )
                ),
                size="2",
                color=rx.color("gray", 11),
            ),
            rx.link(
                rx.button(rx.icon("chart-column", size=16), t(("Go to results", "결과 보러 가기"))), href=routes.RESULTS
            ),
            spacing="3",
            align="start",
        ),
        size="3",
        width="100%",
        id="retro-compare-empty",
    )


def _missing() -> rx.Component:
    return rx.callout.root(
        rx.callout.icon(rx.icon("search-x")),
        rx.callout.text(
            t(("No retrospective has the id ", "다음 ID의 회고가 없습니다: ")),
            rx.code(RetroCompareState.missing),
            t((". Pick two from the list instead.", ". 목록에서 두 개를 고르세요.")),
        ),
        rx.link(t(("Start over", "처음부터")), href=routes.RETRO_COMPARE),
        color_scheme="amber",
        id="retro-compare-missing",
    )


def _body() -> rx.Component:
    return rx.cond(
        RetroCompareState.missing != "",
        _missing(),
        rx.cond(
            RetroCompareState.options.length() < 2,
            _too_few(),
            rx.vstack(_controls(), _summary(), _table(), spacing="4", width="100%"),
        ),
    )


COMPARE_STYLE = """
.retro-diff-dot { width: 0.45rem; height: 0.45rem; border-radius: 9999px; background: var(--accent-9); }
"""


@lab_page(routes.RETRO_COMPARE, "Compare retrospectives", on_load=RetroCompareState.load)
def retro_compare() -> rx.Component:
    """Two retrospectives side by side."""
    return rx.vstack(
        rx.el.style(STYLE + COMPARE_STYLE),
        rx.vstack(
            rx.link(
                rx.hstack(
                    rx.icon("arrow-left", size=14), t(("All retrospectives", "모든 회고")), spacing="1", align="center"
                ),
                href=routes.RETROSPECTIVES,
                size="2",
            ),
            rx.heading(t(("Compare retrospectives", "회고 비교")), size="8", weight="bold"),
            rx.text(
                t(
                    (
                        "Two experiments side by side; rows that differ are marked.",
                        "두 실험을 나란히 놓고, 다른 항목을 표시합니다.",
                    )
                ),
                color=rx.color("gray", 11),
            ),
            spacing="2",
        ),
        rx.cond(
            RetroCompareState.error != "",
            error_callout(
                t(("Could not compare: ", "비교하지 못했습니다: ")), RetroCompareState.error, element_id="retro-error"
            ),
        ),
        rx.cond(
            RetroCompareState.loading,
            rx.skeleton(rx.card(height="30rem"), width="100%", id="retro-loading"),
            rx.cond(RetroCompareState.error == "", _body()),
        ),
        spacing="5",
        width="100%",
    )
