"""The results pages' panels: the picker, the header, headline tiles, SRM, the recommendation, guardrails and
segments, plus the loading and empty states. They take Vars, so they hold no state of their own.
"""

import reflex as rx

from novarium_app import routes
from novarium_app.components.page_parts import empty_state
from novarium_app.components.results_widgets import (
    bi,
    eyebrow,
    line_item,
    notice,
    section_title,
    status_badge,
    tone_scheme,
)
from novarium_app.components.tables import scroll_table
from novarium_app.i18n import t

# ----- the picker ------------------------------------------------------------------------------------------------


NO_EXPERIMENTS = (
    "Results appear once an experiment is started and shoppers visit it. Start one, send simulated "
    "shoppers from the Runs page, then come back.",
    "실험을 시작하고 방문자가 들어오면 결과가 나타납니다. 실험을 시작하고 실행 페이지에서 시뮬레이션 "
    "방문자를 보낸 뒤 다시 오세요.",
)
NO_GUARDRAILS = (
    "This experiment set no guardrails: nothing protects order value or engagement from a winning variant.",
    "이 실험에는 가드레일이 없습니다. 이기는 변형으로부터 주문 금액이나 참여도를 지켜 줄 장치가 없습니다.",
)
NO_USERS = (
    "Nobody has seen a variant of this experiment yet. Send simulated shoppers from the Runs page "
    "(or run the engine), then refresh this page.",
    "아직 이 실험의 변형을 본 사용자가 없습니다. 실행 페이지에서 시뮬레이션 방문자를 보내거나 엔진을 "
    "실행한 뒤 이 페이지를 새로 고치세요.",
)


def _experiment_card(row: rx.Var) -> rx.Component:
    return rx.link(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.heading(row["name"], size="4", trim="both"),
                    rx.spacer(),
                    status_badge(row["status"]),
                    align="center",
                    width="100%",
                ),
                rx.code(row["key"], variant="ghost", size="1"),
                rx.text(row["hypothesis"], size="2", color=rx.color("gray", 11), class_name="clamp-2"),
                rx.hstack(
                    rx.badge(rx.icon("target", size=12), bi(row["primary_en"], row["primary_ko"]), variant="surface"),
                    rx.badge(rx.icon("split", size=12), row["variants"], variant="surface", color_scheme="gray"),
                    spacing="2",
                    wrap="wrap",
                ),
                rx.hstack(
                    rx.text(t(("Started ", "시작 ")), row["started"], size="1", color=rx.color("gray", 10)),
                    rx.spacer(),
                    rx.text(t(("Open results", "결과 보기")), size="2", weight="medium", color=rx.color("accent", 11)),
                    rx.icon("arrow-right", size=14, color=rx.color("accent", 11)),
                    align="center",
                    spacing="1",
                    width="100%",
                ),
                spacing="2",
                width="100%",
            ),
            size="2",
            width="100%",
            height="100%",
            class_name="experiment-card",
            _hover={"border_color": rx.color("accent", 8)},
        ),
        href=row["href"],
        underline="none",
        color="inherit",
        custom_attrs={"data-key": row["key"]},
    )


def experiment_list(rows: rx.Var, loading: rx.Var, error: rx.Var, on_refresh: rx.EventHandler) -> rx.Component:
    """The experiments that have run, each a card linking to its results; an empty state says how to start one."""
    grid = rx.grid(
        rx.foreach(rows, _experiment_card),
        columns=rx.breakpoints(initial="1", md="2", xl="3"),
        spacing="4",
        width="100%",
        id="experiment-list",
    )
    empty = empty_state(
        rx.center(rx.icon("flask-conical-off", size=20), class_name="card-icon"),
        ("No experiment has run yet", "아직 진행한 실험이 없습니다"),
        rx.text(
            t(NO_EXPERIMENTS),
            size="2",
            color=rx.color("gray", 11),
        ),
        rx.code(
            "novarium experiments create examples/red-banner.json && novarium experiments start red-banner",
            size="1",
            variant="soft",
            white_space="pre-wrap",
        ),
        rx.link(
            rx.button(rx.icon("rocket", size=14), t(("Go to Runs", "실행으로 이동")), variant="soft"),
            href=routes.RUNS,
        ),
        element_id="results-empty",
        title_size="4",
    )
    return rx.cond(
        error != "",
        notice(
            t(("Could not list the experiments: ", "실험 목록을 불러오지 못했습니다: ")),
            error,
            icon="triangle-alert",
            color_scheme="red",
            id="results-error",
        ),
        rx.cond(
            loading,
            rx.grid(*[rx.skeleton(rx.card(height="11rem")) for _ in range(3)], columns="3", spacing="4", width="100%"),
            rx.cond(rows.length() > 0, grid, empty),
        ),
    )


# ----- one experiment --------------------------------------------------------------------------------------------


