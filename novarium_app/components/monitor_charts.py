"""The run monitor's Plotly figures, built from ``monitor_view``'s chart series.

Legends are drawn by the page (in the learner's language) rather than by Plotly, so the figures hold no words: only
variant names, numbers, times and day numbers (a calendar run's x axis is day 1 to day D, its hover the dates).
Backgrounds are transparent and Reflex switches Plotly's template with the colour mode, so they suit light and dark.
"""

import math
from typing import Any

import plotly.graph_objects as go

from novarium_app.components.charts import base_layout
from novarium_app.components.monitor_calendar import day_ticks

HEIGHT = 260
ALPHA_COLOR = "#e5484d"
RATE_COLOR = "#8e8c99"
TICKS = {"received": "%H:%M:%S", "simulated": "%m-%d %H:%M"}
VALUE_FORMATS = {"percent": ".2%", "money": "$,.2f", "number": ",.3f"}


def _figure(chart: dict[str, Any], height: int = HEIGHT) -> go.Figure:
    figure = base_layout(go.Figure(), height=height)
    # An empty template: Reflex merges in the colour mode's own, and the default one would add 6 kB per update.
    figure.update_layout(template=go.layout.Template(), showlegend=False, margin={"l": 56, "r": 16, "t": 12, "b": 32})
    if chart.get("clock") == "calendar":
        _day_axis(figure, int(chart.get("days") or 1))
    else:
        figure.update_xaxes(tickformat=TICKS.get(chart.get("clock", "received"), "%H:%M:%S"))
    return figure


def _day_axis(figure: go.Figure, days: int) -> None:
    """The experiment's days on the x axis: day ``d`` spans ``d - 1`` to ``d`` and is labelled in its middle."""
    positions, labels = day_ticks(days)
    figure.update_xaxes(
        type="linear",
        range=[0, days],
        tickmode="array",
        tickvals=positions,
        ticktext=labels,
        showgrid=False,
        minor={"tickvals": list(range(days + 1)), "showgrid": True},
    )


def _hover(chart: dict[str, Any], value: str) -> dict[str, Any]:
    """On a day axis the hover names the look's day and date; elsewhere the x value shows."""
    if chart.get("clock") == "calendar" and chart.get("dates"):
        return {"customdata": chart["dates"], "hovertemplate": f"%{{customdata}}<br>{value}<extra></extra>"}
    return {"hovertemplate": value}


def metric_figure(chart: dict[str, Any]) -> go.Figure:
    """The primary metric's cumulative value per variant at each look."""
    figure = _figure(chart)
    value_format = VALUE_FORMATS.get(chart.get("unit", "number"), ",.3f")
    for series in chart.get("metric", []):
        figure.add_scatter(
            x=chart["times"],
            y=series["values"],
            name=series["name"],
            mode="lines",
            line={"color": series["color"], "width": 2.5, "shape": "hv"},
            **_hover(chart, f"%{{y:{value_format}}}"),
        )
    figure.update_yaxes(tickformat=value_format.replace(",.3f", ",.2f"), rangemode="tozero")
    return figure


def p_value_figure(chart: dict[str, Any]) -> go.Figure:
    """Naive (dotted) and always-valid (solid) p-values per treatment at each look, on a log axis, with alpha."""
    figure = _figure(chart)
    lowest = 1.0
    for series in chart.get("peeking", []):
        for kind, dash, width in (("naive", "dot", 2.0), ("valid", "solid", 2.5)):
            values = series[kind]
            lowest = min([lowest, *[value for value in values if value is not None]])
            figure.add_scatter(
                x=chart["times"],
                y=values,
                name=f"{series['name']} · {'p' if kind == 'naive' else 'mSPRT'}",
                mode="lines",
                line={"color": series["color"], "width": width, "dash": dash},
                opacity=0.75 if kind == "naive" else 1.0,
                **_hover(chart, "%{y:.3g}"),
            )
    alpha = float(chart.get("alpha", 0.05))
    bottom = min(-3.0, math.floor(math.log10(max(lowest, 1e-6))))
    figure.add_hline(y=alpha, line={"color": ALPHA_COLOR, "width": 1.5, "dash": "dash"})
    figure.add_annotation(  # on a log axis an annotation's y is the log of the value (a shape's is not)
        x=0,
        xref="paper",
        y=math.log10(alpha),
        yref="y",
        text=f"α = {alpha:g}",
        showarrow=False,
        xanchor="left",
        yanchor="bottom",
        font={"color": ALPHA_COLOR},
    )
    figure.update_yaxes(type="log", range=[bottom, 0.05], dtick=1, exponentformat="power")
    return figure


def rate_figure(chart: dict[str, Any]) -> go.Figure:
    """Events stored per second (per day on a calendar), one bar per ``monitor_rates`` bar (the page labels the axis
    with its width)."""
    figure = _figure(chart, height=200)
    per = "day" if chart.get("clock") == "calendar" else "s"
    figure.add_bar(
        x=chart.get("rate_times", []),
        y=chart.get("rates", []),
        marker={"color": RATE_COLOR},
        opacity=0.8,
        hovertemplate=f"%{{y:,.1f}}/{per}<extra></extra>",
    )
    figure.update_layout(bargap=0.15)
    figure.update_yaxes(rangemode="tozero", tickformat=",.2~f" if max(chart.get("rates") or [0]) < 10 else ",.0f")
    return figure
