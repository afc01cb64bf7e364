"""Overview: the warehouse KPIs, daily trends, the funnel, the persona mix and experiment ideas from the data."""

import asyncio
from urllib.parse import urlencode

import plotly.graph_objects as go
import reflex as rx
import sqlalchemy as sa

from marts.insights import FUNNEL_STEPS, Alert, Insights, warehouse_insights
from marts.overview import WarehouseOverview, warehouse_overview
from marts.storage import StorageError
from marts.vocabulary import metric_name, persona_name
from novarium_app import routes
from novarium_app.components import charts
from novarium_app.components.layout import lab_page
from novarium_app.components.page_parts import error_callout, loading_grid, page_header
from novarium_app.components.stat_card import stat_card
from novarium_app.formatting import format_change, format_value
from novarium_app.i18n import LocaleState, Text, t
from novarium_app.services import get_store
from novarium_app.settings import SettingsError

FUNNEL_LABELS_KO = {
    "sessions": "방문",
    "viewed_item": "메뉴 조회",
    "added_to_cart": "장바구니 담기",
    "started_checkout": "결제 시작",
    "ordered": "주문 완료",
}


DEFINITIONS: Text = (
    "Each tile says its unit. Conversion is the share of the window's visitors who ordered at least once in it, "
    "as an experiment measures it; an order counts when placed, cancelled later or not.",
    "각 타일에 단위가 적혀 있습니다. 전환율은 기간 방문자 중 그 기간에 한 번 이상 주문한 비율로, 실험과 같은 "
    "방식입니다. 주문은 나중에 취소되더라도 주문한 시점에 셉니다.",
)
"""The catalog's rules in one line under the tiles (``marts.metrics``)."""


class OverviewState(rx.State):
    """What the Overview shows, loaded from the marts on each visit."""

    loading: bool = True
    error: str = ""
    empty: bool = False
    backend: str = ""
    period: str = ""
    period_ko: str = ""
    users: str = ""
    window_days: int = 28
    kpis: list[dict[str, str]] = []
    alerts: list[dict[str, str]] = []
    _days: list[str] = []
    _funnel: list[int] = []
    _personas: list[str] = []
    _persona_share: list[float] = []
    _persona_conversion: list[float] = []
    _visitors: list[float] = []
    _conversion: list[float] = []
    _revenue: list[float] = []

    @rx.event
    async def load(self):
        """Read the overview from storage off the event loop; show the reason if it fails."""
        self.loading = True
        self.error = ""
        yield
        try:
            store = await asyncio.to_thread(get_store)
            overview = await asyncio.to_thread(warehouse_overview, store)
            insights = await asyncio.to_thread(warehouse_insights, store)
        except (SettingsError, StorageError, sa.exc.SQLAlchemyError) as error:
            self.error = f"Could not read the warehouse: {str(error).splitlines()[0]}"
            self.loading = False
            return
        self.backend = store.backend
        self._show(overview)
        self._show_insights(insights)
        self.loading = False

    def _show_insights(self, insights: Insights) -> None:
        self._funnel = [step.sessions for step in insights.funnel]
        self._personas = [p.persona for p in insights.personas]
        self._persona_share = [p.share for p in insights.personas]
        self._persona_conversion = [p.conversion for p in insights.personas]
        self.alerts = [
            {
                "key": alert.key,
                "severity": alert.severity,
                "title": alert.title[0],
                "title_ko": alert.title[1],
                "evidence": alert.evidence[0],
                "evidence_ko": alert.evidence[1],
                "idea": alert.idea[0],
                "idea_ko": alert.idea[1],
                "href": builder_link(alert),
            }
            for alert in insights.alerts
        ]

    def _show(self, overview: WarehouseOverview) -> None:
        self.empty = overview.is_empty
        self.users = f"{overview.users:,}"
        if overview.is_empty:
            self.kpis = []
            return
        last = overview.last_day
        self.window_days = overview.window_days
        self.period = f"last {overview.window_days} days to {last:%b %d, %Y}"
        self.period_ko = f"{last.year}년 {last.month}월 {last.day}일까지 최근 {overview.window_days}일"
        cards = []
        for kpi in overview.kpis:
            change, direction = format_change(kpi.change)
            cards.append(
                {
                    "key": kpi.key,
                    "label": kpi.label,
                    "label_ko": metric_name(kpi.key)[1],
                    "unit": kpi.unit[0],
                    "unit_ko": kpi.unit[1],
                    "value": format_value(kpi.value, kpi.display),
                    "change": change,
                    "direction": direction,
                }
            )
        self.kpis = cards
        daily = overview.daily
        self._days = [str(day) for day in daily["day"]]
        self._visitors = [float(v) for v in daily["visitors"]]
        self._conversion = [float(v) for v in daily["conversion"]]
        self._revenue = [float(v) for v in daily["revenue"]]

    @rx.var
    def traffic_figure(self) -> go.Figure:
        """Visitors and conversion per day."""
        return charts.traffic_and_conversion(self._days, self._visitors, self._conversion)

    @rx.var
    def traffic_figure_ko(self) -> go.Figure:
        """Visitors and conversion per day (Korean legend and dates)."""
        return charts.traffic_and_conversion(self._days, self._visitors, self._conversion, korean=True)

    @rx.var
    def revenue_figure(self) -> go.Figure:
        """Revenue per day with its weekly average."""
        return charts.revenue_trend(self._days, self._revenue)

    @rx.var
    def revenue_figure_ko(self) -> go.Figure:
        """Revenue per day with its weekly average (Korean legend and dates)."""
        return charts.revenue_trend(self._days, self._revenue, korean=True)

    @rx.var
    def funnel_figure(self) -> go.Figure:
        """Sessions through the funnel (English labels)."""
        return charts.session_funnel([label for _, label in FUNNEL_STEPS][: len(self._funnel)], self._funnel)

    @rx.var
    def funnel_figure_ko(self) -> go.Figure:
        """Sessions through the funnel (Korean labels)."""
        labels = [FUNNEL_LABELS_KO[key] for key, _ in FUNNEL_STEPS][: len(self._funnel)]
        return charts.session_funnel(labels, self._funnel)

    @rx.var
    def persona_figure(self) -> go.Figure:
        """Persona mix and conversion (English names)."""
        names = [persona_name(p)[0] for p in self._personas]
        return charts.persona_mix(names, self._persona_share, self._persona_conversion, window=self.window_days)

    @rx.var
    def persona_figure_ko(self) -> go.Figure:
        """Persona mix and conversion (Korean names)."""
        names = [persona_name(p)[1] for p in self._personas]
        return charts.persona_mix(
            names, self._persona_share, self._persona_conversion, korean=True, window=self.window_days
        )


