"""The ``novarium`` command."""

import os
import time
from datetime import UTC, datetime, timedelta

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from marts.storage import Store
from novarium_app import __version__
from novarium_app.commands.errors import one_line_errors
from novarium_app.commands.lazy import LazyGroup
from novarium_app.services import get_store
from novarium_app.settings import get_settings

console = Console()

COMMANDS = {
    name: f"novarium_app.commands.{name}:{name}" for name in ("analyze", "coach", "experiments", "simulate", "swarm")
}
"""The commands in their own modules, imported only when they run (see ``LazyGroup``)."""


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="novarium")
def main() -> None:
    """NovaRium: an end-to-end A/B-testing lab. Every command reads the same environment settings."""


@main.command()
@one_line_errors
def check() -> None:
    """Validate the settings, open (and upgrade) the database, and report what it holds."""
    settings = get_settings()
    store = get_store()
    table = Table(title=f"NovaRium {__version__} on {store.backend}: {store.location}")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name in ("users", "sessions", "orders", "experiments", "events", "daily_metrics", "user_stats"):
        table.add_row(name, f"{store.row_count(name):,}")
    console.print(table)
    console.print(f"data dir: {settings.data_dir.resolve()}  host: {settings.host}:{settings.port}")


@main.command()
@one_line_errors
def serve() -> None:
    """Start the Lab and the shop in production mode at NOVARIUM_HOST:NOVARIUM_PORT (default 127.0.0.1:3000)."""
    from novarium_app.serve import PROJECT_ROOT, reflex_command, reflex_environment

    settings = get_settings()
    get_store().close()  # fail fast with one line; release the DuckDB file for the server process
    command = reflex_command(settings)
    console.print(
        f"NovaRium on {settings.backend}: the Lab at http://localhost:{settings.port}/ "
        f"and the shop at http://localhost:{settings.port}/shop"
    )
    os.chdir(PROJECT_ROOT)
    os.execvpe(command[0], command, reflex_environment(settings))


@main.command()
@click.option("--users", type=click.IntRange(min=1), default=None, help="Users to generate [default: 50,000].")
@click.option("--days", type=click.IntRange(min=1, max=730), default=None, help="Days of history [default: 90].")
@click.option("--seed", "seed_value", type=click.IntRange(min=0), default=None, help="Random seed [default: 7].")
@click.option(
    "--end",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="First day after the history [default: today, UTC].",
)
@click.option("--if-empty", is_flag=True, help="Do nothing when a warehouse already exists.")
@click.option("--no-marts", is_flag=True, help="Skip building the marts afterwards.")
@one_line_errors
def seed(
    users: int | None, days: int | None, seed_value: int | None, end: datetime | None, if_empty: bool, no_marts: bool
) -> None:
    """Generate the NovaEats warehouse (replacing any existing one) and build the marts."""
    from marts.warehouse.generator import load
    from swarm.history import generate

    settings = get_settings()
    store = get_store()
    existing = store.row_count("users")
    if if_empty and existing:
        console.print(f"warehouse exists ({existing:,} users); skipped")
        if not no_marts and store.row_count("daily_metrics") == 0:
            _build_marts(store)
        return
    users = users or settings.seed_users
    days = days or settings.seed_days
    seed_value = settings.seed if seed_value is None else seed_value
    end_day = end.date() if end else datetime.now(UTC).date()
    started = time.perf_counter()
    warehouse = generate(users=users, days=days, seed=seed_value, end=end_day)
    generated = time.perf_counter()
    counts = load(store, warehouse)
    loaded = time.perf_counter()
    console.print(
        f"seeded {', '.join(f'{n:,} {t}' for t, n in counts.items())} "
        f"(seed {seed_value}, {days} days to {end_day - timedelta(days=1)}) in {loaded - started:.1f}s "
        f"[generate {generated - started:.1f}s, load {loaded - generated:.1f}s]"
    )
    if not no_marts:
        _build_marts(store)


@main.group()
def marts() -> None:
    """Build the analysis marts from the warehouse and the experiment events."""


@marts.command("build")
@click.option(
    "--pre-period-days",
    type=click.IntRange(min=1, max=365),
    default=28,
    show_default=True,
    help="Length of the pre-period used for CUPED covariates.",
)
@one_line_errors
def marts_build(pre_period_days: int) -> None:
    """Rebuild daily_metrics, user_stats and experiment_users (idempotent)."""
    _build_marts(get_store(), pre_period_days=pre_period_days)


def _build_marts(store: Store, pre_period_days: int = 28) -> None:
    from marts.etl.build import build_all

    results = build_all(store, pre_period_days=pre_period_days)
    table = Table(title="marts built")
    table.add_column("mart")
    table.add_column("rows", justify="right")
    table.add_column("seconds", justify="right")
    for result in results:
        table.add_row(result.mart, f"{result.rows:,}", f"{result.seconds:.2f}")
    table.add_row("total", "", f"{sum(r.seconds for r in results):.2f}")
    console.print(table)
    for line in dict.fromkeys(line for result in results for line in result.skipped):
        console.print(f"[yellow]warning:[/yellow] {escape(line)}")
