"""The live run card and the run history table; they read rows made by ``run_rows.progress_row``.

Both take Vars and event callbacks instead of a state class, so any Lab page can show runs.
"""

from collections.abc import Callable

import reflex as rx

from novarium_app.components.run_widgets import metric_tile, status_badge

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
                    "Run ",
                    rx.code(live["short_id"], variant="ghost", size="1"),
                    " · started ",
                    live["started"],
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
                rx.text("Agents done", size="2", color=rx.color("gray", 11)),
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
                "Agents", live["agents_done"], "users", "live-agents", rx.text.span("of ", live["agents_planned"])
            ),
            metric_tile("Events / s", live["events_per_second"], "gauge", "live-rate", live["rate_detail"]),
            metric_tile("ETA", live["eta"], "timer", "live-eta", live["timing"]),
            metric_tile(
                "Events stored",
                live["events_stored"],
                "database",
                "live-stored",
                rx.text.span("of ", live["events_sent"], " sent"),
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


def _actions(live: rx.Var, acting: rx.Var, on_stop: RunAction, on_resume: RunAction) -> rx.Component:
    busy = acting == live["run_id"]
    return rx.hstack(
        rx.cond(
            live["active"] != "",
            rx.button(
                rx.icon("square", size=14),
                "Stop",
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
                rx.icon("play", size=14), "Resume", on_click=on_resume(live["run_id"]), loading=busy, id="resume-run"
            ),
        ),
        spacing="2",
    )


def _no_run() -> rx.Component:
    return rx.vstack(
        rx.center(rx.icon("radar", size=22), class_name="card-icon"),
        rx.heading("No run yet", size="4"),
        rx.text("Launch one: its progress shows here, live.", size="2", color=rx.color("gray", 11)),
        spacing="2",
        align="center",
        padding_y="2rem",
        width="100%",
    )


def run_history(
    runs: rx.Var, note: rx.Var, focus_id: rx.Var, acting: rx.Var, on_focus: RunAction, on_resume: RunAction
) -> rx.Component:
    """Runs, newest first; a row click follows that run, and runs that can resume offer Resume.

    ``note`` (may be empty) says when older runs are left out.
    """

    def row(run: rx.Var) -> rx.Component:
        return _history_row(run, run["run_id"] == focus_id, acting, on_focus, on_resume)

    headers = ("Run", "Status", "Agents", "Events", "Started", "")
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Run history", size="4"),
                rx.spacer(),
                rx.text("Select a run to follow it", size="1", color=rx.color("gray", 10)),
                align="baseline",
                width="100%",
            ),
            rx.cond(
                runs.length() > 0,
                rx.table.root(
                    rx.table.header(
                        rx.table.row(*[rx.table.column_header_cell(title, white_space="nowrap") for title in headers])
                    ),
                    rx.table.body(rx.foreach(runs, row)),
                    variant="ghost",
                    size="2",
                    width="100%",
                    id="run-history",
                ),
                rx.text("No runs yet.", size="2", color=rx.color("gray", 10), padding_y="1rem"),
            ),
            rx.cond(note != "", rx.text(note, size="1", color=rx.color("gray", 10))),
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
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
            _two_lines(rx.text.span(run["events_sent"], " sent"), rx.text.span(run["events_stored"], " stored"))
        ),
        rx.table.cell(_two_lines(run["started"], rx.text.span("for ", run["duration"]))),
        rx.table.cell(
            rx.cond(
                run["resumable"] != "",
                rx.button(
                    rx.icon("play", size=12),
                    "Resume",
                    on_click=on_resume(run["run_id"]).stop_propagation,
                    loading=acting == run["run_id"],
                    size="1",
                    variant="soft",
                    class_name="resume-row",
                ),
            ),
            text_align="right",
        ),
        on_click=on_focus(run["run_id"]),
        cursor="pointer",
        background=rx.cond(focused, rx.color("accent", 3), "transparent"),
        _hover={"background": rx.color("accent", 2)},
        class_name="run-row",
        custom_attrs={"data-run": run["run_id"], "data-status": run["status"]},
        align="center",
    )
