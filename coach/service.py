"""The one place that chooses the LLM coach or the rubric coach, falls back, and guards what is saved.

The UI and the CLI consume the same async generators of ``CoachEvent``:

* ``chunk``: text to append to what is shown;
* ``notice``: the LLM coach failed (``notice`` says why, ``notice_kind`` is the ``CoachUnavailable`` kind). Drop
  the text shown so far: the rubric's text follows as chunks;
* ``done``: the last event. ``text`` is the whole final text (show it instead of the chunks), ``source`` is
  ``"rubric"`` or ``"llm:<model>"``, ``grounding`` the write-up's grounding check, ``critique`` the rubric's critique.

A write-up is saved with ``save_writeup``, which re-checks every text whose source is not exactly ``"rubric"``
(the rubric's own write-up uses stored numbers only). A learner who edits a write-up saves it with the source
``edited(source)`` ("llm:<model>, edited"); it is checked the same way, so fixing the flagged numbers makes it
saveable and leaving one in does not.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

from coach.findings import Critique, Text
from coach.grounding import Grounding, check_grounding, highlight
from coach.hypothesis import HypothesisInput, hypothesis_input
from coach.llm import CoachUnavailable, LLMCoach, LLMConfig
from coach.prompts import review_messages, writeup_messages
from coach.rubric import critique
from coach.writeup import rubric_writeup, writeup_facts
from marts.baselines import Baselines
from marts.retrospectives import Retrospective, get_retrospective, set_coach_writeup
from marts.retrospectives.view import markdown_text_only
from marts.storage import Store

RUBRIC = "rubric"
EDITED = ", edited"
_MAX_MODEL = 60  # the stored source is at most 80 characters: "llm:" + model + ", edited"


@dataclass(frozen=True)
class CoachEvent:
    """One step of a coach's answer (see the module docstring for how to consume them)."""

    kind: str  # "chunk" | "notice" | "done"
    text: str = ""
    notice: Text | None = None
    notice_kind: str = ""
    source: str = ""
    grounding: Grounding | None = None
    critique: Critique | None = None


class UngroundedWriteup(ValueError):
    """A write-up states numbers that match no stored number; ``grounding.unmatched`` lists them."""

    def __init__(self, grounding: Grounding) -> None:
        self.grounding = grounding
        super().__init__(f"text: {grounding.describe()}; correct or remove them, then save again")


def llm_source(model: str) -> str:
    """The stored source of an LLM write-up."""
    return f"llm:{model[:_MAX_MODEL]}"


def edited(source: str) -> str:
    """The source of a write-up the learner edited."""
    return source if source.endswith(EDITED) else f"{source}{EDITED}"


async def stream_review(
    hypothesis: HypothesisInput, baselines: Baselines | None, config: LLMConfig | None, language: str = "en"
) -> AsyncIterator[CoachEvent]:
    """Review a design: the LLM's answer streamed, else (or on failure) the rubric's critique as Markdown."""
    found = critique(hypothesis, baselines)
    rubric_text = found.to_markdown(language)
    if config is None:
        yield CoachEvent("chunk", rubric_text)
        yield CoachEvent("done", rubric_text, source=RUBRIC, critique=found)
        return
    pieces: list[str] = []
    try:
        async for piece in LLMCoach(config).stream(review_messages(hypothesis, found, language)):
            pieces.append(piece)
            yield CoachEvent("chunk", piece)
    except CoachUnavailable as failure:
        yield CoachEvent("notice", notice=failure.notice, notice_kind=failure.kind)
        yield CoachEvent("chunk", rubric_text)
        yield CoachEvent("done", rubric_text, source=RUBRIC, critique=found)
        return
    yield CoachEvent("done", "".join(pieces), source=llm_source(config.model), critique=found)


async def stream_writeup(
    retro: Retrospective, config: LLMConfig | None, language: str = "en"
) -> AsyncIterator[CoachEvent]:
    """Write up a retrospective: the LLM's answer streamed and grounding-checked, else the rubric's write-up."""
    facts = writeup_facts(retro)
    rubric_text = rubric_writeup(retro, language)
    design = critique(hypothesis_input(retro.experiment))
    if config is None:
        yield CoachEvent("chunk", rubric_text)
        yield _rubric_done(rubric_text, facts, design)
        return
    pieces: list[str] = []
    messages = writeup_messages(facts, design, language, rubric_draft=rubric_text)
    try:
        async for piece in LLMCoach(config).stream(messages):
            pieces.append(piece)
            yield CoachEvent("chunk", piece)
    except CoachUnavailable as failure:
        yield CoachEvent("notice", notice=failure.notice, notice_kind=failure.kind)
        yield CoachEvent("chunk", rubric_text)
        yield _rubric_done(rubric_text, facts, design)
        return
    text = "".join(pieces)
    grounding = check_grounding(text, facts)
    yield CoachEvent("done", text, source=llm_source(config.model), grounding=grounding, critique=design)


def _rubric_done(text: str, facts: Mapping[str, Any], design: Critique) -> CoachEvent:
    return CoachEvent("done", text, source=RUBRIC, grounding=check_grounding(text, facts), critique=design)


def saveable(event: CoachEvent) -> bool:
    """True when a ``done`` write-up may be saved as it is: the rubric's, or an LLM's that passed grounding."""
    if event.kind != "done":
        return False
    return event.source == RUBRIC or (event.grounding is not None and event.grounding.ok)


def display_markdown(text: str, grounding: Grounding | None = None) -> str:
    """Markdown for the UI: unmatched numbers marked (``coach.grounding.highlight``), raw HTML shown as text."""
    marked = highlight(text, grounding) if grounding is not None else text
    return markdown_text_only(marked)


def save_writeup(
    store: Store, retrospective_id: str, text: str, source: str, facts: Mapping[str, Any] | None = None
) -> Retrospective:
    """Store a write-up; every source but ``"rubric"`` is grounding-checked first.

    Args:
        facts: ``writeup_facts`` of the retrospective (read from the store when None).

    Raises:
        UngroundedWriteup: a ValueError naming the numbers that match no stored number (nothing is stored).
        RetrospectiveError, RetrospectiveNotFound: from ``set_coach_writeup``.
    """
    if source != RUBRIC:
        if facts is None:
            facts = writeup_facts(get_retrospective(store, retrospective_id))
        grounding = check_grounding(text, facts)
        if not grounding.ok:
            raise UngroundedWriteup(grounding)
    return set_coach_writeup(store, retrospective_id, text, source)
