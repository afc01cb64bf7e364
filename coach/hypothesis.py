"""The coach's view of an experiment design, read from the spec dict used everywhere, whatever state it is in.

``hypothesis_input`` never raises: a draft may hold text where numbers belong, miss keys or carry wrong types, and
each field falls back to "not given" (``""``, ``None`` or ``()``). The hypothesis's parts come from the builder
(``design["builder"]``) when it made the spec; otherwise they are looked for in the sentence itself, in English and
in Korean (``sentence_parts``).
"""

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

DIRECTIONS = ("increase", "decrease")
ANALYSIS_PLANS = ("fixed", "sequential")
BUILDER_KEY = "builder"
NO_PERSONA = "all"


@dataclass(frozen=True)
class GuardrailInput:
    """A guardrail as stored: ``margin`` is a fraction when ``margin_type`` is relative (0.05 = 5%)."""

    metric: str
    margin: float | None
    margin_type: str = "relative"


@dataclass(frozen=True)
class VariantInput:
    """One arm: its name, traffic weight and the knobs it sets."""

    name: str
    weight: float | None
    config: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class HypothesisInput:
    """Everything the rubric reads, in the statistics engine's units.

    Attributes:
        key, name: the experiment.
        hypothesis: the sentence.
        change, direction, expected, rationale, persona: the hypothesis's parts. ``direction`` is "increase",
            "decrease" or ""; ``expected`` is the size in percent as typed (5.0 for 5%), None when missing.
        primary_metric, secondary_metrics, guardrails, variants: the spec's (control first).
        allocation: the share of traffic in the experiment, in percent.
        alpha, power, mde, mde_type, baseline, daily_visitors, planned_n_per_variant, days: the power plan.
            ``mde`` is a fraction when relative; a binary metric's ``baseline`` is a proportion.
        analysis_plan: "fixed" (one look at the planned end), "sequential" (always-valid p-values) or "".
        from_builder: the parts come from the builder's fields, not from reading the sentence.
        std: the metric's per-visitor standard deviation when the design keeps it.
        metrics_named: catalog metrics the sentence's effect names (see ``metrics_in``).
    """

    key: str = ""
    name: str = ""
    hypothesis: str = ""
    change: str = ""
    direction: str = ""
    expected: float | None = None
    rationale: str = ""
    persona: str = ""
    primary_metric: str = ""
    secondary_metrics: tuple[str, ...] = ()
    guardrails: tuple[GuardrailInput, ...] = ()
    variants: tuple[VariantInput, ...] = ()
    allocation: float | None = None
    alpha: float | None = None
    power: float | None = None
    mde: float | None = None
    mde_type: str = "relative"
    baseline: float | None = None
    daily_visitors: float | None = None
    planned_n_per_variant: int | None = None
    days: int | None = None
    analysis_plan: str = ""
    from_builder: bool = False
    std: float | None = None
    metrics_named: tuple[str, ...] = ()


# ----- tolerant readers -------------------------------------------------------------------------------------------


