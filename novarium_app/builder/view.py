"""What the wizard's panels show, as rows of text built from the draft, its problems and its plan.

The state hands these rows to the page as they are (dicts of strings), so the page only lays them out. Every text
a learner reads comes as an English and a Korean field (``..._en``, ``..._ko``).
"""

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from marts.baselines import NO_BANNER_CLICKS, NO_ITEM_COUNTS, NO_TRAFFIC
from marts.vocabulary import metric_unit, over_last_days
from novarium_app.builder import knob_values, numbers
from novarium_app.builder.draft import knobs_of
from novarium_app.builder.labels import choice_label, knob_label, metric_label
from novarium_app.builder.plan import Plan
from novarium_app.builder.traffic import Probe
from novarium_app.builder.validation import number, step_of
from shop.knobs import KNOBS, normalise, resolve

Pair = tuple[str, str]

SOURCES: dict[str, Pair] = {
    "sessions": (
        "sessions: the window's visitors who did it ÷ all its visitors",
        "sessions: 기간 방문자 중 해당 행동을 한 방문자 ÷ 전체 방문자",
    ),
    "orders": (
        "sessions and orders: each visitor's orders in the window (sums and sums of squares)",
        "sessions와 orders: 기간 동안 방문자별 주문(합계와 제곱합)",
    ),
}
MISSING: dict[str, Pair] = {
    NO_TRAFFIC: (
        "The warehouse is empty: run novarium seed, or type an assumed baseline.",
        "웨어하우스가 비어 있습니다. novarium seed를 실행하거나 가정한 기준값을 입력하세요.",
    ),
    NO_BANNER_CLICKS: (
        "The warehouse history has no banner clicks: type an assumed baseline.",
        "웨어하우스 기록에 배너 클릭이 없습니다. 가정한 기준값을 입력하세요.",
    ),
    NO_ITEM_COUNTS: (
        "Sessions record whether an item was viewed, not how many: type an assumed mean and standard deviation.",
        "세션에는 메뉴를 봤는지만 있고 몇 개를 봤는지는 없습니다. 가정한 평균과 표준편차를 입력하세요.",
    ),
}
NO_HISTORY: Pair = (
    "The warehouse has no history for this metric: type an assumed baseline.",
    "웨어하우스에 이 지표의 기록이 없습니다. 가정한 기준값을 입력하세요.",
)


def _error(problems: Mapping[str, Pair], name: str) -> Pair:
    return problems.get(name, ("", ""))


def _value_text(key: str, raw: str) -> Pair:
    knob = KNOBS[key]
    if knob.kind == "choice":
        return choice_label(raw)
    if knob.kind == "bool":
        return ("on", "켜기") if raw.strip().lower() == "true" else ("off", "끄기")
    if knob.kind == "text":
        return f"“{raw.strip()}”", f"“{raw.strip()}”"
    suffix = {"%": "%", "$": ""}.get(knob.unit, "")
    prefix = "$" if knob.unit == "$" else ""
    return f"{prefix}{raw.strip()}{suffix}", f"{prefix}{raw.strip()}{suffix}"


def changes(variant: Mapping[str, str]) -> Pair:
    """The knobs a variant changes, in words ("Banner colour → Red · Discount → 10%")."""
    parts_en, parts_ko = [], []
    for key, raw in knobs_of(variant).items():
        if key not in KNOBS:
            continue
        label_en, label_ko = knob_label(key)
        value_en, value_ko = _value_text(key, raw)
        parts_en.append(f"{label_en} → {value_en}")
        parts_ko.append(f"{label_ko} → {value_ko}")
    if not parts_en:
        return "The shop as it is", "현재 쇼핑몰 그대로"
    return " · ".join(parts_en), " · ".join(parts_ko)


def _resolved(variant: Mapping[str, str]) -> dict[str, Any] | None:
    """The full config a variant shows, or None while one of its knob values is invalid."""
    config = {}
    for key, raw in knobs_of(variant).items():
        knob = KNOBS.get(key)
        if knob is None or knob.problem(value := knob_values.parse(knob, raw)) is not None:
            return None
        config[key] = value
    return resolve(normalise(config))


