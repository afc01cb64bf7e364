"""Structure: the hypothesis states the change, the metric, the direction, the expected size and a rationale."""

from coach.checks.context import Context
from coach.findings import Finding, Text
from coach.hypothesis import HypothesisInput
from marts.metrics import METRICS

MIN_RATIONALE_WORDS = 4
VAGUE_RATIONALES = (
    "it will be better",
    "it is better",
    "it's better",
    "better",
    "users like it",
    "people like it",
    "it looks better",
    "it looks nicer",
    "why not",
    "더 좋",
    "좋아서",
    "좋을 것",
    "나을 것",
    "좋아 보여서",
)


def _where(h: HypothesisInput) -> Text:
    """Where the learner fixes a part: the builder's field, or the sentence."""
    if h.from_builder:
        return "the hypothesis step", "가설 단계"
    return "the hypothesis sentence", "가설 문장"


def check_structure(h: HypothesisInput, context: Context) -> list[Finding]:
    """A finding for each missing part of the hypothesis, a suggestion for a vague rationale, or a good one."""
    where = _where(h)
    found = []
    if not h.change:
        found.append(
            Finding(
                "structure.change",
                "blocker",
                ("No change stated", "바꿀 점 없음"),
                (
                    "The hypothesis does not say what you will change, so nobody can tell what the test tests.",
                    "가설에 무엇을 바꾸는지가 없어 이 테스트가 무엇을 검증하는지 알 수 없습니다.",
                ),
                (
                    f'State the change in {where[0]}: "If we show a red banner, ...".',
                    f'{where[1]}에 바꿀 점을 적으세요. 예: "빨간 배너를 보여 주면 ..."',
                ),
                "change",
            )
        )
    metric_missing = h.primary_metric not in METRICS or (not h.from_builder and not h.metrics_named)
    if metric_missing:
        found.append(
            Finding(
                "structure.metric",
                "blocker",
                ("No metric stated", "지표 없음"),
                (
                    "The hypothesis names no catalog metric, so there is no yardstick to call a win.",
                    "가설에 카탈로그의 지표가 없어 성공을 판단할 기준이 없습니다.",
                ),
                (
                    "Name one primary metric from the catalog in the hypothesis (e.g. conversion).",
                    "카탈로그에서 1차 지표 하나를 골라 가설에 적으세요(예: 전환율).",
                ),
                "metric",
            )
        )
    if not h.direction:
        found.append(
            Finding(
                "structure.direction",
                "blocker",
                ("No direction stated", "방향 없음"),
                (
                    "The hypothesis does not say whether the metric should go up or down, so any result could "
                    "be read as support.",
                    "지표가 오를지 내릴지를 말하지 않아 어떤 결과든 가설을 지지하는 것처럼 읽힐 수 있습니다.",
                ),
                (
                    "Say which way the metric will move: increase or decrease.",
                    "지표가 움직일 방향을 정하세요: 증가 또는 감소.",
                ),
                "direction",
            )
        )
    if h.expected is None or h.expected <= 0:
        found.append(
            Finding(
                "structure.expected",
                "warning",
                ("No expected size", "예상 효과 크기 없음"),
                (
                    "Without an expected size you cannot check that the test can detect it.",
                    "예상 효과 크기가 없으면 이 테스트가 그 효과를 검출할 수 있는지 확인할 수 없습니다.",
                ),
                (
                    'Write the lift you expect, e.g. "by about 5%", from past tests or the warehouse.',
                    '과거 실험이나 웨어하우스 데이터를 근거로 예상 상승폭을 적으세요. 예: "약 5%".',
                ),
                "expected",
            )
        )
    vague = False
    if not h.rationale:
        found.append(
            Finding(
                "structure.rationale",
                "warning",
                ("No rationale", "근거 없음"),
                (
                    'Without a "because" the result teaches nothing: a win or a loss cannot confirm a reason '
                    "you never stated.",
                    '"왜냐하면"이 없으면 결과에서 배울 것이 없습니다. 밝히지 않은 이유는 승리도 패배도 확인해 '
                    "줄 수 없습니다.",
                ),
                (
                    "Add why the change should work: the user behaviour or data that supports it.",
                    "이 변경이 효과가 있을 이유를 적으세요: 이를 뒷받침하는 사용자 행동이나 데이터.",
                ),
                "rationale",
            )
        )
    elif _vague(h.rationale):
        vague = True
        words = len(h.rationale.split())
        found.append(
            Finding(
                "structure.vague_rationale",
                "suggestion",
                ("Vague rationale", "모호한 근거"),
                (
                    f'The rationale ("{h.rationale}", {words} word(s)) names no mechanism the result could '
                    "confirm or refute.",
                    f'근거("{h.rationale}", {words}단어)에 결과로 확인하거나 반박할 수 있는 작동 원리가 없습니다.',
                ),
                (
                    'Name the mechanism and who it acts on, e.g. "urgency cues make impulsive shoppers order sooner".',
                    '작동 원리와 대상을 적으세요. 예: "긴급함을 알리는 문구가 충동형 고객의 주문을 앞당긴다".',
                ),
                "rationale",
            )
        )
    if not found and not vague:
        found.append(
            Finding(
                "structure.complete",
                "good",
                ("Complete hypothesis", "완전한 가설"),
                (
                    "The change, the metric, the direction, the expected size and the rationale are all stated.",
                    "바꿀 점, 지표, 방향, 예상 크기, 근거가 모두 적혀 있습니다.",
                ),
                (
                    "Keep writing hypotheses that a result can clearly confirm or refute.",
                    "결과로 분명히 확인하거나 반박할 수 있는 가설을 계속 쓰세요.",
                ),
                "rationale",
            )
        )
    return found


def _vague(rationale: str) -> bool:
    text = rationale.casefold().strip(" .。!")
    return len(text.split()) < MIN_RATIONALE_WORDS or any(
        text == phrase or (len(phrase) > 3 and text.startswith(phrase)) for phrase in VAGUE_RATIONALES
    )
