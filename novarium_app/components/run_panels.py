"""The live run card and the run history table; they read rows made by ``run_rows.progress_row``.

Both take Vars and event callbacks instead of a state class, so any Lab page can show runs.
"""

from collections.abc import Callable

import reflex as rx

from novarium_app.components.run_widgets import bi, metric_tile, status_badge
from novarium_app.components.tables import table_head
from novarium_app.i18n import LocaleState, t

RunAction = Callable[[rx.Var], rx.event.EventSpec]


def live_run_card(
    live: rx.Var, percent: rx.Var, acting: rx.Var, on_stop: RunAction, on_resume: RunAction
) -> rx.Component:
    """The followed run: status, progress bar, four figures, Stop and Resume; a placeholder when there is none."""
    return rx.card(
        rx.cond(live.contains("run_id"), _live_body(live, percent, acting, on_stop, on_resume), _no_run()),
        size="3",
        width="100%",
        id="live-run",
    )


def _live_body(live: rx.Var, percent: rx.Var, acting: rx.Var, on_stop: RunAction, on_resume: RunAction):
    return rx.vstack(
        rx.hstack(
            rx.center(rx.icon("activity", size=18), class_name="card-icon"),
            rx.vstack(
                rx.hstack(
                    rx.heading(live["experiment_key"], size="4", id="live-experiment"),
                    status_badge(live),
                    spacing="2",
                    align="center",
                ),
                rx.text(
                    t(("Run ", "실행 ")),
                    rx.code(live["short_id"], variant="ghost", size="1"),
                    t((" · started ", " · 시작 ")),
                    bi(live, "started"),
                    size="1",
                    color=rx.color("gray", 10),
                ),
                spacing="1",
            ),
            rx.spacer(),
            _actions(live, acting, on_stop, on_resume),
            align="center",
            width="100%",
        ),
        rx.vstack(
            rx.hstack(
                rx.text(t(("Agents done", "완료한 에이전트")), size="2", color=rx.color("gray", 11)),
                rx.spacer(),
                rx.text(live["percent"], "%", size="2", weight="bold", id="live-percent", class_name="tabular-nums"),
                width="100%",
            ),
            rx.progress(
                value=percent,
                max=100,
                size="3",
                color_scheme=live["status_color"].to(str),
                duration="1s",
                id="live-progress",
            ),
            spacing="2",
            width="100%",
        ),
        rx.grid(
            metric_tile(
                ("Agents", "에이전트"),
                live["agents_done"],
                "users",
                "live-agents",
                rx.cond(
                    LocaleState.is_korean,
                    rx.text.span(live["agents_planned"], "명 중"),
                    rx.text.span("of ", live["agents_planned"]),
                ),
            ),
            metric_tile(
                ("Events / s", "이벤트 / 초"), live["events_per_second"], "gauge", "live-rate", bi(live, "rate_detail")
            ),
            metric_tile(("ETA", "남은 시간"), bi(live, "eta"), "timer", "live-eta", bi(live, "timing")),
            metric_tile(
                ("Events stored", "저장된 이벤트"),
                live["events_stored"],
                "database",
                "live-stored",
                rx.cond(
                    LocaleState.is_korean,
                    rx.text.span("전송 ", live["events_sent"], "개 중"),
                    rx.text.span("of ", live["events_sent"], " sent"),
                ),
            ),
            columns=rx.breakpoints(initial="2", md="4"),
            spacing="3",
            width="100%",
        ),
        rx.cond(
            live["error"] != "",
            rx.callout(live["error"], icon="triangle-alert", color_scheme="red", size="1", id="live-error"),
        ),
        spacing="4",
        width="100%",
    )


def results_link(run: rx.Var, size: str = "2", **props) -> rx.Component:
    """A link to the results of a finished run's experiment (nothing while the run is running)."""
    return rx.cond(
        run["active"] == "",
        rx.link(
            rx.button(rx.icon("chart-column", size=14), t(("Results", "결과")), size=size, variant="soft"),
            href=run["results_href"],
            underline="none",
            **props,
        ),
    )


def _actions(live: rx.Var, acting: rx.Var, on_stop: RunAction, on_resume: RunAction) -> rx.Component:
    busy = acting == live["run_id"]
    return rx.hstack(
        results_link(live, id="live-results"),
        rx.cond(
            live["active"] != "",
            rx.button(
                rx.icon("square", size=14),
                t(("Stop", "중지")),
                on_click=on_stop(live["run_id"]),
                loading=busy,
                color_scheme="red",
                variant="soft",
                id="stop-run",
            ),
        ),
        rx.cond(
            live["resumable"] != "",
            rx.button(
                rx.icon("play", size=14),
                t(("Resume", "재개")),
                on_click=on_resume(live["run_id"]),
                loading=busy,
                id="resume-run",
            ),
        ),
        spacing="2",
    )


