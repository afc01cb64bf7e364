"""The decision: the form before it, and after it the ground-truth reveal and the adoption.

``decision_panel`` takes the page's state class (its vars and handlers), so this module imports no page.
"""

import reflex as rx

from novarium_app.components.results_widgets import bi, eyebrow, notice
from novarium_app.components.tables import scroll_table
from novarium_app.i18n import t
from novarium_app.lab.decisions import LEARNINGS_MAX, RULE

CHOICES = (
    ("ship", "rocket", ("Ship", "배포"), ("Adopt a variant into the shop", "변형을 쇼핑몰에 적용")),
    ("dont_ship", "ban", ("Don't ship", "미배포"), ("Complete it, keep the shop as is", "완료하고 현재 유지")),
    ("keep_running", "hourglass", ("Keep running", "계속 진행"), ("Collect more data first", "데이터를 더 모으기")),
)
OUTCOMES = {
    "win": (("Win", "성공"), "grass"),
    "loss": (("Loss", "실패"), "tomato"),
    "flat": (("Flat", "변화 없음"), "gray"),
    "inconclusive": (("Not judged", "판정 없음"), "amber"),
}


TRUTH_NOTE = (
    "What the simulator built into its shoppers, over the days the experiment ran (green diamonds on the plot).",
    "시뮬레이터가 방문자에게 심어 둔 실제 효과입니다. 실험 기간 기준이며 그래프의 초록 마름모로 표시됩니다.",
)
AFTER_NOTE = (
    "Ship and don't ship complete the experiment and reveal the ground truth right away; shipping also puts "
    "the variant live in the shop. Keep running records your reasoning and keeps the truth hidden.",
    "배포와 미배포는 실험을 완료하고 실제 효과를 바로 공개합니다. 배포하면 변형이 쇼핑몰에 즉시 적용됩니다. 계속 "
    "진행은 판단 근거를 기록하고 실제 효과는 숨겨 둡니다.",
)


def _error(state, field: str) -> rx.Component:
    return rx.cond(
        state.errors.contains(field),
        rx.text(
            bi(state.errors[field], state.errors[f"{field}_ko"]),
            size="1",
            color=rx.color("red", 11),
            role="alert",
            id=f"error-{field}",
        ),
    )


def _choice_cards(state) -> rx.Component:
    return rx.radio_cards.root(
        *[
            rx.radio_cards.item(
                rx.vstack(
                    rx.hstack(
                        rx.icon(icon, size=16), rx.text(t(label), weight="bold", size="2"), spacing="2", align="center"
                    ),
                    rx.text(t(hint), size="1", color=rx.color("gray", 10)),
                    spacing="1",
                    align="start",
                    width="100%",
                ),
                value=value,
                disabled=(value == "keep_running") & (state.experiment["status"] == "completed"),
                id=f"choice-{value}",
            )
            for value, icon, label, hint in CHOICES
        ],
        value=state.choice,
        on_value_change=state.set_choice,
        columns="1",
        gap="2",
        width="100%",
        size="1",
        id="decision-choice",
    )


def _variant_select(state) -> rx.Component:
    return rx.cond(
        (state.choice == "ship") & (state.treatments.length() > 1),
        rx.vstack(
            rx.text(t(("Variant to ship", "배포할 변형")), as_="label", size="2", weight="medium"),
            rx.select(
                state.treatments,
                value=state.ship_variant,
                on_change=state.set_ship_variant,
                placeholder="…",
                width="100%",
                id="decision-variant",
            ),
            _error(state, "variant"),
            spacing="1",
            width="100%",
        ),
    )


def _rule() -> rx.Component:
    return rx.callout.root(
        rx.callout.icon(rx.icon("gavel", size=16)),
        rx.callout.text(rx.text.strong(t(("How your call is judged. ", "결정 판정 기준. "))), t(RULE)),
        color_scheme="gray",
        variant="surface",
        size="1",
        id="decision-rule",
    )


