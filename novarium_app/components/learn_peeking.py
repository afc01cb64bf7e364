"""The peeking simulator: A/A experiments looked at every day, naive stopping against the always-valid p-value."""

from collections.abc import Callable, Mapping

import plotly.graph_objects as go
import reflex as rx

from novarium_app.components import learn_charts
from novarium_app.components.learn_form import (
    PEEKING_DEFAULTS,
    PEEKING_FIELDS,
    FormCheck,
    Text,
    Whole,
    validate_peeking,
)
from novarium_app.components.learn_lesson import LessonState
from novarium_app.components.learn_simulator import ci_detail, lesson_columns, lesson_field, lesson_form, tile_row
from novarium_app.components.learn_text import peeking_story, percent, trajectory_story
from novarium_app.components.learn_ui import bi, card_title, figure, idle_panel, tile
from novarium_app.i18n import t
from swarm.lessons import PeekingResult, PeekingSettings, run_peeking

LOOK_PRESETS = (("5", "5"), ("10", "10"), ("20", "20"))


class PeekingLessonState(LessonState, rx.State):
    """The peeking simulator's form, progress and result."""

    experiments: str = PEEKING_DEFAULTS["experiments"]
    users: str = PEEKING_DEFAULTS["users"]
    looks: str = PEEKING_DEFAULTS["looks"]
    seed: str = PEEKING_DEFAULTS["seed"]
    naive_rate: str = ""
    naive_interval: str = ""
    valid_rate: str = ""
    valid_interval: str = ""
    fixed_rate: str = ""
    story: list[str] = ["", ""]
    sample_story: list[str] = ["", ""]
    _looks: list[int] = []
    _naive_curve: list[float] = []
    _valid_curve: list[float] = []
    _theory_curve: list[float] = []
    _sample_naive: list[float | None] = []
    _sample_valid: list[float | None] = []
    _alpha: float = 0.05

    def _lesson_name(self) -> str:
        return "peeking"

    def _lesson_fields(self) -> Mapping[str, Whole]:
        return PEEKING_FIELDS

    def _lesson_validate(self, form: Mapping[str, str]) -> FormCheck:
        return validate_peeking(form)

    def _lesson_work(self, settings: PeekingSettings) -> Callable:
        return lambda progress, cancel: run_peeking(settings, progress, cancel)

    def _lesson_done(self, settings: PeekingSettings) -> Text:
        return (
            f"{settings.experiments:,} experiments looked at {settings.looks} times each.",
            f"실험 {settings.experiments:,}개를 각각 {settings.looks}번씩 확인했습니다.",
        )

    def _lesson_show(self, result: PeekingResult) -> None:
        naive, (naive_low, naive_high) = result.naive
        valid, (valid_low, valid_high) = result.always_valid
        self.naive_rate = percent(naive)
        self.naive_interval = f"{percent(naive_low)} – {percent(naive_high)}"
        self.valid_rate = percent(valid)
        self.valid_interval = f"{percent(valid_low)} – {percent(valid_high)}"
        self.fixed_rate = percent(result.fixed_horizon[0])
        self.story = list(peeking_story(result))
        self.sample_story = list(trajectory_story(result.sample, result.settings.alpha))
        self._looks = result.looks
        self._naive_curve = result.naive_by_look
        self._valid_curve = result.valid_by_look
        self._theory_curve = result.theory_by_look
        self._sample_naive = result.sample.naive
        self._sample_valid = result.sample.always_valid
        self._alpha = result.settings.alpha

    @rx.event(background=True)
    async def run(self):
        """Validate, then simulate and look at the experiments off the event loop, reporting progress."""
        async for update in self._simulate():
            yield update

    def _curve(self, ko: bool) -> go.Figure:
        return learn_charts.false_positives_by_look(
            self._looks, self._naive_curve, self._valid_curve, self._theory_curve, self._alpha, ko
        )

    def _sample(self, ko: bool) -> go.Figure:
        return learn_charts.sample_trajectory(self._looks, self._sample_naive, self._sample_valid, self._alpha, ko)

    @rx.var
    def curve_en(self) -> go.Figure:
        """False positives by number of looks, in English."""
        return self._curve(ko=False)

    @rx.var
    def curve_ko(self) -> go.Figure:
        """False positives by number of looks, in Korean."""
        return self._curve(ko=True)

    @rx.var
    def sample_en(self) -> go.Figure:
        """One experiment's p-values over the looks, in English."""
        return self._sample(ko=False)

    @rx.var
    def sample_ko(self) -> go.Figure:
        """One experiment's p-values over the looks, in Korean."""
        return self._sample(ko=True)


