"""What the results page shows, built from a readout (``marts.stats.readout.Readout.to_dict()``, pure): formatted,
bilingual rows.

Every number comes from the readout's one analysis (with CUPED or without): the page switches analysis by building
these rows again from the other readout, never by mixing the two. Text built here comes in pairs: a ``*_en`` and a
``*_ko`` field, picked in the browser by the learner's language.
"""

from dataclasses import dataclass, field
from typing import Any

from marts.metrics import ALL_METRICS, METRICS
from marts.stats.readout import analysis_of
from marts.vocabulary import format_p, metric_description, metric_name, p_phrase, persona_name
from novarium_app.lab import formatting as fmt

ERROR_WORDS = {
    "no_data": ("no users in a variant yet", "아직 사용자가 없는 변형이 있습니다"),
    "too_few_units": ("too few users to estimate a spread", "분산을 추정하기에 사용자가 너무 적습니다"),
    "zero_variance": ("every user has the same value: nothing to test", "모든 사용자의 값이 같아 검정할 것이 없습니다"),
    "zero_baseline": ("the control is zero, so there is no relative lift", "대조군 값이 0이라 상대 변화가 없습니다"),
    "zero_denominator": ("no orders yet, so the ratio is undefined", "아직 주문이 없어 비율을 정의할 수 없습니다"),
    "single_variant": ("one side has no data", "한쪽 변형에 데이터가 없습니다"),
    "invalid_input": ("the data cannot be tested", "이 데이터는 검정할 수 없습니다"),
}
ROLE_ORDER = {"primary": 0, "secondary": 1, "guardrail": 2}


@dataclass
class MetricRow:
    """One variant of one metric in the readout's analysis; ``has_cuped`` when CUPED adjusted this comparison."""

    variant: str
    is_control: bool
    n: str
    mean: str
    abs: str = fmt.DASH
    abs_ci: str = fmt.DASH
    rel: str = fmt.DASH
    rel_ci: str = fmt.DASH
    p: str = fmt.DASH
    p_adj: str = fmt.DASH
    chance: str = fmt.DASH
    loss: str = fmt.DASH
    tone: str = "gray"
    has_cuped: bool = False
    cuped_vr: str = fmt.DASH
    note_en: str = ""
    note_ko: str = ""


@dataclass
class MetricCard:
    """One metric with a row per variant."""

    metric: str
    label_en: str
    label_ko: str
    role: str
    kind: str
    description_en: str
    description_ko: str
    unit_en: str
    unit_ko: str
    has_cuped: bool = False
    analysis_en: str = ""
    analysis_ko: str = ""
    rows: list[MetricRow] = field(default_factory=list)


@dataclass
class SegmentRow:
    """One segment of a breakdown."""

    segment: str
    name_en: str
    name_ko: str
    n_control: str
    n_treatment: str
    control: str
    treatment: str
    rel: str
    p: str
    p_adj: str
    tone: str
    note_en: str = ""
    note_ko: str = ""


@dataclass
class SegmentBlock:
    """The primary metric in one treatment variant, broken down by segment, with its warning."""

    variant: str
    warning_en: str
    warning_ko: str
    rows: list[SegmentRow] = field(default_factory=list)


@dataclass
class Line:
    """A bilingual sentence with a tone (green, red, amber or gray)."""

    tone: str
    en: str
    ko: str


def _tone(rel: float | None, higher_is_better: bool, significant: bool) -> str:
    if rel is None or not significant:
        return "gray"
    return "green" if (rel > 0) == higher_is_better else "red"


def _note(item: dict[str, Any]) -> tuple[str, str]:
    code = item.get("error")
    if not code or code not in ERROR_WORDS:
        return "", ""
    return ERROR_WORDS[code]


def unit_words(key: str, unit: str) -> tuple[str, str]:
    """What one observation of a result is, from the catalog (``marts.metrics``): an experiment's window is its run."""
    per_order = key in ALL_METRICS and ALL_METRICS[key].unit == "order"
    if per_order:
        return "Per order placed by exposed visitors, in dollars", "노출된 방문자의 주문 1건당, 달러 기준"
    if unit == "rate":
        return (
            "Share of exposed visitors over the run; lifts in percentage points (pp)",
            "실험 기간 동안 노출된 방문자 중 비율, 변화는 %p(pp)",
        )
    if unit == "money":
        return "Per exposed visitor over the run, in dollars", "실험 기간 동안 노출된 방문자당, 달러 기준"
    return "Per exposed visitor over the run", "실험 기간 동안 노출된 방문자당"


