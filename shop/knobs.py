"""The variant knobs catalog: every setting of the shop an experiment may change, with its type, range and default.

The shop renders from a resolved config (every knob set), the swarm's behaviour model reads the same keys, and the
Lab builds variants from this catalog. A config outside a knob's range is rejected with the knob and the range named.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from shop.fields import TEXT_RULE, has_bad_characters

KnobKind = Literal["text", "choice", "bool", "int", "float"]


@dataclass(frozen=True)
class Knob:
    """One setting of the shop.

    Attributes:
        key: the config key.
        label: the name shown in the Lab.
        kind: text, choice, bool, int or float.
        default: what the shop shows when nothing is tested or adopted.
        description: what the knob changes, in one sentence.
        choices: the allowed values of a choice knob.
        minimum: the smallest allowed number (int, float) or text length (text).
        maximum: the largest allowed number (int, float) or text length (text).
        unit: how a number reads ("%", "$").
    """

    key: str
    label: str
    kind: KnobKind
    default: Any
    description: str
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    unit: str = ""

    @property
    def rule(self) -> str:
        """The allowed range in words, as error messages quote it."""
        if self.kind == "choice":
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.kind == "bool":
            return "true or false"
        if self.kind == "text":
            return f"text of {self.minimum:.0f} to {self.maximum:.0f} characters"
        kind = "an integer" if self.kind == "int" else "a number"
        return f"{kind} from {_number(self.minimum)} to {_number(self.maximum)}{self.unit and ' ' + self.unit}"

    def problem(self, value: Any) -> str | None:
        """Why ``value`` is not allowed for this knob, or None when it is."""
        if self.kind == "choice":
            ok = isinstance(value, str) and value in self.choices
        elif self.kind == "bool":
            ok = isinstance(value, bool)
        elif self.kind == "text":
            if isinstance(value, str) and has_bad_characters(value):
                return f"{self.key}: {TEXT_RULE}"
            ok = isinstance(value, str) and self.minimum <= len(value.strip()) <= self.maximum
        elif self.kind == "int":
            ok = isinstance(value, int) and not isinstance(value, bool) and self.minimum <= value <= self.maximum
        else:
            ok = (
                isinstance(value, int | float)
                and not isinstance(value, bool)
                and math.isfinite(value)
                and self.minimum <= value <= self.maximum
            )
        return None if ok else f"{self.key}: must be {self.rule} (got {value!r})"


def _name(key: Any) -> str:
    """A config key as an error names it: itself when it is a plain short name, else quoted and cut."""
    text = str(key)
    if text.isidentifier() and len(text) <= 40:
        return text
    shown = repr(text)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _number(value: float | None) -> str:
    return f"{value:g}" if value is not None else "?"


BANNER_COLORS = ("orange", "red", "green", "blue", "purple", "charcoal")
URGENCY_BADGES = ("none", "limited_time", "selling_fast", "ends_tonight")

CATALOG: tuple[Knob, ...] = (
    Knob(
        "banner_headline",
        "Banner headline",
        "text",
        "Hungry? NovaEats delivers.",
        "The hero banner's headline on the shop's home page.",
        minimum=3,
        maximum=60,
    ),
    Knob(
        "banner_color", "Banner colour", "choice", "orange", "The hero banner's colour scheme.", choices=BANNER_COLORS
    ),
    Knob(
        "urgency_badge",
        "Urgency badge",
        "choice",
        "none",
        "A badge on the banner and on deals that signals scarcity or a deadline.",
        choices=URGENCY_BADGES,
    ),
    Knob(
        "discount_pct",
        "Discount",
        "int",
        0,
        "A site-wide discount on every order's subtotal.",
        minimum=0,
        maximum=50,
        unit="%",
    ),
    Knob(
        "free_delivery_threshold",
        "Free-delivery threshold",
        "float",
        30.0,
        "Orders with a subtotal at or above this amount deliver free (0 = always free).",
        minimum=0,
        maximum=100,
        unit="$",
    ),
    Knob(
        "checkout_button_text",
        "Checkout button text",
        "text",
        "Place order",
        "The label of the button that places the order.",
        minimum=2,
        maximum=30,
    ),
    Knob(
        "recommendation_layout",
        "Recommendation layout",
        "choice",
        "grid",
        "How popular restaurants and dishes are laid out.",
        choices=("grid", "list"),
    ),
    Knob("show_ratings", "Show ratings", "bool", True, "Whether restaurant star ratings are shown."),
)

KNOBS: Mapping[str, Knob] = {knob.key: knob for knob in CATALOG}
DEFAULTS: Mapping[str, Any] = {knob.key: knob.default for knob in CATALOG}


def config_problems(config: Mapping[str, Any]) -> list[str]:
    """Every unknown knob and every value outside its knob's range, as messages naming the knob."""
    if not isinstance(config, Mapping):
        return ["config: must be an object mapping knob names to values"]
    problems = []
    for key, value in config.items():
        knob = KNOBS.get(key)
        if knob is None:
            problems.append(f"{_name(key)}: unknown knob; known knobs are {', '.join(KNOBS)}")
            continue
        problem = knob.problem(value)
        if problem:
            problems.append(problem)
    return problems


def normalise(config: Mapping[str, Any]) -> dict[str, Any]:
    """A valid config with numbers in their knob's type (1 -> 1.0 for float knobs) and text trimmed."""
    out: dict[str, Any] = {}
    for key, value in config.items():
        kind = KNOBS[key].kind
        out[key] = float(value) if kind == "float" else value.strip() if kind == "text" else value
    return out


def resolve(*layers: Mapping[str, Any]) -> dict[str, Any]:
    """The full config a visitor sees: the defaults, overlaid by each layer in order (adopted, then variant)."""
    resolved = dict(DEFAULTS)
    for layer in layers:
        resolved.update(layer)
    return resolved