def results_header(experiment: rx.Var, on_refresh: rx.EventHandler, loading: rx.Var) -> rx.Component:
    """Back link, name, status and hypothesis, and a refresh button."""
    return rx.vstack(
        rx.link(
            rx.hstack(rx.icon("arrow-left", size=14), t(("All results", "전체 결과")), spacing="1", align="center"),
            href=routes.RESULTS,
            size="2",
            color=rx.color("gray", 11),
            underline="none",
        ),
        rx.hstack(
            rx.vstack(
                rx.hstack(
                    rx.heading(
                        rx.cond(experiment.contains("name"), experiment["name"], t(("Results", "결과"))),
                        size="8",
                        weight="bold",
                        id="results-title",
                    ),
                    rx.cond(experiment.contains("status"), status_badge(experiment["status"])),
                    spacing="3",
                    align="center",
                    wrap="wrap",
                ),
                rx.cond(
                    experiment.contains("hypothesis"),
                    rx.text(experiment["hypothesis"], color=rx.color("gray", 11), max_width="56rem"),
                ),
                spacing="1",
            ),
            rx.spacer(),
            rx.tooltip(
                rx.icon_button(
                    rx.icon("refresh-cw", size=16),
                    on_click=on_refresh,
                    loading=loading,
                    variant="soft",
                    color_scheme="gray",
                    size="2",
                    aria_label="Refresh",
                    id="results-refresh",
                ),
                content=t(("Rebuild the mart and analyse again", "마트를 다시 만들고 다시 분석합니다")),
            ),
            align="end",
            width="100%",
        ),
        spacing="2",
        width="100%",
    )


def _tile(tile: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(bi(tile["label_en"], tile["label_ko"]), size="2", color=rx.color("gray", 11), weight="medium"),
            rx.heading(
                bi(tile["value"], tile["value_ko"]),
                size="5",
                weight="bold",
                class_name="tabular-nums tile-value",
                color=rx.cond(tile["tone"] == "gray", rx.color("gray", 12), rx.color(tone_scheme(tile["tone"]), 11)),
            ),
            rx.text(bi(tile["detail_en"], tile["detail_ko"]), size="1", color=rx.color("gray", 10)),
            spacing="1",
        ),
        size="2",
        class_name="summary-tile",
        custom_attrs={"data-tile": tile["key"]},
    )


def summary_tiles(tiles: rx.Var) -> rx.Component:
    """The headline figures."""
    return rx.grid(
        rx.foreach(tiles, _tile), columns=rx.breakpoints(initial="2", lg="4"), spacing="4", width="100%", id="summary"
    )


def srm_callout(srm: rx.Var) -> rx.Component:
    """The sample-ratio check, coloured by its status."""
    return rx.callout.root(
        rx.callout.icon(
            rx.match(
                srm.tone,
                ("green", rx.icon("scale", size=18)),
                ("red", rx.icon("octagon-alert", size=18)),
                rx.icon("triangle-alert", size=18),
            )
        ),
        rx.callout.text(rx.text.strong(t(("Sample ratio check. ", "표본 비율 점검. "))), bi(srm.en, srm.ko)),
        color_scheme=tone_scheme(srm.tone),
        variant=rx.cond(srm.tone == "red", "solid", "soft"),
        size="2",
        width="100%",
        id="srm-callout",
        custom_attrs={"data-status": srm.tone},
    )


VERDICT_STYLE = {
    "ship": ("grass", "rocket"),
    "dont_ship": ("tomato", "ban"),
    "keep_running": ("amber", "hourglass"),
    "inconclusive": ("gray", "scale"),
}