def _form(state) -> rx.Component:
    has_error = state.errors.contains("learnings")
    return rx.vstack(
        eyebrow(("Your decision", "나의 결정")),
        _choice_cards(state),
        _error(state, "choice"),
        _variant_select(state),
        rx.vstack(
            rx.hstack(
                rx.text(
                    t(("Learnings", "배운 점")), as_="label", html_for="decision-learnings", size="2", weight="medium"
                ),
                rx.spacer(),
                rx.text(
                    state.learnings.length(),
                    " / ",
                    f"{LEARNINGS_MAX:,}",
                    size="1",
                    color=rx.color("gray", 10),
                    class_name="tabular-nums",
                ),
                width="100%",
            ),
            rx.text_area(
                value=state.learnings,
                on_change=state.set_learnings,
                placeholder=t(
                    (
                        "What did this experiment teach you? What would you test next?",
                        "이 실험에서 무엇을 배웠나요? 다음에는 무엇을 실험하겠어요?",
                    )
                ),
                rows="4",
                max_length=LEARNINGS_MAX,
                width="100%",
                id="decision-learnings",
                color_scheme=rx.cond(has_error, "red", "gray"),
                custom_attrs={"aria-invalid": rx.cond(has_error, "true", "false")},
            ),
            _error(state, "learnings"),
            spacing="1",
            width="100%",
        ),
        rx.button(
            rx.icon("check", size=16),
            t(("Record decision", "결정 기록")),
            on_click=state.record,
            loading=state.submitting,
            size="3",
            width="100%",
            id="record-decision",
        ),
        rx.text(
            t(AFTER_NOTE),
            size="1",
            color=rx.color("gray", 10),
        ),
        _rule(),
        spacing="3",
        width="100%",
        id="decision-form",
    )


def _kept_running() -> rx.Component:
    return notice(
        t(
            (
                "Recorded: keep running. The ground truth stays hidden until you ship or stop; come back when more "
                "shoppers are in.",
                "기록했습니다: 계속 진행. 배포하거나 중단할 때까지 실제 효과는 숨겨집니다. 방문자가 더 "
                "모이면 다시 오세요.",
            )
        ),
        icon="hourglass",
        color_scheme="amber",
        size="1",
        id="kept-running",
    )


def _covered_badge(covered: rx.Var) -> rx.Component:
    return rx.match(
        covered,
        ("yes", rx.badge(rx.icon("check", size=12), t(("Covered", "포함")), color_scheme="grass", variant="soft")),
        ("no", rx.badge(rx.icon("x", size=12), t(("Missed", "벗어남")), color_scheme="tomato", variant="soft")),
        rx.text("—", color=rx.color("gray", 9)),
    )


def _reveal_row(row: rx.Var, novelty: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.text(bi(row["label_en"], row["label_ko"]), weight="medium", size="2"),
            rx.text(row["variant"], size="1", color=rx.color("gray", 10)),
        ),
        rx.table.cell(
            rx.text(row["estimate"], " ", row["estimate_ci"], class_name="tabular-nums"),
            rx.text(
                row["estimate_abs"],
                " ",
                row["estimate_abs_ci"],
                size="1",
                color=rx.color("gray", 10),
                class_name="tabular-nums",
            ),
        ),
        rx.table.cell(
            rx.text(row["truth"], weight="bold", color=rx.color("grass", 11), class_name="tabular-nums truth-value"),
            rx.text(row["truth_abs"], size="1", color=rx.color("gray", 10), class_name="tabular-nums"),
            rx.cond(
                novelty == "yes",
                rx.text(
                    t(("lasting ", "지속 ")),
                    row["lasting"],
                    size="1",
                    color=rx.color("gray", 10),
                    class_name="tabular-nums",
                ),
            ),
        ),
        rx.table.cell(_covered_badge(row["covered"])),
        custom_attrs={"data-key": row["key"]},
    )


def _adoption(adoption: rx.Var) -> rx.Component:
    return rx.cond(
        adoption.contains("adoption_id"),
        rx.callout.root(
            rx.callout.icon(rx.icon("store", size=16)),
            rx.vstack(
                rx.text(
                    rx.text.strong(adoption["variant"]), t((" is live in the shop.", "이(가) 쇼핑몰에 적용되었습니다."))
                ),
                rx.text(t((adoption["knobs"], adoption["knobs_ko"])), size="1"),
                rx.hstack(
                    rx.link(
                        rx.button(
                            rx.icon("arrow-up-right", size=14),
                            t(("Open the shop", "쇼핑몰 열기")),
                            size="1",
                            variant="solid",
                        ),
                        href=adoption["shop"],
                        is_external=True,
                        id="open-shop",
                    ),
                    rx.link(
                        rx.button(rx.icon("history", size=14), t(("Adoptions", "적용 이력")), size="1", variant="soft"),
                        href=adoption["adoptions"],
                        id="open-adoptions",
                    ),
                    spacing="2",
                ),
                spacing="2",
            ),
            color_scheme="grass",
            variant="surface",
            size="1",
            id="adoption-live",
        ),
    )


