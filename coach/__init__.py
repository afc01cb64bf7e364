"""The coach: the offline rubric (design critique, retrospective write-up, learnings) and the LLM coach.

Imports only ``marts`` among the project's packages.
"""

from coach.findings import SEVERITIES, Critique, Finding, Text
from coach.hypothesis import GuardrailInput, HypothesisInput, VariantInput, hypothesis_input
from coach.learnings import Learnings, Pitfall, TypicalEffect, learnings_from, learnings_summary
from coach.rubric import critique
from coach.writeup import rubric_writeup, writeup_facts

__all__ = [
    "SEVERITIES",
    "Critique",
    "Finding",
    "GuardrailInput",
    "HypothesisInput",
    "Learnings",
    "Pitfall",
    "Text",
    "TypicalEffect",
    "VariantInput",
    "critique",
    "hypothesis_input",
    "learnings_from",
    "learnings_summary",
    "rubric_writeup",
    "writeup_facts",
]
