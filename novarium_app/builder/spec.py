"""Between the wizard's draft and the experiment spec (``shop.experiments``): build it, check it, read it back.

``payload`` turns the draft into the JSON spec the CLI and the API take. Values that do not parse are passed on
as typed, so ``parse_spec`` names them too: ``spec_problems`` runs it and returns its problems, each naming its
field. ``draft_from_spec`` does the reverse, to continue a stored draft in the wizard.
"""

from collections.abc import Mapping
from typing import Any

from novarium_app.builder import knob_values
from novarium_app.builder.draft import KNOB_PREFIX, knobs_of, new_draft, restore
from novarium_app.builder.validation import is_binary, number
from shop.experiments import ExperimentSpec, SpecError, parse_spec
from shop.knobs import KNOBS

BUILDER_KEY = "builder"
"""The key under ``design`` that keeps the hypothesis's parts, so a stored draft reopens as it was typed."""
HYPOTHESIS_PARTS = ("change", "direction", "expected", "rationale", "persona")


def _number_or_text(raw: str, *, percent: bool = False, scale: float = 1.0) -> float | str:
    value = number(raw, percent=percent)
    return raw if value is None else value * scale


def _config(variant: Mapping[str, str]) -> dict[str, Any]:
    config = {}
    for key, raw in knobs_of(variant).items():
        knob = KNOBS.get(key)
        config[key] = knob_values.parse(knob, raw) if knob else raw
    return config


def payload(draft: Mapping[str, Any], hypothesis: str, design: Mapping[str, Any] | None) -> dict[str, Any]:
    """The JSON spec of the draft, with ``hypothesis`` (already composed) and the power step's ``design``."""
    form = draft["form"]
    guardrails = []
    for row in draft["guardrails"]:
        relative = row.get("margin_type", "relative") == "relative"
        guardrails.append(
            {
                "metric": row.get("metric", ""),
                "margin": _number_or_text(row.get("margin", ""), percent=relative, scale=0.01 if relative else 1.0),
                "margin_type": row.get("margin_type", "relative"),
            }
        )
    parts = {name: form[name] for name in HYPOTHESIS_PARTS}
    return {
        "key": form["key"],
        "name": form["name"].strip(),
        "hypothesis": hypothesis,
        "allocation": _number_or_text(form["allocation"], percent=True),
        "variants": [
            {"name": v.get("name", ""), "weight": _number_or_text(v.get("weight", "")), "config": _config(v)}
            for v in draft["variants"]
        ],
        "primary_metric": form["metric"],
        "secondary_metrics": [m for m in draft["secondary"] if m != form["metric"]],
        "guardrails": guardrails,
        "design": {**(design or {}), BUILDER_KEY: parts},
    }


def spec_problems(spec: Mapping[str, Any]) -> list[str]:
    """What ``parse_spec`` says about the spec: one line per failed field, [] when it is valid."""
    try:
        parse_spec(spec)
    except SpecError as error:
        return list(error.problems)
    return []


def same_spec(first: ExperimentSpec, second: ExperimentSpec) -> bool:
    """Whether two parsed specs define the same experiment (an unset salt or name counts as the key).

    When both come from the builder, the hypothesis's parts are compared, not its sentence: the same parts read
    in English or in Korean are the same hypothesis.
    """
    from_builder = BUILDER_KEY in first.design and BUILDER_KEY in second.design

    def plain(spec: ExperimentSpec) -> dict[str, Any]:
        data = spec.model_dump(mode="json")
        data["salt"] = spec.effective_salt
        data["name"] = spec.name or spec.key
        if from_builder:
            data.pop("hypothesis")
        return data

    return plain(first) == plain(second)


def draft_from_spec(spec: Mapping[str, Any]) -> dict[str, Any]:
    """A wizard draft holding a stored spec (``ExperimentRecord.to_spec()``), to continue it."""
    draft = new_draft()
    design = spec.get("design") if isinstance(spec.get("design"), Mapping) else {}
    parts = design.get(BUILDER_KEY) if isinstance(design.get(BUILDER_KEY), Mapping) else {}
    form = dict(draft["form"])
    form.update({"name": str(spec.get("name") or ""), "key": str(spec.get("key") or ""), "key_edited": "1"})
    form["metric"] = str(spec.get("primary_metric") or form["metric"])
    form["allocation"] = _text(spec.get("allocation"), form["allocation"])
    for name in HYPOTHESIS_PARTS:
        if isinstance(parts.get(name), str):
            form[name] = parts[name]
    if not parts:
        form["change"] = str(spec.get("hypothesis") or "")[:300]
    for name in ("alpha", "power"):
        form[name] = _text(design.get(name), form[name])
    if design.get("analysis_plan") in ("fixed", "sequential"):
        form["analysis_plan"] = design["analysis_plan"]
    form["cuped"] = "on" if design.get("cuped") is True else "off"
    if design.get("mde_type") in ("relative", "absolute"):
        form["mde_type"] = design["mde_type"]
    if isinstance(design.get("mde"), int | float):
        scale = 100 if form["mde_type"] == "relative" or is_binary(form["metric"]) else 1
        form["mde"] = f"{design['mde'] * scale:g}"
    variants = []
    for variant in spec.get("variants") or []:
        row = {"name": str(variant.get("name", "")), "weight": _text(variant.get("weight"), "")}
        for key, value in (variant.get("config") or {}).items():
            row[KNOB_PREFIX + key] = knob_values.as_text(value)
        variants.append(row)
    guardrails = []
    for row in spec.get("guardrails") or []:
        relative = row.get("margin_type", "relative") == "relative"
        margin = row.get("margin")
        shown = f"{margin * 100:g}" if relative and isinstance(margin, int | float) else _text(margin, "")
        guardrails.append({"metric": row.get("metric", ""), "margin": shown, "margin_type": row.get("margin_type")})
    return restore(
        {
            "form": form,
            "variants": variants,
            "secondary": list(spec.get("secondary_metrics") or []),
            "guardrails": guardrails,
            "step": 0,
            "selected": 1,
        }
    )


def _text(value: Any, fallback: str) -> str:
    if isinstance(value, bool) or value is None:
        return fallback
    if isinstance(value, int | float):
        return f"{value:g}"
    return str(value)
