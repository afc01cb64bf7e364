"""Step 6, review and launch: the whole design on one screen, every remaining problem, then save or launch."""

import reflex as rx

from novarium_app import routes
from novarium_app.components.builder_fields import bi, bi_fields
from novarium_app.components.builder_state import BuilderState
from novarium_app.i18n import LocaleState, t


def _summary_card(title: tuple[str, str], step: int, *children: rx.Component) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(t(title), size="1", weight="bold", color=rx.color("gray", 11), text_transform="uppercase"),
                rx.spacer(),
                rx.button(
                    rx.icon("pencil", size=12),
                    t(("Edit", "수정")),
                    on_click=BuilderState.open_step(step),
                    size="1",
                    variant="ghost",
                    type="button",
                ),
                align="center",
                width="100%",
            ),
            *children,
            spacing="2",
            width="100%",
        ),
        size="2",
        width="100%",
    )


def _line(label: tuple[str, str], value: rx.Var | str | rx.Component, element_id: str = "") -> rx.Component:
    return rx.hstack(
        rx.text(t(label), size="2", color=rx.color("gray", 11), min_width="8rem"),
        rx.text(value, size="2", weight="medium", id=element_id or None),
        spacing="3",
        align="start",
        width="100%",
    )


def _summary() -> rx.Component:
    form = BuilderState.form
    plan = BuilderState.plan_text
    return rx.grid(
        _summary_card(
            ("Hypothesis", "가설"),
            0,
            rx.heading(form["name"], size="4", id="review-name"),
            rx.code(form["key"], variant="soft", id="review-key"),
            rx.text(bi(BuilderState.hypothesis), size="2", color=rx.color("gray", 12)),
        ),
        _summary_card(
            ("Variants", "변형"),
            1,
            rx.foreach(
                BuilderState.variant_rows,
                lambda row: rx.hstack(
                    rx.badge(row["share"], variant="soft", radius="full", class_name="tabular-nums"),
                    rx.vstack(
                        rx.hstack(
                            rx.text(row["name"], size="2", weight="medium"),
                            rx.cond(
                                row["same_as_control"] == "1",
                                rx.badge(t(("same as control", "대조군과 동일")), color_scheme="amber", size="1"),
                            ),
                            spacing="2",
                            align="center",
                        ),
                        rx.text(bi_fields(row, "changes"), size="1", color=rx.color("gray", 10)),
                        spacing="0",
                        min_width="0",
                    ),
                    spacing="2",
                    align="start",
                    class_name="review-variant",
                ),
            ),
        ),
        _summary_card(
            ("Metrics", "지표"),
            2,
            _line(("Primary", "주 지표"), bi(BuilderState.primary_label), "review-primary"),
            _line(
                ("Secondary", "보조 지표"),
                rx.cond(
                    BuilderState.secondary_labels.length() > 0,
                    rx.foreach(BuilderState.secondary_labels, lambda pair: rx.text(bi(pair), size="2")),
                    rx.text(t(("none", "없음")), size="2", color=rx.color("gray", 10)),
                ),
            ),
            _line(
                ("Guardrails", "가드레일"),
                rx.cond(
                    BuilderState.guardrail_texts.length() > 0,
                    rx.foreach(BuilderState.guardrail_texts, lambda pair: rx.text(bi(pair), size="2")),
                    rx.text(t(("none", "없음")), size="2", color=rx.color("gray", 10)),
                ),
            ),
        ),
        _summary_card(
            ("Power & traffic", "검정력과 트래픽"),
            3,
            _line(("Alpha · power", "유의수준 · 검정력"), rx.text(form["alpha"], " · ", form["power"])),
            _line(("MDE", "MDE"), rx.text(plan["mde_rel"], " (", plan["mde_abs"], ")")),
            _line(("Per variant", "변형별"), plan["n_per_variant"], "review-n"),
            _line(("Duration", "기간"), rx.text(plan["days"], t((" days", "일"))), "review-days"),
            _line(("Allocation", "할당 비율"), rx.text(form["allocation"], "%"), "review-allocation"),
        ),
        columns=rx.breakpoints(initial="1", md="2"),
        spacing="4",
        width="100%",
    )


def _problem_row(row: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.icon("circle-alert", size=15, color=rx.color("red", 10), flex_shrink="0", margin_top="3px"),
        rx.vstack(
            rx.code(row["field"], size="1", color_scheme="red", variant="soft"),
            rx.text(rx.cond(LocaleState.is_korean, row["ko"], row["en"]), size="2"),
            spacing="1",
            align="start",
            min_width="0",
            flex="1",
        ),
        rx.button(
            t(("Go to step", "단계로 이동")),
            rx.icon("arrow-right", size=12),
            on_click=BuilderState.open_step(row["step"].to(int)),
            size="1",
            variant="soft",
            color_scheme="gray",
            type="button",
        ),
        spacing="3",
        align="start",
        width="100%",
        class_name="review-problem",
    )


