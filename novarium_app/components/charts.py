"""Plotly figure builders shared by the Lab's pages; transparent so they suit light and dark modes."""

import plotly.graph_objects as go

ACCENT = "#6e56cf"
SECOND = "#12a594"
GRID = "rgba(128,128,128,0.18)"
KOREAN_DAYS = {"tickformat": "%-m월 %-d일", "hoverformat": "%Y년 %-m월 %-d일"}
"""A date axis in Korean (Plotly's own month names are English only)."""
NAMES = {
    "visitors": ("Visitors", "방문자"),
    "conversion": ("Conversion", "전환율"),
    "daily_conversion": ("Conversion (per visitor, same day)", "전환율(당일 방문자당)"),
    "window_conversion": ("Conversion (per visitor, {window} days)", "전환율({window}일간 방문자당)"),
    "revenue": ("Revenue", "매출"),
    "average": ("{window}-day average", "{window}일 평균"),
    "share": ("Share of visitors", "방문자 비중"),
}
"""Legend names (English, Korean)."""


def _name(key: str, korean: bool, **values: object) -> str:
    return NAMES[key][1 if korean else 0].format(**values)


def _days_axis(figure: go.Figure, korean: bool) -> go.Figure:
    if korean:
        figure.update_xaxes(**KOREAN_DAYS)
    return figure


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


def traffic_and_conversion(
    days: list, visitors: list[float], conversion: list[float], korean: bool = False
) -> go.Figure:
    """Daily visitors as bars with each day's conversion (per visitor, that day) as a line on a second axis."""
    figure = go.Figure()
    figure.add_bar(x=days, y=visitors, name=_name("visitors", korean), marker_color=ACCENT, opacity=0.55)
    figure.add_scatter(
        x=days,
        y=conversion,
        name=_name("daily_conversion", korean),
        yaxis="y2",
        mode="lines",
        line={"color": SECOND, "width": 2.5},
        hovertemplate="%{y:.2%}",
    )
    figure.update_layout(yaxis2={"overlaying": "y", "side": "right", "tickformat": ".1%", "showgrid": False})
    return _days_axis(base_layout(figure), korean)


def revenue_trend(days: list, revenue: list[float], window: int = 7, korean: bool = False) -> go.Figure:
    """Daily revenue with its trailing moving average (legend and dates in Korean if asked)."""
    average = [
        sum(revenue[max(0, i - window + 1) : i + 1]) / len(revenue[max(0, i - window + 1) : i + 1])
        for i in range(len(revenue))
    ]
    figure = go.Figure()
    figure.add_scatter(
        x=days,
        y=revenue,
        name=_name("revenue", korean),
        mode="lines",
        line={"color": ACCENT, "width": 1},
        fill="tozeroy",
        fillcolor="rgba(110,86,207,0.12)",
        hovertemplate="$%{y:,.0f}",
    )
    figure.add_scatter(
        x=days,
        y=average,
        name=_name("average", korean, window=window),
        mode="lines",
        line={"color": ACCENT, "width": 3},
        hovertemplate="$%{y:,.0f}",
    )
    figure.update_yaxes(tickprefix="$")
    return _days_axis(base_layout(figure), korean)


def session_funnel(labels: list[str], sessions: list[int]) -> go.Figure:
    """Sessions reaching each step, with the share of all sessions."""
    figure = go.Figure(
        go.Funnel(
            y=labels,
            x=sessions,
            texttemplate="%{value:,}<br>%{percentInitial:.0%}",
            hovertemplate="%{y}: %{value:,} sessions (%{percentInitial:.1%} of visits)<extra></extra>",
            marker={"color": [ACCENT, "#8e79e0", "#a996ea", SECOND, "#0d8a7c"][: len(labels)]},
            connector={"line": {"color": GRID}},
        )
    )
    figure = base_layout(figure, height=300)
    figure.update_layout(hovermode="closest", margin={"l": 140, "r": 24, "t": 12, "b": 24})
    return figure


def persona_mix(
    personas: list[str], shares: list[float], conversion: list[float], korean: bool = False, window: int = 28
) -> go.Figure:
    """Each persona's share of visitors (bars) and its conversion per visitor over the window (markers)."""
    figure = go.Figure()
    figure.add_bar(x=personas, y=shares, name=_name("share", korean), marker_color=ACCENT, opacity=0.6,
                   hovertemplate="%{y:.1%}")  # fmt: skip
    figure.add_scatter(
        x=personas,
        y=conversion,
        name=_name("window_conversion", korean, window=window),
        yaxis="y2",
        mode="markers+lines",
        marker={"size": 10, "color": SECOND},
        line={"color": SECOND, "width": 1.5, "dash": "dot"},
        hovertemplate="%{y:.2%}",
    )
    figure.update_yaxes(tickformat=".0%")
    figure.update_layout(yaxis2={"overlaying": "y", "side": "right", "tickformat": ".1%", "showgrid": False})
    return base_layout(figure, height=300)
