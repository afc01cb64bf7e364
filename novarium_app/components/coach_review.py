"""The builder's "Review my hypothesis": the coach's critique of the design as it stands, streamed when a model is
configured, else the offline rubric's findings at once.
"""

import asyncio
import logging
from typing import Any

import reflex as rx

from coach.findings import Critique
from coach.hypothesis import hypothesis_input
from coach.llm import LLMConfig
from coach.service import RUBRIC, display_markdown, stream_review
from marts.baselines import Baselines, metric_baselines
from novarium_app.builder.validation import step_of
from novarium_app.components.builder_state import STORE_ERRORS, BuilderState
from novarium_app.i18n import LocaleState, t
from novarium_app.services import coach_config, get_store
from novarium_app.settings import get_settings

log = logging.getLogger("novarium.coach")

SEVERITY_COLORS = {"blocker": "tomato", "warning": "amber", "suggestion": "blue", "good": "grass"}
SEVERITY_WORDS = {
    "blocker": ("Fix first", "먼저 고칠 점"),
    "warning": ("Warning", "주의"),
    "suggestion": ("Suggestion", "제안"),
    "good": ("Done well", "잘한 점"),
}
SEVERITY_ICONS = {
    "blocker": "octagon-x",
    "warning": "triangle-alert",
    "suggestion": "lightbulb",
    "good": "circle-check",
}


def finding_rows(found: Critique | None) -> list[dict[str, str]]:
    """Each finding as the panel shows it: both languages, and the wizard step that fixes it."""
    if found is None:
        return []
    rows = []
    for finding in found.findings:
        step = step_of(finding.field) if finding.field else 5
        rows.append(
            {
                "code": finding.code,
                "severity": finding.severity,
                "title_en": finding.title[0],
                "title_ko": finding.title[1],
                "reason_en": finding.reason[0],
                "reason_ko": finding.reason[1],
                "suggestion_en": finding.suggestion[0],
                "suggestion_ko": finding.suggestion[1],
                "step": str(step),
            }
        )
    return rows


def _baselines() -> Baselines:
    return metric_baselines(get_store())


class CoachChoiceState(rx.State):
    """Which coach answers: the configured model (when there is one) or the offline rubric."""

    use_model: bool = True

    @rx.var
    def model(self) -> str:
        """The configured model's name, or "" when only the rubric is available."""
        settings = get_settings()
        return str(settings.llm_model) if settings.llm_configured else ""

    @rx.event
    def choose(self, value: str | list[str]):
        """ "model" or "rubric"."""
        if value in ("model", "rubric"):
            self.use_model = value == "model"

    def config(self) -> LLMConfig | None:
        """The model's configuration when the learner chose it, else None (the rubric)."""
        return coach_config() if self.use_model else None


def coach_choice() -> rx.Component:
    """Rubric or model, shown only when a model is configured."""
    state = CoachChoiceState
    return rx.cond(
        state.model != "",
        rx.segmented_control.root(
            rx.segmented_control.item(t(("Rubric", "기준표")), value="rubric"),
            rx.segmented_control.item(state.model, value="model"),
            value=rx.cond(state.use_model, "model", "rubric"),
            on_change=state.choose,
            size="1",
            class_name="coach-choice",
        ),
    )


class CoachReviewState(rx.State):
    """The coach's last review of the design in the builder."""

    running: bool = False
    reviewed: bool = False
    text: str = ""
    source: str = ""
    notice_en: str = ""
    notice_ko: str = ""
    findings: list[dict[str, str]] = []
    counts: dict[str, int] = {}

    @rx.event(background=True)
    async def review(self):
        """Review the design as it stands (every step so far), streaming the answer into the panel."""
        async with self:
            if self.running:
                return
            builder = await self.get_state(BuilderState)
            locale = (await self.get_state(LocaleState)).locale
            spec = builder.coach_spec(locale)
            config = (await self.get_state(CoachChoiceState)).config()
            self.running, self.text, self.source, self.notice_en, self.notice_ko = True, "", "", "", ""
            self.findings, self.counts = [], {}
        try:
            try:
                baselines = await asyncio.to_thread(_baselines)
            except STORE_ERRORS:
                log.exception("the coach could not read the warehouse baselines")
                baselines = None
            async for event in stream_review(hypothesis_input(spec), baselines, config, locale):
                async with self:
                    self._take(event)
        finally:
            async with self:
                self.running, self.reviewed = False, True

    def _take(self, event: Any) -> None:
        if event.kind == "chunk":
            self.text += event.text
        elif event.kind == "notice":
            self.text = ""
            self.notice_en, self.notice_ko = event.notice or ("", "")
        else:
            self.text, self.source = event.text, event.source
            self.findings = finding_rows(event.critique)
            self.counts = event.critique.counts() if event.critique is not None else {}

    @rx.event
    def go_to(self, step: str):
        """Open the wizard step a finding points at."""
        if isinstance(step, str) and step.isdigit():
            return BuilderState.open_step(int(step))
        return None

    @rx.var
    def shown_text(self) -> str:
        """The model's answer as safe Markdown (the rubric's findings show as cards instead)."""
        return "" if self.source == RUBRIC else display_markdown(self.text)

    @rx.var
    def blockers(self) -> int:
        return self.counts.get("blocker", 0)

    @rx.var
    def warnings(self) -> int:
        return self.counts.get("warning", 0)