def variant_rows(
    variants: Sequence[Mapping[str, str]], selected: int, problems: Mapping[str, Pair]
) -> list[dict[str, str]]:
    """One row per variant: name, weight, its traffic share, what it changes and its inline problems."""
    weights = [number(v.get("weight", "")) for v in variants]
    total = sum(w for w in weights if w is not None and w > 0)
    control = _resolved(variants[0]) if variants else None
    rows = []
    for index, variant in enumerate(variants):
        where = f"variants[{index}]"
        weight = weights[index]
        share = numbers.percent(weight / total) if total and weight is not None and weight > 0 else "—"
        summary_en, summary_ko = changes(variant)
        name_en, name_ko = _error(problems, f"{where}.name")
        weight_en, weight_ko = _error(problems, f"{where}.weight")
        knob_errors = any(name.startswith(f"{where}.config.") for name in problems)
        rows.append(
            {
                "index": str(index),
                "name": variant.get("name", ""),
                "weight": variant.get("weight", ""),
                "share": share,
                "role_en": "Control" if index == 0 else f"Treatment {index}",
                "role_ko": "대조군" if index == 0 else f"실험군 {index}",
                "changes_en": summary_en,
                "changes_ko": summary_ko,
                "knobs": str(len(knobs_of(variant))),
                "selected": "1" if index == selected else "",
                "name_error_en": name_en,
                "name_error_ko": name_ko,
                "weight_error_en": weight_en,
                "weight_error_ko": weight_ko,
                "has_error": "1" if (name_en or weight_en or knob_errors) else "",
                "same_as_control": "1" if index > 0 and control is not None and _resolved(variant) == control else "",
            }
        )
    return rows


def guardrail_rows(guardrails: Sequence[Mapping[str, str]], problems: Mapping[str, Pair]) -> list[dict[str, str]]:
    """One row per guardrail with its inline problems."""
    rows = []
    for index, row in enumerate(guardrails):
        where = f"guardrails[{index}]"
        metric_en, metric_ko = _error(problems, f"{where}.metric")
        margin_en, margin_ko = _error(problems, f"{where}.margin")
        rows.append(
            {
                "index": str(index),
                "metric": row.get("metric", ""),
                "margin": row.get("margin", ""),
                "margin_type": row.get("margin_type", "relative"),
                "metric_error_en": metric_en,
                "metric_error_ko": metric_ko,
                "margin_error_en": margin_en,
                "margin_error_ko": margin_ko,
            }
        )
    return rows


def guardrail_text(row: Mapping[str, str]) -> Pair:
    """A guardrail in words ("Average order value may drop at most 5%")."""
    metric_en, metric_ko = metric_label(row.get("metric", ""))
    margin = row.get("margin", "").strip()
    if row.get("margin_type") == "absolute":
        return f"{metric_en} may drop at most {margin}", f"{metric_ko} 최대 {margin} 하락 허용"
    return f"{metric_en} may drop at most {margin}%", f"{metric_ko} 최대 {margin}% 하락 허용"


