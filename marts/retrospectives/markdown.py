"""A retrospective as one readable Markdown document, in English or Korean, written from its read model.

Every piece of wording is written as an (English, Korean) pair and picked once per document by ``_say``.
"""

from contextvars import ContextVar
from typing import Any

from marts.retrospectives.formatting import verdict_text, verdict_word
from marts.retrospectives.record import DASH, OUTCOME_WORDS, Retrospective
from marts.retrospectives.view import MetricBlock, RetroView, retro_view
from marts.vocabulary import SRM_STATUS_NAMES, name_in

Text = tuple[str, str]
CORRECT_WORDS = {"right": ("Right", "옳은 결정"), "wrong": ("Wrong", "잘못된 결정")}
RESULT_HEADER: list[Text] = [
    ("Variant", "변형"),
    ("Units", "단위 수"),
    ("Mean", "평균"),
    ("Abs. lift", "절대 변화"),
    ("Abs. CI", "절대 신뢰구간"),
    ("Rel. lift", "상대 변화"),
    ("Rel. CI", "상대 신뢰구간"),
    ("p-value", "p-값"),
    ("Adj. p-value", "보정 p-값"),
    ("Chance to beat", "이길 확률"),
    ("Expected loss", "기대 손실"),
]
_LANGUAGE: ContextVar[str] = ContextVar("markdown_language", default="en")


def _say(text: Text) -> str:
    return text[1] if _LANGUAGE.get() == "ko" else text[0]


def to_markdown(retro: Retrospective, language: str = "en") -> str:
    """The whole retrospective as Markdown in ``language`` ("en" or "ko"); a section without data says so (or is
    left out when optional)."""
    token = _LANGUAGE.set("ko" if language == "ko" else "en")
    try:
        view = retro_view(retro, language)
        hypothesis = (
            f"> {view.hypothesis}"
            if view.hypothesis
            else _say(("_No hypothesis recorded._", "_가설이 기록되지 않았습니다._"))
        )
        learnings = view.learnings.strip() or _say(("_No learnings written yet._", "_아직 배운 점이 없습니다._"))
        parts = [
            _title(view),
            f"## {_say(('Hypothesis', '가설'))}\n\n{hypothesis}",
            _design(view),
            _variants(view),
            _results(view),
            _guardrails(view),
            _srm(view),
            _decision(view),
            _truth(view),
            f"## {_say(('Learnings', '배운 점'))}\n\n{learnings}",
            _coach(view),
        ]
    finally:
        _LANGUAGE.reset(token)
    return "\n\n".join(part for part in parts if part).rstrip() + "\n"


def _verdict(value: Any) -> str:
    return verdict_word(value, _LANGUAGE.get())


def _outcome(value: str) -> str:
    return _say(OUTCOME_WORDS.get(value, ("Not set", "정하지 않음")))


def _cell(value: Any) -> str:
    text = DASH if value is None or value == "" else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: list[Text], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(_say(h) for h in header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)


def _bullets(pairs: list[tuple[Text, str]]) -> str:
    lines = []
    for label, value in pairs:
        word = _say(label)
        if value:
            lines.append(f"- **{word}{'' if word.endswith('?') else ':'}** {value}")
    return "\n".join(lines)


def _title(view: RetroView) -> str:
    facts = [
        (("Experiment", "실험"), f"`{view.experiment_key}`"),
        (("Saved", "저장"), f"{view.saved} UTC"),
        (("Decision", "결정"), _verdict(view.decision)),
        (("Outcome", "결과"), _outcome(view.outcome)),
        (("Retrospective id", "회고 ID"), f"`{view.retrospective_id}`"),
    ]
    return f"# {_say(('Retrospective', '회고'))}: {view.name}\n\n{_bullets(facts)}"


