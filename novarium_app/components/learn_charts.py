"""The Learn page's figures: the A/A p-value histogram, false positives by number of looks, one peeking trajectory.

Each builder takes ``ko`` and labels the figure in Korean when it is true; the page keeps one figure per language.
"""

import plotly.graph_objects as go

from novarium_app.components.charts import ACCENT, SECOND, base_layout

FALSE_POSITIVE = "#e5484d"
THEORY = "#8b8d98"


def _say(ko: bool, english: str, korean: str) -> str:
    return korean if ko else english


def _alpha_line(figure: go.Figure, alpha: float, ko: bool, axis: str = "y") -> None:
    """A dashed line at alpha, labelled."""
    label = f"α = {alpha:.0%}"
    if axis == "y":
        figure.add_hline(y=alpha, line_dash="dash", line_color=THEORY, annotation_text=label)
    else:
        figure.add_vline(x=alpha, line_dash="dot", line_color=FALSE_POSITIVE, annotation_text=label)


def _by_look(figure: go.Figure, looks: list[int], values: list, name: str, line: dict, hover: str) -> None:
    """One line over the looks; a dotted line (a theory) has no markers."""
    mode = "lines" if line.get("dash") else "lines+markers"
    figure.add_scatter(x=looks, y=values, name=name, mode=mode, line=line, hovertemplate=hover)


def _look_axis(figure: go.Figure, looks: list[int], title: str) -> None:
    """The x axis of looks: a tick a day, every other day past 15 looks."""
    figure.update_xaxes(title_text=title, dtick=1 if len(looks) <= 15 else 2)


def pvalue_histogram(counts: list[int], expected: float, alpha: float, ko: bool) -> go.Figure:
    """The p-values in equal bins; bins below alpha (the false positives) in red; the uniform expectation dashed."""
    width = 1 / max(len(counts), 1)
    bins = [(width * (index + 0.5), count) for index, count in enumerate(counts)]
    hover = (
        _say(ko, "p %{x:.3f} ± ", "p %{x:.3f} ± ") + f"{width / 2:.3f}: " + _say(ko, "%{y} experiments", "실험 %{y}개")
    )
    figure = go.Figure()
    for name, colour, chosen in (
        (_say(ko, "p < α: false positives", "p < α: 거짓 양성"), FALSE_POSITIVE, True),
        (_say(ko, "p ≥ α", "p ≥ α"), ACCENT, False),
    ):
        shown = [(centre, count) for centre, count in bins if (centre + width / 2 <= alpha + 1e-9) == chosen]
        figure.add_bar(
            x=[centre for centre, _ in shown],
            y=[count for _, count in shown],
            width=width * 0.92,
            marker_color=colour,
            name=name,
            hovertemplate=hover + "<extra></extra>",
        )
    figure.add_scatter(
        x=[0, 1],
        y=[expected, expected],
        mode="lines",
        line={"color": SECOND, "width": 2, "dash": "dash"},
        name=_say(ko, f"Expected if uniform: {expected:,.0f} per bar", f"균일할 때 기대값: 막대당 {expected:,.0f}"),
        hoverinfo="skip",
    )
    _alpha_line(figure, alpha, ko, axis="x")
    figure.update_xaxes(range=[0, 1], dtick=0.1, title_text=_say(ko, "p-value", "p-값"))
    figure.update_yaxes(title_text=_say(ko, "Experiments", "실험 수"), rangemode="tozero")
    figure = base_layout(figure)
    figure.update_layout(barmode="overlay", bargap=0, hovermode="closest")
    return figure


def false_positives_by_look(
    looks: list[int], naive: list[float], valid: list[float], theory: list[float], alpha: float, ko: bool
) -> go.Figure:
    """The share of A/A experiments declared significant by each look: naive, always-valid and the theory."""
    figure = go.Figure()
    hover = "%{y:.1%}"
    naive_name = _say(ko, "Naive p < α (stop at first)", "단순 p < α (처음에 멈춤)")
    _by_look(figure, looks, naive, naive_name, {"color": FALSE_POSITIVE, "width": 3}, hover)
    theory_name = _say(ko, "Theory (Armitage et al.)", "이론값 (Armitage 외)")
    _by_look(figure, looks, theory, theory_name, {"color": THEORY, "width": 2, "dash": "dot"}, hover)
    valid_name = _say(ko, "Always-valid p < α (mSPRT)", "항상 유효한 p < α (mSPRT)")
    _by_look(figure, looks, valid, valid_name, {"color": SECOND, "width": 3}, hover)
    _alpha_line(figure, alpha, ko)
    _look_axis(figure, looks, _say(ko, "Looks so far (days)", "지금까지 확인한 횟수 (일)"))
    figure.update_yaxes(
        title_text=_say(ko, "False-positive rate", "거짓 양성 비율"), tickformat=".0%", rangemode="tozero"
    )
    return base_layout(figure)


def sample_trajectory(looks: list[int], naive: list, valid: list, alpha: float, ko: bool) -> go.Figure:
    """One experiment's naive and always-valid p-values at each look."""
    figure = go.Figure()
    hover = "%{y:.3f}"
    _by_look(
        figure, looks, naive, _say(ko, "Naive p-value", "단순 p-값"), {"color": FALSE_POSITIVE, "width": 2.5}, hover
    )
    valid_name = _say(ko, "Always-valid p-value", "항상 유효한 p-값")
    _by_look(figure, looks, valid, valid_name, {"color": SECOND, "width": 2.5}, hover)
    _alpha_line(figure, alpha, ko)
    _look_axis(figure, looks, _say(ko, "Look (day)", "확인 시점 (일)"))
    figure.update_yaxes(title_text="p", range=[0, 1.02])
    return base_layout(figure)
