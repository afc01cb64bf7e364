"""``novarium analyze``: analyse your own experiment from a CSV with one row per unit."""

import json
import sys
from pathlib import Path

import click
import pandas as pd
from rich.console import Console
from rich.table import Table

from marts.stats.analysis import AnalysisReport, MetricReport, analyze_units
from marts.stats.multiple import CORRECTIONS
from marts.stats.units import parse_weights, prepare_units
from novarium_app.commands.errors import one_line_errors

console = Console(width=max(Console().width, 140))
SRM_STYLE = {"ok": "green", "caution": "yellow", "warning": "bold red", "unavailable": "dim"}


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--variant-col", required=True, help="Column naming each unit's variant.")
@click.option("--control", required=True, help="The control variant's name.")
@click.option("--metric", "metrics", multiple=True, required=True, help="Metric column (repeat for several).")
@click.option("--covariate", default=None, help="Pre-period column for CUPED.")
@click.option("--weights", "weights_text", default=None, help="Planned split, e.g. a=50,b=50 [default: equal].")
@click.option("--alpha", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.05, show_default=True)
@click.option(
    "--correction",
    type=click.Choice([c for c in CORRECTIONS if c != "none"]),
    default="holm",
    show_default=True,
    help="Multiple-testing adjustment across metrics × variants.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@one_line_errors
def analyze(
    file: Path,
    variant_col: str,
    control: str,
    metrics: tuple[str, ...],
    covariate: str | None,
    weights_text: str | None,
    alpha: float,
    correction: str,
    as_json: bool,
) -> None:
    """Analyse FILE (CSV, one row per unit): SRM, tests per metric and variant, Bayesian chance, CUPED.

    A 0/1 or True/False metric column is binary (two-proportion z-test); any other numeric column is continuous
    (Welch t-test). P-values are adjusted across all metrics × variants (Holm unless --correction says otherwise).
    """
    data = prepare_units(
        read_units(file),
        variant_col=variant_col,
        control=control,
        metrics=list(metrics),
        covariate=covariate,
        weights=parse_weights(weights_text),
    )
    report = analyze_units(data, alpha=alpha, correction=correction)
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
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        raise ValueError(f"FILE: {file} is not a readable CSV ({str(error).splitlines()[0]})") from None


def print_report(report: AnalysisReport) -> None:
    """The report as readable tables."""
    srm = report.srm
    style = SRM_STYLE.get(srm.status, "")
    console.print(f"[{style}]Sample ratio ({srm.status}):[/] {srm.message}")
    for metric in report.metrics:
        console.print(_metric_table(metric, report))
    console.print(
        f"alpha {report.alpha:g}; p adj = {report.correction} across "
        f"{sum(len(m.comparisons) for m in report.metrics)} comparison(s); "
        "P(beat) = Bayesian chance to beat control"
    )
    sys.stdout.flush()


def _metric_table(metric: MetricReport, report: AnalysisReport) -> Table:
    table = Table(title=f"{metric.metric} ({metric.type})", title_justify="left")
    for header in ("variant", "n", "mean", "abs lift [CI]", "rel lift [CI]", "p", "p adj", "P(beat)"):
        table.add_column(header, justify="left" if header == "variant" else "right")
    with_cuped = any(c.cuped is not None for c in metric.comparisons)
    if with_cuped:
        table.add_column("CUPED lift [CI] (var. red.)", justify="right")
    comparisons = {c.variant: c for c in metric.comparisons}
    for summary in metric.variants:
        row = [summary.variant, f"{summary.n:,}", _number(summary.mean)]
        item = comparisons.get(summary.variant)
        if item is None:
            row += ["control", "", "", "", ""] + ([""] if with_cuped else [])
        else:
            c = item.comparison
            row += [
                _with_interval(c.abs_lift, c.abs_ci, percent=False),
                _with_interval(c.rel_lift, c.rel_ci, percent=True),
                _p(c.p_value),
                _p(item.adjusted_p_value),
                _share(item.bayesian.chance_to_beat_control),
            ]
            if with_cuped:
                cuped = item.cuped
                row.append(
                    "n/a"
                    if cuped is None or cuped.abs_lift is None
                    else f"{_with_interval(cuped.abs_lift, (cuped.ci_lower, cuped.ci_upper), percent=False)} "
                    f"({_share(cuped.variance_reduction)})"
                )
            if c.error:
                row[3] = f"{row[3]} ({c.message})"
        table.add_row(*row)
    return table


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.4g}"


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _p(value: float | None) -> str:
    if value is None:
        return "n/a"
    return "<0.0001" if value < 1e-4 else f"{value:.4f}"


def _with_interval(value: float | None, interval: tuple[float | None, float | None], *, percent: bool) -> str:
    if value is None:
        return "n/a"
    show = (lambda v: f"{v:+.1%}") if percent else (lambda v: f"{v:+.3g}")
    low, high = interval
    bounds = f" [{'-inf' if low is None else show(low)}, {'inf' if high is None else show(high)}]"
    return show(value) + bounds
