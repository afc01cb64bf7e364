"""Korean for what a retrospective shows: metric names, design labels and the sentences the engine wrote.

The statistics engine writes its reasons and messages in English, and a retrospective keeps them as written. A
Korean reader gets them through ``sentence_ko``: each sentence the engine can write has a pattern here, and the
parts inside (metric names, numbers, p-values) are carried over. A sentence no pattern knows is returned as it is,
so nothing is ever lost, only left in English.
"""

import re
from collections.abc import Callable

from marts.vocabulary import METRIC_NAMES_KO as METRIC_LABELS_KO

DESIGN_LABELS = {
    "alpha": ("Significance level (alpha)", "유의수준(α)"),
    "power": ("Power", "검정력"),
    "mde": ("Minimum detectable effect", "최소 검출 효과(MDE)"),
    "mde_type": ("MDE scale", "MDE 기준"),
    "baseline": ("Baseline", "기준값"),
    "baseline_window_days": ("Baseline window (per visitor, days)", "기준값 기간(방문자당, 일)"),
    "baseline_window_end": ("Baseline window's last day", "기준값 기간 마지막 날"),
    "daily_visitors": ("Daily visitors", "일 방문자 수"),
    "planned_n_per_variant": ("Planned users per variant", "변형당 계획 사용자 수"),
    "planned_n_total": ("Planned users in total", "계획 사용자 수 합계"),
    "planned_visitors": ("Planned visitors (the planned days' traffic)", "계획 방문자 수(계획 기간의 방문)"),
    "days": ("Planned days", "계획 기간(일)"),
    "analysis_plan": ("Analysis plan", "분석 계획"),
}
DESIGN_VALUES_KO = {
    "relative": "상대",
    "absolute": "절대",
    "fixed": "고정 기간, 종료 시 한 번 확인",
    "sequential": "순차 검정(언제든 확인 가능)",
}
_CORRECTIONS = {
    "after Holm correction": "Holm 보정 후",
    "after Benjamini–Hochberg correction": "Benjamini–Hochberg 보정 후",
    "after Bonferroni correction": "Bonferroni 보정 후",
    "without correction": "보정 없이",
}
_CAUSES = {
    "the split is broken": "배분이 깨졌습니다",
    "a goal metric got worse": "목표 지표가 나빠졌습니다",
    "a guardrail was harmed": "가드레일이 악화되었습니다",
}
_SRM_VERDICTS = {
    "consistent with the plan.": "계획과 일치합니다.",
    "a possible mismatch: check assignment and logging, but it does not block the analysis.": (
        "불일치 가능성이 있습니다. 배정과 로깅을 확인하세요. 분석을 막지는 않습니다."
    ),
    "a sample ratio mismatch: assignment or logging is broken, so the results cannot be trusted.": (
        "표본 비율 불일치(SRM)입니다. 배정이나 로깅이 깨졌으므로 결과를 신뢰할 수 없습니다."
    ),
}
_P = r"(p < 0\.0001|p = [^ ,;)]+)"


def metric_label_ko(key: str, english: str) -> str:
    """A metric's Korean name, or ``english`` for a metric the catalog does not know."""
    return METRIC_LABELS_KO.get(key, english)


def _metric_in(label: str) -> str:
    """'Conversion in treatment' -> 'treatment의 전환율' (a known English metric label is translated)."""
    metric, _, variant = label.partition(" in ")
    metric = _LABEL_TO_KO.get(metric.casefold(), metric)
    return f"{variant}의 {metric}" if variant else metric


def _change(text: str) -> str:
    if text == "no estimate":
        return "추정치 없음"
    return text.replace(" (absolute)", "(절대)")


def _goal(match: re.Match) -> str:
    label, verb, change, after, p_values = match.group("label", "verb", "change", "after", "p")
    p_values = p_values.replace("adjusted ", "보정 ").replace("raw ", "원래 ")
    after_ko = _CORRECTIONS.get(after, after)
    subject = _metric_in(label)
    if verb == "improved":
        return f"{subject}: {_change(change)} 개선, {after_ko} 유의함 ({p_values})."
    if verb == "got worse":
        return f"{subject}: {_change(change)} 악화, {after_ko} 유의함 ({p_values})."
    return f"{subject}: {_change(change)}, {after_ko} 유의하지 않음 ({p_values})."


