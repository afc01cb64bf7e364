"""The run monitor's cards: the traffic split (SRM), the primary metric, peeking p-values and the event rate.

They read the strings and figures the Runs page makes with ``monitor_view`` and ``monitor_charts`` and take Vars,
not a state class. Legends are Radix text in the learner's language; the figures carry no words.
"""

from dataclasses import dataclass

import reflex as rx

from novarium_app.components.run_widgets import bi
from novarium_app.i18n import LocaleState, Text, t

PLOT_CONFIG = {"displayModeBar": False, "responsive": True}


@dataclass(frozen=True)
class MonitorVars:
    """What the monitor cards read.

    Attributes:
        summary: ``MonitorView.summary`` (empty until the first monitor of the followed run is in).
        variants, peeks: its variant and peeking rows.
        active: the followed run is running (the monitor is live).
        on_retry: recomputes the monitor after an error.
    """

    summary: rx.Var
    variants: rx.Var
    peeks: rx.Var
    metric_figure: rx.Var
    p_figure: rx.Var
    rate_figure: rx.Var
    loading: rx.Var
    error: rx.Var
    active: rx.Var
    on_retry: rx.event.EventType


def monitor_section(m: MonitorVars) -> rx.Component:
    """The monitor of the followed run: a header, then its cards, a skeleton while loading or why it is empty."""
    return rx.vstack(
        _header(m),
        rx.cond(
            m.error != "",
            _error(m),
            rx.cond(
                m.summary.contains("run_id") & ~m.loading,
                rx.cond(m.summary["empty"] != "", _waiting(m), _cards(m)),
                _skeleton(),
            ),
        ),
        spacing="4",
        width="100%",
        id="monitor",
    )


def _header(m: MonitorVars) -> rx.Component:
    return rx.hstack(
        rx.heading(t(("Monitor", "모니터")), size="5"),
        rx.cond(
            m.active,
            rx.badge(
                rx.box(class_name="live-dot"),
                t(("Live", "실시간")),
                color_scheme="blue",
                variant="soft",
                radius="full",
                id="monitor-live",
            ),
            rx.cond(
                m.summary.contains("run_id"),
                rx.hstack(
                    rx.badge(
                        t(("Final", "최종")), color_scheme="gray", variant="soft", radius="full", id="monitor-final"
                    ),
                    rx.link(
                        t(("Read the results", "결과 읽기")),
                        rx.icon("arrow-right", size=14),
                        href=m.summary["results_href"],
                        size="2",
                        weight="medium",
                        id="monitor-results",
                        display="inline-flex",
                        align_items="center",
                        gap="0.25rem",
                    ),
                    spacing="3",
                    align="center",
                ),
            ),
        ),
        rx.spacer(),
        rx.cond(
            m.summary.contains("run_id"),
            rx.text(
                rx.cond(
                    LocaleState.is_korean,
                    rx.text.span("확인 ", m.summary["looks"], "번 · ", bi(m.summary, "width"), " 간격"),
                    rx.text.span(m.summary["looks"], " looks · every ", bi(m.summary, "width")),
                ),
                size="1",
                color=rx.color("gray", 10),
                id="monitor-looks",
            ),
        ),
        align="center",
        spacing="2",
        width="100%",
    )


def _cards(m: MonitorVars) -> rx.Component:
    return rx.vstack(
        rx.cond(m.summary["clock"] == "simulated", _engine_note()),
        _split_card(m),
        _metric_card(m),
        _peeking_card(m),
        _rate_card(m),
        spacing="4",
        width="100%",
    )


def _card(title: rx.Component, subtitle: rx.Component | rx.Var, *children: rx.Component, card_id: str):
    return rx.card(
        rx.vstack(
            title,
            rx.text(subtitle, size="2", color=rx.color("gray", 10)),
            *children,
            spacing="3",
            width="100%",
        ),
        size="2",
        width="100%",
        id=card_id,
    )


def _title(text: rx.Var | Text, *aside: rx.Component) -> rx.Component:
    heading = rx.heading(t(text) if isinstance(text, tuple) else text, size="4")
    return rx.hstack(heading, rx.spacer(), *aside, align="center", width="100%")