def to_number(value: Any) -> float | None:
    """A finite number from a number or from text ("5", " 5% ", "1,000"); None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        text = value.strip().replace(",", "").removesuffix("%").strip()
        try:
            found = float(text)
        except ValueError:
            return None
        return found if math.isfinite(found) else None
    return None


def _whole(value: Any) -> int | None:
    found = to_number(value)
    return None if found is None or found <= 0 else math.ceil(found - 1e-9)


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _items(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


# ----- reading the sentence ---------------------------------------------------------------------------------------

_RATIONALE_EN = re.compile(r"\b(?:because|since|due to|given that)\b\s*(.*)$", re.IGNORECASE | re.DOTALL)
_RATIONALE_KO = re.compile(r"(?:근거\s*[:：]|왜냐하면)\s*(.*)$", re.DOTALL)
_RATIONALE_KO_CLAUSE = re.compile(r"[^.,。]*(?:때문|므로|니까)[^.,。]*")
_CHANGE_EN = re.compile(r"\b(?:if|when)\s+(?:we\s+)?(.+?)(?:,\s*(?:then\b)?|\s+then\b)", re.IGNORECASE | re.DOTALL)
_CHANGE_KO = re.compile(r"^(.{2,}?(?:하면|으면|면))(?:[\s,]|$)", re.DOTALL)
_UP_EN = r"increases?|increasing|raises?|lifts?|boosts?|improves?|grows?|rises?|higher|more"
_DOWN_EN = r"decreases?|decreasing|reduces?|lowers?|cuts?|drops?|falls?|fewer|less|declines?"
_UP_KO = r"증가|늘어|늘리|늘 것|높아|높일|오르|올라|상승|향상|개선"
_DOWN_KO = r"감소|줄어|줄 것|줄일|낮아|낮출|떨어|하락"
_UP = re.compile(rf"\b(?:{_UP_EN})\b|{_UP_KO}", re.IGNORECASE)
_DOWN = re.compile(rf"\b(?:{_DOWN_EN})\b|{_DOWN_KO}", re.IGNORECASE)
_SIZE = re.compile(r"([+-]?\d+(?:\.\d+)?)\s*(?:%p?|pp\b|percent\b|per cent\b|퍼센트|프로)", re.IGNORECASE)

METRIC_WORDS: dict[str, tuple[str, ...]] = {
    "conversion": ("conversion", "convert", "orders", "purchase", "buy", "전환", "구매", "주문"),
    "revenue_per_visitor": ("revenue", "sales", "매출", "수익"),
    "aov": ("order value", "aov", "basket size", "객단가", "주문 금액"),
    "banner_ctr": ("click", "ctr", "클릭"),
    "add_to_cart_rate": ("add-to-cart", "add to cart", "cart", "장바구니"),
    "checkout_rate": ("checkout", "결제"),
    "orders_per_visitor": ("orders", "order count", "주문 수", "주문"),
    "items_viewed": ("items viewed", "item views", "engagement", "browsing", "조회", "참여"),
}
"""Words that name a catalog metric in a sentence (a word may name more than one)."""
PERSONA_WORDS: dict[str, tuple[str, ...]] = {
    "impulsive": ("impulsive", "충동"),
    "rational": ("price-comparing", "rational", "가격 비교", "합리"),
    "window_shopper": ("window-shopping", "window shopper", "window-shopper", "아이쇼핑", "구경"),
    "mission": ("mission-driven", "mission", "목적"),
    "cautious": ("cautious", "신중"),
}


@dataclass(frozen=True)
class SentenceParts:
    """What a free-text hypothesis states: each part as found ("" or None when it is not there)."""

    change: str
    direction: str
    expected: float | None
    rationale: str
    persona: str
    effect: str  # the part that states the effect (after the change, before the rationale)


def _rationale(sentence: str) -> tuple[str, str]:
    """(the sentence without its rationale, the rationale)."""
    for pattern in (_RATIONALE_EN, _RATIONALE_KO):
        found = pattern.search(sentence)
        if found:
            return sentence[: found.start()], found.group(1).strip(" .。")
    found = _RATIONALE_KO_CLAUSE.search(sentence)
    if found:
        return sentence[: found.start()] + sentence[found.end() :], found.group(0).strip(" .。")
    return sentence, ""


def _change(claim: str) -> tuple[str, str]:
    """(the change, the rest of the claim)."""
    for pattern in (_CHANGE_EN, _CHANGE_KO):
        found = pattern.search(claim)
        if found:
            return found.group(1).strip(" ,."), claim[found.end() :]
    verb = _UP.search(claim) or _DOWN.search(claim)
    if verb and len(claim[: verb.start()].split()) >= 2:
        return claim[: verb.start()].strip(" ,."), claim[verb.start() :]
    return "", claim


def sentence_parts(sentence: str) -> SentenceParts:
    """The parts a free-text hypothesis states ("If we ..., then ... will increase by 5%, because ...")."""
    text = _text(sentence)
    claim, rationale = _rationale(text)
    change, effect = _change(claim)
    up, down = _UP.search(effect), _DOWN.search(effect)
    direction = ""
    if up and (not down or up.start() < down.start()):
        direction = "increase"
    elif down:
        direction = "decrease"
    size = _SIZE.search(effect)
    expected = abs(float(size.group(1))) if size else None
    lowered = text.casefold()
    persona = next((key for key, words in PERSONA_WORDS.items() if any(w in lowered for w in words)), "")
    return SentenceParts(change, direction, expected, rationale, persona, effect)


def metrics_in(text: str) -> tuple[str, ...]:
    """Catalog metrics that ``text`` names, in catalog order."""
    lowered = _text(text).casefold()
    return tuple(key for key, words in METRIC_WORDS.items() if any(word in lowered for word in words))


# ----- the spec -------------------------------------------------------------------------------------------------


def _guardrails(value: Any) -> tuple[GuardrailInput, ...]:
    found = []
    for row in _items(value):
        row = _mapping(row)
        margin_type = row.get("margin_type")
        found.append(
            GuardrailInput(
                metric=_text(row.get("metric")),
                margin=to_number(row.get("margin")),
                margin_type=margin_type if margin_type in ("relative", "absolute") else "relative",
            )
        )
    return tuple(found)


def _variants(value: Any) -> tuple[VariantInput, ...]:
    found = []
    for row in _items(value):
        row = _mapping(row)
        config = row.get("config")
        found.append(
            VariantInput(
                name=_text(row.get("name")),
                weight=to_number(row.get("weight")),
                config=dict(config) if isinstance(config, Mapping) else {},
            )
        )
    return tuple(found)


def _planned_n(design: Mapping[str, Any]) -> int | None:
    """Units per variant the plan asks for (the builder's key, else older designs' keys)."""
    for key in ("planned_n_per_variant", "sample_size_per_variant"):
        if (found := _whole(design.get(key))) is not None:
            return found
    units = to_number(design.get("planned_units"))
    return _whole(units / 2) if units is not None else None


def hypothesis_input(spec: Mapping[str, Any]) -> HypothesisInput:
    """The coach's reading of an experiment spec (``shop.experiments`` shape); tolerates anything, never raises."""
    spec = _mapping(spec)
    design = _mapping(spec.get("design"))
    builder = design.get(BUILDER_KEY)
    sentence = _text(spec.get("hypothesis"))
    parsed = sentence_parts(sentence)
    if isinstance(builder, Mapping):
        direction = _text(builder.get("direction"))
        persona = _text(builder.get("persona"))
        change = _text(builder.get("change"))
        expected = to_number(builder.get("expected"))
        rationale = _text(builder.get("rationale"))
    else:
        change, direction, expected = parsed.change, parsed.direction, parsed.expected
        rationale, persona = parsed.rationale, parsed.persona
    mde_type = design.get("mde_type")
    plan = design.get("analysis_plan")
    days = _whole(design.get("days"))
    return HypothesisInput(
        key=_text(spec.get("key")),
        name=_text(spec.get("name")),
        hypothesis=sentence,
        change=change,
        direction=direction if direction in DIRECTIONS else "",
        expected=expected,
        rationale=rationale,
        persona="" if persona == NO_PERSONA else persona,
        primary_metric=_text(spec.get("primary_metric")),
        secondary_metrics=tuple(m for m in (_text(x) for x in _items(spec.get("secondary_metrics"))) if m),
        guardrails=_guardrails(spec.get("guardrails")),
        variants=_variants(spec.get("variants")),
        allocation=to_number(spec.get("allocation")),
        alpha=to_number(design.get("alpha")),
        power=to_number(design.get("power")),
        mde=to_number(design.get("mde")),
        mde_type=mde_type if mde_type in ("relative", "absolute") else "relative",
        baseline=to_number(design.get("baseline")),
        daily_visitors=to_number(design.get("daily_visitors")),
        planned_n_per_variant=_planned_n(design),
        days=days if days is not None else _whole(design.get("duration_days")),
        analysis_plan=plan if plan in ANALYSIS_PLANS else "",
        from_builder=isinstance(builder, Mapping),
        std=to_number(design.get("std")),
        metrics_named=metrics_in(parsed.effect),
    )
