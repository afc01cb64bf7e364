"""Plotly figure builders shared by the Lab's pages; transparent so they suit light and dark modes."""

import plotly.graph_objects as go

ACCENT = "#6e56cf"
SECOND = "#12a594"
GRID = "rgba(128,128,128,0.18)"


def base_layout(figure: go.Figure, height: int = 320) -> go.Figure:
    """Apply the Lab's chart style."""
    figure.update_layout(
        height=height,
        margin={"l": 48, "r": 48, "t": 24, "b": 36},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font={"family": "Inter, system-ui, sans-serif", "size": 12, "color": "#8b8d98"},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        hovermode="x unified",
    )
    figure.update_xaxes(gridcolor=GRID, zeroline=False)
    figure.update_yaxes(gridcolor=GRID, zeroline=False)
    return figure


def traffic_and_conversion(days: list, visitors: list[float], conversion: list[float]) -> go.Figure:
    """Daily visitors as bars with conversion as a line on a second axis."""
    figure = go.Figure()
    figure.add_bar(x=days, y=visitors, name="Visitors", marker_color=ACCENT, opacity=0.55)
    figure.add_scatter(
        x=days,
        y=conversion,
        name="Conversion",
        yaxis="y2",
        mode="lines",
        line={"color": SECOND, "width": 2.5},
        hovertemplate="%{y:.2%}",
    )
    figure.update_layout(yaxis2={"overlaying": "y", "side": "right", "tickformat": ".1%", "showgrid": False})
    return base_layout(figure)


def revenue_trend(days: list, revenue: list[float], window: int = 7) -> go.Figure:
    """Daily revenue with its trailing moving average."""
    average = [
        sum(revenue[max(0, i - window + 1) : i + 1]) / len(revenue[max(0, i - window + 1) : i + 1])
        for i in range(len(revenue))
    ]
    figure = go.Figure()
    figure.add_scatter(
        x=days,
        y=revenue,
        name="Revenue",
        mode="lines",
        line={"color": ACCENT, "width": 1},
        fill="tozeroy",
        fillcolor="rgba(110,86,207,0.12)",
        hovertemplate="$%{y:,.0f}",
    )
    figure.add_scatter(
        x=days,
        y=average,
        name=f"{window}-day average",
        mode="lines",
        line={"color": ACCENT, "width": 3},
        hovertemplate="$%{y:,.0f}",
    )
    figure.update_yaxes(tickprefix="$")
    return base_layout(figure)