def _guardrail(match: re.Match) -> str:
    label, side, confidence, bound, margin, rest = match.group("label", "side", "confidence", "bound", "margin", "rest")
    side_ko = "하한" if side == "lower" else "상한"
    found = f"{_metric_in(label)}: 변화의 단측 {confidence} {side_ko}은 {bound}"
    if rest.startswith("within"):
        p = re.search(_P, rest)
        return f"{found}로 허용 범위 {margin} 안이므로 비열등합니다 ({p.group(1) if p else ''})."
    if "harmed" in rest:
        p = re.search(_P, rest)
        return (
            f"{found}로 허용 범위 {margin}를 넘고, 대조군보다 유의하게 나쁩니다 (단측 {p.group(1) if p else ''}): 악화."
        )
    p = re.search(_P, rest)
    return f"{found}로 허용 범위 {margin}를 넘어, 아직 비열등성이 입증되지 않았습니다 ({p.group(1) if p else ''})."


def _srm(match: re.Match) -> str:
    split, names, planned, test, verdict = match.group("split", "names", "planned", "test", "verdict")
    test_ko = test.replace("chi-square huge", "카이제곱 매우 큼").replace("chi-square", "카이제곱")
    return f"계획된 {planned} 배분 대비 관측 {split}명({names}): {test_ko}, {_SRM_VERDICTS.get(verdict, verdict)}"


def _segments(match: re.Match) -> str:
    k, dimension, alpha, chance, wins = match.group("k", "dimension", "alpha", "chance", "wins")
    return (
        f"{dimension} 세그먼트 {k}개를 유의수준 {alpha}로 검정했습니다. 변형이 아무 효과가 없어도 적어도 하나가 "
        f"거짓 양성일 확률은 {chance}입니다. 보정 전 {k}개 중 {wins}개가 유의해 보입니다. 세그먼트에서만 보인 "
        "효과는 결과가 아니라 새 실험의 가설로 다루세요."
    )


def _dont_ship(match: re.Match) -> str:
    causes = ", ".join(_CAUSES.get(cause, cause) for cause in match.group("causes").split(", "))
    return f"{match.group('variant')} 배포하지 않기: {causes}."


