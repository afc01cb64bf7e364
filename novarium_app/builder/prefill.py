"""Prefill: a fresh draft from the builder URL's query parameters (see ``pages/builder.py`` for the list).

Unknown parameters are ignored and known ones are only copied into the draft as text: the wizard's rules check
them like anything the learner types, so a bad link shows inline problems and never reaches storage.
"""

from collections.abc import Mapping
from typing import Any

from marts.metrics import METRICS
from novarium_app.builder.draft import KNOB_PREFIX, new_draft, slugify
from novarium_app.builder.labels import PERSONA_NAMES
from shop.knobs import KNOBS

MAX_PARAM = 300
TEXT_PARAMS = {"idea": "change", "why": "rationale", "expected": "expected", "name": "name"}
PREFILL_PARAMS = ("metric", "persona", "direction", *TEXT_PARAMS, *KNOBS)
DRAFT_PARAM = "draft"


def wants_prefill(params: Mapping[str, str]) -> bool:
    """Whether the URL asks for a prefilled draft."""
    return any(name in params for name in PREFILL_PARAMS)


def prefill(params: Mapping[str, str]) -> dict[str, Any]:
    """A fresh draft with the parameters' values; knob parameters set the treatment variant's knobs."""
    draft = new_draft()
    form = draft["form"]
    if params.get("metric") in METRICS:
        form["metric"] = params["metric"]
    if params.get("persona") in PERSONA_NAMES:
        form["persona"] = params["persona"]
    if params.get("direction") in ("increase", "decrease"):
        form["direction"] = params["direction"]
    for param, name in TEXT_PARAMS.items():
        value = params.get(param, "")
        if isinstance(value, str) and value.strip():
            form[name] = " ".join(value.split())[:MAX_PARAM]
    if form["name"]:
        form["key"] = slugify(form["name"])
    treatment = draft["variants"][1]
    for key in KNOBS:
        value = params.get(key)
        if isinstance(value, str):
            treatment[KNOB_PREFIX + key] = value[:MAX_PARAM]
    return draft