def recommendation_card(
    verdict: rx.Var, headline_en: rx.Var, headline_ko: rx.Var, reasons: rx.Var, rule_en: rx.Var, rule_ko: rx.Var
) -> rx.Component:
    """The ship rule's recommendation, its reasons in plain words and the rule, naming the analysis it reads."""
    scheme = rx.match(verdict, *[(key, color) for key, (color, _) in VERDICT_STYLE.items()], "gray")
    return rx.card(
        rx.vstack(
            eyebrow(("The ship rule recommends", "배포 규칙의 권고")),
            rx.hstack(
                rx.match(
                    verdict,
                    *[(key, rx.icon(icon, size=22)) for key, (_, icon) in VERDICT_STYLE.items()],
                    rx.icon("scale", size=22),
                ),
                rx.heading(bi(headline_en, headline_ko), size="6", id="recommendation-headline"),
                spacing="2",
                align="center",
                color=rx.color(scheme, 11),
            ),
            rx.vstack(rx.foreach(reasons, line_item), spacing="2", width="100%", id="recommendation-reasons"),
            rx.text(
                bi(rule_en, rule_ko),
                size="1",
                color=rx.color("gray", 10),
                id="ship-rule",
            ),
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
        id="recommendation",
        custom_attrs={"data-verdict": verdict},
        border_left=f"4px solid {rx.color(scheme, 9)}",
    )


def guardrails_card(lines: rx.Var) -> rx.Component:
    """Each guardrail's non-inferiority verdict."""
    return rx.card(
        rx.vstack(
            section_title(
                ("Guardrails", "가드레일"),
                ("Must not get worse by more than their margin", "허용 범위 이상 나빠지면 안 되는 지표"),
                "shield-check",
            ),
            rx.cond(
                lines.length() > 0,
                rx.vstack(rx.foreach(lines, line_item), spacing="2", width="100%"),
                rx.text(
                    t(NO_GUARDRAILS),
                    size="2",
                    color=rx.color("gray", 10),
                ),
            ),
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
        id="guardrails",
    )


def _segment_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(bi(row.name_en, row.name_ko), weight="medium"),
        rx.table.cell(row.n_control, " / ", row.n_treatment, class_name="tabular-nums"),
        rx.table.cell(row.control, class_name="tabular-nums"),
        rx.table.cell(row.treatment, class_name="tabular-nums"),
        rx.table.cell(rx.badge(row.rel, color_scheme=tone_scheme(row.tone), variant="soft"), class_name="tabular-nums"),
        rx.table.cell(
            rx.text(row.p, class_name="tabular-nums"),
            rx.text(t(("adj. ", "보정 ")), row.p_adj, size="1", color=rx.color("gray", 10), class_name="tabular-nums"),
        ),
        custom_attrs={"data-segment": row.segment},
    )


def _segment_block(block: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.text(t(("Variant ", "변형 ")), rx.text.strong(block.variant), size="2"),
        rx.cond(
            block.warning_en != "",
            notice(
                bi(block.warning_en, block.warning_ko),
                icon="triangle-alert",
                color_scheme="amber",
                size="1",
                class_name="segment-warning",
            ),
        ),
        scroll_table(
            (
                ("Persona", "페르소나"),
                ("Users (control / variant)", "사용자(대조군 / 변형)"),
                ("Control", "대조군"),
                ("Variant", "변형"),
                ("Relative lift", "상대 변화"),
                ("p-value", "p-값"),
            ),
            block.rows,
            _segment_row,
            variant="ghost",
            size="1",
            class_name="results-table",
        ),
        spacing="2",
        width="100%",
    )


def segments_card(blocks: rx.Var, primary: rx.Var) -> rx.Component:
    """The primary metric by persona, per variant, with the multiple-comparison warning."""
    return rx.card(
        rx.vstack(
            section_title(("Segments", "세그먼트"), ("The primary metric by persona", "페르소나별 1차 지표"), "users"),
            rx.cond(
                blocks.length() > 0,
                rx.vstack(rx.foreach(blocks, _segment_block), spacing="4", width="100%"),
                rx.text(t(("No segments yet.", "아직 세그먼트가 없습니다.")), size="2", color=rx.color("gray", 10)),
            ),
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
        id="segments",
    )


def empty_results(key: rx.Var, draft: rx.Var) -> rx.Component:
    """No exposed users yet (or a draft): say what to do next."""
    command = rx.text.span("novarium simulate --experiment ", key, " --users 20000 && novarium marts build")
    return empty_state(
        rx.center(rx.icon("users", size=20), class_name="card-icon"),
        rx.cond(
            draft,
            t(("This experiment has not started", "아직 시작하지 않은 실험입니다")),
            t(("No exposed users yet", "아직 노출된 사용자가 없습니다")),
        ),
        rx.text(
            rx.cond(
                draft,
                t(
                    (
                        "Start it first: results exist only for experiments that ran.",
                        "먼저 실험을 시작하세요. 결과는 진행된 실험에만 있습니다.",
                    )
                ),
                t(NO_USERS),
            ),
            size="2",
            color=rx.color("gray", 11),
        ),
        rx.cond(
            draft,
            rx.code("novarium experiments start ", key, size="1", variant="soft"),
            rx.code(command, size="1", variant="soft", white_space="pre-wrap"),
        ),
        rx.link(
            rx.button(rx.icon("rocket", size=14), t(("Go to Runs", "실행으로 이동")), variant="soft"),
            href=routes.RUNS,
        ),
        element_id="results-no-users",
        title_size="4",
    )


def results_loading() -> rx.Component:
    """Skeletons in the page's shape."""
    return rx.vstack(
        rx.grid(*[rx.skeleton(rx.card(height="6.5rem")) for _ in range(4)], columns="4", spacing="4", width="100%"),
        rx.grid(
            rx.vstack(
                rx.skeleton(rx.card(height="18rem"), width="100%"),
                rx.skeleton(rx.card(height="14rem"), width="100%"),
                spacing="4",
                width="100%",
            ),
            rx.skeleton(rx.card(height="24rem"), width="100%"),
            grid_template_columns=rx.breakpoints(initial="1fr", lg="1fr 24rem"),
            spacing="4",
            width="100%",
        ),
        spacing="4",
        width="100%",
        id="results-loading",
    )
