"""``novarium coach``: the design review and the retrospective write-up, streamed to the terminal.

The LLM coach answers when NOVARIUM_LLM_BASE_URL and NOVARIUM_LLM_MODEL are set (and ``--rubric-only`` is not given);
otherwise, or when it fails, the rubric coach does. The text goes to stdout; notices, the grounding check and what
was saved go to stderr. ``coach.service`` (and with it ``openai``) is imported when a coach command runs, so the other
commands start without it.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import click

from coach.findings import pick
from coach.hypothesis import hypothesis_input
from marts.baselines import metric_baselines
from marts.retrospectives import Retrospective, list_retrospectives
from marts.storage import Store
from novarium_app.commands.errors import one_line_errors
from novarium_app.services import coach_config, get_store
from shop import repository

if TYPE_CHECKING:
    from coach.service import CoachEvent

LANGUAGE = click.option(
    "--language", type=click.Choice(["en", "ko"]), default="en", show_default=True, help="The answer's language."
)
RUBRIC_ONLY = click.option("--rubric-only", is_flag=True, help="Use the rubric coach even when an LLM is configured.")


@click.group()
def coach() -> None:
    """Review a design before launch, or write up a finished experiment (the LLM coach when configured)."""


@coach.command()
@click.argument("key")
@LANGUAGE
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (text, source, critique) at the end.")
@RUBRIC_ONLY
@one_line_errors
def review(key: str, language: str, as_json: bool, rubric_only: bool) -> None:
    """Review the design of experiment KEY: what blocks its launch, what to fix, what is done well."""
    from coach.service import stream_review

    store = get_store()
    hypothesis = hypothesis_input(repository.get_experiment(store, key).to_spec())
    events = stream_review(hypothesis, metric_baselines(store), None if rubric_only else coach_config(), language)
    notices: list[str] = []
    done = asyncio.run(_show(events, language, echo=not as_json, notices=notices))
    if as_json:
        critique = done.critique.to_dict() if done.critique else None
        payload = {
            "experiment_key": key,
            "source": done.source,
            "notice": notices[0] if notices else None,
            "text": done.text,
            "critique": critique,
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))


@coach.command()
@click.argument("key")
@LANGUAGE
@click.option("--save", is_flag=True, help="Store the write-up in the retrospective; refused unless it is grounded.")
@RUBRIC_ONLY
@one_line_errors
def writeup(key: str, language: str, save: bool, rubric_only: bool) -> None:
    """Write up the newest retrospective of experiment KEY; every number is checked against the stored ones."""
    from coach.service import save_writeup, stream_writeup

    store = get_store()
    retro = newest_retrospective(store, key)
    done = asyncio.run(_show(stream_writeup(retro, None if rubric_only else coach_config(), language), language))
    if save:
        save_writeup(store, retro.retrospective_id, done.text, done.source)  # refuses an ungrounded write-up
    if done.grounding is not None:
        click.echo(f"grounding: {done.grounding.describe(language)}", err=True)
    if save:
        click.echo(f"saved the write-up ({done.source}) to retrospective {retro.retrospective_id}", err=True)


def newest_retrospective(store: Store, key: str) -> Retrospective:
    """The newest retrospective of experiment ``key``; a ValueError naming the key when there is none."""
    retro = next((r for r in list_retrospectives(store) if r.experiment_key == key), None)
    if retro is None:
        raise ValueError(f"experiment {key!r}: has no retrospective; record a decision on it first")
    return retro


async def _show(
    events: AsyncIterator[CoachEvent], language: str, echo: bool = True, notices: list[str] | None = None
) -> CoachEvent:
    """Print the chunks as they come (a notice to stderr, also added to ``notices``) and return the ``done`` event."""
    shown = ""
    async for event in events:
        if event.kind == "chunk" and echo:
            sys.stdout.write(event.text)
            sys.stdout.flush()
            shown += event.text
        elif event.kind == "notice" and event.notice:
            click.echo(f"notice: {pick(event.notice, language)}", err=True)
            if notices is not None:
                notices.append(pick(event.notice, language))
            if shown:
                sys.stdout.write("\n\n---\n\n")  # the LLM's partial answer stays above; the rubric's follows
        elif event.kind == "done":
            if echo and not event.text.endswith("\n"):
                sys.stdout.write("\n")
            sys.stdout.flush()
            return event
    raise RuntimeError("the coach ended without a result")  # a bug in coach.service, never an expected failure
