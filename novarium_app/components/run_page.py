"""The Runs page's chrome: its header, its loading skeleton and its CSS, in both languages.

``runs_header`` reads the page's state class, passed in as ``state`` (``active_count`` and the ``load`` event).
"""

from typing import Any

import reflex as rx

from novarium_app.components.page_parts import page_header
from novarium_app.i18n import t

STYLE = """
.card-icon { width: 2.25rem; height: 2.25rem; flex-shrink: 0; border-radius: var(--radius-3);
  background: var(--accent-3); color: var(--accent-11); }
.step-dot { width: 1.5rem; height: 1.5rem; flex-shrink: 0; border-radius: 9999px;
  background: var(--accent-9); color: white; }
.tabular-nums { font-variant-numeric: tabular-nums; }
.live-dot { width: 0.5rem; height: 0.5rem; border-radius: 9999px; background: var(--blue-9);
  animation: live-pulse 1.4s ease-in-out infinite; }
@keyframes live-pulse { 0%, 100% { opacity: 1; } 50% { opacity: 0.3; } }
.run-status[data-status="running"] svg { animation: run-spin 1.6s linear infinite; }
@keyframes run-spin { to { transform: rotate(360deg); } }
"""


def runs_header(state: Any) -> rx.Component:
    """The page title, what runs are, the running count and Refresh."""
    return page_header(
        ("Runs", "실행"),
        (
            "Send simulated shoppers through the NovaEats shop and watch the experiment fill up. Runs live "
            "on the server: reload or close this tab freely.",
            "시뮬레이션 쇼핑객을 NovaEats 쇼핑몰에 보내고 실험 데이터가 쌓이는 것을 지켜보세요. "
            "실행은 서버에서 돌아가므로 이 탭을 새로 고치거나 닫아도 됩니다.",
        ),
        rx.hstack(
            rx.cond(
                state.active_count > 0,
                rx.badge(
                    rx.box(class_name="live-dot"),
                    state.active_count,
                    t((" running", " 실행 중")),
                    color_scheme="blue",
                    variant="surface",
                    size="2",
                    id="runs-active",
                ),
            ),
            rx.tooltip(
                rx.icon_button(
                    rx.icon("refresh-cw", size=16),
                    on_click=state.load,
                    variant="soft",
                    color_scheme="gray",
                    size="2",
                    aria_label=t(("Refresh", "새로 고침")),
                ),
                content=t(("Refresh experiments and runs", "실험과 실행 새로 고침")),
            ),
            spacing="2",
            align="center",
        ),
        id="runs-header",
    )


def runs_loading() -> rx.Component:
    """The skeleton shown while the page loads."""
    return rx.grid(
        rx.skeleton(rx.card(height="40rem")),
        rx.vstack(
            rx.skeleton(rx.card(height="15rem"), width="100%"),
            rx.skeleton(rx.card(height="16rem"), width="100%"),
            spacing="4",
            width="100%",
        ),
        grid_template_columns=rx.breakpoints(initial="1fr", lg="25rem 1fr"),
        spacing="4",
        width="100%",
        id="runs-loading",
    )
