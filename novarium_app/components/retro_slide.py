"""One retrospective as a review-mode slide (large type, the story in a mentor's order) and the keys that move."""

import reflex as rx

from novarium_app.components.retro_words import (
    CORRECT,
    CORRECT_COLORS,
    DECISION_COLORS,
    DECISIONS,
    GUARDRAIL_VERDICTS,
    SRM,
    SRM_COLORS,
    VERDICT_COLORS,
    badge,
    decision_badge,
    outcome_badge,
    tone_color,
    word,
)
from novarium_app.i18n import Text, t

MUTED = rx.color("gray", 11)
NEXT = ("ArrowRight", "j", "J", "PageDown")
PREVIOUS = ("ArrowLeft", "k", "K", "PageUp")


def step(index: int, count: int, key: str) -> int | None:
    """Where ``key`` moves from ``index`` among ``count`` slides; None when the key does not navigate."""
    if count == 0:
        return None
    if key in NEXT:
        return min(index + 1, count - 1)
    if key in PREVIOUS:
        return max(index - 1, 0)
    if key == "Home":
        return 0
    if key == "End":
        return count - 1
    return None


def _figure(label: Text, *children: rx.Component, figure_id: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(t(label), size="2", weight="bold", color=MUTED, text_transform="uppercase"),
            *children,
            spacing="2",
        ),
        size="4",
        height="100%",
        id=figure_id,
    )


def _figures(view: rx.Var) -> rx.Component:
    return rx.grid(
        _figure(
            ("Primary metric", "주요 지표"),
            rx.text(view.primary_label, size="5", weight="medium"),
            rx.text(view.lift, size="9", weight="bold", color=tone_color(view.lift_tone), class_name="tabular-nums"),
            rx.text(
                view.lift_ci,
                t((" · adjusted p ", " · 보정 p ")),
                view.lift_p,
                size="3",
                color=MUTED,
                class_name="tabular-nums",
            ),
            figure_id="review-lift",
        ),
        _figure(
            ("Decision", "결정"),
            rx.hstack(
                badge(view.decision, DECISIONS, DECISION_COLORS, size="3", variant="solid"),
                spacing="2",
            ),
            rx.text(t(("The ship rule said", "배포 규칙의 권고")), size="3", color=MUTED),
            rx.text(word(view.recommendation, DECISIONS), size="6", weight="bold"),
            figure_id="review-decision",
        ),
        _figure(
            ("The truth", "실제 효과"),
            badge(
                view.correct, CORRECT, CORRECT_COLORS, size="3", variant="solid", default=("Not judged", "판정 없음")
            ),
            rx.cond(
                view.true_lift != "",
                rx.text(
                    t(("True effect ", "실제 효과 ")),
                    rx.text.strong(view.true_lift),
                    size="5",
                    class_name="tabular-nums",
                ),
            ),
            rx.cond(view.truth_rule != "", rx.text(view.truth_rule, size="3", color=MUTED)),
            figure_id="review-truth",
        ),
        columns=rx.breakpoints(initial="1", md="3"),
        spacing="4",
        width="100%",
    )


def _checks(view: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.cond(
            view.srm_status != "",
            badge(view.srm_status, SRM, SRM_COLORS, size="3"),
        ),
        rx.foreach(
            view.guardrails,
            lambda g: rx.badge(
                g.metric,
                " · ",
                word(g.verdict, GUARDRAIL_VERDICTS),
                color_scheme=rx.match(g.verdict, *VERDICT_COLORS.items(), "gray"),
                size="3",
                variant="surface",
                radius="full",
            ),
        ),
        spacing="2",
        wrap="wrap",
    )


def _notes(title: Text, text: rx.Var, empty: Text, note_id: str, markdown: bool = False) -> rx.Component:
    shown = (
        rx.box(rx.markdown(text), class_name="review-markdown")
        if markdown
        else rx.text(text, size="5", white_space="pre-wrap", line_height="1.5")
    )
    return rx.vstack(
        rx.text(t(title), size="2", weight="bold", color=MUTED, text_transform="uppercase"),
        rx.cond(
            text != "",
            shown,
            rx.text(t(empty), size="4", color=rx.color("gray", 10), font_style="italic"),
        ),
        spacing="2",
        width="100%",
        id=note_id,
    )


def slide(view: rx.Var) -> rx.Component:
    """The whole slide for one retrospective's read model."""
    return rx.vstack(
        rx.hstack(
            rx.code(view.experiment_key, size="3", variant="soft", color_scheme="gray"),
            outcome_badge(view.outcome, size="3"),
            decision_badge(view.decision, size="3"),
            rx.text(view.saved, " UTC", size="2", color=rx.color("gray", 10)),
            spacing="3",
            align="center",
            wrap="wrap",
        ),
        rx.heading(view.name, size="9", weight="bold", id="review-title", line_height="1.1"),
        rx.cond(
            view.hypothesis != "",
            rx.blockquote(view.hypothesis, size="6", id="review-hypothesis"),
        ),
        _figures(view),
        _checks(view),
        rx.grid(
            _notes(
                ("Learnings", "배운 점"),
                view.learnings,
                ("No learnings written yet.", "아직 배운 점이 없습니다."),
                "review-learnings",
            ),
            _notes(
                ("Coach write-up", "코치 피드백"),
                view.coach_writeup,
                ("No coach write-up yet.", "아직 코치 피드백이 없습니다."),
                "review-coach",
                markdown=True,
            ),
            columns=rx.breakpoints(initial="1", lg="2"),
            spacing="6",
            width="100%",
        ),
        spacing="5",
        width="100%",
        custom_attrs={"data-retro": view.retrospective_id},
        id="review-slide",
    )
