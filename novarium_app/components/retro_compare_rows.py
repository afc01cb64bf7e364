"""The comparison's rows, with each label and enumerated value worded in English and Korean."""

from dataclasses import dataclass

from novarium_app.components.retro_words import CORRECT, DECISIONS, OUTCOMES, SRM
from novarium_app.i18n import Text

LABELS: dict[str, Text] = {
    "experiment": ("Experiment", "실험"),
    "hypothesis": ("Hypothesis", "가설"),
    "saved": ("Saved", "저장일"),
    "primary_metric": ("Primary metric", "주요 지표"),
    "variants": ("Variants", "변형"),
    "decision": ("Decision", "결정"),
    "recommendation": ("Ship rule recommended", "배포 규칙의 권고"),
    "outcome": ("Outcome", "결과"),
    "primary_lift": ("Primary metric lift", "주요 지표 변화"),
    "primary_ci": ("Lift interval", "변화의 신뢰구간"),
    "p_value": ("p-value", "p-값"),
    "srm": ("Sample ratio", "표본 비율"),
    "guardrails": ("Guardrails", "가드레일"),
    "true_effect": ("True effect", "실제 효과"),
    "decision_correct": ("Decision right?", "결정이 옳았나?"),
    "learnings": ("Learnings", "배운 점"),
}
CODE_WORDS: dict[str, dict[str, Text]] = {
    "decision": DECISIONS,
    "recommendation": DECISIONS,
    "outcome": OUTCOMES,
    "decision_correct": {**CORRECT, "": ("Not judged", "판정 없음")},
    "srm": SRM,
}


@dataclass
class CompareRow:
    """One aspect of both retrospectives, worded in English and Korean."""

    key: str = ""
    label_en: str = ""
    label_ko: str = ""
    a_en: str = ""
    a_ko: str = ""
    b_en: str = ""
    b_ko: str = ""
    same: bool = False


def bilingual_rows(result: dict, result_ko: dict | None = None) -> list[CompareRow]:
    """``compare``'s rows with each label and enumerated value in both languages (free text from ``result_ko``,
    ``compare``'s Korean result, when given)."""
    rows = []
    korean_rows = {row["key"]: row for row in (result_ko or result)["rows"]}
    for row in result["rows"]:
        ko_row = korean_rows.get(row["key"], row)
        key = row["key"]
        words = CODE_WORDS.get(key, {})
        a, b = words.get(row["a_code"]), words.get(row["b_code"])
        label = LABELS.get(key, (row["label"], row["label"]))
        rows.append(
            CompareRow(
                key=key,
                label_en=label[0],
                label_ko=label[1],
                a_en=a[0] if a else row["a"],
                a_ko=a[1] if a else ko_row["a"],
                b_en=b[0] if b else row["b"],
                b_ko=b[1] if b else ko_row["b"],
                same=row["same"],
            )
        )
    return rows
