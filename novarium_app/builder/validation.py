"""The wizard's rules, step by step: every problem names the field and the rule, in English and in Korean.

``problems`` checks the whole draft at once and returns ``{field: (english, korean)}``. Field names follow the
spec's paths where the spec has the field (``key``, ``variants[1].weight``, ``variants[1].config.discount_pct``,
``guardrails[0].margin``), so a problem from ``parse_spec`` and one from here point at the same input.
``step_of`` says which step owns a field.
"""

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from marts.metrics import METRICS
from novarium_app.builder import knob_values
from novarium_app.builder.draft import MAX_GUARDRAILS, MAX_SECONDARY, knobs_of
from novarium_app.builder.labels import PERSONA_NAMES, metric_label
from shop.experiments import KEY_PATTERN, MAX_VARIANTS, MIN_VARIANTS, NAME_PATTERN

Pair = tuple[str, str]

STEP_FIELDS: tuple[tuple[str, ...], ...] = (
    ("name", "key", "change", "metric", "direction", "expected", "rationale", "persona", "hypothesis"),
    ("variants",),
    ("secondary", "guardrails"),
    ("alpha", "power", "mde", "mde_type", "analysis_plan", "cuped", "baseline", "std", "plan", "design", "days"),
    ("allocation",),
    (),
)
STEP_TITLES: tuple[Pair, ...] = (
    ("Problem & hypothesis", "문제와 가설"),
    ("Variants", "변형"),
    ("Metrics", "지표"),
    ("Power", "검정력"),
    ("Traffic", "트래픽"),
    ("Review & launch", "검토 및 시작"),
)


@dataclass(frozen=True)
class Context:
    """What the rules need beyond the draft.

    Attributes:
        existing_keys: keys of the experiments already stored.
        own_key: the stored draft being continued (its key is not a clash).
        baseline_available: whether the warehouse has a baseline for the primary metric.
    """

    existing_keys: frozenset[str] = field(default_factory=frozenset)
    own_key: str = ""
    baseline_available: bool = True


def number(raw: str, *, percent: bool = False) -> float | None:
    """The finite number in ``raw`` ("1,000", " 5 ", "5%" when ``percent``), or None."""
    text = raw.strip().replace(",", "")
    if percent:
        text = text.removesuffix("%").strip()
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def step_of(name: str) -> int:
    """The step (0-5) that owns field ``name``; 5 (review) for anything unknown."""
    head = re.split(r"[.\[]", name, maxsplit=1)[0]
    head = {"primary_metric": "metric", "secondary_metrics": "secondary"}.get(head, head)
    return next((index for index, names in enumerate(STEP_FIELDS) if head in names), 5)


def for_step(found: Mapping[str, Pair], step: int) -> dict[str, Pair]:
    """The problems of one step."""
    return {name: pair for name, pair in found.items() if step_of(name) == step}


def problems(draft: Mapping[str, Any], context: Context | None = None) -> dict[str, Pair]:
    """Every problem in the draft, as ``{field: (english, korean)}``."""
    context = context or Context()
    form = draft["form"]
    found: dict[str, Pair] = {}
    found.update(_problem_step(form, context))
    found.update(_variant_step(draft["variants"]))
    found.update(_metric_step(form, draft["secondary"], draft["guardrails"]))
    found.update(_power_step(form, context))
    found.update(_traffic_step(form))
    return found


def _length(value: str, low: int, high: int) -> bool:
    return low <= len(value.strip()) <= high


