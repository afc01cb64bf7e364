"""``novarium analyze``: analyse your own experiment from a CSV with one row per unit."""

import json
import sys
from pathlib import Path

import click
import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from marts.stats.analysis import MDE_POWER, analyze_units
from marts.stats.decision import Decision
from marts.stats.multiple import CORRECTIONS
from marts.stats.readout import MetricReadout, Readout, SegmentReadout, VariantComparison
from marts.stats.units import parse_guardrails, parse_weights, prepare_units
from marts.vocabulary import format_p
from novarium_app.commands.errors import one_line_errors

console = Console(width=max(Console().width, 160))  # the widest table is ~140 columns
SRM_STYLE = {"ok": "green", "caution": "yellow", "warning": "bold red", "unavailable": "dim"}
VERDICT_STYLE = {"ship": "bold green", "dont_ship": "bold red", "keep_running": "yellow", "inconclusive": "yellow"}
VERDICT_WORDS = {
    "ship": "ship",
    "dont_ship": "don't ship",
    "keep_running": "keep running",
    "inconclusive": "inconclusive",
}
GUARDRAIL_WORDS = {"non_inferior": "non-inferior", "inconclusive": "not shown", "harmed": "harmed"}
GUARDRAIL_STYLE = {"non_inferior": "green", "inconclusive": "yellow", "harmed": "bold red"}


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--variant-col", required=True, help="Column naming each unit's variant.")
@click.option("--control", required=True, help="The control variant's name.")
@click.option("--metric", "metrics", multiple=True, required=True, help="Metric column (repeat for several).")
@click.option("--covariate", default=None, help="Pre-period column for CUPED.")
@click.option(
    "--cuped/--no-cuped",
    default=None,
    help="Read every figure (lifts, p-values, adjusted p-values, guardrails, the verdict) with CUPED on the "
    "--covariate, or without it [default: with CUPED when --covariate is given].",
)
@click.option("--weights", "weights_text", default=None, help="Planned split, e.g. a=50,b=50 [default: equal].")
@click.option(
    "--guardrail",
    "guardrail_texts",
    multiple=True,
    metavar="COL=MARGIN",
    help="Guardrail column and the largest harm tolerated: 5% is relative to control, 0.5 is absolute (repeatable). "
    "Guardrails are not in the multiple-testing family; a guardrail is a goal only if also given with --metric.",
)
@click.option(
    "--lower-is-better",
    "lower_is_better",
    multiple=True,
    metavar="COL",
    help="A --metric or --guardrail column whose good direction is down (repeatable).",
)
@click.option(
    "--planned-units",
    type=click.IntRange(min=2),
    default=None,
    help="Units per comparison (control + treatment) you planned: tunes the always-valid test, and until each arm "
    "holds half of them an undecided verdict reads keep running [default: the observed units, data complete].",
)
@click.option("--segment", default=None, metavar="COL", help="Break every comparison down by this column's values.")
@click.option("--alpha", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.05, show_default=True)
@click.option(
    "--correction",
    type=click.Choice([c for c in CORRECTIONS if c != "none"]),
    default="holm",
    show_default=True,
    help="Multiple-testing adjustment across goal metrics × variants, and across a breakdown's segments.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@one_line_errors
def analyze(
    file: Path,
    variant_col: str,
    control: str,
    metrics: tuple[str, ...],
    covariate: str | None,
    cuped: bool | None,
    weights_text: str | None,
    guardrail_texts: tuple[str, ...],
    lower_is_better: tuple[str, ...],
    planned_units: int | None,
    segment: str | None,
    alpha: float,
    correction: str,
    as_json: bool,
) -> None:
    """Analyse FILE (CSV, one row per unit): SRM, tests, Bayesian, sequential, power, CUPED, guardrails, segments.

    A 0/1 or True/False metric column is binary (two-proportion z-test); any other numeric column is continuous
    (Welch t-test). P-values are adjusted across goal metrics × variants (Holm unless --correction says otherwise).
    Each comparison also gets the always-valid (mSPRT) p-value and interval and the MDE at 80% power; the ship rule
    then gives a verdict per treatment variant. With --covariate every figure is read with CUPED unless --no-cuped.
    """
    guardrails = parse_guardrails(guardrail_texts)
    data = prepare_units(
        read_units(file),
        variant_col=variant_col,
        control=control,
        metrics=list(metrics),
        covariate=covariate,
        weights=parse_weights(weights_text),
        guardrails=guardrails,
        lower_is_better=lower_is_better,
        segment=segment,
    )
    report = analyze_units(data, alpha=alpha, correction=correction, planned_units=planned_units, cuped=cuped)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2, allow_nan=False))
    else:
        print_report(report)


