"""Knob values between the wizard's text inputs and the catalog's types, and their rules in both languages.

The wizard keeps every knob value as the text the learner typed ("true"/"false" for a switch). ``parse`` turns it
into the knob's type when it can, and returns the text unchanged when it cannot, so ``shop.knobs`` (and the spec)
still name the knob and the rule.
"""

from typing import Any

from novarium_app.builder.labels import knob_label
from shop.knobs import KNOBS, Knob

Pair = tuple[str, str]


def parse(knob: Knob, raw: str) -> Any:
    """The value of ``raw`` in the knob's type, or ``raw`` itself when it does not parse."""
    text = raw.strip()
    if knob.kind == "bool":
        return {"true": True, "false": False}.get(text.lower(), raw)
    if knob.kind == "int":
        try:
            return int(text)
        except ValueError:
            return raw
    if knob.kind == "float":
        try:
            value = float(text)
        except ValueError:
            return raw
        return value if value == value else raw  # NaN stays text and fails the knob's rule
    return raw


def as_text(value: Any) -> str:
    """A stored knob value as the wizard shows it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def default_text(key: str) -> str:
    """The knob's default, as the wizard shows it."""
    return as_text(KNOBS[key].default)


def rule(knob: Knob) -> Pair:
    """The knob's allowed values as a rule, in both languages ("must be ...")."""
    if knob.kind == "choice":
        return f"must be {knob.rule}", "다음 중 하나여야 합니다: " + ", ".join(knob.choices)
    if knob.kind == "bool":
        return f"must be {knob.rule}", "켜기 또는 끄기여야 합니다"
    low, high = f"{knob.minimum:g}", f"{knob.maximum:g}"
    if knob.kind == "text":
        return f"must be {knob.rule}", f"{low}~{high}자여야 합니다"
    unit = f" {knob.unit}" if knob.unit else ""
    if knob.kind == "int":
        return f"must be {knob.rule}", f"{low}~{high}{unit} 사이의 정수여야 합니다"
    return f"must be {knob.rule}", f"{low}~{high}{unit} 사이의 숫자여야 합니다"


def problem(key: str, raw: str) -> Pair | None:
    """Why ``raw`` is not allowed for knob ``key`` (naming the knob and the rule), or None when it is."""
    knob = KNOBS.get(key)
    if knob is None:
        return f"{key}: unknown knob", f"{key}: 알 수 없는 설정입니다"
    if knob.problem(parse(knob, raw)) is None:
        return None
    english, korean = rule(knob)
    label_en, label_ko = knob_label(key)
    return f"{label_en}: {english}", f"{label_ko}: {korean}"