def _problem_step(form: Mapping[str, str], context: Context) -> dict[str, Pair]:
    found: dict[str, Pair] = {}
    if not _length(form["name"], 3, 200):
        found["name"] = ("Name: must be 3 to 200 characters", "이름: 3~200자여야 합니다")
    key = form["key"]
    if not re.fullmatch(KEY_PATTERN, key):
        found["key"] = (
            "Key: must be 3-64 lowercase letters, digits or dashes, starting and ending with a letter or digit",
            "키: 영문 소문자·숫자·대시(-) 3~64자이며, 문자나 숫자로 시작하고 끝나야 합니다",
        )
    elif key in context.existing_keys and key != context.own_key:
        found["key"] = (f"Key: an experiment named '{key}' already exists", f"키: '{key}' 실험이 이미 있습니다")
    if not _length(form["change"], 3, 300):
        found["change"] = ("Change: describe it in 3 to 300 characters", "변경 내용: 3~300자로 설명해 주세요")
    if form["metric"] not in METRICS:
        found["metric"] = ("Metric: choose a metric from the catalog", "지표: 목록에서 지표를 고르세요")
    if form["direction"] not in ("increase", "decrease"):
        found["direction"] = ("Direction: must be increase or decrease", "방향: 증가 또는 감소여야 합니다")
    expected = number(form["expected"], percent=True)
    if expected is None or not 0 < expected <= 1000:
        found["expected"] = (
            "Expected size: must be a percentage above 0 and at most 1,000",
            "예상 효과 크기: 0보다 크고 1,000 이하인 백분율이어야 합니다",
        )
    if not _length(form["rationale"], 10, 1000):
        found["rationale"] = (
            "Rationale: say why it should work, in 10 to 1,000 characters",
            "근거: 효과가 있을 이유를 10~1,000자로 적어 주세요",
        )
    if form["persona"] and form["persona"] not in PERSONA_NAMES:
        found["persona"] = ("Persona: choose one of the shopper personas", "페르소나: 고객 페르소나 중에서 고르세요")
    return found


def _variant_step(variants: list[Mapping[str, str]]) -> dict[str, Pair]:
    found: dict[str, Pair] = {}
    if not MIN_VARIANTS <= len(variants) <= MAX_VARIANTS:
        found["variants"] = (
            f"Variants: must have {MIN_VARIANTS} to {MAX_VARIANTS} variants (got {len(variants)})",
            f"변형: {MIN_VARIANTS}~{MAX_VARIANTS}개여야 합니다(현재 {len(variants)}개)",
        )
    seen: set[str] = set()
    for index, variant in enumerate(variants):
        where = f"variants[{index}]"
        name = variant.get("name", "")
        if not re.fullmatch(NAME_PATTERN, name):
            found[f"{where}.name"] = (
                "Variant name: must be 1-40 letters, digits, spaces, dashes or underscores, starting with a letter "
                "or digit",
                "변형 이름: 문자·숫자·공백·대시·밑줄 1~40자이며, 문자나 숫자로 시작해야 합니다",
            )
        elif name.lower() in seen:
            found[f"{where}.name"] = (
                f"Variant name: '{name}' is used twice; names must differ",
                f"변형 이름: '{name}'이(가) 중복됩니다. 이름은 서로 달라야 합니다",
            )
        seen.add(name.lower())
        weight = number(variant.get("weight", ""))
        if weight is None or not 0 < weight <= 1000:
            found[f"{where}.weight"] = (
                "Weight: must be a number above 0 and at most 1,000",
                "가중치: 0보다 크고 1,000 이하인 숫자여야 합니다",
            )
        for knob, raw in knobs_of(variant).items():
            if (problem := knob_values.problem(knob, raw)) is not None:
                found[f"{where}.config.{knob}"] = problem
    return found


def _metric_step(form: Mapping[str, str], secondary: list[str], guardrails: list[Mapping[str, str]]) -> dict:
    found: dict[str, Pair] = {}
    primary = form["metric"]
    primary_en, primary_ko = metric_label(primary)
    if primary in secondary:
        found["secondary"] = (
            f"Secondary metrics: must not repeat the primary metric ({primary_en})",
            f"보조 지표: 주 지표({primary_ko})와 겹치면 안 됩니다",
        )
    elif len(secondary) > MAX_SECONDARY:
        found["secondary"] = (f"Secondary metrics: at most {MAX_SECONDARY}", f"보조 지표: 최대 {MAX_SECONDARY}개입니다")
    if len(guardrails) > MAX_GUARDRAILS:
        found["guardrails"] = (f"Guardrails: at most {MAX_GUARDRAILS}", f"가드레일: 최대 {MAX_GUARDRAILS}개입니다")
    seen: set[str] = set()
    for index, row in enumerate(guardrails):
        where = f"guardrails[{index}]"
        metric = row.get("metric", "")
        if metric not in METRICS:
            found[f"{where}.metric"] = ("Guardrail metric: choose a metric", "가드레일 지표: 지표를 고르세요")
        elif metric == primary:
            found[f"{where}.metric"] = (
                f"Guardrail metric: must differ from the primary metric ({primary_en})",
                f"가드레일 지표: 주 지표({primary_ko})와 달라야 합니다",
            )
        elif metric in seen:
            found[f"{where}.metric"] = (
                "Guardrail metric: each metric may have one guardrail",
                "가드레일 지표: 지표마다 가드레일은 하나만 둘 수 있습니다",
            )
        seen.add(metric)
        relative = row.get("margin_type", "relative") == "relative"
        margin = number(row.get("margin", ""), percent=relative)
        if relative and (margin is None or not 0 < margin <= 100):
            found[f"{where}.margin"] = (
                "Margin: must be a percentage above 0 and at most 100",
                "허용 범위: 0보다 크고 100 이하인 백분율이어야 합니다",
            )
        elif not relative and (margin is None or not 0 < margin <= 1000):
            found[f"{where}.margin"] = (
                "Margin: must be a number above 0 and at most 1,000",
                "허용 범위: 0보다 크고 1,000 이하인 숫자여야 합니다",
            )
    return found


