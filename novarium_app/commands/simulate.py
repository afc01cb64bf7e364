"""``novarium simulate``: the vectorised engine, for populations far beyond what HTTP agents can drive.

Without ``--days`` a run covers the experiment's planned days (the builder's ``design.days``; one day without a
plan); without ``--users`` it draws as many visitors as those days of traffic bring.
"""

import click
from rich.console import Console
from rich.table import Table

from novarium_app.commands.errors import one_line_errors
from novarium_app.lab.run_plan import NO_PLAN_DAYS, plan_days
from novarium_app.services import get_store
from shop.repository import get_experiment
from swarm.engine import MAX_USERS, run_engine
from swarm.plan import MAX_DAYS
from swarm.switches import Switches

console = Console()


def parse_mix(text: str | None) -> dict[str, float] | None:
    """``"impulsive=0.3,rational=0.7"`` -> {"impulsive": 0.3, "rational": 0.7}; raises ValueError naming the part."""
    if text is None:
        return None
    mix: dict[str, float] = {}
    for part in text.split(","):
        name, sep, share = part.partition("=")
        try:
            if not sep:
                raise ValueError
            mix[name.strip()] = float(share)
        except ValueError:
            raise ValueError(f"--mix: {part.strip()!r} must be persona=share (for example impulsive=0.3)") from None
    return mix


@click.command()
@click.option("--experiment", "experiment_key", required=True, help="Key of a running experiment.")
@click.option(
    "--users", type=click.IntRange(1, MAX_USERS), default=None, help="Users to simulate [default: what the days bring]."
)
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True, help="Random seed.")
@click.option(
    "--days", type=click.IntRange(1, MAX_DAYS), default=None, help="Days of traffic [default: the plan's, else 1]."
)
@click.option("--bot-share", type=click.FloatRange(0, 0.5), default=0.0, show_default=True, help="Share of bots.")
@click.option(
    "--novelty", type=click.FloatRange(0, 5), default=0.0, show_default=True, help="Extra effect on day 0, decaying."
)
@click.option(
    "--novelty-half-life", type=click.FloatRange(0.1, 60), default=2.0, show_default=True, help="Days to halve it."
)
@click.option("--seasonality", is_flag=True, help="Weekday traffic and purchase rhythm.")
@click.option(
    "--exposure-bug",
    type=click.FloatRange(0, 0.9),
    default=0.0,
    show_default=True,
    help="Share of bounced first visits whose exposure is lost in one variant (a planted SRM).",
)
@click.option("--exposure-bug-variant", default=None, help="The variant with the bug [default: the last].")
@click.option("--mix", "mix_text", default=None, help="persona=share,... [default: the warehouse users' mix].")
@one_line_errors
def simulate(
    experiment_key: str,
    users: int | None,
    seed: int,
    days: int | None,
    bot_share: float,
    novelty: float,
    novelty_half_life: float,
    seasonality: bool,
    exposure_bug: float,
    exposure_bug_variant: str | None,
    mix_text: str | None,
) -> None:
    """Simulate users of a running experiment in-process and store the run, its assignments and its events."""
    switches = Switches(
        novelty=novelty,
        novelty_half_life_days=novelty_half_life,
        seasonality=seasonality,
        bot_share=bot_share,
        exposure_bug=exposure_bug,
        exposure_bug_variant=exposure_bug_variant,
    )
    mix = parse_mix(mix_text)
    store = get_store()
    if days is None:
        days = plan_days(get_experiment(store, experiment_key).design) or NO_PLAN_DAYS
    who = f"{users:,} users" if users is not None else "the visitors"
    with console.status(f"simulating {who} of {days} days of {experiment_key!r}..."):
        result = run_engine(store, experiment_key, users=users, seed=seed, days=days, switches=switches, mix=mix)
    table = Table(title=f"run {result.run_id} · {result.experiment_key} · {days} days · completed")
    table.add_column("variant")
    table.add_column("assigned", justify="right")
    for name, count in result.assigned.items():
        table.add_row(name, f"{count:,}")
    console.print(table)
    seconds = result.seconds
    console.print(
        f"{result.users:,} users ({result.from_warehouse:,} from the warehouse, {result.outside_allocation:,} outside "
        f"the allocation), {result.exposed:,} exposed, {result.visits:,} visits, {result.events:,} events in "
        f"{seconds['total']:.1f}s [draw {seconds['draw']:.1f}s, generate {seconds['generate']:.1f}s, "
        f"write {seconds['write']:.1f}s]"
    )
    console.print("refresh the analysis mart with `novarium marts build`")