def _field(name: str, label: Text, hint: Text, presets: tuple[tuple[str, str], ...] = ()) -> rx.Component:
    return lesson_field(PeekingLessonState, "pk", name, label, hint, presets)


def _form() -> rx.Component:
    return lesson_form(
        PeekingLessonState,
        "pk",
        card_title(
            "eye",
            ("Peeking simulator", "중간 확인 시뮬레이터"),
            ("A/A tests, checked daily", "매일 확인하는 A/A 테스트"),
        ),
        [
            _field("experiments", ("Experiments", "실험 수"), ("100 to 2,000", "100~2,000")),
            _field(
                "users",
                ("Users per experiment", "실험당 사용자 수"),
                ("By the last day, 500 to 20,000", "마지막 날까지, 500~20,000"),
            ),
            _field(
                "looks",
                ("Daily looks", "일별 확인 횟수"),
                ("Days the test runs, 2 to 30", "테스트 기간(일), 2~30"),
                LOOK_PRESETS,
            ),
        ],
        ("Run the peeking simulation", "중간 확인 시뮬레이션 실행"),
    )


def _chart(title: Text, english: rx.Var, korean: rx.Var, chart_id: str, caption: rx.Var | None = None):
    parts = [rx.text(t(title), size="2", weight="medium")]
    if caption is not None:
        parts.append(rx.text(caption, size="1", color=rx.color("gray", 10), id=f"{chart_id}-caption"))
    return rx.box(*parts, figure(english, korean, chart_id), width="100%")


def _result() -> rx.Component:
    state = PeekingLessonState
    return rx.vstack(
        tile_row(
            tile(
                ("Naive, stop at first p < α", "단순, 처음 p < α에서 멈춤"),
                state.naive_rate,
                "pk-naive-rate",
                ci_detail(state.naive_interval),
                tone="red",
            ),
            tile(
                ("Always-valid (mSPRT)", "항상 유효 (mSPRT)"),
                state.valid_rate,
                "pk-valid-rate",
                ci_detail(state.valid_interval),
                tone="teal",
            ),
            tile(
                ("One look at the end", "마지막에 한 번 확인"),
                state.fixed_rate,
                "pk-fixed-rate",
                t(("No peeking", "중간 확인 없음")),
            ),
        ),
        _chart(
            ("False positives by number of looks", "확인 횟수별 거짓 양성 비율"),
            state.curve_en,
            state.curve_ko,
            "pk-curve",
        ),
        rx.callout(bi(state.story), icon="lightbulb", color_scheme="violet", size="2", id="pk-story"),
        _chart(
            ("One experiment, day by day", "실험 하나의 일별 변화"),
            state.sample_en,
            state.sample_ko,
            "pk-sample",
            bi(state.sample_story),
        ),
        spacing="4",
        width="100%",
        id="pk-result",
    )


def peeking_section() -> rx.Component:
    """The peeking lesson: form on the left, progress or result on the right."""
    return lesson_columns(
        PeekingLessonState,
        "pk",
        _form(),
        _result(),
        idle_panel(
            "eye",
            ("No simulation yet", "아직 시뮬레이션이 없습니다"),
            (
                "Press Run to watch naive p-values dip below α by luck while the always-valid one holds.",
                "실행을 누르면 단순 p-값이 우연히 α 아래로 떨어지는 동안 "
                "항상 유효한 p-값은 버티는 모습을 볼 수 있습니다.",
            ),
            "pk-idle",
        ),
    )
