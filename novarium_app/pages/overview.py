"""Overview: the warehouse's headline KPIs and daily trends."""

import asyncio

import plotly.graph_objects as go
import reflex as rx
import sqlalchemy as sa

from marts.overview import WarehouseOverview, warehouse_overview
from marts.storage import StorageError
from novarium_app import routes
from novarium_app.components import charts
from novarium_app.components.layout import lab_page
from novarium_app.components.stat_card import stat_card
from novarium_app.formatting import format_change, format_value
from novarium_app.services import get_store
from novarium_app.settings import SettingsError


class OverviewState(rx.State):
    """What the Overview shows, loaded from the marts on each visit."""

    loading: bool = True
    error: str = ""
    empty: bool = False
    backend: str = ""
    period: str = ""
    users: str = ""
    kpis: list[dict[str, str]] = []
    _days: list[str] = []
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
        except (SettingsError, StorageError, sa.exc.SQLAlchemyError) as error:
            self.error = f"Could not read the warehouse: {str(error).splitlines()[0]}"
            self.loading = False
            return
        self.backend = store.backend
        self._show(overview)
        self.loading = False

    def _show(self, overview: WarehouseOverview) -> None:
        self.empty = overview.is_empty
        self.users = f"{overview.users:,}"
        if overview.is_empty:
            self.kpis = []
            return
        self.period = f"last {overview.window_days} days to {overview.last_day:%b %d, %Y}"
        cards = []
        for kpi in overview.kpis:
            change, direction = format_change(kpi.change)
            cards.append(
                {
                    "key": kpi.key,
                    "label": kpi.label,
                    "value": format_value(kpi.value, kpi.unit),
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
    def revenue_figure(self) -> go.Figure:
        """Revenue per day with its weekly average."""
        return charts.revenue_trend(self._days, self._revenue)


def _header() -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.heading("Overview", size="8", weight="bold"),
            rx.text("How the NovaEats shop is doing, straight from the warehouse marts.", color=rx.color("gray", 11)),
            spacing="1",
        ),
        rx.spacer(),
        rx.cond(
            OverviewState.backend != "",
            rx.hstack(
                rx.badge(rx.icon("database", size=14), OverviewState.backend, variant="surface", size="2"),
                rx.badge(rx.icon("users", size=14), OverviewState.users, " users", variant="surface", size="2"),
                spacing="2",
            ),
        ),
        align="end",
        width="100%",
    )


def _chart_card(title: str, subtitle: str, figure: rx.Var, chart_id: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(title, size="4"),
            rx.text(subtitle, size="2", color=rx.color("gray", 10)),
            rx.plotly(data=figure, id=chart_id, width="100%", config={"displayModeBar": False, "responsive": True}),
            spacing="1",
            width="100%",
        ),
        width="100%",
    )


def _loading() -> rx.Component:
    return rx.vstack(
        rx.grid(
            *[rx.skeleton(rx.card(height="7.5rem")) for _ in range(6)],
            columns=rx.breakpoints(initial="2", md="3"),
            spacing="4",
            width="100%",
        ),
        rx.skeleton(rx.card(height="22rem"), width="100%"),
        spacing="4",
        width="100%",
    )


def _empty() -> rx.Component:
    return rx.callout(
        rx.vstack(
            rx.text("The warehouse is empty.", weight="bold"),
            rx.text("Generate the NovaEats history and build the marts, then reload this page:"),
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
            rx.text(OverviewState.period, size="2", color=rx.color("gray", 11)),
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
        _chart_card(
            "Traffic and conversion",
            "Daily visitors (bars) and the share who ordered (line)",
            OverviewState.traffic_figure,
            "traffic-chart",
        ),
        _chart_card("Revenue", "Daily revenue and its 7-day average", OverviewState.revenue_figure, "revenue-chart"),
        spacing="4",
        width="100%",
    )


@lab_page(routes.OVERVIEW, "Overview", on_load=OverviewState.load)
def overview() -> rx.Component:
    """The Lab's first screen."""
    return rx.vstack(
        _header(),
        rx.cond(
            OverviewState.error != "",
            rx.callout(OverviewState.error, icon="triangle-alert", color_scheme="red", size="2", id="overview-error"),
            rx.cond(OverviewState.loading, _loading(), rx.cond(OverviewState.empty, _empty(), _dashboard())),
        ),
        spacing="5",
        width="100%",
    )