def baseline_view(metric: str, warehouse: Mapping[str, Any] | None, plan: Plan | None = None) -> dict[str, str]:
    """The primary metric's warehouse baseline as the power step shows it: the window the plan was sized on (its
    length, dates, value and visitors: "Conversion over the last 14 days: 31.20%"), else the default window."""
    entry = warehouse or {}
    days = entry.get("days") if isinstance(entry.get("days"), int) and entry.get("days") > 0 else None
    mean, std, n = entry.get("mean"), entry.get("std"), entry.get("n")
    windows = entry.get("windows") or []
    if plan is not None and plan.baseline_days and plan.baseline_days <= len(windows):
        days = plan.baseline_days
        found = windows[days - 1]
        mean, n = plan.baseline, found[2] if len(found) > 2 else None
        std = plan.std if plan.std is not None else found[1] if len(found) > 1 else None
    available = mean is not None
    source_en, source_ko = SOURCES.get(entry.get("source", ""), ("", ""))
    unit_en, unit_ko = metric_unit(metric, days)
    missing_en, missing_ko = ("", "") if available else MISSING.get(entry.get("missing", ""), NO_HISTORY)
    value = numbers.metric_value(metric, mean)
    named_en, named_ko = over_last_days(metric, days) if days and available else ("", "")
    longest_en, longest_ko = "", ""
    if plan is not None and plan.days and days and plan.baseline_days == days and plan.days > days:
        longest_en = f" (the warehouse's longest window; the plan runs {plan.days:,} days)"
        longest_ko = f"(웨어하우스의 가장 긴 기간, 계획은 {plan.days:,}일)"
    return {
        "available": "1" if available else "",
        "binary": "1" if numbers.unit(metric) == "percent" else "",
        "value": value,
        "std": "—"
        if std is None
        else f"{std:.3f}"
        if numbers.unit(metric) == "percent"
        else numbers.metric_value(metric, std),
        "n": numbers.count(n) if available else "—",
        "days": str(days or ""),
        "named_en": f"{named_en}: {value}{longest_en}" if named_en else "",
        "named_ko": f"{named_ko}: {value}{longest_ko}" if named_ko else "",
        "window": _window_dates(entry.get("last_day"), days),
        "source_en": source_en,
        "source_ko": source_ko,
        "unit_en": unit_en,
        "unit_ko": unit_ko,
        "missing_en": missing_en,
        "missing_ko": missing_ko,
    }


def _window_dates(last_day: Any, days: int | None) -> str:
    """ "Oct 18 – Oct 31, 2026": the last ``days`` days to the warehouse's last day ("" without both)."""
    if not days or not isinstance(last_day, str):
        return ""
    try:
        last = date.fromisoformat(last_day)
    except ValueError:
        return ""
    return f"{last - timedelta(days=days - 1):%b %d} – {last:%b %d, %Y}"


def plan_view(plan: Plan | None, metric: str) -> dict[str, str]:
    """The plan's figures as text ("—" where there is none)."""
    if plan is None:
        return {}
    return {
        "n_per_variant": numbers.count(plan.n_per_variant),
        "n_total": numbers.count(plan.n_total),
        "days": numbers.count(plan.days),
        "daily": numbers.count(plan.daily_in_experiment),
        "mde_abs": numbers.absolute_change(metric, plan.mde_abs),
        "mde_rel": numbers.percent(plan.mde_rel) if plan.mde_rel is not None else "—",
        "long": "1" if plan.days is not None and plan.days > 90 else "",
        "problem_en": plan.problem[0] if plan.problem else "",
        "problem_ko": plan.problem[1] if plan.problem else "",
    }


def probe_view(found: Probe, names: Sequence[str], allocation: float) -> dict[str, str]:
    """Where a user id lands, as the traffic step draws it (positions in percent of the bar)."""
    inside = found.inside
    return {
        "allocation": f"{allocation:g}",
        "allocation_width": f"{allocation:g}%",
        "user_id": found.user_id,
        "allocation_point": f"{found.allocation_point:.2f}",
        "allocation_left": f"{found.allocation_point:.3f}%",
        "bucket": f"{found.bucket:.4f}",
        "bucket_left": f"{found.bucket * 100:.3f}%",
        "inside": "1" if inside else "",
        "variant": found.variant or "",
        "index": str(found.index),
        "variant_label": names[found.index] if 0 <= found.index < len(names) else "",
    }


def review_rows(found: Mapping[str, Pair], spec_check: Sequence[str]) -> list[dict[str, str]]:
    """Every problem for the review, each naming its field and step: the wizard's in both languages, then the
    spec check's (``parse_spec``, in its own words) for fields the wizard did not already flag."""
    rows = [{"field": name, "en": en, "ko": ko, "step": str(step_of(name))} for name, (en, ko) in found.items()]
    covered = {row["field"] for row in rows}
    for line in spec_check:
        field = line.split(":", 1)[0]
        if {"primary_metric": "metric"}.get(field, field) not in covered:
            rows.append({"field": field, "en": line, "ko": line, "step": str(step_of(field))})
    return rows
