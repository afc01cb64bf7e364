"""Learn: why an A/A test is "significant" alpha of the time, what peeking does to that, and your own peeking.

The page assembles three sections, each with its own state: the A/A simulator (``components.learn_aa``), the
peeking simulator (``components.learn_peeking``) and the learner's own looks (``components.learn_own``). The
simulations run the vectorised engine in a worker thread, so the page stays responsive and shows progress.
"""

import reflex as rx

from novarium_app import routes
from novarium_app.components.layout import lab_page
from novarium_app.components.learn_aa import aa_section
from novarium_app.components.learn_own import OwnPeekingState, own_peeking_section
from novarium_app.components.learn_peeking import peeking_section
from novarium_app.i18n import Text, t

STYLE = """
.learn-icon { width: 2.25rem; height: 2.25rem; flex-shrink: 0; border-radius: var(--radius-3);
  background: var(--accent-3); color: var(--accent-11); }
.tabular-nums { font-variant-numeric: tabular-nums; }
.learn-step { width: 1.75rem; height: 1.75rem; flex-shrink: 0; border-radius: 9999px;
  background: var(--accent-9); color: white; }
"""


def _header() -> rx.Component:
    return rx.vstack(
        rx.heading(t(("Learn", "배우기")), size="8", weight="bold", id="learn-title"),
        rx.text(
            t(
                (
                    "Why a test with no effect still comes out significant, and what looking early does to that.",
                    "효과가 없는 테스트도 유의하게 나오는 이유와, "
                    "결과를 일찍 들여다보면 무슨 일이 생기는지 알아봅니다.",
                )
            ),
            color=rx.color("gray", 11),
        ),
        spacing="1",
        width="100%",
    )


def _lesson(number: str, title: Text, text: Text, section_id: str) -> rx.Component:
    return rx.hstack(
        rx.center(rx.text(number, size="2", weight="bold"), class_name="learn-step"),
        rx.vstack(
            rx.heading(t(title), size="5"),
            rx.text(t(text), size="2", color=rx.color("gray", 11), max_width="60rem"),
            spacing="1",
        ),
        spacing="3",
        align="start",
        width="100%",
        id=section_id,
    )


@lab_page(routes.LEARN, "Learn", on_load=OwnPeekingState.load)
def learn() -> rx.Component:
    """The Lab's Learn page."""
    return rx.vstack(
        rx.el.style(STYLE),
        _header(),
        _lesson(
            "1",
            ("A/A tests: false positives at rate α", "A/A 테스트: α 비율로 나오는 거짓 양성"),
            (
                "Split identical traffic in two and test it many times. There is nothing to find, yet about α of the "
                "tests say there is: that is what α means.",
                "똑같은 트래픽을 둘로 나눠 여러 번 검정합니다. 찾을 효과가 없는데도 약 α만큼의 검정은 효과가 있다고 "
                "말합니다. 그것이 바로 α의 뜻입니다.",
            ),
            "learn-aa",
        ),
        aa_section(),
        _lesson(
            "2",
            ("Peeking: every look is another chance to be fooled", "중간 확인: 볼 때마다 속을 기회가 하나 더"),
            (
                "Check an A/A test every day and stop the first time p < α: the false-positive rate climbs with every "
                "look. The always-valid p-value (mSPRT) is built for peeking and stays at or below α.",
                "A/A 테스트를 매일 확인하다가 처음 p < α가 나올 때 멈추면, 확인할 때마다 거짓 양성 비율이 올라갑니다. "
                "항상 유효한 p-값(mSPRT)은 중간 확인을 전제로 만들어져 α 이하로 유지됩니다.",
            ),
            "learn-peeking",
        ),
        peeking_section(),
        _lesson(
            "3",
            ("Your own peeking", "나의 중간 확인"),
            (
                "How often you opened results while your experiments were still running, and what it did to α.",
                "실험이 아직 진행 중일 때 결과를 얼마나 자주 열어 봤는지, 그리고 그 때문에 α가 어떻게 변했는지 봅니다.",
            ),
            "learn-own",
        ),
        own_peeking_section(),
        spacing="5",
        width="100%",
    )
