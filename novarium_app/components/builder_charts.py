"""The power step's chart: power by day at the shop's traffic, with the target power and the planned day."""

import plotly.graph_objects as go

from novarium_app.components.charts import ACCENT, SECOND, base_layout

LABELS = {
    "en": {"power": "Power", "target": "Target", "day": "Day", "days": "Days", "reached": "target reached"},
    "ko": {"power": "검정력", "target": "목표", "day": "일차", "days": "일수", "reached": "목표 도달"},
}


def power_curve(
    days: list[int], power: list[float | None], target: float, planned_day: int, locale: str = "en"
) -> go.Figure:
    """Power after each day (None on days too small to test), a dashed target line and the day it is reached."""
    words = LABELS.get(locale, LABELS["en"])
    figure = go.Figure()
    figure.add_scatter(
        x=days,
        y=power,
        name=words["power"],
        mode="lines",
        line={"color": ACCENT, "width": 3},
        fill="tozeroy",
        fillcolor="rgba(110,86,207,0.10)",
        hovertemplate=f"{words['day']} %{{x}}: %{{y:.0%}}<extra></extra>",
        connectgaps=False,
    )
    if days:
        figure.add_scatter(
            x=[days[0], days[-1]],
            y=[target, target],
            name=f"{words['target']} {target:.0%}",
            mode="lines",
            line={"color": SECOND, "width": 2, "dash": "dash"},
            hoverinfo="skip",
        )
    if planned_day and days and planned_day <= days[-1]:
        figure.add_vline(x=planned_day, line={"color": SECOND, "width": 1, "dash": "dot"})
        figure.add_scatter(
            x=[planned_day],
            y=[target],
            name=f"{words['day']} {planned_day}",
            mode="markers",
            marker={"color": SECOND, "size": 10},
            hovertemplate=f"{words['day']} %{{x}}: {words['reached']}<extra></extra>",
        )
    figure.update_yaxes(range=[0, 1.02], tickformat=".0%")
    figure.update_xaxes(title_text=words["days"], rangemode="tozero")
    base_layout(figure, height=300)
    figure.update_layout(hovermode="closest")
    return figure