def builder_link(alert: Alert) -> str:
    """The builder, prefilled with an alert's idea: the metric, the segment, the change and the knob setting."""
    params = {"metric": alert.metric, "idea": alert.change[0], "why": alert.evidence[0], alert.knob: alert.knob_value}
    if alert.persona:
        params["persona"] = alert.persona
    return f"{routes.BUILDER}?{urlencode(params)}"


def _header() -> rx.Component:
    return page_header(
        ("Overview", "개요"),
        (
            "How the NovaEats shop is doing, straight from the warehouse marts.",
            "웨어하우스 마트로 본 NovaEats 쇼핑몰의 현황입니다.",
        ),
        rx.cond(
            OverviewState.backend != "",
            rx.hstack(
                rx.badge(rx.icon("database", size=14), OverviewState.backend, variant="surface", size="2"),
                rx.badge(
                    rx.icon("users", size=14), OverviewState.users, t((" users", "명")), variant="surface", size="2"
                ),
                spacing="2",
            ),
        ),
    )


def _plot(figure: rx.Var, chart_id: str) -> rx.Component:
    return rx.plotly(data=figure, id=chart_id, width="100%", config={"displayModeBar": False, "responsive": True})


def _chart_card(
    title: Text, subtitle: Text, figure: rx.Var, chart_id: str, figure_ko: rx.Var | None = None
) -> rx.Component:
    plot = _plot(figure, chart_id)
    if figure_ko is not None:
        plot = rx.cond(LocaleState.is_korean, _plot(figure_ko, chart_id), plot)
    return rx.card(
        rx.vstack(
            rx.heading(t(title), size="4"),
            rx.text(t(subtitle), size="2", color=rx.color("gray", 10)),
            plot,
            spacing="1",
            width="100%",
        ),
        width="100%",
    )


def _loading() -> rx.Component:
    return rx.vstack(
        loading_grid(["7.5rem"] * 6, columns=rx.breakpoints(initial="2", md="3")),
        rx.skeleton(rx.card(height="22rem"), width="100%"),
        spacing="4",
        width="100%",
    )


def _empty() -> rx.Component:
    return rx.callout(
        rx.vstack(
            rx.text(t(("The warehouse is empty.", "웨어하우스가 비어 있습니다.")), weight="bold"),
            rx.text(
                t(
                    (
                        "Generate the NovaEats history and build the marts, then reload this page:",
                        "NovaEats 이력을 생성하고 마트를 만든 뒤 이 페이지를 새로 고치세요:",
                    )
                )
            ),
            rx.code("novarium seed"),
            spacing="2",
        ),
        icon="database",
        color_scheme="amber",
        size="3",
        id="overview-empty",
    )