PATTERNS: tuple[tuple[re.Pattern, Callable[[re.Match], str]], ...] = (
    (re.compile(r"^Sample ratio mismatch: (?P<rest>.+)$"), lambda m: f"표본 비율 불일치: {sentence_ko(m['rest'])}"),
    (re.compile(r"^Sample ratio caution: (?P<rest>.+)$"), lambda m: f"표본 비율 주의: {sentence_ko(m['rest'])}"),
    (
        re.compile(r"^Sample ratio not checked: (?P<rest>.+)$"),
        lambda m: f"표본 비율을 확인하지 못함: {sentence_ko(m['rest'])}",
    ),
    (
        re.compile(
            r"^Observed (?P<split>[\d,/ ]+) units \((?P<names>.+)\) against a planned (?P<planned>[\d.%/ ]+) split: "
            r"(?P<test>chi-square [^,]+(?:, p [<=] [^,]+)?), (?P<verdict>.+)$"
        ),
        _srm,
    ),
    (re.compile(r"^No guardrails were set\.$"), lambda m: "가드레일이 설정되지 않았습니다."),
    (
        re.compile(r"^(?P<variant>.+): no goal metric to judge a win on\.$"),
        lambda m: f"{m['variant']}: 성공을 판단할 목표 지표가 없습니다.",
    ),
    (
        re.compile(r"^(?P<label>.+): no test \((?P<message>.+)\)\.$"),
        lambda m: f"{_metric_in(m['label'])}: 검정 없음 ({sentence_ko(m['message'])}).",
    ),
    (
        re.compile(
            r"^(?P<label>.+): (?:(?P<verb>improved|got worse) )?(?P<change>[+\-−][^ ]+(?: \(absolute\))?|no estimate), "
            r"(?:not )?significant (?P<after>after .+ correction|without correction) \((?P<p>.+)\)\.$"
        ),
        _goal,
    ),
    (
        re.compile(
            r"^(?P<label>.+): the (?P<side>lower|upper) (?:one-sided )?(?P<confidence>\d+%) bound of the change is "
            r"(?P<bound>\S+), "
            r"(?P<rest>(?:within|past) the (?P<margin>\S+) margin.*)$"
        ),
        _guardrail,
    ),
    (
        re.compile(r"^(?P<label>.+): cannot test non-inferiority \((?P<message>.+?)\)(?P<rest>;.*)?$"),
        lambda m: (
            f"{_metric_in(m['label'])}: 비열등성을 검정할 수 없음 ({sentence_ko(m['message'])})"
            + ("; 대조군보다 유의하게 나쁩니다" if m["rest"] else "")
        ),
    ),
    (
        re.compile(
            r"^(?P<k>\d+) (?P<dimension>\S+) segments were tested at alpha (?P<alpha>[\d.]+): even if the variant did "
            r"nothing, the chance of at least one false positive is (?P<chance>\d+%)\. (?P<wins>\d+) of \d+ look .+$"
        ),
        _segments,
    ),
    (
        re.compile(r"^Do not ship (?P<variant>.+?): (?P<causes>.+)\.$"),
        _dont_ship,
    ),
    (
        re.compile(
            r"^Ship (?P<variant>.+?): a goal metric improved significantly and every guardrail is non-inferior\.$"
        ),
        lambda m: f"{m['variant']} 배포: 목표 지표가 유의하게 개선되었고 모든 가드레일이 비열등합니다.",
    ),
    (
        re.compile(
            r"^Keep (?P<variant>.+?) running: the planned sample is not in yet and there is no decision so far\.$"
        ),
        lambda m: f"{m['variant']} 계속 진행: 계획한 표본이 아직 모이지 않았고 지금까지 결론이 없습니다.",
    ),
    (
        re.compile(r"^Inconclusive for (?P<variant>.+?): the planned sample is in, but the evidence to ship is not\.$"),
        lambda m: f"{m['variant']} 결론 없음: 계획한 표본은 모였지만 배포할 근거가 없습니다.",
    ),
    (
        re.compile(r"^(?P<name>.+): no data, nothing to compare$"),
        lambda m: f"{m['name']}: 데이터가 없어 비교할 수 없음",
    ),
    (re.compile(r"^(?P<name>.+): no units$"), lambda m: f"{m['name']}: 단위 없음"),
    (
        re.compile(r"^(?P<name>.+): only (?P<n>\d+) unit; at least 2 are needed$"),
        lambda m: f"{m['name']}: 단위가 {m['n']}개뿐이며 최소 2개가 필요함",
    ),
    (re.compile(r"^no units in any variant yet$"), lambda m: "아직 어느 변형에도 단위가 없음"),
    (re.compile(r"^only one variant: there is no split to check$"), lambda m: "변형이 하나뿐이라 확인할 배분이 없음"),
    (re.compile(r"^the adjusted metric has no variance$"), lambda m: "보정된 지표의 분산이 없음"),
)


def sentence_ko(text: str) -> str:
    """The Korean of a sentence the engine wrote, or ``text`` unchanged when no pattern knows it."""
    stripped = text.strip()
    for pattern, render in PATTERNS:
        if match := pattern.match(stripped):
            return render(match)
    return text


def _labels() -> dict[str, str]:
    from marts.metrics import METRICS

    found = {
        metric.label.casefold(): METRIC_LABELS_KO[key] for key, metric in METRICS.items() if key in METRIC_LABELS_KO
    }
    found.update({key.casefold(): label for key, label in METRIC_LABELS_KO.items()})
    return found


_LABEL_TO_KO = _labels()
