"""``novarium swarm``: run HTTP agents against a running experiment of a served app, with a live progress bar.

The run executes in this process and is recorded through the app's ``/api/runs`` endpoints (with embedded DuckDB the
serving app holds the database). Ctrl-C stops it cleanly: requests in flight finish and the run is ``stopped``,
ready to resume; a second Ctrl-C quits at once.
"""

import asyncio
import signal

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from novarium_app.commands.errors import one_line_errors
from novarium_app.settings import get_settings
from shop.fields import MAX_JSON_INT
from swarm.recorder import HttpRecorder, RecorderError
from swarm.runner import RunManager, RunProgress, RunRequest, RunSummary
from swarm.switches import Switches

console = Console()
REFRESH_SECONDS = 0.25


@click.command()
@click.option("--experiment", "experiment_key", default=None, help="Key of a running experiment.  [required]")
@click.option("--agents", type=click.IntRange(1, 10_000_000), default=None, help="Agents (users) to run.  [required]")
@click.option(
    "--concurrency",
    type=click.IntRange(1, 10_000),
    default=64,
    show_default=True,
    help="Agents in flight at once (256-512 for large runs).",
)
@click.option(
    "--seed", type=click.IntRange(0, MAX_JSON_INT), default=0, show_default=True, help="Same seed, same decisions."
)
@click.option("--days", type=click.IntRange(1, 90), default=1, show_default=True, help="Simulated days, ending now.")
@click.option("--think-time", type=click.FloatRange(0, 60), default=0.0, show_default=True, help="Seconds per step.")
@click.option("--base-url", default=None, help="The served app [default: http://127.0.0.1:$NOVARIUM_PORT].")
@click.option("--resume", "resume_id", default=None, help="Continue this stopped or interrupted run instead.")
@click.option("--novelty", type=click.FloatRange(0, 5), default=0.0, help="Novelty effect on day 0 (1.0 doubles it).")
@click.option("--novelty-half-life", type=click.FloatRange(0.1, 60), default=2.0, help="Days for novelty to halve.")
@click.option("--seasonality", is_flag=True, help="Day-of-week traffic and purchase swings.")
@click.option("--bot-share", type=click.FloatRange(0, 0.5), default=0.0, help="Share of agents that are bots.")
@click.option("--exposure-bug", type=click.FloatRange(0, 0.9), default=0.0, help="Share of bounced exposures lost.")
@click.option("--exposure-bug-variant", default=None, help="Variant losing exposures [default: the last].")
@one_line_errors
def swarm(
    experiment_key: str | None,
    agents: int | None,
    concurrency: int,
    seed: int,
    days: int,
    think_time: float,
    base_url: str | None,
    resume_id: str | None,
    novelty: float,
    novelty_half_life: float,
    seasonality: bool,
    bot_share: float,
    exposure_bug: float,
    exposure_bug_variant: str | None,
) -> None:
    """Run a swarm of HTTP agents against a running experiment and print what they did."""
    if resume_id is None and (experiment_key is None or agents is None):
        raise click.UsageError("--experiment and --agents are required (unless --resume continues a run)")
    settings = get_settings()
    base_url = base_url or f"http://127.0.0.1:{settings.port}"
    token = settings.admin_token.get_secret_value() if settings.admin_token else None
    switches = Switches(
        novelty=novelty,
        novelty_half_life_days=novelty_half_life,
        seasonality=seasonality,
        bot_share=bot_share,
        exposure_bug=exposure_bug,
        exposure_bug_variant=exposure_bug_variant,
    )
    request = RunRequest(experiment_key or "", agents or 1, concurrency, seed, days, think_time, switches)
    try:
        summary = asyncio.run(_run(base_url, token, request, resume_id))
    except RecorderError as error:
        raise ValueError(f"{error} (is the app serving at {base_url}?)") from None
    _print_summary(summary)
    if summary.progress.status == "failed":
        raise SystemExit(1)


async def _run(base_url: str, token: str | None, request: RunRequest, resume_id: str | None) -> RunSummary:
    recorder = HttpRecorder(base_url, token)
    manager = RunManager(None, base_url, recorder=recorder)
    try:
        if resume_id:
            await manager.resume(resume_id)
            run_id = resume_id
        else:
            run_id = await manager.start(request)
        await _watch(manager, run_id)
        summary = manager.summary(run_id)
        assert summary is not None
        return summary
    finally:
        await recorder.aclose()


async def _watch(manager: RunManager, run_id: str) -> None:
    """Show progress until the run ends; the first Ctrl-C stops it cleanly, a second one quits."""
    loop = asyncio.get_running_loop()
    stop: asyncio.Task | None = None

    def interrupt() -> None:
        nonlocal stop
        loop.remove_signal_handler(signal.SIGINT)  # a second Ctrl-C raises KeyboardInterrupt as usual
        console.print("stopping: requests in flight finish, then the run is recorded as stopped (Ctrl-C to quit)")
        stop = loop.create_task(manager.stop(run_id))

    loop.add_signal_handler(signal.SIGINT, interrupt)
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("agents · {task.fields[rate]} · ETA {task.fields[eta]}"),
        TimeElapsedColumn(),
    )
    try:
        with Progress(*columns, console=console, transient=False) as bar:
            first = manager.progress(run_id)
            assert first is not None
            task = bar.add_task(run_id, total=first.agents_planned, rate="-", eta="-")
            done = asyncio.ensure_future(manager.wait(run_id))
            while not done.done():
                await asyncio.wait({done}, timeout=REFRESH_SECONDS)
                _show(bar, task, manager.progress(run_id))
            await done
            if stop is not None:
                await stop
    finally:
        loop.remove_signal_handler(signal.SIGINT)


def _show(bar: Progress, task: int, progress: RunProgress | None) -> None:
    if progress is None:
        return
    eta = "-" if progress.eta_seconds is None else f"{progress.eta_seconds:,.0f}s"
    rate = f"{progress.events_per_second:,.0f} events/s"
    bar.update(task, completed=progress.agents_done, rate=rate, eta=eta)


def _print_summary(summary: RunSummary) -> None:
    progress = summary.progress
    table = Table(title=f"run {progress.run_id} on {progress.experiment_key}: {progress.status}")
    table.add_column("")
    table.add_column("", justify="right")
    rows = [
        ("agents done", f"{progress.agents_done:,} of {progress.agents_planned:,}"),
        ("agents cut off mid-session", f"{summary.partial:,}"),
        ("sessions (visits)", f"{summary.sessions:,}"),
        ("events sent", f"{progress.events_sent:,}"),
        ("events stored", f"{progress.events_stored:,}"),
        ("duplicates", f"{summary.duplicates:,}"),
        ("rejected", f"{summary.rejected:,}"),
        ("retried requests", f"{summary.retries:,}"),
        *((f"assigned: {name}", f"{count:,}") for name, count in sorted(summary.assigned.items())),
        ("throughput", f"{summary.agents_per_second:,.1f} agents/s · {progress.events_per_second:,.0f} events/s"),
        ("elapsed", f"{summary.elapsed_seconds:,.1f}s"),
    ]
    for name, value in rows:
        table.add_row(name, value)
    console.print(table)
    if progress.error:
        console.print(f"[red]error:[/red] {progress.error}")
