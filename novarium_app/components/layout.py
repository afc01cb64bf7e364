"""The Lab's shell: a sidebar, a header and the page, as a decorator around ``rx.page``."""

from collections.abc import Callable

import reflex as rx

from novarium_app import routes
from novarium_app.components.admin_access import AdminAccessState
from novarium_app.components.admin_panel import admin_panel
from novarium_app.i18n import Text, language_switch, t

NAV: tuple[tuple[Text, str, str], ...] = (
    (("Overview", "개요"), "layout-dashboard", routes.OVERVIEW),
    (("Experiments", "실험"), "flask-conical", routes.EXPERIMENTS),
    (("Runs", "실행"), "rocket", routes.RUNS),
    (("Results", "결과"), "chart-no-axes-combined", routes.RESULTS),
    (("Adoptions", "적용 이력"), "git-merge", routes.ADOPTIONS),
    (("Retrospectives", "회고"), "notebook-pen", routes.RETROSPECTIVES),
    (("Learn", "학습"), "graduation-cap", routes.LEARN),
    (("Data", "데이터"), "database", routes.DATA),
)


def _nav_link(label: Text, icon: str, href: str) -> rx.Component:
    path = rx.State.router.url.path
    active = (path == href) | (path.startswith(href + "/")) if href != routes.OVERVIEW else path == href
    return rx.link(
        rx.hstack(rx.icon(icon, size=18), rx.text(t(label), size="3", weight="medium"), spacing="3", align="center"),
        href=href,
        underline="none",
        color=rx.cond(active, rx.color("accent", 11), rx.color("gray", 11)),
        background=rx.cond(active, rx.color("accent", 3), "transparent"),
        padding_x="0.75rem",
        padding_y="0.5rem",
        border_radius="var(--radius-3)",
        width="100%",
        _hover={"background": rx.color("accent", 2)},
    )


def sidebar() -> rx.Component:
    """Brand, navigation and the colour-mode switch."""
    return rx.vstack(
        rx.hstack(
            rx.center(
                rx.icon("flask-conical", size=20, color="white"),
                width="2.25rem",
                height="2.25rem",
                border_radius="var(--radius-3)",
                background=rx.color("accent", 9),
            ),
            rx.vstack(
                rx.heading("NovaRium", size="4", weight="bold"),
                rx.text(t(("Experimentation Lab", "실험 연구실")), size="1", color=rx.color("gray", 10)),
                spacing="0",
            ),
            spacing="3",
            align="center",
            padding_bottom="1rem",
        ),
        *[_nav_link(label, icon, href) for label, icon, href in NAV],
        rx.divider(),
        rx.link(
            rx.hstack(
                rx.icon("store", size=18),
                rx.text(t(("NovaEats shop", "NovaEats 쇼핑몰")), size="3", weight="medium", white_space="nowrap"),
                rx.icon("arrow-up-right", size=14),
                spacing="3",
                align="center",
            ),
            href=routes.SHOP,
            is_external=True,
            underline="none",
            color=rx.color("gray", 11),
            padding_x="0.75rem",
            padding_y="0.5rem",
        ),
        rx.spacer(),
        admin_panel(),
        rx.hstack(
            rx.text(t(("Language", "언어")), size="2", color=rx.color("gray", 10)),
            language_switch(),
            align="center",
            justify="between",
            width="100%",
            padding_left="0.75rem",
        ),
        rx.hstack(
            rx.text(t(("Theme", "테마")), size="2", color=rx.color("gray", 10)),
            rx.color_mode.switch(),
            align="center",
            justify="between",
            width="100%",
            padding_x="0.75rem",
        ),
        width="15rem",
        min_width="15rem",
        height="100vh",
        position="sticky",
        top="0",
        padding="1.25rem",
        spacing="1",
        background=rx.color("gray", 1),
    )


def lab_page(route: str, title: str, on_load: rx.event.EventType | None = None) -> Callable:
    """Register a Lab page at ``route`` wrapped in the shell; every page reads the admin policy on load too."""
    extra = list(on_load) if isinstance(on_load, list | tuple) else [on_load] if on_load is not None else []
    events = [AdminAccessState.load, *extra]

    def decorator(content: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        @rx.page(route=route, title=f"{title} · NovaRium", on_load=events)
        def page() -> rx.Component:
            return rx.hstack(
                rx.box(  # the sidebar's column runs the page's full height; the sidebar itself stays in view
                    sidebar(),
                    align_self="stretch",
                    background=rx.color("gray", 1),
                    border_right=f"1px solid {rx.color('gray', 4)}",
                ),
                rx.box(
                    rx.box(content(), max_width="80rem", margin_x="auto", padding="2rem"),
                    flex="1",
                    min_width="0",
                    background=rx.color("gray", 2),
                    min_height="100vh",
                ),
                spacing="0",
                align="start",
                width="100%",
            )

        page.__name__ = content.__name__
        return page

    return decorator