def _reveal(state) -> rx.Component:
    outcome = state.outcome
    correct = outcome["correct"]
    scheme = rx.match(outcome["outcome"], *[(key, color) for key, (_, color) in OUTCOMES.items()], "gray")
    return rx.vstack(
        eyebrow(("The ground truth", "실제 효과 공개")),
        rx.hstack(
            rx.match(
                correct,
                ("yes", rx.icon("circle-check", size=28, color=rx.color("grass", 10))),
                ("no", rx.icon("circle-x", size=28, color=rx.color("tomato", 10))),
                rx.icon("circle-help", size=28, color=rx.color("amber", 10)),
            ),
            rx.vstack(
                rx.heading(
                    rx.match(
                        correct,
                        ("yes", t(("Right call", "옳은 결정"))),
                        ("no", t(("Wrong call", "잘못된 결정"))),
                        t(("Not judged", "판정 없음")),
                    ),
                    size="5",
                    id="verdict-headline",
                ),
                rx.badge(
                    rx.match(
                        outcome["outcome"],
                        *[(key, t(words)) for key, (words, _) in OUTCOMES.items()],
                        outcome["outcome"],
                    ),
                    color_scheme=scheme,
                    variant="soft",
                    id="verdict-outcome",
                ),
                spacing="1",
            ),
            spacing="3",
            align="center",
        ),
        rx.text(bi(outcome["explanation_en"], outcome["explanation_ko"]), size="2", id="verdict-explanation"),
        _adoption(state.adoption),
        rx.cond(
            outcome["learnings"] != "",
            rx.blockquote(outcome["learnings"], size="2", color=rx.color("gray", 11)),
        ),
        rx.cond(
            outcome["retrospective"] != "",
            rx.link(
                rx.hstack(
                    rx.icon("notebook-pen", size=14),
                    t(("Open the retrospective", "회고 열기")),
                    spacing="1",
                    align="center",
                ),
                href=outcome["retrospective"],
                size="2",
                id="open-retrospective",
            ),
        ),
        _rule(),
        spacing="3",
        width="100%",
        id="truth-reveal",
        custom_attrs={"data-outcome": outcome["outcome"]},
    )


def decision_panel(state) -> rx.Component:
    """The decision form, or the reveal once a decision ended the experiment."""
    return rx.card(
        rx.cond(
            state.decided,
            _reveal(state),
            rx.vstack(rx.cond(state.kept_running, _kept_running()), _form(state), spacing="3", width="100%"),
        ),
        size="3",
        width="100%",
        id="decision-panel",
    )


def reveal_card(state) -> rx.Component:
    """Every estimate next to the true effect, and whether its interval covered it (after the decision only)."""
    outcome = state.outcome
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.center(rx.icon("eye", size=18), class_name="card-icon"),
                rx.vstack(
                    rx.heading(t(("The ground truth, revealed", "공개된 실제 효과")), size="4"),
                    rx.text(t(TRUTH_NOTE), size="2", color=rx.color("gray", 10)),
                    spacing="0",
                ),
                spacing="3",
                align="center",
            ),
            scroll_table(
                (
                    ("Metric", "지표"),
                    ("Estimate (95% CI)", "추정치(95% CI)"),
                    ("True effect", "실제 효과"),
                    ("CI covered it?", "구간 포함?"),
                ),
                state.reveal_rows,
                lambda row: _reveal_row(row, outcome["novelty"]),
                box_id="reveal-table",
                variant="ghost",
                size="2",
                class_name="results-table",
            ),
            rx.text(bi(outcome["covered_en"], outcome["covered_ko"]), size="2", color=rx.color("gray", 11)),
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
        id="reveal-card",
        border_left=f"4px solid {rx.color('grass', 9)}",
    )
