"""The A/A simulator: the learner's form, the run with its progress bar, the p-value histogram and the lesson."""

from collections.abc import Callable, Mapping

import plotly.graph_objects as go
import reflex as rx

from novarium_app.components import learn_charts
from novarium_app.components.learn_form import AA_DEFAULTS, AA_FIELDS, FormCheck, Text, Whole, validate_aa
from novarium_app.components.learn_lesson import LessonState
from novarium_app.components.learn_simulator import ci_detail, lesson_columns, lesson_field, lesson_form, tile_row
from novarium_app.components.learn_text import aa_story, alpha_text, percent
from novarium_app.components.learn_ui import bi, card_title, figure, idle_panel, tile
from novarium_app.i18n import t
from swarm.lessons import AAResult, AASettings, run_aa

EXPERIMENT_PRESETS = (("100", "100"), ("1,000", "1000"), ("5,000", "5000"))


class AALessonState(LessonState, rx.State):
    """The A/A simulator's form, progress and result."""

    experiments: str = AA_DEFAULTS["experiments"]
    users: str = AA_DEFAULTS["users"]
    seed: str = AA_DEFAULTS["seed"]
    fpr: str = ""
    interval: str = ""
    false_positives: str = ""
    expected: str = ""
    story: list[str] = ["", ""]
    _counts: list[int] = []
    _expected_per_bin: float = 0.0
    _alpha: float = 0.05

    def _lesson_name(self) -> str:
        return "aa"

    def _lesson_fields(self) -> Mapping[str, Whole]:
        return AA_FIELDS

    def _lesson_validate(self, form: Mapping[str, str]) -> FormCheck:
        return validate_aa(form)

    def _lesson_work(self, settings: AASettings) -> Callable:
        return lambda progress, cancel: run_aa(settings, progress, cancel)

    def _lesson_done(self, settings: AASettings) -> Text:
        return (
            f"{settings.experiments:,} A/A experiments simulated.",
            f"A/A 실험 {settings.experiments:,}개를 시뮬레이션했습니다.",
        )

    def _lesson_show(self, result: AAResult) -> None:
        low, high = result.interval
        self.fpr = percent(result.false_positive_rate)
        self.interval = f"{percent(low)} – {percent(high)}"
        self.false_positives = f"{result.false_positives:,} / {result.tested:,}"
        self.expected = alpha_text(result.settings.alpha)
        self.story = list(aa_story(result))
        self._counts = result.histogram
        self._expected_per_bin = result.expected_per_bin
        self._alpha = result.settings.alpha

    @rx.event(background=True)
    async def run(self):
        """Validate, then simulate the A/A experiments off the event loop, reporting progress as they finish."""
        async for update in self._simulate():
            yield update

    @rx.var
    def histogram_en(self) -> go.Figure:
        """The p-value histogram, in English."""
        return learn_charts.pvalue_histogram(self._counts, self._expected_per_bin, self._alpha, ko=False)

    @rx.var
    def histogram_ko(self) -> go.Figure:
        """The p-value histogram, in Korean."""
        return learn_charts.pvalue_histogram(self._counts, self._expected_per_bin, self._alpha, ko=True)


def _form() -> rx.Component:
    state = AALessonState
    return lesson_form(
        state,
        "aa",
        card_title("flask-conical", ("A/A simulator", "A/A 시뮬레이터"), ("Both arms identical", "두 그룹이 동일")),
        [
            lesson_field(
                state,
                "aa",
                "experiments",
                ("Experiments", "실험 수"),
                ("How many A/A tests, 100 to 5,000", "A/A 테스트 개수, 100~5,000"),
                EXPERIMENT_PRESETS,
            ),
            lesson_field(
                state,
                "aa",
                "users",
                ("Users per experiment", "실험당 사용자 수"),
                ("Both arms together, 100 to 20,000", "두 그룹 합계, 100~20,000"),
            ),
        ],
        ("Run the A/A simulation", "A/A 시뮬레이션 실행"),
    )


def _result() -> rx.Component:
    return rx.vstack(
        tile_row(
            tile(
                ("False-positive rate", "거짓 양성 비율"),
                AALessonState.fpr,
                "aa-fpr",
                ci_detail(AALessonState.interval),
                tone="accent",
            ),
            tile(("Significant / tested", "유의 / 검정"), AALessonState.false_positives, "aa-false-positives"),
            tile(
                ("Planned α", "계획한 α"),
                AALessonState.expected,
                "aa-alpha-planned",
                t(("The rate to expect", "기대 비율")),
            ),
        ),
        rx.box(
            rx.text(t(("Distribution of p-values", "p-값의 분포")), size="2", weight="medium"),
            rx.text(
                t(("Red bars are p < α: the false positives.", "빨간 막대가 p < α, 즉 거짓 양성입니다.")),
                size="1",
                color=rx.color("gray", 10),
            ),
            figure(AALessonState.histogram_en, AALessonState.histogram_ko, "aa-histogram"),
            width="100%",
        ),
        rx.callout(bi(AALessonState.story), icon="lightbulb", color_scheme="violet", size="2", id="aa-story"),
        spacing="4",
        width="100%",
        id="aa-result",
    )


def aa_section() -> rx.Component:
    """The A/A lesson: form on the left, progress or result on the right."""
    return lesson_columns(
        AALessonState,
        "aa",
        _form(),
        _result(),
        idle_panel(
            "chart-column",
            ("No simulation yet", "아직 시뮬레이션이 없습니다"),
            (
                "Pick the settings and press Run: the p-values of every experiment appear here.",
                "설정을 고르고 실행을 누르면 모든 실험의 p-값이 여기에 나타납니다.",
            ),
            "aa-idle",
        ),
    )