def _design(view: RetroView) -> str:
    primary = f"{view.primary_label} (`{view.primary_metric}`)" if view.primary_metric else ""
    facts = [
        (("Primary metric", "주요 지표"), primary),
        (("Secondary metrics", "보조 지표"), view.secondary),
        (("Guardrails", "가드레일"), view.guardrail_design),
        (("Traffic in the experiment", "실험 트래픽"), view.allocation),
        (("Significance level (alpha)", "유의수준(α)"), view.alpha),
        (("Multiple-testing correction", "다중 검정 보정"), view.correction),
        (("Analysis", "분석"), view.analysis),
        *[((fact.label, fact.label), fact.value) for fact in view.facts],
    ]
    facts = list({_say(label): (label, value) for label, value in reversed(facts)}.values())[::-1]
    none = _say(("_No design recorded._", "_설계가 기록되지 않았습니다._"))
    return f"## {_say(('Design', '설계'))}\n\n" + (_bullets(facts) or none)


def _variants(view: RetroView) -> str:
    if not view.variants:
        return ""
    rows = [[v.name, v.weight, v.config or _say(("defaults", "기본값"))] for v in view.variants]
    header = [("Variant", "변형"), ("Weight", "비중"), ("Configuration", "설정")]
    return f"## {_say(('Variants', '변형'))}\n\n" + _table(header, rows)


def _results(view: RetroView) -> str:
    heading = f"## {_say(('Results', '결과'))}"
    if not view.metrics:
        return (
            heading
            + "\n\n"
            + _say(("_No results were saved with this retrospective._", "_이 회고에 저장된 결과가 없습니다._"))
        )
    blocks = [heading]
    if view.analysis:
        blocks.append(
            _say(("Every number below is read {a}.", "아래 모든 수치는 {a} 기준입니다.")).format(
                a=f"**{view.analysis}**"
            )
        )
    blocks += [f"> **{_say(('Warning', '경고'))}:** {warning}" for warning in view.warnings]
    if view.control == "control":
        blocks.append(_say(("Each treatment is compared with the control.", "각 처리군을 대조군과 비교합니다.")))
    elif view.control:
        blocks.append(
            _say(
                ("Each treatment is compared with the control, **{c}**.", "각 처리군의 비교 기준(대조군): **{c}**")
            ).format(c=view.control)
        )
    blocks += [_metric(metric) for metric in view.metrics]
    return "\n\n".join(blocks)


def _metric(metric: MetricBlock) -> str:
    rows = [
        [
            f"{row.variant} ({_say(('control', '대조군'))})"
            if row.control and row.variant != "control"
            else row.variant,
            row.n,
            row.mean,
            row.abs_lift,
            row.abs_ci,
            row.rel_lift,
            row.rel_ci,
            row.p_value,
            row.p_adjusted,
            row.chance,
            row.loss,
        ]
        for row in metric.rows
    ]
    notes = "\n".join(f"- {row.variant}: {row.message}" for row in metric.rows if row.message)
    kind = _say(_KINDS.get(metric.kind, (metric.kind, metric.kind)))
    role = _say(_ROLES.get(metric.role, (metric.role, metric.role)))
    title = f"### {metric.label} (`{metric.metric}`, {kind}, {role})"
    return f"{title}\n\n{_table(RESULT_HEADER, rows)}" + (f"\n\n{notes}" if notes else "")


_KINDS = {"binary": ("binary", "이진"), "continuous": ("continuous", "연속"), "ratio": ("ratio", "비율")}
_ROLES = {"goal": ("goal", "목표"), "guardrail": ("guardrail", "가드레일"), "secondary": ("secondary", "보조")}


def _guardrails(view: RetroView) -> str:
    heading = f"## {_say(('Guardrails', '가드레일'))}"
    if not view.guardrails:
        return heading + "\n\n" + _say(("_No guardrails were checked._", "_확인한 가드레일이 없습니다._"))
    rows = [[g.metric, g.variant, verdict_text(g.verdict, _LANGUAGE.get()), g.reasons] for g in view.guardrails]
    header = [("Guardrail", "가드레일"), ("Variant", "변형"), ("Verdict", "판정"), ("Why", "이유")]
    return heading + "\n\n" + _table(header, rows)