def _swatch(color: rx.Var) -> rx.Component:
    return rx.box(width="0.7rem", height="0.7rem", border_radius="9999px", background=color, flex_shrink="0")


def _line_swatch(style: str, color: rx.Var | str) -> rx.Component:
    return rx.box(width="1.6rem", height="0", border_top=f"2.5px {style}", border_color=color, flex_shrink="0")


# ----- the traffic split ----------------------------------------------------------------------------------------

SPLIT_HEADERS = (
    ("Variant", "변형"),
    ("Planned", "계획"),
    ("Assigned", "배정"),
    ("Exposed", "노출"),
    ("Exposed share", "노출 비율"),
)


def _srm_badge(summary: rx.Var, prefix: str, badge_id: str) -> rx.Component:
    return rx.badge(
        rx.icon(summary[f"{prefix}_icon"].to(str), size=13),
        bi(summary, f"{prefix}_words"),
        rx.text.span(" · ", summary[f"{prefix}_p"], class_name="tabular-nums"),
        color_scheme=summary[f"{prefix}_color"].to(str),
        variant="soft",
        size="2",
        radius="full",
        id=badge_id,
        custom_attrs={"data-status": summary[f"{prefix}_status"]},
    )


def _split_row(row: rx.Var) -> rx.Component:
    def cell(value: rx.Var) -> rx.Component:
        return rx.table.cell(rx.text(value, class_name="tabular-nums"), text_align="right")

    return rx.table.row(
        rx.table.cell(
            rx.hstack(
                _swatch(row["color"]),
                rx.text(row["variant"], weight="medium"),
                rx.cond(
                    row["control"] != "",
                    rx.badge(t(("control", "대조군")), size="1", variant="surface", color_scheme="gray"),
                ),
                spacing="2",
                align="center",
            )
        ),
        cell(row["planned"]),
        cell(row["assigned"]),
        rx.table.cell(rx.text(row["exposed"], class_name="tabular-nums exposed"), text_align="right"),
        cell(row["share"]),
        class_name="split-row",
        custom_attrs={"data-variant": row["variant"]},
        align="center",
    )


def _split_card(m: MonitorVars) -> rx.Component:
    header = rx.table.row(
        *[
            rx.table.column_header_cell(t(title), text_align="left" if index == 0 else "right", white_space="nowrap")
            for index, title in enumerate(SPLIT_HEADERS)
        ]
    )
    footer = rx.hstack(
        rx.text(t(("Assignments alone:", "배정만 보면:")), size="1", color=rx.color("gray", 10)),
        _srm_badge(m.summary, "srm_assigned", "srm-assigned"),
        rx.text(
            t(
                (
                    "The analysis counts exposed users: a mismatch only there points at exposure logging.",
                    "분석은 노출된 사용자를 셉니다. 노출에서만 불일치하면 노출 로깅을 의심하세요.",
                )
            ),
            size="1",
            color=rx.color("gray", 10),
        ),
        spacing="2",
        align="center",
        wrap="wrap",
    )
    return _card(
        _title(("Traffic split", "트래픽 배정"), _srm_badge(m.summary, "srm", "srm-status")),
        rx.cond(
            m.summary["horizon"] != "",
            rx.text(bi(m.summary, "horizon"), size="2", id="monitor-horizon", class_name="tabular-nums"),
        ),
        rx.cond(
            m.summary["planned_sample"] != "",
            rx.text(
                t(("Planned sample: ", "계획 표본: ")),
                bi(m.summary, "planned_sample"),
                size="2",
                weight="medium",
                id="planned-sample",
                class_name="tabular-nums",
            ),
        ),
        t(
            (
                "Exposed users per variant against the experiment's planned weights (chi-square SRM check).",
                "실험에 계획한 비중 대비 변형별 노출 사용자 수 (카이제곱 SRM 점검).",
            )
        ),
        rx.table.root(
            rx.table.header(header),
            rx.table.body(rx.foreach(m.variants, _split_row)),
            variant="ghost",
            size="1",
            width="100%",
        ),
        footer,
        card_id="monitor-srm",
    )


# ----- the primary metric ---------------------------------------------------------------------------------------


