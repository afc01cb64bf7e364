"""The Korean of the engine's sentences: every sentence kind the engine writes is produced here by the engine itself
and must come out in Korean, keeping its numbers; unknown text passes through unchanged."""

import re

import pytest

from marts.retrospectives.korean import metric_label_ko, sentence_ko
from marts.stats.decision import decide_all
from marts.stats.frequentist import compare
from marts.stats.guardrails import GuardrailConfig, check_guardrail
from marts.stats.multiple import GoalComparison
from marts.stats.segments import compare_segments
from marts.stats.srm import check_srm
from marts.stats.sufficient import SampleStats

HANGUL = re.compile(r"[가-힣]")
ENGLISH_WORDS = re.compile(
    r"\b(?:improved|significant|worse|guardrail|bound|margin|Observed|planned|split|ship|running|evidence|"
    r"segments|units|nothing|compare|correction)\b",
    re.IGNORECASE,
)


def _numbers(text: str) -> list[str]:
    return re.findall(r"\d[\d,.]*", text)


def _rate(n: int, rate: float) -> SampleStats:
    return SampleStats.from_proportion(n, round(n * rate))


def _engine_sentences() -> list[str]:
    """Sentences from every path of the ship rule, the SRM check, guardrails, segments and degenerate tests."""
    sentences = []
    cases = {
        "win": (_rate(5000, 0.10), _rate(5000, 0.13)),
        "loss": (_rate(5000, 0.13), _rate(5000, 0.10)),
        "flat": (_rate(5000, 0.10), _rate(5000, 0.101)),
        "empty": (_rate(5000, 0.10), SampleStats(0, 0.0, 0.0)),
    }
    for name, (control, treatment) in cases.items():
        comparison = compare("binary", control, treatment)
        goals = [GoalComparison("conversion", "treatment", comparison)]
        guard = check_guardrail(
            compare("binary", _rate(50000, 0.2), _rate(50000, 0.2 if name != "loss" else 0.15)),
            GuardrailConfig(0.05),
            metric="aov",
            variant="treatment",
        )
        srm = check_srm({"control": 5000, "treatment": 5000 if name != "loss" else 4600})
        guardrails = [] if name == "flat" else [guard]
        for horizon in (True, False):
            decisions = decide_all(goals, guardrails, srm, horizon_reached=horizon)
            sentences += [reason for decision in decisions.values() for reason in decision.reasons]
    sentences.append(check_srm({"control": 5000, "treatment": 4920}).message)
    caution = check_srm({"control": 5000, "treatment": 4700})
    assert caution.status == "caution"
    unsure = check_guardrail(
        compare("binary", _rate(5000, 0.2), _rate(5000, 0.2)), GuardrailConfig(0.05), metric="aov", variant="treatment"
    )
    untestable = check_guardrail(
        compare("binary", _rate(5000, 0.2), SampleStats(0, 0.0, 0.0)),
        GuardrailConfig(0.05),
        metric="aov",
        variant="treatment",
    )
    goals = [GoalComparison("conversion", "treatment", compare("binary", _rate(5000, 0.1), _rate(5000, 0.1)))]
    decisions = decide_all(goals, [unsure, untestable], caution)
    sentences += [reason for decision in decisions.values() for reason in decision.reasons]
    sentences.append(check_srm({"control": 0, "treatment": 0}).message)
    low = {str(i): _rate(400, 0.1) for i in range(6)}
    high = {str(i): _rate(400, 0.1 + 0.02 * i) for i in range(6)}
    sentences.append(compare_segments("binary", low, high, dimension="persona").warning)
    return list(dict.fromkeys(s for s in sentences if s))


SENTENCES = _engine_sentences()


def test_the_engine_writes_every_kind_of_sentence_this_test_relies_on():
    text = " ".join(SENTENCES)
    for fragment in (
        "Ship treatment",
        "Do not ship",
        "Keep treatment running",
        "Inconclusive for",
        "improved",
        "got worse",
        "not significant",
        "no test",
        "non-inferior",
        "harmed",
        "not shown yet",
        "Sample ratio mismatch",
        "Sample ratio caution",
        "cannot test non-inferiority",
        "segments were tested",
        "No guardrails were set",
        "no units in any variant",
    ):
        assert fragment in text, fragment


@pytest.mark.parametrize("sentence", SENTENCES)
def test_every_engine_sentence_reads_in_korean_with_its_numbers(sentence):
    korean = sentence_ko(sentence)
    assert korean != sentence
    assert HANGUL.search(korean), korean
    leftover = ENGLISH_WORDS.findall(korean)
    assert not leftover, (leftover, korean)
    assert sorted(_numbers(korean)) == sorted(_numbers(sentence)), (sentence, korean)


def test_metric_names_inside_sentences_are_translated():
    goal = next(s for s in SENTENCES if s.startswith("conversion in treatment: improved"))
    assert sentence_ko(goal).startswith("treatment의 전환율: +")
    guard = next(s for s in SENTENCES if s.startswith("aov in treatment: the lower"))
    assert sentence_ko(guard).startswith("treatment의 평균 주문 금액: 변화의 단측 95% 하한은")


def test_unknown_text_passes_through_unchanged():
    assert sentence_ko("Learner wrote this: ship it!") == "Learner wrote this: ship it!"
    assert sentence_ko("") == ""


def test_metric_labels():
    assert metric_label_ko("conversion", "Conversion") == "전환율"
    assert metric_label_ko("made_up", "Made up") == "Made up"
