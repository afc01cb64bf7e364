"""The wizard's draft: every input as the learner typed it, its defaults, and its JSON form for the browser.

A draft is a plain dict with five parts:

* ``form``: the scalar fields, as text (``FORM_DEFAULTS`` lists them);
* ``variants``: 2 to 4 dicts with ``name``, ``weight`` and one ``knob.<key>`` entry per knob the variant changes;
* ``secondary``: secondary metric keys;
* ``guardrails``: dicts with ``metric``, ``margin`` and ``margin_type``;
* ``step`` and ``selected``: the wizard's position (the step shown, the variant being edited).

``restore`` accepts anything (the browser's storage may hold an old or tampered draft) and keeps only what fits,
falling back to the defaults piece by piece, so a bad draft never breaks the page.
"""

import json
import re
from collections.abc import Mapping
from typing import Any

from marts.metrics import METRICS
from shop.experiments import MAX_VARIANTS, MIN_VARIANTS
from shop.knobs import KNOBS

STEPS = 6
KNOB_PREFIX = "knob."
MAX_TEXT = 4000
MAX_GUARDRAILS = 10
MAX_SECONDARY = 10
VERSION = 1
NO_PERSONA = "all"
"""What the persona select sends for "all shoppers" (stored as "")."""

FORM_DEFAULTS: dict[str, str] = {
    "name": "",
    "key": "",
    "key_edited": "",
    "change": "",
    "metric": "conversion",
    "direction": "increase",
    "expected": "5",
    "rationale": "",
    "persona": "",
    "alpha": "0.05",
    "power": "0.8",
    "mde": "5",
    "mde_type": "relative",
    "baseline": "",
    "std": "",
    "allocation": "100",
    "analysis_plan": "fixed",
    "cuped": "off",
}
ANALYSIS_PLANS = ("fixed", "sequential")
"""How the learner will read the results: once at the planned end, or sequentially (always-valid p-values)."""
CUPED_CHOICES = ("off", "on")
"""Whether the learner pre-registers CUPED (pre-experiment revenue as the covariate) as the analysis."""
FORM_FIELDS = tuple(FORM_DEFAULTS)


def default_variants() -> list[dict[str, str]]:
    """Control and one treatment, half the traffic each, neither changing a knob yet."""
    return [{"name": "control", "weight": "50"}, {"name": "treatment", "weight": "50"}]


def new_draft() -> dict[str, Any]:
    """A fresh draft with every default."""
    return {
        "form": dict(FORM_DEFAULTS),
        "variants": default_variants(),
        "secondary": [],
        "guardrails": [],
        "step": 0,
        "selected": 1,
    }


def dumps(draft: Mapping[str, Any]) -> str:
    """The draft as compact JSON, as the browser keeps it."""
    return json.dumps({"version": VERSION, **draft}, separators=(",", ":"), ensure_ascii=False)


def loads(text: str) -> dict[str, Any]:
    """The draft in ``text``; a fresh draft when it is empty or not JSON."""
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        data = {}
    return restore(data)


def restore(data: Any) -> dict[str, Any]:
    """A well-formed draft from ``data``, keeping every piece that fits and defaulting the rest."""
    draft = new_draft()
    if not isinstance(data, Mapping):
        return draft
    form = data.get("form")
    if isinstance(form, Mapping):
        for name in FORM_FIELDS:
            value = form.get(name)
            if isinstance(value, str) and len(value) <= MAX_TEXT:
                draft["form"][name] = value
    variants = _variants(data.get("variants"))
    if variants:
        draft["variants"] = variants
    draft["secondary"] = _secondary(data.get("secondary"))
    draft["guardrails"] = _guardrails(data.get("guardrails"))
    draft["step"] = _index(data.get("step"), STEPS, 0)
    draft["selected"] = _index(data.get("selected"), len(draft["variants"]), 1)
    return draft


def _variants(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list) or not MIN_VARIANTS <= len(value) <= MAX_VARIANTS:
        return []
    variants = []
    for item in value:
        if not isinstance(item, Mapping):
            return []
        variant = {"name": _text(item.get("name")), "weight": _text(item.get("weight"))}
        for key in KNOBS:
            raw = item.get(KNOB_PREFIX + key)
            if isinstance(raw, str) and len(raw) <= MAX_TEXT:
                variant[KNOB_PREFIX + key] = raw
        variants.append(variant)
    return variants


def _secondary(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return list(dict.fromkeys(m for m in value if isinstance(m, str) and m in METRICS))[:MAX_SECONDARY]


def _guardrails(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list):
        return []
    rows = []
    for item in value[:MAX_GUARDRAILS]:
        if isinstance(item, Mapping):
            margin_type = item.get("margin_type")
            rows.append(
                {
                    "metric": _text(item.get("metric")),
                    "margin": _text(item.get("margin")),
                    "margin_type": margin_type if margin_type in ("relative", "absolute") else "relative",
                }
            )
    return rows


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value[:MAX_TEXT]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:g}"
    return ""


def _index(value: Any, size: int, fallback: int) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < size:
        return value
    return min(fallback, size - 1)


def slugify(text: str) -> str:
    """An experiment key from a name: lowercase letters, digits and single dashes, at most 64 characters."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:64].rstrip("-")


def knobs_of(variant: Mapping[str, str]) -> dict[str, str]:
    """The knobs a variant changes, as typed: knob key -> raw text."""
    return {key[len(KNOB_PREFIX) :]: value for key, value in variant.items() if key.startswith(KNOB_PREFIX)}