def is_binary(metric: str) -> bool:
    """Whether the metric is a rate (its baseline and absolute MDE read in percent)."""
    found = METRICS.get(metric)
    return found is not None and found.kind == "binary"


def _power_step(form: Mapping[str, str], context: Context) -> dict[str, Pair]:
    found: dict[str, Pair] = {}
    alpha = number(form["alpha"])
    if alpha is None or not 0 < alpha < 0.5:
        found["alpha"] = (
            "Alpha: must be a number above 0 and below 0.5",
            "유의수준(α): 0보다 크고 0.5보다 작아야 합니다",
        )
    power = number(form["power"])
    if power is None or not 0.5 <= power <= 0.99:
        found["power"] = ("Power: must be a number from 0.5 to 0.99", "검정력: 0.5~0.99 사이의 숫자여야 합니다")
    binary = is_binary(form["metric"])
    relative = form["mde_type"] != "absolute"
    mde = number(form["mde"], percent=relative or binary)
    if form["mde_type"] not in ("relative", "absolute"):
        found["mde_type"] = ("MDE type: must be relative or absolute", "MDE 방식: 상대 또는 절대여야 합니다")
    if form.get("cuped", "off") not in ("off", "on"):
        found["cuped"] = ("CUPED: must be on or off", "CUPED: 켜기 또는 끄기여야 합니다")
    if form.get("analysis_plan") not in ("fixed", "sequential"):
        found["analysis_plan"] = (
            "Analysis plan: must be one look at the end (fixed) or sequential",
            "분석 계획: 종료 시 한 번 확인(고정) 또는 순차 검정이어야 합니다",
        )
    elif relative and (mde is None or not 0 < mde <= 1000):
        found["mde"] = (
            "MDE: must be a percentage above 0 and at most 1,000",
            "최소 검출 효과(MDE): 0보다 크고 1,000 이하인 백분율이어야 합니다",
        )
    elif not relative and binary and (mde is None or not 0 < mde < 100):
        found["mde"] = (
            "MDE: must be percentage points above 0 and below 100",
            "최소 검출 효과(MDE): 0보다 크고 100보다 작은 %p여야 합니다",
        )
    elif not relative and (mde is None or mde <= 0):
        found["mde"] = ("MDE: must be a number above 0", "최소 검출 효과(MDE): 0보다 큰 숫자여야 합니다")
    required = not context.baseline_available
    why: Pair = (" (the warehouse has no history for this metric)", " (웨어하우스에 이 지표의 기록이 없습니다)")
    note = why if required else ("", "")
    if required or form["baseline"].strip():
        baseline = number(form["baseline"], percent=binary)
        if binary and (baseline is None or not 0 < baseline < 100):
            found["baseline"] = (
                "Baseline: must be a percentage above 0 and below 100" + note[0],
                "기준값: 0보다 크고 100보다 작은 백분율이어야 합니다" + note[1],
            )
        elif not binary and (baseline is None or baseline <= 0):
            found["baseline"] = (
                "Baseline: must be a number above 0" + note[0],
                "기준값: 0보다 큰 숫자여야 합니다" + note[1],
            )
    if not binary and (required or form["std"].strip()):
        std = number(form["std"])
        if std is None or std <= 0:
            found["std"] = (
                "Standard deviation: must be a number above 0",
                "표준편차: 0보다 큰 숫자여야 합니다",
            )
    return found


def _traffic_step(form: Mapping[str, str]) -> dict[str, Pair]:
    allocation = number(form["allocation"], percent=True)
    if allocation is None or not 0 < allocation <= 100:
        return {
            "allocation": (
                "Allocation: must be a percentage above 0 and at most 100",
                "할당 비율: 0보다 크고 100 이하인 백분율이어야 합니다",
            )
        }
    return {}