def _srm(view: RetroView) -> str:
    if not view.srm_status and not view.srm_rows:
        return ""
    status = _say(name_in(SRM_STATUS_NAMES, view.srm_status)) if view.srm_status else DASH
    parts = [_bullets([(("Status", "상태"), status), (("p-value", "p-값"), view.srm_p)])]
    if view.srm_rows:
        rows = [[r.variant, r.units, r.observed, r.expected] for r in view.srm_rows]
        header = [
            ("Variant", "변형"),
            ("Units", "단위 수"),
            ("Observed share", "관측 비율"),
            ("Expected share", "계획 비율"),
        ]
        parts.append(_table(header, rows))
    if view.srm_message:
        parts.append(view.srm_message)
    return f"## {_say(('Sample ratio (SRM)', '표본 비율(SRM)'))}\n\n" + "\n\n".join(parts)


def _decision(view: RetroView) -> str:
    parts = [
        _bullets(
            [
                (("Your decision", "나의 결정"), _verdict(view.decision)),
                (
                    ("The ship rule recommended", "배포 규칙의 권고"),
                    _verdict(view.recommendation) if view.recommendation else "",
                ),
            ]
        )
    ]
    if view.reasons:
        parts.append(_say(("Reasons:", "이유:")) + "\n\n" + "\n".join(f"- {reason}" for reason in view.reasons))
    if view.rule:
        rows = [[d.variant, _verdict(d.verdict), d.reasons] for d in view.rule]
        header = [("Variant", "변형"), ("Verdict", "판정"), ("Why", "이유")]
        parts.append(_say(("The ship rule, per variant:", "변형별 배포 규칙:")) + "\n\n" + _table(header, rows))
    return f"## {_say(('Decision', '결정'))}\n\n" + "\n\n".join(parts)


def _truth(view: RetroView) -> str:
    heading = f"## {_say(('The truth', '실제 효과'))}"
    if not view.truth_revealed:
        return (
            heading
            + "\n\n"
            + _say(
                ("_The truth was not revealed for this experiment._", "_이 실험의 실제 효과는 공개되지 않았습니다._")
            )
        )
    judged = _say(CORRECT_WORDS.get(view.correct, ("Not judged", "판정 안 됨")))
    parts = [
        _bullets(
            [(("Was the decision right?", "결정이 옳았나?"), judged), (("Judged by", "판정 기준"), view.truth_rule)]
        )
    ]
    if view.truth_explanation:
        parts.append(view.truth_explanation)
    if view.truth_rows:
        header = [
            ("Metric", "지표"),
            ("Variant", "변형"),
            ("True rel. effect", "실제 상대 효과"),
            ("True abs. effect", "실제 절대 효과"),
            ("CI covered the truth", "신뢰구간이 실제 효과를 포함"),
        ]
        covered = {"yes": ("yes", "예"), "no": ("no", "아니요")}
        rows = [
            [r.metric, r.variant, r.relative, r.absolute, _say(covered.get(r.covered, (r.covered, r.covered)))]
            for r in view.truth_rows
        ]
        parts.append(_table(header, rows))
    return heading + "\n\n" + "\n\n".join(parts)


def _coach(view: RetroView) -> str:
    heading = f"## {_say(('Coach write-up', '코치 피드백'))}"
    if not view.coach_writeup:
        return heading + "\n\n" + _say(("_No coach write-up yet._", "_아직 코치 피드백이 없습니다._"))
    source = ""
    if view.coach_source:
        source = "\n\n" + _say(("_Written by {s}._", "_작성: {s}_")).format(s=view.coach_source)
    return heading + "\n\n" + view.coach_writeup.strip() + source
