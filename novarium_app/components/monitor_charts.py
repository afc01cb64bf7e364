"""The run monitor's Plotly figures, built from ``monitor_view``'s chart series.

Legends are drawn by the page (in the learner's language) rather than by Plotly, so the figures hold no words: only
variant names, numbers and times. Backgrounds are transparent and Reflex switches Plotly's template with the colour
mode, so they suit light and dark.
"""

import math
from typing import Any

import plotly.graph_objects as go

from novarium_app.components.charts import base_layout

HEIGHT = 260
ALPHA_COLOR = "#e5484d"
RATE_COLOR = "#8e8c99"
TICKS = {"received": "%H:%M:%S", "simulated": "%m-%d %H:%M"}
VALUE_FORMATS = {"percent": ".2%", "money": "$,.2f", "number": ",.3f"}


def _figure(chart: dict[str, Any], height: int = HEIGHT) -> go.Figure:
    figure = base_layout(go.Figure(), height=height)
    # An empty template: Reflex merges in the colour mode's own, and the default one would add 6 kB per update.
    figure.update_layout(template=go.layout.Template(), showlegend=False, margin={"l": 56, "r": 16, "t": 12, "b": 32})
    figure.update_xaxes(tickformat=TICKS.get(chart.get("clock", "received"), "%H:%M:%S"))
    return figure


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
            hovertemplate=f"%{{y:{value_format}}}",
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
                hovertemplate="%{y:.3g}",
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
    """Events stored per second, one bar per ``monitor_rates`` bar (the page labels the axis with its width)."""
    figure = _figure(chart, height=200)
    figure.add_bar(
        x=chart.get("rate_times", []),
        y=chart.get("rates", []),
        marker={"color": RATE_COLOR},
        opacity=0.8,
        hovertemplate="%{y:,.1f}/s<extra></extra>",
    )
    figure.update_layout(bargap=0.15)
    figure.update_yaxes(rangemode="tozero", tickformat=",.2~f" if max(chart.get("rates") or [0]) < 10 else ",.0f")
    return figure
