"""The results page's estimate-and-interval plot: one row per metric × variant, primary first."""

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from novarium_app.components.charts import ACCENT, base_layout

ROLE_COLORS = {"primary": ACCENT, "secondary": "#0090ff", "guardrail": "#e5484d"}
TRUTH_COLOR = "#30a46c"
ROLE_NAMES = {
    "primary": ("Primary", "1차 지표"),
    "secondary": ("Secondary", "보조 지표"),
    "guardrail": ("Guardrail", "가드레일"),
}


def forest(
    points: Sequence[Mapping[str, Any]],
    *,
    korean: bool = False,
    truth: Mapping[str, float | None] | None = None,
) -> go.Figure:
    """Relative lift with its interval per row, in the readout's analysis; true effects as diamonds.

    Args:
        points: ``views.forest_points`` rows.
        korean: label in Korean.
        truth: row key -> true relative effect, only after the decision.
    """
    language = 1 if korean else 0
    rows = []
    for point in points:
        rel = point["rel"]
        low, high = point["ci"] or (None, None)
        if rel is None:
            continue
        label = point["label_ko"] if korean else point["label_en"]
        rows.append((label, point["role"], rel, low, high, point["key"]))
    rows.reverse()  # plotly draws the first category at the bottom; the primary metric belongs on top
    figure = go.Figure()
    for role, color in ROLE_COLORS.items():
        mine = [row for row in rows if row[1] == role]
        if not mine:
            continue
        figure.add_scatter(
            x=[row[2] for row in mine],
            y=[row[0] for row in mine],
            mode="markers",
            name=ROLE_NAMES[role][language],
            marker={"color": color, "size": 10},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": [(row[4] - row[2]) if row[4] is not None else 0 for row in mine],
                "arrayminus": [(row[2] - row[3]) if row[3] is not None else 0 for row in mine],
                "color": color,
                "thickness": 2,
                "width": 6,
            },
            hovertemplate="%{y}: %{x:+.2%}<extra></extra>",
        )
    if truth:
        known = [row for row in rows if truth.get(row[5]) is not None]
        figure.add_scatter(
            x=[truth[row[5]] for row in known],
            y=[row[0] for row in known],
            mode="markers",
            name=("True effect", "실제 효과")[language],
            marker={"color": TRUTH_COLOR, "size": 12, "symbol": "diamond-open", "line": {"width": 2.5}},
            hovertemplate="%{y}: %{x:+.2%}<extra></extra>",
        )
    figure.add_vline(x=0, line_width=1, line_dash="dot", line_color="rgba(128,128,128,0.7)")
    base_layout(figure, height=max(160, 70 + 46 * len(rows)))
    figure.update_layout(
        hovermode="closest",
        margin={"l": 12, "r": 24, "t": 36, "b": 40},
        yaxis={"type": "category", "categoryorder": "array", "categoryarray": [row[0] for row in rows]},
    )
    figure.update_xaxes(tickformat="+.0%", title=("Relative lift vs control", "대조군 대비 상대 변화")[language])
    figure.update_yaxes(automargin=True)
    return figure
