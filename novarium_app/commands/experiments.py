"""``novarium experiments``: experiments as code, with the JSON spec and validation of ``POST /api/experiments``."""

import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from novarium_app.commands.errors import one_line_errors
from novarium_app.services import get_store
from shop import repository
from shop.summary import summarize

console = Console()


@click.group()
def experiments() -> None:
    """Create experiments from JSON specs and move them through draft, running, stopped and completed."""


@experiments.command()
@click.argument("spec_file", metavar="FILE.json", type=click.Path(path_type=Path))
@one_line_errors
def create(spec_file: Path) -> None:
    """Create a draft experiment from a JSON spec; a spec that fails stores nothing and names every failed field."""
    try:
        payload = json.loads(spec_file.read_text(encoding="utf-8"))
    except OSError as error:
        raise ValueError(f"{spec_file}: cannot be read ({error.strerror or error})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{spec_file}: not valid JSON ({error})") from None
    record = repository.create_experiment(get_store(), payload)
    arms = ", ".join(f"{v.name} {v.weight:g}" for v in record.variants)
    console.print(f"created experiment {record.key!r} ({record.status}): {arms}; allocation {record.allocation:g}%")


@experiments.command("list")
@one_line_errors
def list_() -> None:
    """List every experiment with its status and variants."""
    records = repository.list_experiments(get_store())
    if not records:
        console.print("no experiments yet; create one with `novarium experiments create FILE.json`")
        return
    table = Table(title="experiments")
    for column in ("key", "status", "variants (weight)", "allocation", "primary metric", "created"):
        table.add_column(column)
    for record in records:
        table.add_row(
            record.key,
            record.status,
            ", ".join(f"{v.name} ({v.weight:g})" for v in record.variants),
            f"{record.allocation:g}%",
            record.primary_metric or "",
            f"{record.created_at:%Y-%m-%d %H:%M}",
        )
    console.print(table)


@experiments.command()
@click.argument("key")
@one_line_errors
def show(key: str) -> None:
    """Show one experiment: its design, variants and live counts per variant."""
    store = get_store()
    record = repository.get_experiment(store, key)
    counts = {v.name: v for v in summarize(store, key).variants}
    console.print(f"[bold]{record.key}[/bold] · {record.status} · allocation {record.allocation:g}%")
    console.print(f"name: {record.name} · salt: {record.salt}")
    console.print(f"hypothesis: {record.hypothesis}")
    console.print(f"primary metric: {record.primary_metric}; secondary: {', '.join(record.secondary_metrics) or '-'}")
    guardrails = [f"{g['metric']} ({g['margin_type']} {g['margin']:g})" for g in record.guardrails]
    console.print(f"guardrails: {', '.join(guardrails) or '-'}")
    table = Table(title="variants")
    for column in ("variant", "weight", "config", "assigned", "exposed"):
        table.add_column(column)
    for variant in record.variants:
        count = counts[variant.name]
        config = json.dumps(variant.config) if variant.config else "(defaults)"
        table.add_row(variant.name, f"{variant.weight:g}", config, f"{count.assigned:,}", f"{count.exposed:,}")
    console.print(table)


@experiments.command()
@click.argument("key")
@one_line_errors
def start(key: str) -> None:
    """Start (or resume) an experiment: draft or stopped -> running."""
    _report(repository.start_experiment(get_store(), key))


@experiments.command()
@click.argument("key")
@one_line_errors
def stop(key: str) -> None:
    """Stop a running experiment: no new visitors are assigned or exposed."""
    _report(repository.stop_experiment(get_store(), key))


@experiments.command()
@click.argument("key")
@one_line_errors
def complete(key: str) -> None:
    """Complete a stopped experiment (final)."""
    _report(repository.complete_experiment(get_store(), key))


def _report(record: repository.ExperimentRecord) -> None:
    console.print(f"experiment {record.key!r} is now {record.status}")
