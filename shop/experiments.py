"""Experiment definitions as code: the JSON spec the CLI, the API and the Lab share, and its validation.

``parse_spec`` checks everything at once and raises ``SpecError`` listing every field that failed, so a learner
fixes a spec in one round. Nothing is stored here; the repository stores a spec only after it parses.
"""

import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from marts.metrics import METRICS
from shop.fields import TEXT_RULE, Text, bounded_number, json_object
from shop.knobs import config_problems, normalise

STATUSES = ("draft", "running", "stopped", "completed")
MIN_VARIANTS, MAX_VARIANTS = 2, 4
KEY_PATTERN = r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$"
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9 _-]{0,39}$"
MAX_DESIGN_CHARS = 20_000
"""The largest ``design`` (as compact JSON): the live cache re-reads every experiment each second."""
Design = Annotated[dict[str, Any], AfterValidator(json_object(MAX_DESIGN_CHARS))]


class SpecError(ValueError):
    """A spec failed validation; ``problems`` names every field and rule."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


class VariantSpec(BaseModel):
    """One arm: a name, a traffic weight and the knobs it changes."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=NAME_PATTERN)
    weight: bounded_number(0, 1000, above=True)
    config: dict[str, Any] = Field(default_factory=dict)


class GuardrailSpec(BaseModel):
    """A metric that must not get worse by more than a margin (one-sided non-inferiority)."""

    model_config = ConfigDict(extra="forbid")

    metric: Text
    margin: bounded_number(0, 1000, above=True)
    margin_type: Literal["relative", "absolute"] = "relative"

    @field_validator("metric")
    @classmethod
    def _known_metric(cls, value: str) -> str:
        return _check_metric(value)


class ExperimentSpec(BaseModel):
    """An experiment as code."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(pattern=KEY_PATTERN)
    name: Text = Field("", max_length=200)
    hypothesis: Text = Field(min_length=10, max_length=4000)
    allocation: bounded_number(0, 100, above=True) = 100.0
    salt: Text = Field("", max_length=80)
    variants: list[VariantSpec] = Field(min_length=MIN_VARIANTS, max_length=MAX_VARIANTS)
    primary_metric: Text = "conversion"
    secondary_metrics: list[Text] = Field(default_factory=list, max_length=10)
    guardrails: list[GuardrailSpec] = Field(default_factory=list, max_length=10)
    design: Design = Field(default_factory=dict)

    @field_validator("primary_metric")
    @classmethod
    def _known_primary(cls, value: str) -> str:
        return _check_metric(value)

    @field_validator("secondary_metrics")
    @classmethod
    def _known_secondary(cls, values: list[str]) -> list[str]:
        return [_check_metric(value) for value in values]

    @property
    def control(self) -> str:
        """The first variant is the control."""
        return self.variants[0].name

    @property
    def effective_salt(self) -> str:
        """The salt, defaulting to the key (so each experiment hashes independently)."""
        return self.salt or self.key


def _check_metric(value: str) -> str:
    if value not in METRICS:
        if not isinstance(value, str) or len(value) > 80:
            raise ValueError(f"unknown metric; known metrics are {', '.join(METRICS)}")
        raise ValueError(f"unknown metric {value!r}; known metrics are {', '.join(METRICS)}")
    return value


def parse_spec(payload: Mapping[str, Any]) -> ExperimentSpec:
    """Validate a JSON spec; raises SpecError naming every field that failed."""
    if not isinstance(payload, Mapping):
        raise SpecError(["spec: must be a JSON object"])
    problems = []
    spec = None
    try:
        spec = ExperimentSpec.model_validate(dict(payload))
    except ValidationError as error:
        problems.extend(_pydantic_problems(error))
    problems.extend(_variant_problems(payload.get("variants")))
    if problems:
        raise SpecError(_unique(problems))
    assert spec is not None
    spec.variants = [v.model_copy(update={"config": normalise(v.config)}) for v in spec.variants]
    return spec


def _variant_problems(variants: Any) -> list[str]:
    """Knob configs and duplicate names, checked even when other fields fail."""
    if not isinstance(variants, list):
        return []
    problems = []
    if not MIN_VARIANTS <= len(variants) <= MAX_VARIANTS:
        problems.append(f"variants: must have {MIN_VARIANTS} to {MAX_VARIANTS} variants (got {len(variants)})")
    seen: set[str] = set()
    for index, variant in enumerate(variants):
        if not isinstance(variant, Mapping):
            continue
        name = variant.get("name")
        if isinstance(name, str):
            if name.lower() in seen:
                problems.append(f"variants[{index}].name: duplicate variant name {name!r}")
            seen.add(name.lower())
        config = variant.get("config", {})
        problems.extend(f"variants[{index}].config.{problem}" for problem in config_problems(config))
    return problems


_RULES = {
    "greater_than": "must be greater than {gt}",
    "greater_than_equal": "must be at least {ge}",
    "less_than_equal": "must be at most {le}",
    "too_short": "must have at least {min_length} items",
    "too_long": "must have at most {max_length} items",
    "string_too_short": "must have at least {min_length} characters",
    "string_too_long": "must have at most {max_length} characters",
    "string_pattern_mismatch": "must match {pattern}",
    "string_unicode": TEXT_RULE,
    "float_type": "must be a number (a JSON number, not a string or a boolean)",
    "finite_number": "must be a finite number",
    "string_type": "must be a string",
    "dict_type": "must be a JSON object",
    "list_type": "must be a list",
    "missing": "is required",
    "extra_forbidden": "is not a field of the spec",
}


def _pydantic_problems(error: ValidationError) -> list[str]:
    problems = []
    for detail in error.errors():
        loc = detail["loc"]
        if len(loc) >= 3 and loc[0] == "variants" and loc[2] == "config":
            continue  # reported by _variant_problems with the knob named
        if loc == ("variants",) and detail["type"] in ("too_short", "too_long"):
            continue  # reported by _variant_problems with the count
        where = _location(loc)
        template = _RULES.get(detail["type"])
        context = detail.get("ctx") or {}
        if template:
            rule = template.format(**context)
            if detail["type"] == "string_pattern_mismatch":
                rule = _pattern_words(where)
        else:
            rule = str(detail["msg"]).removeprefix("Value error, ")
        problems.append(f"{where}: {rule}")
    return problems


def _pattern_words(where: str) -> str:
    if where == "key":
        return "must be 3-64 lowercase letters, digits or dashes, starting and ending with a letter or digit"
    return "must be 1-40 letters, digits, spaces, dashes or underscores, starting with a letter or digit"


def _location(loc: tuple) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "spec"


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def is_valid_key(key: str) -> bool:
    """Whether ``key`` is a well-formed experiment key."""
    return re.fullmatch(KEY_PATTERN, key) is not None