def metric_cards(results: dict[str, Any]) -> list[MetricCard]:
    """A card per metric (primary first) with a row per variant."""
    alpha = results.get("alpha", 0.05)
    cuped = analysis_of(results)["cuped"]
    cards = []
    for metric in sorted(results.get("metrics", []), key=lambda m: ROLE_ORDER.get(m["role"], 3)):
        key, unit = metric["metric"], fmt.unit_of(metric["metric"])
        better = metric.get("higher_is_better", True)
        english, korean = metric_name(key)
        comparisons = {c["variant"]: c for c in metric["comparisons"]}
        rows = []
        for position, summary in enumerate(metric["variants"]):
            row = MetricRow(
                summary["variant"], position == 0, fmt.count(summary["n"]), fmt.value(summary["mean"], unit)
            )
            item = comparisons.get(summary["variant"])
            if item is not None:
                _fill(row, item, unit, better, alpha, metric["role"] != "guardrail")
            rows.append(row)
        description = (
            metric.get("description", ""),
            metric_description(key)[1] or metric.get("description", ""),
        )
        card = MetricCard(key, english, korean, metric["role"], metric["kind"], *description, *unit_words(key, unit))
        card.rows, card.has_cuped = rows, any(row.has_cuped for row in rows)
        if card.has_cuped:
            card.analysis_en, card.analysis_ko = "CUPED-adjusted", "CUPED 보정"
        elif cuped:
            card.analysis_en, card.analysis_ko = (
                "Without CUPED (it cannot adjust this metric)",
                "CUPED 미적용(보정 불가)",
            )
        cards.append(card)
    return cards


def _fill(row: MetricRow, item: dict[str, Any], unit: str, better: bool, alpha: float, goal: bool) -> None:
    deciding = item["p_value_adjusted"] if goal else item["p_value"]
    row.abs, row.abs_ci = fmt.lift(item["abs_lift"], unit), fmt.interval(item["abs_ci"], unit)
    row.rel, row.rel_ci = fmt.percent(item["rel_lift"], signed=True), fmt.interval(item["rel_ci"], "relative")
    row.p, row.p_adj = format_p(item["p_value"]), format_p(item["p_value_adjusted"])
    row.chance, row.loss = fmt.chance(item["chance_to_beat"]), fmt.percent(item["expected_loss"], digits=2)
    change = item["rel_lift"] if item["rel_lift"] is not None else item["abs_lift"]
    row.tone = _tone(change, better, deciding is not None and deciding < alpha)
    row.note_en, row.note_ko = _note(item)
    cuped = item.get("cuped") or {}
    if item.get("cuped_applied"):
        row.has_cuped = True
        row.cuped_vr = fmt.percent(cuped.get("variance_reduction"), digits=1)
    elif cuped and not row.note_en:  # CUPED was chosen but could not adjust this comparison
        row.note_en, row.note_ko = (
            "read without CUPED: it could not adjust this comparison",
            "CUPED로 보정할 수 없어 CUPED 없이 읽었습니다",
        )