def fallback_notice(english: rx.Var, korean: rx.Var, element_id: str) -> rx.Component:
    """Why the model did not answer and the rubric did, when that happened."""
    return rx.cond(
        english != "",
        rx.callout(t((english, korean)), icon="info", size="1", color_scheme="amber", width="100%", id=element_id),
    )


def _finding(row: rx.Var) -> rx.Component:
    severity = row["severity"]
    color = rx.match(severity, *[(key, value) for key, value in SEVERITY_COLORS.items()], "gray")
    return rx.box(
        rx.hstack(
            rx.match(
                severity,
                *[
                    (key, rx.icon(icon, size=15, color=rx.color(SEVERITY_COLORS[key], 10)))
                    for key, icon in SEVERITY_ICONS.items()
                ],
                rx.icon("dot", size=15),
            ),
            rx.text(t((row["title_en"], row["title_ko"])), size="2", weight="bold"),
            rx.spacer(),
            rx.cond(
                (severity != "good") & (row["step"] != "0"),
                rx.button(
                    t(("Fix", "고치기")),
                    rx.icon("arrow-right", size=12),
                    size="1",
                    variant="ghost",
                    type="button",
                    on_click=CoachReviewState.go_to(row["step"]),
                    class_name="coach-fix",
                ),
            ),
            spacing="2",
            align="center",
            width="100%",
        ),
        rx.text(t((row["reason_en"], row["reason_ko"])), size="1", color=rx.color("gray", 11)),
        rx.cond(
            severity != "good",
            rx.text("→ ", t((row["suggestion_en"], row["suggestion_ko"])), size="1", color=rx.color(color, 11)),
        ),
        border_left=f"3px solid {rx.color('gray', 6)}",
        border_left_color=rx.color(color, 9),
        padding_left="0.6rem",
        width="100%",
        class_name="coach-finding",
        custom_attrs={"data-code": row["code"], "data-severity": severity},
    )


def coach_panel() -> rx.Component:
    """The coach card: the button, a notice when the model failed, the model's answer and the findings."""
    state = CoachReviewState
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("graduation-cap", size=16, color=rx.color("accent", 10)),
                rx.text(t(("Coach", "코치")), size="2", weight="bold"),
                rx.spacer(),
                coach_choice(),
                rx.button(
                    rx.icon("sparkles", size=14),
                    t(("Review my hypothesis", "내 가설 검토받기")),
                    on_click=state.review,
                    loading=state.running,
                    size="2",
                    variant="soft",
                    type="button",
                    id="coach-review",
                ),
                align="center",
                width="100%",
            ),
            rx.cond(
                ~state.reviewed & ~state.running,
                rx.text(
                    t(
                        (
                            "A senior analyst's read of the whole design so far: structure, metric, guardrails, power, "
                            "duration, peeking and multiple testing.",
                            "지금까지의 설계 전체를 선임 분석가처럼 검토합니다: 구조, 지표, 가드레일, 검정력, 기간, "
                            "중간 확인, 다중 검정.",
                        )
                    ),
                    size="1",
                    color=rx.color("gray", 10),
                ),
            ),
            fallback_notice(state.notice_en, state.notice_ko, "coach-notice"),
            rx.cond(
                state.shown_text != "",
                rx.box(rx.markdown(state.shown_text), class_name="coach-text", width="100%", id="coach-text"),
            ),
            rx.cond(
                state.reviewed & (state.findings.length() > 0),
                rx.vstack(
                    rx.hstack(
                        rx.badge(state.blockers, " ", t(("to fix first", "먼저 고칠 점")), color_scheme="tomato"),
                        rx.badge(state.warnings, " ", t(("warnings", "주의")), color_scheme="amber"),
                        rx.cond(
                            state.source != RUBRIC,
                            rx.badge(state.source, variant="outline", color_scheme="gray"),
                            rx.badge(t(("offline rubric", "오프라인 기준표")), variant="outline", color_scheme="gray"),
                        ),
                        spacing="2",
                        wrap="wrap",
                    ),
                    rx.foreach(state.findings, _finding),
                    spacing="3",
                    width="100%",
                    max_height="32rem",
                    overflow_y="auto",
                    id="coach-findings",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        size="2",
        width="100%",
        id="coach-panel",
    )