def read_units(file: Path) -> pd.DataFrame:
    """The CSV as a frame; raises ValueError with one line for a missing, empty or unreadable file."""
    if not file.is_file():
        raise ValueError(f"FILE: {file} does not exist")
    try:
        return pd.read_csv(file)
    except pd.errors.EmptyDataError:
        raise ValueError(f"FILE: {file} is empty") from None
    except (pd.errors.ParserError, UnicodeDecodeError, OSError, EOFError) as error:  # OSError: a broken .gz
        raise ValueError(f"FILE: {file} is not a readable CSV ({str(error).splitlines()[0]})") from None


def print_report(report: Readout) -> None:
    """The report as readable tables, ending with the verdict per treatment variant."""
    console.print(Text(_analysis_line(report), style="bold"))
    srm = report.srm
    style = SRM_STYLE.get(srm.status, "")
    console.print(f"[{style}]Sample ratio ({srm.status}):[/] {escape(srm.message)}")
    for metric in report.metrics:
        console.print(_metric_table(metric))
        for item in metric.comparisons:
            for note in _notes(item, report.alpha):
                console.print(note)
    for segment in report.segments:
        console.print(_segment_table(segment, report))
        if segment.breakdown.warning:
            console.print(Text(segment.breakdown.warning, style="yellow"))
    console.print(Text(_footer(report)))
    for decision in report.decisions:
        console.print(_decision_panel(decision))
    sys.stdout.flush()


def _analysis_line(report: Readout) -> str:
    analysis = report.analysis
    if not analysis.cuped:
        return f"Analysis: {analysis.label[0]}"
    return f"Analysis: {analysis.label[0]} (covariate {analysis.covariate}); every figure below reads it"


def _footer(report: Readout) -> str:
    outside = " (guardrail-only metrics are outside it)" if any(not m.goal for m in report.metrics) else ""
    planned = (
        f"{report.planned_units:,} planned units (--planned-units)"
        if report.planned_units
        else "each comparison's observed units (--planned-units sets your plan)"
    )
    return "\n".join(
        [
            f"alpha {report.alpha:g}; p adj = {report.correction} across {report.family_size} goal comparison(s)"
            f"{outside}",
            "P(beat) = Bayesian chance to beat control in the metric's good direction",
            "always-valid p [CI] = mSPRT p-value and interval on the absolute lift, valid at any look;",
            f"  tuned for the tightest interval at {planned}",
        ]
    )


def _title(metric: MetricReadout) -> str:
    parts = [] if metric.goal else ["guardrail only"]
    if metric.guardrail is not None and metric.goal:
        parts.append("also a guardrail")
    if metric.guardrail is not None:
        parts.append(f"margin {metric.guardrail.text}")
    if not metric.higher_is_better:
        parts.append("lower is better")
    suffix = f" · {', '.join(parts)}" if parts else ""
    return escape(f"{metric.metric} ({metric.kind}){suffix}")


def _metric_table(metric: MetricReadout) -> Table:
    table = Table(title=_title(metric), title_justify="left")
    headers = ["variant", "n", "mean", "abs lift [CI]", "rel lift [CI]", "p", "p adj", "P(beat)"]
    headers.append("always-valid p [CI]")
    for header in headers:
        table.add_column(header, justify="left" if header == "variant" else "right")
    comparisons = {c.variant: c for c in metric.comparisons}
    for summary in metric.variants:
        row = [escape(summary.variant), f"{summary.n:,}", _number(summary.mean)]
        item = comparisons.get(summary.variant)
        if item is None:
            table.add_row(*row, "control", *[""] * (len(headers) - 4))
            continue
        c = item.comparison
        row += [
            _with_interval(c.abs_lift, c.abs_ci, percent=False),
            _with_interval(c.rel_lift, c.rel_ci, percent=True),
            format_p(c.p_value),
            format_p(item.adjusted_p_value) if metric.goal else "—",
            _share(item.chance_to_beat),
            _sequential_cell(item),
        ]
        if c.error:
            row[3] = f"{row[3]} ({escape(c.message)})"
        table.add_row(*row)
    return table


