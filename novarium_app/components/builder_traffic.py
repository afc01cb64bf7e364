"""Step 5, traffic: the share of visitors in the experiment, the variants' weights, and the hash visualiser.

The visualiser hashes any user id with the shop's own assignment functions: the allocation hash decides whether
the user is in, the variant hash where they land among the weights.
"""

import reflex as rx

from novarium_app.components.builder_fields import bi_fields, form_input, problem_text, section
from novarium_app.components.builder_state import BuilderState
from novarium_app.i18n import t

PALETTE = ("gray", "violet", "teal", "amber")


def _arm_color(index: rx.Var, shade: int) -> rx.Var:
    return rx.match(
        index, *[(str(i), rx.color(name, shade)) for i, name in enumerate(PALETTE)], rx.color("gray", shade)
    )


def _allocation() -> rx.Component:
    return section(
        "percent",
        ("Allocation", "할당 비율"),
        (
            "The share of all visitors who enter the experiment; the rest see the shop as it is.",
            "실험에 들어오는 방문자 비율입니다. 나머지는 현재 쇼핑몰을 봅니다.",
        ),
        form_input(
            ("Visitors in the experiment", "실험 참여 방문자"),
            "allocation",
            (
                "Lower it to limit the risk; the test then takes longer.",
                "위험을 줄이려면 낮추세요. 대신 실험 기간이 길어집니다.",
            ),
            suffix="%",
            numeric=True,
            aside=rx.hstack(
                *[
                    rx.button(
                        f"{value}%",
                        on_click=BuilderState.set_field("allocation", value),
                        size="1",
                        variant=rx.cond(BuilderState.form["allocation"] == value, "solid", "soft"),
                        color_scheme=rx.cond(BuilderState.form["allocation"] == value, "violet", "gray"),
                        type="button",
                    )
                    for value in ("10", "50", "100")
                ],
                spacing="1",
            ),
        ),
        rx.text(
            t(("Planned duration at this allocation: ", "이 할당 비율에서 계획한 기간: ")),
            rx.text.strong(BuilderState.plan_text["days"]),
            t((" days", "일")),
            size="2",
            color=rx.color("gray", 11),
            id="traffic-days",
        ),
    )


def _weight_row(row: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.grid(
            rx.hstack(
                rx.box(width="0.75rem", height="0.75rem", border_radius="3px", background=_arm_color(row["index"], 9)),
                rx.text(row["name"], size="2", weight="medium", truncate=True),
                spacing="2",
                align="center",
                min_width="0",
            ),
            rx.input(
                value=row["weight"],
                on_change=lambda value: BuilderState.set_variant(row["index"], "weight", value),
                size="1",
                input_mode="decimal",
                class_name="traffic-weight",
                color_scheme=rx.cond(row["weight_error_en"] != "", "red", "gray"),
            ),
            rx.text(row["share"], size="2", class_name="tabular-nums", text_align="right"),
            grid_template_columns="minmax(0, 1fr) 5rem 4rem",
            spacing="2",
            align_items="center",
            width="100%",
        ),
        rx.cond(row["weight_error_en"] != "", problem_text(bi_fields(row, "weight_error"), "")),
        spacing="1",
        width="100%",
    )


def _weights() -> rx.Component:
    return section(
        "scale",
        ("Weights", "가중치"),
        ("How the experiment's visitors split between the variants.", "실험 방문자가 변형 사이에 나뉘는 비율입니다."),
        rx.vstack(rx.foreach(BuilderState.variant_rows, _weight_row), spacing="2", width="100%"),
        rx.button(
            rx.icon("equal", size=14),
            t(("Equal split", "균등 분할")),
            on_click=BuilderState.equal_split,
            variant="soft",
            color_scheme="gray",
            size="2",
        ),
    )


def _marker(left: rx.Var) -> rx.Component:
    return rx.box(
        position="absolute",
        left=left,
        top="-4px",
        bottom="-4px",
        width="3px",
        margin_left="-1px",
        border_radius="2px",
        background=rx.color("gray", 12),
        box_shadow=f"0 0 0 2px {rx.color('gray', 1)}",
    )


def _bar(*children: rx.Component, element_id: str) -> rx.Component:
    return rx.box(
        *children,
        position="relative",
        height="1.5rem",
        border_radius="var(--radius-2)",
        background=rx.color("gray", 4),
        width="100%",
        id=element_id,
    )


def _segment(row: rx.Var) -> rx.Component:
    return rx.box(height="100%", width=row["width"], background=_arm_color(row["index"], 8), flex_shrink="0")


