"""Step 2, variants: 2 to 4 arms with weights, each changing knobs from the catalog, with a live preview of the shop.

The preview is the shop's own home page in a frame, opened with the variant's knobs in a ``preview`` link: the shop
shows it read-only (no visitor id, no assignment, no event) and the frame takes no clicks.
"""

import reflex as rx

from novarium_app.builder.knob_values import default_text
from novarium_app.builder.labels import choice_label, knob_description, knob_label
from novarium_app.components.builder_fields import bi, bi_fields, problem_text, section
from novarium_app.components.builder_state import BuilderState
from novarium_app.i18n import t
from shop.knobs import CATALOG, Knob

PREVIEW_WIDTH, PREVIEW_HEIGHT, PREVIEW_SCALE = 1280, 860, 0.4


def _variant_card(row: rx.Var) -> rx.Component:
    selected = row["selected"] == "1"
    return rx.box(
        rx.vstack(
            rx.hstack(
                rx.badge(
                    bi_fields(row, "role"),
                    color_scheme=rx.cond(row["index"] == "0", "gray", "violet"),
                    variant="soft",
                    radius="full",
                ),
                rx.cond(row["has_error"] == "1", rx.icon("circle-alert", size=15, color=rx.color("red", 10))),
                rx.spacer(),
                rx.text(row["share"], size="2", weight="bold", class_name="tabular-nums"),
                rx.cond(
                    row["index"] != "0",
                    rx.icon_button(
                        rx.icon("trash-2", size=14),
                        on_click=BuilderState.remove_variant(row["index"]).stop_propagation,
                        size="1",
                        variant="ghost",
                        color_scheme="gray",
                        aria_label="Remove variant",
                        class_name="remove-variant",
                    ),
                ),
                align="center",
                spacing="2",
                width="100%",
            ),
            rx.grid(
                rx.vstack(
                    rx.text(t(("Name", "이름")), size="1", color=rx.color("gray", 11)),
                    rx.input(
                        value=row["name"],
                        on_change=lambda value: BuilderState.set_variant(row["index"], "name", value),
                        size="1",
                        width="100%",
                        class_name="variant-name",
                        color_scheme=rx.cond(row["name_error_en"] != "", "red", "gray"),
                    ),
                    spacing="1",
                    min_width="0",
                ),
                rx.vstack(
                    rx.text(t(("Weight", "가중치")), size="1", color=rx.color("gray", 11)),
                    rx.input(
                        value=row["weight"],
                        on_change=lambda value: BuilderState.set_variant(row["index"], "weight", value),
                        size="1",
                        width="100%",
                        input_mode="decimal",
                        class_name="variant-weight",
                        color_scheme=rx.cond(row["weight_error_en"] != "", "red", "gray"),
                    ),
                    spacing="1",
                    min_width="0",
                ),
                grid_template_columns="minmax(0, 1fr) 5rem",
                spacing="2",
                width="100%",
            ),
            rx.cond(row["name_error_en"] != "", problem_text(bi_fields(row, "name_error"), "")),
            rx.cond(row["weight_error_en"] != "", problem_text(bi_fields(row, "weight_error"), "")),
            rx.text(bi_fields(row, "changes"), size="1", color=rx.color("gray", 11), class_name="variant-changes"),
            rx.cond(
                row["same_as_control"] == "1",
                rx.hstack(
                    rx.icon("copy", size=13, flex_shrink="0"),
                    rx.text(
                        t(
                            (
                                "Looks exactly like the control: change a knob value, or keep it as an A/A test.",
                                "대조군과 똑같아 보입니다. 설정 값을 바꾸거나 A/A 테스트로 두세요.",
                            )
                        ),
                        size="1",
                    ),
                    spacing="1",
                    align="center",
                    color=rx.color("amber", 11),
                    class_name="same-as-control",
                ),
            ),
            spacing="2",
            width="100%",
        ),
        on_click=BuilderState.select_variant(row["index"]),
        padding="0.85rem",
        border_radius="var(--radius-3)",
        border=rx.cond(selected, f"2px solid {rx.color('accent', 8)}", f"2px solid {rx.color('gray', 4)}"),
        background=rx.cond(selected, rx.color("accent", 2), rx.color("gray", 1)),
        cursor="pointer",
        width="100%",
        class_name="variant-card",
        custom_attrs={"data-selected": row["selected"], "data-index": row["index"]},
    )