def _sequential_cell(item: VariantComparison) -> str:
    result = None if item.sequential is None else item.sequential.result
    if result is None or result.p_value is None:
        return "n/a"
    return f"{format_p(result.p_value)} {_with_interval(None, (result.ci_lower, result.ci_upper), percent=False)}"


def _notes(item: VariantComparison, alpha: float) -> list[Text]:
    """The lines under a metric's table for one comparison: guardrail verdict, CUPED's variance cut, the MDE."""
    notes = []
    label = f"  {item.variant} vs {item.vs}"
    if item.guardrail is not None:
        verdict = item.guardrail.verdict
        line = f"  guardrail {GUARDRAIL_WORDS[verdict]}: {' '.join(item.guardrail.reasons)}"
        notes.append(Text(line, style=GUARDRAIL_STYLE[verdict]))
    if item.cuped_applied and item.cuped is not None and item.cuped.variance_reduction is not None:
        notes.append(Text(f"{label}: CUPED cut the variance by {_share(item.cuped.variance_reduction)}", style="dim"))
    elif item.cuped is not None:
        reason = item.cuped.message or "it could not adjust this comparison"
        notes.append(Text(f"{label}: read without CUPED ({reason})", style="yellow"))
    notes.append(Text(_mde_line(item, alpha), style="dim"))
    return notes


def _mde_line(item: VariantComparison, alpha: float) -> str:
    mde = item.mde
    label = f"{item.variant} vs {item.vs}"
    if mde is None or mde.mde_abs is None:
        reason = "" if mde is None else f" ({mde.message})"
        return f"  {label}: no minimum detectable effect{reason}"
    relative = "" if mde.mde_rel is None else f" (±{mde.mde_rel:.2%})"
    return (
        f"  {label}: this test could detect ±{mde.mde_abs:.3g}{relative} with {MDE_POWER:.0%} power "
        f"at alpha {alpha:g} ({int(mde.n_per_variant):,} control units)"
    )


def _segment_table(segment: SegmentReadout, report: Readout) -> Table:
    breakdown = segment.breakdown
    title = f"{segment.metric}: {segment.variant} vs {report.control} by {breakdown.dimension}"
    table = Table(title=escape(title), title_justify="left")
    for header in (
        "segment",
        "n control",
        "n treatment",
        "abs lift",
        "rel lift",
        "p",
        f"p adj ({breakdown.correction})",
    ):
        table.add_column(header, justify="left" if header == "segment" else "right")
    for row in breakdown.segments:
        c = row.comparison
        lift = _signed(c.abs_lift, percent=False) + (f" ({escape(c.message)})" if c.error else "")
        table.add_row(
            escape(row.value),
            f"{c.n_control:,}",
            f"{c.n_treatment:,}",
            lift,
            _signed(c.rel_lift, percent=True),
            format_p(c.p_value),
            format_p(row.adjusted_p_value),
        )
    return table


def _decision_panel(decision: Decision) -> Panel:
    body = Text("\n".join(f"• {reason}" for reason in decision.reasons))
    style = VERDICT_STYLE[decision.verdict]
    title = f"[{style}]{escape(decision.variant)}: {VERDICT_WORDS[decision.verdict]}[/]"
    return Panel(body, title=title, title_align="left", border_style=style)


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.4g}"


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _signed(value: float | None, *, percent: bool) -> str:
    if value is None:
        return "n/a"
    return f"{value:+.1%}" if percent else f"{value:+.3g}"


def _with_interval(value: float | None, interval: tuple[float | None, float | None], *, percent: bool) -> str:
    """``+0.1 [-0.2, +0.4]``; the value alone when the interval is missing (never inf or NaN)."""
    low, high = interval
    bounds = (
        "" if low is None or high is None else f"[{_signed(low, percent=percent)}, {_signed(high, percent=percent)}]"
    )
    if value is None:
        return bounds or "n/a"
    return f"{_signed(value, percent=percent)} {bounds}".rstrip()