def _metric_chip(row: rx.Var) -> rx.Component:
    return rx.hstack(
        _swatch(row["color"]),
        rx.text(row["variant"], size="2", color=rx.color("gray", 11)),
        rx.text(row["value"], size="3", weight="bold", class_name="tabular-nums metric-value"),
        rx.cond(
            row["control"] == "",
            rx.text(row["lift"], size="2", color=rx.color("gray", 10), class_name="tabular-nums"),
        ),
        spacing="2",
        align="center",
        class_name="metric-chip",
        custom_attrs={"data-variant": row["variant"]},
    )


def _metric_card(m: MonitorVars) -> rx.Component:
    subtitle = bi(m.summary, "metric_caption")
    return _card(
        _title(
            rx.text.span(
                bi(m.summary, "metric"),
                rx.text.span(t((" · primary metric", " · 주요 지표")), color=rx.color("gray", 10)),
            )
        ),
        subtitle,
        rx.hstack(rx.foreach(m.variants, _metric_chip), spacing="5", wrap="wrap"),
        rx.plotly(data=m.metric_figure, id="metric-chart", width="100%", config=PLOT_CONFIG),
        card_id="monitor-metric",
    )


# ----- peeking --------------------------------------------------------------------------------------------------


def _peek_row(row: rx.Var) -> rx.Component:
    def figure(label: Text, value: rx.Var, hit: rx.Var, class_name: str) -> rx.Component:
        return rx.vstack(
            rx.text(t(label), size="1", color=rx.color("gray", 10)),
            rx.text(
                value,
                size="4",
                weight="bold",
                class_name=f"tabular-nums {class_name}",
                color=rx.cond(hit != "", rx.color("red", 11), rx.color("gray", 12)),
            ),
            spacing="0",
        )

    first = rx.cond(
        row["first_naive"] != "—",
        rx.cond(
            LocaleState.is_korean,
            rx.text.span(" · 처음 ", row["first_naive_ko"]),
            rx.text.span(" · first at ", row["first_naive"]),
        ),
    )
    return rx.hstack(
        rx.hstack(_swatch(row["color"]), rx.text(row["variant"], weight="medium"), spacing="2", align="center"),
        figure(("Naive p", "단순 p값"), row["naive_p"], row["naive_hit"], "naive-p"),
        figure(("Always-valid p", "항상 유효한 p값"), row["valid_p"], row["valid_hit"], "valid-p"),
        rx.vstack(
            rx.text(t(("Naive p < α at", "단순 p값 < α")), size="1", color=rx.color("gray", 10)),
            rx.text(
                rx.cond(
                    LocaleState.is_korean,
                    rx.text.span(row["naive_below"], "번"),
                    rx.text.span(row["naive_below"], " looks"),
                ),
                first,
                size="2",
                class_name="tabular-nums naive-below",
            ),
            spacing="0",
        ),
        spacing="6",
        align="center",
        wrap="wrap",
        padding="0.6rem 0.85rem",
        border_radius="var(--radius-3)",
        background=rx.color("gray", 2),
        border=f"1px solid {rx.color('gray', 4)}",
        width="100%",
        class_name="peek-row",
        custom_attrs={"data-variant": row["variant"]},
    )


def _peeking_legend() -> rx.Component:
    gray = rx.color("gray", 10)
    return rx.hstack(
        rx.hstack(
            _line_swatch("dotted", gray),
            rx.text(t(("naive p (z-test)", "단순 p값 (z-검정)")), size="1"),
            spacing="2",
            align="center",
        ),
        rx.hstack(
            _line_swatch("solid", gray),
            rx.text(t(("always-valid p (mSPRT)", "항상 유효한 p값 (mSPRT)")), size="1"),
            spacing="2",
            align="center",
        ),
        rx.hstack(_line_swatch("dashed", "#e5484d"), rx.text("α", size="1"), spacing="2", align="center"),
        spacing="4",
        wrap="wrap",
        color=rx.color("gray", 11),
    )