def _dashboard() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.icon("calendar", size=16),
            rx.text(
                rx.cond(LocaleState.is_korean, OverviewState.period_ko, OverviewState.period),
                size="2",
                color=rx.color("gray", 11),
                id="overview-period",
            ),
            align="center",
            spacing="2",
        ),
        rx.grid(
            rx.foreach(OverviewState.kpis, stat_card),
            columns=rx.breakpoints(initial="2", md="3"),
            spacing="4",
            width="100%",
            id="kpis",
        ),
        rx.text(t(DEFINITIONS), size="1", color=rx.color("gray", 10), id="overview-definitions"),
        _alerts(),
        _chart_card(
            ("Traffic and conversion", "트래픽과 전환율"),
            (
                "Daily visitors (bars) and the share of each day's visitors who ordered that day (line)",
                "일별 방문자(막대)와 그날 방문자 중 그날 주문한 비율(선)",
            ),
            OverviewState.traffic_figure,
            "traffic-chart",
            OverviewState.traffic_figure_ko,
        ),
        _chart_card(
            ("Revenue", "매출"),
            ("Daily revenue and its 7-day average", "일별 매출과 7일 평균"),
            OverviewState.revenue_figure,
            "revenue-chart",
            OverviewState.revenue_figure_ko,
        ),
        rx.grid(
            _chart_card(
                ("Funnel", "퍼널"),
                (
                    "Sessions reaching each step, last 28 days (per session: Ordered counts the Orders tile's orders)",
                    "최근 28일, 단계별로 도달한 세션(세션당: '주문 완료'는 주문 타일의 주문과 같습니다)",
                ),
                OverviewState.funnel_figure,
                "funnel-chart",
                OverviewState.funnel_figure_ko,
            ),
            _chart_card(
                ("Persona mix", "페르소나 구성"),
                (
                    "Share of visitors (bars) and conversion per visitor over 28 days (dots) per persona",
                    "페르소나별 방문자 비중(막대)과 28일간 방문자당 전환율(점)",
                ),
                OverviewState.persona_figure,
                "persona-chart",
                OverviewState.persona_figure_ko,
            ),
            columns=rx.breakpoints(initial="1", lg="2"),
            spacing="4",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


def _alert_card(alert: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.badge(
                    rx.cond(alert["severity"] == "high", t(("High", "높음")), t(("Medium", "보통"))),
                    color_scheme=rx.cond(alert["severity"] == "high", "tomato", "amber"),
                    variant="soft",
                ),
                rx.text(rx.cond(LocaleState.is_korean, alert["title_ko"], alert["title"]), weight="bold", size="3"),
                align="center",
                spacing="2",
            ),
            rx.text(
                rx.cond(LocaleState.is_korean, alert["evidence_ko"], alert["evidence"]),
                size="2",
                color=rx.color("gray", 11),
            ),
            rx.text(
                rx.icon("lightbulb", size=14),
                " ",
                rx.cond(LocaleState.is_korean, alert["idea_ko"], alert["idea"]),
                size="2",
                color=rx.color("accent", 11),
            ),
            rx.link(
                rx.button(
                    rx.icon("flask-conical", size=14),
                    t(("Design this experiment", "이 실험 설계하기")),
                    size="2",
                    variant="soft",
                ),
                href=alert["href"],
            ),
            spacing="2",
            align="start",
        ),
        class_name="alert-card",
        custom_attrs={"data-alert": alert["key"]},
        width="100%",
    )


def _alerts() -> rx.Component:
    return rx.cond(
        OverviewState.alerts.length() > 0,
        rx.vstack(
            rx.hstack(
                rx.icon("sparkles", size=18, color=rx.color("accent", 10)),
                rx.heading(t(("Experiment ideas from your data", "데이터가 제안하는 실험 아이디어")), size="4"),
                align="center",
                spacing="2",
            ),
            rx.grid(
                rx.foreach(OverviewState.alerts, _alert_card),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="4",
                width="100%",
            ),
            spacing="3",
            width="100%",
            id="alerts",
        ),
    )


@lab_page(routes.OVERVIEW, "Overview", on_load=OverviewState.load)
def overview() -> rx.Component:
    """The Lab's first screen."""
    return rx.vstack(
        _header(),
        rx.cond(
            OverviewState.error != "",
            error_callout(OverviewState.error, element_id="overview-error"),
            rx.cond(OverviewState.loading, _loading(), rx.cond(OverviewState.empty, _empty(), _dashboard())),
        ),
        spacing="5",
        width="100%",
    )
