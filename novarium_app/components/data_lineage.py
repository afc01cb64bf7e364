"""The mart lineage: source tables -> marts -> what reads them, drawn as SVG, with each mart's last build.

The layout is computed here from ``marts.catalog_docs``; colours are Radix CSS variables, so the drawing follows the
light and dark themes. A table under the drawing repeats each mart's build for screen readers and small screens.
"""

from dataclasses import dataclass

import reflex as rx

from marts import catalog_docs
from novarium_app import routes
from novarium_app.components.data_state import DataState
from novarium_app.i18n import LocaleState, t

WIDTH, HEIGHT = 1000, 470
SOURCE_X, SOURCE_W, SOURCE_H = 20, 200, 60
MART_X, MART_W, MART_H = 380, 260, 104
READER_X, READER_W, READER_H = 800, 180, 60
TOP = 46
READER_ROUTES = {"overview": routes.OVERVIEW, "design": routes.BUILDER, "results": routes.RESULTS}
READER_Y = {"overview": TOP, "design": TOP + 86, "results": TOP + 2 * 156 + (MART_H - READER_H) // 2}
MONO = "var(--code-font-family)"


@dataclass(frozen=True)
class Box:
    """A node's rectangle in the drawing's coordinates."""

    x: int
    y: int
    w: int
    h: int

    def right(self, share: float = 0.5) -> tuple[float, float]:
        return self.x + self.w, self.y + self.h * share

    def left(self, share: float = 0.5) -> tuple[float, float]:
        return self.x, self.y + self.h * share


def layout() -> dict[str, Box]:
    """Every node's box: sources on the left, marts in the middle, readers on the right."""
    boxes = {
        name: Box(SOURCE_X, TOP + i * 86, SOURCE_W, SOURCE_H) for i, name in enumerate(catalog_docs.lineage_sources())
    }
    boxes |= {name: Box(MART_X, TOP + i * 156, MART_W, MART_H) for i, name in enumerate(catalog_docs.LINEAGE)}
    boxes |= {reader.key: Box(READER_X, READER_Y[reader.key], READER_W, READER_H) for reader in catalog_docs.READERS}
    return boxes


def edges(boxes: dict[str, Box]) -> list[str]:
    """SVG path data of every arrow: source -> mart, mart -> mart (straight down) and mart -> reader."""
    paths = []
    for mart, sources in catalog_docs.LINEAGE.items():
        inputs = [source for source in sources if source not in catalog_docs.LINEAGE]
        for k, source in enumerate(inputs):
            paths.append(_curve(boxes[source].right(), boxes[mart].left((k + 1) / (len(inputs) + 1))))
        for source in sources:
            if source in catalog_docs.LINEAGE:
                above, below = boxes[source], boxes[mart]
                x = below.x + below.w / 2
                paths.append(f"M {x} {above.y + above.h} L {x} {below.y - 2}")
    for reader in catalog_docs.READERS:
        for mart in reader.reads:
            paths.append(_curve(boxes[mart].right(), boxes[reader.key].left()))
    return paths


def _curve(start: tuple[float, float], end: tuple[float, float]) -> str:
    (x1, y1), (x2, y2) = start, end
    bend = (x2 - x1) * 0.45
    return f"M {x1} {y1} C {x1 + bend} {y1}, {x2 - bend} {y2}, {x2 - 2} {y2}"


def _text(content, x: float, y: float, size: int, color: str, weight: str = "400", family: str = "inherit"):
    return rx.el.svg.text(
        content,
        x=round(x),
        y=round(y),
        style={"fill": color, "font_size": f"{size}px", "font_weight": weight, "font_family": family},
    )


def _rect(box: Box, fill: str, stroke: str) -> rx.Component:
    return rx.el.svg.rect(
        x=box.x, y=box.y, width=box.w, height=box.h, rx=10, style={"fill": fill, "stroke": stroke, "stroke_width": 1.5}
    )


def _rows(count: rx.Var) -> rx.Var:
    return rx.cond(LocaleState.is_korean, count.to(str) + "행", count.to(str) + " rows")


def _source(name: str, box: Box) -> rx.Component:
    return rx.el.svg.g(
        rx.el.svg.title(t(("Open this table", "이 테이블 열기"))),
        _rect(box, rx.color("gray", 2), rx.color("gray", 7)),
        _text(name, box.x + 16, box.y + 26, 15, rx.color("gray", 12), "600", MONO),
        _text(_rows(DataState.counts[name]), box.x + 16, box.y + 46, 12, rx.color("gray", 11)),
        on_click=DataState.select_table(name),
        style={"cursor": "pointer"},
        class_name="lineage-node",
        custom_attrs={"data-node": name},
    )


def _mart(name: str, box: Box) -> rx.Component:
    built = DataState.mart_rows.contains(name)
    seconds = DataState.mart_seconds[name].to(str)
    return rx.el.svg.g(
        rx.el.svg.title(t(("Open this mart", "이 마트 열기"))),
        _rect(box, rx.color("accent", 3), rx.color("accent", 8)),
        _text(name, box.x + 16, box.y + 28, 16, rx.color("accent", 12), "700", MONO),
        _text(
            rx.cond(built, _rows(DataState.mart_rows[name]), t(("not built yet", "아직 만들지 않음"))),
            box.x + 16,
            box.y + 52,
            13,
            rx.color("gray", 12),
            "600",
        ),
        _text(
            rx.cond(built, DataState.mart_built[name], "novarium marts build"),
            box.x + 16,
            box.y + 72,
            12,
            rx.color("gray", 11),
            family=rx.cond(built, "inherit", MONO),
        ),
        _text(
            rx.cond(built, rx.cond(LocaleState.is_korean, "빌드 " + seconds, "build took " + seconds), ""),
            box.x + 16,
            box.y + 90,
            11,
            rx.color("gray", 10),
        ),
        on_click=DataState.select_table(name),
        style={"cursor": "pointer"},
        class_name="lineage-node lineage-mart",
        custom_attrs={"data-node": name},
    )


def _reader(reader: catalog_docs.Reader, box: Box) -> rx.Component:
    marts = ", ".join(reader.reads)
    return rx.el.svg.g(
        _rect(box, rx.color("teal", 3), rx.color("teal", 8)),
        _text(t(reader.title), box.x + 16, box.y + 27, 14, rx.color("teal", 12), "700"),
        _text(t((f"reads {marts}", f"읽는 마트: {marts}")), box.x + 16, box.y + 46, 11, rx.color("gray", 11)),
        on_click=rx.redirect(READER_ROUTES[reader.key]),
        style={"cursor": "pointer"},
        class_name="lineage-node",
        custom_attrs={"data-node": reader.key},
    )


def diagram() -> rx.Component:
    """The lineage drawing."""
    boxes = layout()
    arrow = rx.el.svg.marker(
        rx.el.svg.path(d="M 0 0 L 10 5 L 0 10 z", style={"fill": rx.color("gray", 9)}),
        id="lineage-arrow",
        view_box="0 0 10 10",
        ref_x=9,
        ref_y=5,
        marker_width=7,
        marker_height=7,
        orient="auto-start-reverse",
    )
    headings = [
        _text(t(text), x, 24, 12, rx.color("gray", 10), "700")
        for text, x in (
            (("SOURCE TABLES", "원천 테이블"), SOURCE_X),
            (("MARTS", "마트"), MART_X),
            (("READ BY", "사용하는 곳"), READER_X),
        )
    ]
    lines = [
        rx.el.svg.path(
            d=path,
            style={
                "fill": "none",
                "stroke": rx.color("gray", 8),
                "stroke_width": 1.6,
                "marker_end": "url(#lineage-arrow)",
            },
        )
        for path in edges(boxes)
    ]
    sources = [_source(name, boxes[name]) for name in catalog_docs.lineage_sources()]
    marts = [_mart(name, boxes[name]) for name in catalog_docs.LINEAGE]
    readers = [_reader(reader, boxes[reader.key]) for reader in catalog_docs.READERS]
    return rx.el.svg(
        rx.el.svg.defs(arrow),
        *headings,
        *lines,
        *sources,
        *marts,
        *readers,
        view_box=f"0 0 {WIDTH} {HEIGHT}",
        width="100%",
        style={"min_width": "760px", "display": "block"},
        custom_attrs={"role": "img", "aria-label": "Mart lineage: source tables, marts and what reads them"},
        id="lineage-diagram",
    )


def build_table() -> rx.Component:
    """Each mart's sources, rows and last build, as a table."""
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                *[
                    rx.table.column_header_cell(t(text))
                    for text in (
                        ("Mart", "마트"),
                        ("Built from", "원천"),
                        ("Rows", "행 수"),
                        ("Last build", "마지막 빌드"),
                        ("Took", "소요 시간"),
                    )
                ]
            )
        ),
        rx.table.body(
            *[
                rx.table.row(
                    rx.table.cell(rx.code(mart, variant="ghost")),
                    rx.table.cell(rx.text(", ".join(sources), size="1", color=rx.color("gray", 11))),
                    rx.table.cell(rx.cond(DataState.mart_rows.contains(mart), DataState.mart_rows[mart], "—")),
                    rx.table.cell(
                        rx.cond(
                            DataState.mart_built.contains(mart),
                            DataState.mart_built[mart],
                            t(("not built yet", "아직 만들지 않음")),
                        )
                    ),
                    rx.table.cell(rx.cond(DataState.mart_seconds.contains(mart), DataState.mart_seconds[mart], "—")),
                    custom_attrs={"data-mart": mart},
                    class_name="mart-build",
                    align="center",
                )
                for mart, sources in catalog_docs.LINEAGE.items()
            ]
        ),
        size="1",
        variant="surface",
        width="100%",
        id="mart-builds",
    )


def lineage_panel() -> rx.Component:
    """The lineage tab: the drawing, what it means, and the build table."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("workflow", size=20, color=rx.color("accent", 10)),
                rx.heading(t(("How the marts are built", "마트는 이렇게 만들어집니다")), size="4"),
                spacing="2",
                align="center",
            ),
            rx.text(
                t(
                    (
                        "Each mart is rebuilt from the tables on its left in one transaction; the pages on the right "
                        "read only the marts. user_stats feeds experiment_users the pre-period revenue CUPED uses. "
                        "Click a table to open it.",
                        "각 마트는 왼쪽 테이블로부터 한 트랜잭션 안에서 다시 만들어지고, 오른쪽 화면들은 마트만 "
                        "읽습니다. user_stats는 CUPED가 쓰는 사전 기간 매출을 experiment_users에 넘겨 줍니다. "
                        "테이블을 누르면 열립니다.",
                    )
                ),
                size="2",
                color=rx.color("gray", 11),
            ),
            rx.box(diagram(), width="100%", overflow_x="auto", id="lineage"),
            rx.box(build_table(), width="100%", overflow_x="auto"),
            spacing="4",
            width="100%",
        ),
        size="2",
        width="100%",
    )