def forest_points(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The relative lift and interval of every metric × treatment in the readout's analysis, primary first (the CI
    plot's rows)."""
    points = []
    for metric in sorted(results.get("metrics", []), key=lambda m: ROLE_ORDER.get(m["role"], 3)):
        english, korean = metric_name(metric["metric"])
        for item in metric["comparisons"]:
            points.append(
                {
                    "key": f"{metric['metric']}|{item['variant']}",
                    "label_en": f"{english} · {item['variant']}",
                    "label_ko": f"{korean} · {item['variant']}",
                    "role": metric["role"],
                    "rel": item["rel_lift"],
                    "ci": item["rel_ci"],
                }
            )
    return points


def srm_lines(results: dict[str, Any]) -> Line:
    """The SRM check in plain words."""
    srm = results.get("srm", {})
    status, observed, shares = srm.get("status", "unavailable"), srm.get("observed", {}), srm.get("expected_share", {})
    split = " / ".join(f"{n:,}" for n in observed.values())
    planned = " / ".join(fmt.percent(s, digits=0) for s in shares.values())
    names = " / ".join(observed)
    p = p_phrase(srm.get("p_value"))
    found_en = f"Observed {split} users ({names}) against a planned {planned} split, {p}."
    found_ko = f"계획된 {planned} 배분 대비 관측 {split}명({names}), {p}."
    if status == "ok":
        return Line("green", f"{found_en} The split matches the plan.", f"{found_ko} 배분이 계획과 일치합니다.")
    if status == "caution":
        return Line(
            "amber",
            f"{found_en} A possible mismatch: check assignment and logging; it does not block the decision.",
            f"{found_ko} 불일치 가능성이 있습니다. 배정과 로깅을 확인하세요. 결정을 막지는 않습니다.",
        )
    if status == "warning":
        return Line(
            "red",
            f"{found_en} Sample ratio mismatch: assignment or logging is broken, so no result here can be trusted.",
            f"{found_ko} 표본 비율 불일치(SRM): 배정이나 로깅이 깨졌으므로 이 결과는 신뢰할 수 없습니다.",
        )
    return Line(
        "gray",
        "The split cannot be checked yet: no users in any variant.",
        "아직 사용자가 없어 배분을 확인할 수 없습니다.",
    )


def _bound_words(item: dict[str, Any], bound: str) -> tuple[str, str]:
    """The bound a guardrail is judged by, named: one-sided, its side and level (the table's interval is two-sided)."""
    confidence = fmt.percent(item.get("bound_confidence", 0.95), digits=0)
    upper = item.get("bound_side") == "upper"
    side_en, side_ko = ("upper", "상한") if upper else ("lower", "하한")
    return (
        f"its one-sided {confidence} {side_en} bound ({bound}, a little inside the table's two-sided interval)",
        f"단측 {confidence} {side_ko}({bound}, 표의 양측 구간보다 조금 안쪽)",
    )


def guardrail_lines(results: dict[str, Any]) -> list[Line]:
    """Each guardrail verdict in plain words."""
    lines = []
    for item in results.get("guardrails", []):
        english, korean = metric_name(item["metric"])
        unit = fmt.unit_of(item["metric"])
        relative = item["margin_type"] == "relative"
        margin = fmt.percent(item["margin"], digits=1) if relative else fmt.value(item["margin"], unit)
        bound = fmt.percent(item["bound"], signed=True) if relative else fmt.lift(item["bound"], unit)
        variant, verdict = item["variant"], item["verdict"]
        worst_en, worst_ko = _bound_words(item, bound)
        if verdict == "non_inferior":
            english_text = f"{english} in {variant}: non-inferior; {worst_en} stays within the {margin} margin."
            korean_text = f"{variant}의 {korean}: 비열등. {worst_ko}가 허용 범위 {margin} 안입니다."
            tone = "green"
        elif verdict == "harmed":
            english_text = (
                f"{english} in {variant}: harmed; it is significantly worse and {worst_en} is past the {margin} margin."
            )
            korean_text = f"{variant}의 {korean}: 악화. 유의하게 나빠졌고 {worst_ko}가 허용 범위 {margin}를 넘습니다."
            tone = "red"
        else:
            english_text = (
                f"{english} in {variant}: not shown yet; {worst_en} is past the {margin} margin, more users would tell."
            )
            korean_text = (
                f"{variant}의 {korean}: 아직 입증되지 않음. {worst_ko}가 허용 범위 {margin}를 넘습니다. "
                "사용자가 더 필요합니다."
            )
            tone = "amber"
        lines.append(Line(tone, english_text, korean_text))
    return lines


VERDICT_HEADLINES = {
    "ship": ("Ship {variant}", "{variant} 배포"),
    "dont_ship": ("Don't ship {variant}", "{variant} 배포하지 않기"),
    "keep_running": ("Keep {variant} running", "{variant} 계속 진행"),
    "inconclusive": ("Inconclusive for {variant}", "{variant}: 결론 없음"),
}


def recommendation(results: dict[str, Any]) -> tuple[str, str, str, list[Line]]:
    """(verdict, headline_en, headline_ko, reasons) of the ship rule; a ship verdict first when there is one."""
    found = results.get("decisions", [])
    if not found:
        return "inconclusive", "No recommendation yet", "아직 권고가 없습니다", []
    chosen = next((d for d in found if d["verdict"] == "ship"), found[0])
    english, korean = VERDICT_HEADLINES[chosen["verdict"]]
    variant = chosen["variant"]
    return (
        chosen["verdict"],
        english.format(variant=variant),
        korean.format(variant=variant),
        _reasons(results, variant),
    )


def _reasons(results: dict[str, Any], variant: str) -> list[Line]:
    alpha = results.get("alpha", 0.05)
    correction = {"holm": ("Holm", "Holm"), "fdr_bh": ("Benjamini–Hochberg", "Benjamini–Hochberg")}.get(
        results.get("correction", "holm"), ("the correction", "보정")
    )
    lines = []
    srm = srm_lines(results)
    if srm.tone != "green":
        lines.append(srm)
    for metric in sorted(results.get("metrics", []), key=lambda m: ROLE_ORDER.get(m["role"], 3)):
        if metric["role"] == "guardrail":
            continue
        item = next((c for c in metric["comparisons"] if c["variant"] == variant), None)
        if item is None:
            continue
        english, korean = metric_name(metric["metric"])
        change = fmt.percent(item["rel_lift"], signed=True)
        adjusted = item["p_value_adjusted"]
        if adjusted is None:
            words = _note(item)
            no_test = Line(
                "gray",
                f"{english}: no test ({words[0] or 'no p-value'}).",
                f"{korean}: 검정 없음({words[1] or 'p-값 없음'}).",
            )
            lines.append(no_test)
            continue
        significant = adjusted < alpha
        tone = _tone(item["rel_lift"], metric.get("higher_is_better", True), significant)
        p = format_p(adjusted)
        if significant:
            better_en, better_ko = ("better", "좋아짐") if tone == "green" else ("worse", "나빠짐")
            english_text = f"{english}: {change}, significantly {better_en} after {correction[0]} correction"
            korean_text = f"{korean}: {change}, {correction[1]} 보정 후 유의하게 {better_ko}"
        else:
            english_text = f"{english}: {change}, not significant after {correction[0]} correction"
            korean_text = f"{korean}: {change}, {correction[1]} 보정 후 유의하지 않음"
        lines.append(Line(tone, f"{english_text} (adjusted p {p}).", f"{korean_text}(보정 p {p})."))
    lines += [line for line in guardrail_lines(results) if f" in {variant}:" in line.en]
    return lines


def segment_blocks(results: dict[str, Any]) -> list[SegmentBlock]:
    """The primary metric's breakdowns, one block per treatment variant."""
    primary = next((m for m in results.get("metrics", []) if m["role"] == "primary"), None)
    if primary is None:
        return []
    key, unit = primary["metric"], fmt.unit_of(primary["metric"])
    better = METRICS[key].higher_is_better if key in METRICS else True
    alpha = results.get("alpha", 0.05)
    blocks = []
    for item in results.get("segments", []):
        if item["metric"] != key:
            continue
        rows = []
        for row in item["rows"]:
            note = _note(row)
            significant = row["p_value_adjusted"] is not None and row["p_value_adjusted"] < alpha
            rows.append(
                SegmentRow(
                    segment=row["segment"],
                    name_en=persona_name(row["segment"])[0],
                    name_ko=persona_name(row["segment"])[1],
                    n_control=fmt.count(row["n_control"]),
                    n_treatment=fmt.count(row["n_treatment"]),
                    control=fmt.value(row["control_mean"], unit),
                    treatment=fmt.value(row["treatment_mean"], unit),
                    rel=fmt.percent(row["rel_lift"], signed=True),
                    p=format_p(row["p_value"]),
                    p_adj=format_p(row["p_value_adjusted"]),
                    tone=_tone(row["rel_lift"], better, significant),
                    note_en=note[0],
                    note_ko=note[1],
                )
            )
        english, korean = _segment_warning(item, alpha)
        blocks.append(SegmentBlock(item["variant"], english, korean, rows))
    return blocks


def _segment_warning(item: dict[str, Any], alpha: float) -> tuple[str, str]:
    k = item.get("n_tested", 0)
    if k < 2:
        return "", ""
    chance = fmt.percent(item.get("false_positive_chance"), digits=0)
    return (
        f"{k} segments were tested at alpha {alpha:g}: even if the variant did nothing, the chance that at least one "
        f"looks significant is {chance}. Treat a segment-only win as a hypothesis for a new experiment, not a result.",
        f"{k}개 세그먼트를 유의수준 {alpha:g}로 검정했습니다. "
        f"변형에 효과가 전혀 없어도 적어도 하나가 유의해 보일 확률은 {chance}입니다. "
        "세그먼트에서만 나타난 효과는 결과가 아니라 새 실험의 가설로 다루세요.",
    )
