"""The LLM coach's prompts: a grounded senior analyst, given the stored experiment as a JSON block."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Any

from coach.findings import Critique

LANGUAGE_NAMES = {"en": "English", "ko": "Korean (한국어)"}

SYSTEM = """You are a senior experimentation analyst coaching a learner in an A/B-testing lab.
Rules:
- Ground every statement in the JSON context you are given. Use only numbers that appear in it, copied or rounded \
(a fraction such as 0.0532 may be written as 5.32% or 5.3%). Never compute, estimate or invent any other number; \
if a number you would like is not in the context, say so in words.
- Be concise and concrete: short sections, bullet points, plain sentences.
- Write Markdown only: headings, lists, bold, tables. No HTML, no scripts, no links, no images, no code blocks.
- Say what the data shows and what it does not; name uncertainty honestly.
- Answer in {language}."""

REVIEW_TASK = """Review this experiment design before it launches.
The rubric coach's findings are in "rubric_findings"; confirm or refine them and explain the most important ones \
first. End with a short, ordered list of what to change before launch.

Context:
```json
{context}
```"""

WRITEUP_TASK = """Write the retrospective write-up of this finished experiment: what was tested, what the results \
show for the primary metric and the guardrails, whether the decision was right given the truth (when it is known), \
and what to learn for the next experiment. "rubric_draft" is a draft by the rubric coach that uses only stored \
numbers; "design_findings" is the rubric's review of the design. Use only numbers from "facts".

Context:
```json
{context}
```"""


def system_prompt(language: str = "en") -> str:
    """The system prompt, asking for an answer in English or Korean."""
    return SYSTEM.format(language=LANGUAGE_NAMES.get(language, LANGUAGE_NAMES["en"]))


def review_messages(hypothesis: Any, critique: Critique, language: str = "en") -> list[dict[str, str]]:
    """The chat messages for a design review: the design and the rubric's findings as JSON."""
    context = {"design": _plain(hypothesis), "rubric_findings": critique.to_dict()}
    return _messages(REVIEW_TASK, context, language)


def writeup_messages(
    facts: Mapping[str, Any], critique: Critique | None, language: str = "en", rubric_draft: str = ""
) -> list[dict[str, str]]:
    """The chat messages for a retrospective write-up: the stored facts, the design findings and the rubric draft."""
    context: dict[str, Any] = {"facts": dict(facts)}
    if critique is not None:
        context["design_findings"] = critique.to_dict()
    if rubric_draft:
        context["rubric_draft"] = rubric_draft
    return _messages(WRITEUP_TASK, context, language)


def _messages(task: str, context: Mapping[str, Any], language: str) -> list[dict[str, str]]:
    block = json.dumps(context, ensure_ascii=False, indent=1, default=str)
    return [
        {"role": "system", "content": system_prompt(language)},
        {"role": "user", "content": task.format(context=block)},
    ]


def _plain(value: Any) -> Any:
    """A dataclass (such as HypothesisInput) or mapping as plain JSON-ready values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, Mapping):
        return dict(value)
    return value