def _no_run() -> rx.Component:
    return rx.vstack(
        rx.center(rx.icon("radar", size=22), class_name="card-icon"),
        rx.heading(t(("No run yet", "아직 실행이 없습니다")), size="4"),
        rx.text(
            t(
                (
                    "Launch one with the form: its progress, split check and live curves show here.",
                    "왼쪽 양식으로 실행을 시작하세요. 진행 상황, 배정 비율 점검, 실시간 곡선이 여기에 나타납니다.",
                )
            ),
            size="2",
            color=rx.color("gray", 11),
            text_align="center",
        ),
        spacing="2",
        align="center",
        padding_y="2rem",
        width="100%",
    )


HEADERS = (
    ("Run", "실행"),
    ("Status", "상태"),
    ("Agents", "에이전트"),
    ("Events", "이벤트"),
    ("Started", "시작"),
    ("", ""),
)


def run_history(
    runs: rx.Var, hidden_total: rx.Var, focus_id: rx.Var, acting: rx.Var, on_focus: RunAction, on_resume: RunAction
) -> rx.Component:
    """Runs, newest first; a row click follows that run, and runs that can resume offer Resume.

    ``hidden_total`` (may be empty) is the number of runs, formatted, when older ones are left out of the table.
    """

    def row(run: rx.Var) -> rx.Component:
        return _history_row(run, run["run_id"] == focus_id, acting, on_focus, on_resume)

    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(t(("Run history", "실행 기록")), size="4"),
                rx.spacer(),
                rx.text(
                    t(("Select a run to follow it", "실행을 선택하면 모니터에 표시됩니다")),
                    size="1",
                    color=rx.color("gray", 10),
                ),
                align="baseline",
                width="100%",
            ),
            rx.cond(
                runs.length() > 0,
                rx.table.root(
                    table_head(*HEADERS),
                    rx.table.body(rx.foreach(runs, row)),
                    variant="ghost",
                    size="2",
                    width="100%",
                    id="run-history",
                ),
                rx.text(
                    t(("No runs yet.", "아직 실행이 없습니다.")), size="1", color=rx.color("gray", 10), padding_y="1rem"
                ),
            ),
            rx.cond(
                hidden_total != "",
                rx.text(
                    rx.cond(
                        LocaleState.is_korean,
                        rx.text.span("전체 ", hidden_total, "개 중 최근 ", runs.length(), "개"),
                        rx.text.span("The ", runs.length(), " newest of ", hidden_total, " runs"),
                    ),
                    size="1",
                    color=rx.color("gray", 10),
                ),
            ),
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
        id="runs-history",
    )


def _two_lines(top: rx.Component | rx.Var, bottom: rx.Component | rx.Var) -> rx.Component:
    return rx.vstack(
        rx.text(top, size="2", class_name="tabular-nums", white_space="nowrap"),
        rx.text(bottom, size="1", color=rx.color("gray", 10), class_name="tabular-nums", white_space="nowrap"),
        spacing="0",
    )


def _history_row(run: rx.Var, focused: rx.Var, acting: rx.Var, on_focus: RunAction, on_resume: RunAction):
    return rx.table.row(
        rx.table.cell(_two_lines(rx.text.strong(run["experiment_key"]), run["short_id"])),
        rx.table.cell(status_badge(run, size="1")),
        rx.table.cell(_two_lines(rx.text.span(run["agents_done"], " / ", run["agents_planned"]), run["percent"] + "%")),
        rx.table.cell(
            _two_lines(
                rx.text.span(run["events_sent"], t((" sent", " 전송"))),
                rx.text.span(run["events_stored"], t((" stored", " 저장"))),
            )
        ),
        rx.table.cell(_two_lines(bi(run, "started"), bi(run, "timing"))),
        rx.table.cell(
            rx.hstack(
                rx.cond(
                    run["resumable"] != "",
                    rx.button(
                        rx.icon("play", size=12),
                        t(("Resume", "재개")),
                        on_click=on_resume(run["run_id"]).stop_propagation,
                        loading=acting == run["run_id"],
                        size="1",
                        variant="soft",
                        class_name="resume-row",
                    ),
                ),
                results_link(run, size="1", class_name="run-results", on_click=rx.stop_propagation),
                spacing="2",
                justify="end",
            ),
        ),
        on_click=on_focus(run["run_id"]),
        cursor="pointer",
        background=rx.cond(focused, rx.color("accent", 3), "transparent"),
        _hover={"background": rx.color("accent", 2)},
        class_name="run-row",
        custom_attrs={"data-run": run["run_id"], "data-status": run["status"]},
        align="center",
    )