def _problems() -> rx.Component:
    return rx.cond(
        BuilderState.review_problems.length() > 0,
        rx.callout.root(
            rx.callout.icon(rx.icon("list-x")),
            rx.vstack(
                rx.text(
                    t(("Fix these before saving:", "저장하기 전에 고칠 문제:")),
                    " ",
                    BuilderState.review_problems.length(),
                    size="2",
                    weight="bold",
                ),
                rx.foreach(BuilderState.review_problems, _problem_row),
                spacing="3",
                width="100%",
            ),
            color_scheme="red",
            size="2",
            width="100%",
            id="review-problems",
        ),
        rx.callout(
            t(("The spec checks out: every field is valid.", "스펙 검사를 통과했습니다. 모든 항목이 올바릅니다.")),
            icon="circle-check",
            color_scheme="grass",
            size="2",
            id="review-ok",
        ),
    )


def _saved_note() -> rx.Component:
    return rx.cond(
        BuilderState.result_status == "draft",
        rx.callout.root(
            rx.callout.icon(rx.icon("save")),
            rx.vstack(
                rx.text(
                    t(("Saved as draft ", "초안으로 저장됨: ")),
                    rx.code(BuilderState.result_key),
                    size="2",
                    weight="medium",
                ),
                rx.cond(BuilderState.result_note != "", rx.text(BuilderState.result_note, size="2")),
                rx.link(t(("See it in the experiment list", "실험 목록에서 보기")), href=routes.EXPERIMENTS, size="2"),
                spacing="1",
            ),
            color_scheme=rx.cond(BuilderState.result_note != "", "amber", "blue"),
            size="2",
            id="saved-note",
        ),
    )


def _actions() -> rx.Component:
    return rx.hstack(
        rx.text(
            t(("Launch creates the experiment and starts it at once.", "시작하면 실험을 만들고 바로 시작합니다.")),
            size="2",
            color=rx.color("gray", 10),
        ),
        rx.spacer(),
        rx.button(
            rx.icon("save", size=16),
            t(("Save draft", "초안 저장")),
            on_click=BuilderState.save_draft,
            loading=BuilderState.busy == "draft",
            disabled=~BuilderState.ready | (BuilderState.busy != ""),
            variant="soft",
            size="3",
            id="save-draft",
        ),
        rx.button(
            rx.icon("rocket", size=16),
            t(("Launch", "시작")),
            on_click=BuilderState.launch,
            loading=BuilderState.busy == "launch",
            disabled=~BuilderState.ready | (BuilderState.busy != ""),
            size="3",
            id="launch",
        ),
        spacing="3",
        align="center",
        width="100%",
        wrap="wrap",
    )


def launched() -> rx.Component:
    """What the learner sees once the experiment runs: where to go next."""
    return rx.card(
        rx.vstack(
            rx.center(rx.icon("rocket", size=28), class_name="launch-icon"),
            rx.heading(
                t(("Your experiment is live", "실험이 시작되었습니다")),
                size="6",
            ),
            rx.text(
                rx.code(BuilderState.result_key, id="launched-key"),
                t(
                    (
                        " is running: the shop now splits its visitors between your variants.",
                        " 실험이 진행 중입니다. 이제 쇼핑몰이 방문자를 변형별로 나눕니다.",
                    )
                ),
                size="3",
                color=rx.color("gray", 11),
                text_align="center",
            ),
            rx.hstack(
                rx.link(
                    rx.button(rx.icon("bot", size=16), t(("Send the swarm", "스웜 보내기")), size="3"),
                    href=routes.RUNS,
                    id="send-swarm",
                ),
                rx.link(
                    rx.button(t(("All experiments", "전체 실험")), variant="soft", size="3"),
                    href=routes.EXPERIMENTS,
                ),
                rx.button(
                    rx.icon("plus", size=16),
                    t(("Design another", "다른 실험 설계")),
                    on_click=BuilderState.start_over,
                    variant="soft",
                    color_scheme="gray",
                    size="3",
                ),
                spacing="3",
                wrap="wrap",
                justify="center",
            ),
            spacing="4",
            align="center",
            padding_y="2rem",
        ),
        size="4",
        width="100%",
        id="launched",
    )


def review_step() -> rx.Component:
    """The sixth step's panel."""
    return rx.vstack(
        _summary(),
        _problems(),
        _saved_note(),
        rx.card(_actions(), size="2", width="100%"),
        spacing="4",
        width="100%",
        id="step-review",
    )