def _variant_list() -> rx.Component:
    return section(
        "split",
        ("Variants", "변형"),
        (
            "The first is the control. Click a variant to edit its knobs.",
            "첫 번째가 대조군입니다. 변형을 눌러 설정을 바꾸세요.",
        ),
        rx.vstack(rx.foreach(BuilderState.variant_rows, _variant_card), spacing="2", width="100%", id="variant-list"),
        rx.hstack(
            rx.button(
                rx.icon("plus", size=14),
                t(("Add variant", "변형 추가")),
                on_click=BuilderState.add_variant,
                disabled=~BuilderState.can_add_variant,
                variant="soft",
                size="2",
                id="add-variant",
            ),
            rx.button(
                rx.icon("equal", size=14),
                t(("Equal split", "균등 분할")),
                on_click=BuilderState.equal_split,
                variant="soft",
                color_scheme="gray",
                size="2",
            ),
            rx.text(t(("2 to 4 variants", "변형은 2~4개")), size="1", color=rx.color("gray", 10)),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        rx.cond(
            BuilderState.shown.contains("variants"),
            problem_text(bi(BuilderState.shown["variants"]), "error-variants"),
        ),
    )


def _editor(knob: Knob) -> rx.Component:
    value = BuilderState.current_knobs[knob.key]
    element_id = f"knob-{knob.key}"
    if knob.kind == "choice":
        return rx.select.root(
            rx.select.trigger(width="100%", id=element_id),
            rx.select.content(*[rx.select.item(t(choice_label(c)), value=c) for c in knob.choices]),
            value=value,
            on_change=lambda v: BuilderState.set_knob(knob.key, v),
            size="2",
        )
    if knob.kind == "bool":
        return rx.switch(
            checked=value == "true",
            on_change=lambda v: BuilderState.set_knob_switch(knob.key, v),
            id=element_id,
        )
    slot = [rx.input.slot(rx.text(knob.unit, size="2", color=rx.color("gray", 10)), side="right")] if knob.unit else []
    invalid = BuilderState.knob_errors.contains(knob.key)
    return rx.input(
        *slot,
        value=value,
        on_change=lambda v: BuilderState.set_knob(knob.key, v),
        input_mode="decimal" if knob.kind in ("int", "float") else "text",
        size="2",
        width="100%",
        id=element_id,
        color_scheme=rx.cond(invalid, "red", "gray"),
        custom_attrs={"aria-invalid": rx.cond(invalid, "true", "false")},
    )


def _default_text(knob: Knob) -> rx.Component:
    raw = default_text(knob.key)
    if knob.kind == "choice":
        shown = t(choice_label(raw))
    elif knob.kind == "bool":
        shown = t(("on", "켜기") if knob.default else ("off", "끄기"))
    elif knob.unit == "$":
        shown = f"${raw}"
    else:
        shown = f"{raw}{knob.unit}"
    return rx.text(t(("Default: ", "기본값: ")), shown, size="1", color=rx.color("gray", 10))


def _knob_row(knob: Knob) -> rx.Component:
    on = BuilderState.current_knobs.contains(knob.key)
    return rx.box(
        rx.hstack(
            rx.switch(
                checked=on,
                on_change=lambda v: BuilderState.toggle_knob(knob.key, v),
                id=f"knob-toggle-{knob.key}",
                size="1",
            ),
            rx.vstack(
                rx.text(t(knob_label(knob.key)), size="2", weight="medium"),
                rx.text(t(knob_description(knob.key)), size="1", color=rx.color("gray", 10)),
                spacing="0",
                flex="1",
                min_width="0",
            ),
            rx.box(rx.cond(on, _editor(knob), _default_text(knob)), width="13rem", flex_shrink="0"),
            spacing="3",
            align="center",
            width="100%",
        ),
        rx.cond(
            BuilderState.knob_errors.contains(knob.key),
            rx.box(
                problem_text(bi(BuilderState.knob_errors[knob.key]), f"error-knob-{knob.key}"),
                padding_left="2.5rem",
                padding_top="0.25rem",
            ),
        ),
        padding_y="0.6rem",
        border_bottom=f"1px solid {rx.color('gray', 3)}",
        width="100%",
        class_name="knob-row",
        custom_attrs={"data-knob": knob.key},
    )


def _knobs() -> rx.Component:
    return section(
        "sliders-horizontal",
        ("Knobs", "설정"),
        (
            "Switch on the knobs this variant changes; the rest stay at the shop's defaults.",
            "이 변형이 바꿀 설정을 켜세요. 나머지는 기본값 그대로입니다.",
        ),
        rx.hstack(
            rx.text(t(("Editing", "편집 중")), size="2", color=rx.color("gray", 11)),
            rx.badge(BuilderState.current_name, size="2", variant="surface", id="editing-variant"),
            spacing="2",
            align="center",
        ),
        rx.vstack(*[_knob_row(knob) for knob in CATALOG], spacing="0", width="100%", id="knob-editor"),
    )


def _preview() -> rx.Component:
    return section(
        "monitor-smartphone",
        ("Live preview", "실시간 미리보기"),
        (
            "The shop's home as this variant shows it. Nothing here is recorded.",
            "이 변형에서 보이는 쇼핑몰 홈입니다. 아무것도 기록되지 않습니다.",
        ),
        rx.segmented_control.root(
            rx.foreach(
                BuilderState.variant_rows,
                lambda row: rx.segmented_control.item(row["name"], value=row["index"]),
            ),
            value=BuilderState.selected.to_string(),
            on_change=lambda value: BuilderState.select_variant(value.to(str)),
            size="1",
            id="preview-variant",
        ),
        rx.cond(
            BuilderState.preview_src != "",
            rx.box(
                rx.el.iframe(
                    src=BuilderState.preview_src,
                    title="Variant preview",
                    tab_index=-1,
                    id="variant-preview",
                    style={
                        "width": f"{PREVIEW_WIDTH}px",
                        "height": f"{PREVIEW_HEIGHT}px",
                        "border": "0",
                        "transform": f"scale({PREVIEW_SCALE})",
                        "transformOrigin": "0 0",
                        "pointerEvents": "none",
                    },
                ),
                width=f"{PREVIEW_WIDTH * PREVIEW_SCALE:.0f}px",
                height=f"{PREVIEW_HEIGHT * PREVIEW_SCALE:.0f}px",
                max_width="100%",
                overflow="hidden",
                border_radius="var(--radius-3)",
                border=f"1px solid {rx.color('gray', 5)}",
                background="white",
            ),
            rx.callout(
                t(
                    (
                        "Fix the highlighted knob values to see the preview.",
                        "표시된 설정 값을 고치면 미리보기가 보입니다.",
                    )
                ),
                icon="eye-off",
                color_scheme="amber",
                size="1",
                id="preview-blocked",
            ),
        ),
        rx.link(
            rx.hstack(
                rx.icon("external-link", size=13),
                t(("Open in a new tab", "새 탭에서 열기")),
                spacing="1",
                align="center",
            ),
            href=BuilderState.preview_src,
            is_external=True,
            size="1",
        ),
    )


def variants_step() -> rx.Component:
    """The second step's panel."""
    return rx.grid(
        rx.vstack(_variant_list(), _knobs(), spacing="4", width="100%", min_width="0"),
        rx.box(_preview(), position="sticky", top="1rem", width="100%"),
        grid_template_columns=rx.breakpoints(initial="1fr", lg="minmax(0, 1fr) 35rem"),
        spacing="4",
        width="100%",
        align_items="start",
        id="step-variants",
    )