def _peeking_card(m: MonitorVars) -> rx.Component:
    chart = rx.vstack(
        _peeking_legend(),
        rx.plotly(data=m.p_figure, id="p-chart", width="100%", config=PLOT_CONFIG),
        rx.foreach(m.peeks, _peek_row),
        rx.text(bi(m.summary, "peeking"), size="2", id="peeking-summary"),
        spacing="3",
        width="100%",
    )
    return _card(
        _title(("Peeking: naive vs always-valid p", "엿보기: 단순 p값과 항상 유효한 p값")),
        t(
            (
                "Each look tests the data so far. Stopping the first time the naive p dips below α inflates false "
                "positives; the always-valid p may be checked at every look.",
                "매번 확인할 때마다 지금까지의 데이터를 검정합니다. "
                "단순 p값이 α 아래로 처음 내려갈 때 멈추면 거짓 양성이 늘어납니다. "
                "항상 유효한 p값은 매 확인마다 봐도 됩니다.",
            )
        ),
        rx.cond(m.peeks.length() > 0, chart),
        rx.callout(
            bi(m.summary, "tuning"), icon="sliders-horizontal", color_scheme="gray", size="1", id="msprt-tuning"
        ),
        card_id="monitor-peeking",
    )


# ----- events per second, empty, loading and error states -------------------------------------------------------


def _rate_card(m: MonitorVars) -> rx.Component:
    subtitle = rx.cond(
        LocaleState.is_korean,
        rx.text.span("저장된 이벤트 ", m.summary["events"], "개 · 최고 ", m.summary["peak_rate"]),
        rx.text.span(m.summary["events"], " events stored · peak ", m.summary["peak_rate"]),
    )
    return _card(
        _title(bi(m.summary, "rate_title")),
        subtitle,
        rx.plotly(data=m.rate_figure, id="rate-chart", width="100%", config=PLOT_CONFIG),
        rx.text(bi(m.summary, "rate_axis"), size="1", color=rx.color("gray", 10), align="center", id="rate-axis"),
        card_id="monitor-rate",
    )


def _engine_note() -> rx.Component:
    return rx.callout(
        t(
            (
                "The engine wrote this run at once, so its curves follow the visits' simulated times.",
                "엔진이 이 실행을 한 번에 기록했기 때문에, 곡선은 방문의 시뮬레이션 시각을 따릅니다.",
            )
        ),
        icon="cpu",
        color_scheme="gray",
        size="1",
        width="100%",
    )


def _waiting(m: MonitorVars) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.center(
                rx.cond(m.active, rx.icon("hourglass", size=20), rx.icon("inbox", size=20)), class_name="card-icon"
            ),
            rx.heading(
                rx.cond(
                    m.active,
                    t(("Waiting for the first exposures", "첫 노출을 기다리는 중")),
                    t(("No exposures", "노출 없음")),
                ),
                size="4",
            ),
            rx.text(
                rx.cond(
                    m.active,
                    t(
                        (
                            "Agents log an exposure on their first visit; the split and the curves appear "
                            "within seconds.",
                            "에이전트는 첫 방문에서 노출을 기록합니다. 배정 비율과 곡선이 곧 나타납니다.",
                        )
                    ),
                    t(
                        (
                            "This run stored no exposures, so there is nothing to chart. Launch a new run from "
                            "the form.",
                            "이 실행에는 저장된 노출이 없어 그릴 것이 없습니다. 양식에서 새 실행을 시작하세요.",
                        )
                    ),
                ),
                size="2",
                color=rx.color("gray", 11),
                text_align="center",
            ),
            spacing="2",
            align="center",
            padding_y="1.5rem",
            width="100%",
        ),
        size="2",
        width="100%",
        id="monitor-waiting",
    )


def _skeleton() -> rx.Component:
    return rx.vstack(
        *[rx.skeleton(rx.card(height=height), width="100%") for height in ("12rem", "20rem", "20rem")],
        spacing="4",
        width="100%",
        id="monitor-loading",
    )


def _error(m: MonitorVars) -> rx.Component:
    return rx.callout(
        rx.hstack(
            rx.text(t(("Could not read the monitor: ", "모니터를 읽지 못했습니다: ")), m.error),
            rx.button(t(("Try again", "다시 시도")), on_click=m.on_retry, size="1", variant="soft"),
            align="center",
            spacing="3",
            wrap="wrap",
        ),
        icon="triangle-alert",
        color_scheme="red",
        size="2",
        width="100%",
        id="monitor-error",
    )