def _visualiser() -> rx.Component:
    probe = BuilderState.probe
    inside = probe["inside"] == "1"
    return section(
        "fingerprint",
        ("Hash visualiser", "해시 시각화"),
        (
            "Type any user id to see where the shop's hash puts it.",
            "사용자 ID를 입력하면 쇼핑몰의 해시가 어디에 배정하는지 보여줍니다.",
        ),
        rx.hstack(
            rx.input(
                value=BuilderState.probe_id,
                on_change=BuilderState.set_probe,
                placeholder="user-42",
                id="probe-id",
                width="100%",
                auto_complete="off",
            ),
            rx.button(
                rx.icon("shuffle", size=14),
                t(("Random", "무작위")),
                on_click=BuilderState.random_probe,
                variant="soft",
                type="button",
            ),
            spacing="2",
            width="100%",
        ),
        rx.cond(
            probe.contains("bucket"),
            rx.vstack(
                rx.vstack(
                    rx.hstack(
                        rx.text(t(("1. Allocation hash", "1. 할당 해시")), size="2", weight="medium"),
                        rx.spacer(),
                        rx.code(probe["allocation_point"], " / 100", id="probe-allocation-point"),
                        width="100%",
                        align="center",
                    ),
                    _bar(
                        rx.box(
                            height="100%",
                            width=probe["allocation_width"],
                            background=rx.color("accent", 7),
                            border_radius="var(--radius-2)",
                        ),
                        _marker(probe["allocation_left"]),
                        element_id="allocation-bar",
                    ),
                    rx.text(
                        rx.cond(
                            inside,
                            t(("Below ", "할당 비율 ")),
                            t(("Not below ", "할당 비율 ")),
                        ),
                        probe["allocation"],
                        rx.cond(
                            inside,
                            t(("%: in the experiment.", "% 미만이므로 실험에 참여합니다.")),
                            t(
                                (
                                    "%: outside the experiment, sees the shop as it is.",
                                    "% 이상이므로 실험 밖에서 현재 쇼핑몰을 봅니다.",
                                )
                            ),
                        ),
                        size="1",
                        color=rx.color("gray", 11),
                    ),
                    spacing="2",
                    width="100%",
                ),
                rx.vstack(
                    rx.hstack(
                        rx.text(t(("2. Variant hash", "2. 변형 해시")), size="2", weight="medium"),
                        rx.spacer(),
                        rx.code(probe["bucket"], id="probe-bucket"),
                        width="100%",
                        align="center",
                    ),
                    _bar(
                        rx.hstack(
                            rx.foreach(BuilderState.split_rows, _segment),
                            spacing="0",
                            height="100%",
                            overflow="hidden",
                            border_radius="var(--radius-2)",
                        ),
                        _marker(probe["bucket_left"]),
                        element_id="bucket-bar",
                    ),
                    rx.hstack(
                        rx.foreach(
                            BuilderState.split_rows,
                            lambda row: rx.hstack(
                                rx.box(
                                    width="0.6rem",
                                    height="0.6rem",
                                    border_radius="2px",
                                    background=_arm_color(row["index"], 8),
                                ),
                                rx.text(row["name"], size="1"),
                                spacing="1",
                                align="center",
                            ),
                        ),
                        spacing="3",
                        wrap="wrap",
                    ),
                    spacing="2",
                    width="100%",
                ),
                rx.hstack(
                    rx.text(probe["user_id"], " →", size="3", weight="medium"),
                    rx.cond(
                        inside,
                        rx.badge(probe["variant"], color_scheme="violet", size="3", id="probe-variant"),
                        rx.badge(
                            t(("not in the experiment", "실험 밖")), color_scheme="gray", size="3", id="probe-variant"
                        ),
                    ),
                    spacing="2",
                    align="center",
                    padding="0.75rem",
                    border_radius="var(--radius-3)",
                    background=rx.color("gray", 2),
                    width="100%",
                ),
                rx.text(
                    t(
                        (
                            "The same id always lands in the same place: assignment is sticky and needs no storage.",
                            "같은 ID는 언제나 같은 곳에 배정됩니다. 저장 없이도 배정이 유지됩니다.",
                        )
                    ),
                    size="1",
                    color=rx.color("gray", 10),
                ),
                spacing="4",
                width="100%",
            ),
            rx.callout(
                t(
                    (
                        "Set a valid key (step 1), weights and allocation to hash ids.",
                        "해시를 보려면 올바른 키(1단계), 가중치, 할당 비율을 정하세요.",
                    )
                ),
                icon="fingerprint",
                color_scheme="gray",
                size="1",
                id="probe-blocked",
            ),
        ),
    )


def _split() -> rx.Component:
    return section(
        "users",
        ("10,000 made-up visitors", "가상의 방문자 10,000명"),
        (
            "The same hash over user-0 … user-9999: the observed split wobbles around the planned one.",
            "user-0 … user-9999에 같은 해시를 적용하면 실제 분할이 계획 주변에서 흔들립니다.",
        ),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell(t(("Variant", "변형"))),
                    rx.table.column_header_cell(t(("Planned", "계획")), justify="end"),
                    rx.table.column_header_cell(t(("Observed", "관측")), justify="end"),
                )
            ),
            rx.table.body(
                rx.foreach(
                    BuilderState.split_rows,
                    lambda row: rx.table.row(
                        rx.table.cell(row["name"]),
                        rx.table.cell(row["expected"], justify="end", class_name="tabular-nums"),
                        rx.table.cell(row["observed"], justify="end", class_name="tabular-nums"),
                        class_name="split-row",
                    ),
                )
            ),
            size="1",
            width="100%",
        ),
    )


def traffic_step() -> rx.Component:
    """The fifth step's panel."""
    return rx.grid(
        rx.vstack(_allocation(), _weights(), _split(), spacing="4", width="100%", min_width="0"),
        _visualiser(),
        grid_template_columns=rx.breakpoints(initial="1fr", lg="repeat(2, minmax(0, 1fr))"),
        spacing="4",
        width="100%",
        align_items="start",
        id="step-traffic",
    )
