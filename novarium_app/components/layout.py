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


def active_nav(route: str) -> str:
    """The nav item a page at ``route`` belongs to: the longest ``NAV`` route that is ``route`` or a folder above it.

    Worked out once per page when the app compiles, so the highlighted item can never disagree with the page. (It
    used to follow ``State.router.url.path``, the route of the last event the server handled; an event the Runs
    page's poller queued from /runs is handled after the learner moved on, so Runs lit up on Experiments.)
    """
    path = "/" + route.strip("/")
    owners = [href for _, _, href in NAV if path == href or (href != routes.OVERVIEW and path.startswith(href + "/"))]
    return max(owners, key=len, default="")


def _nav_link(label: Text, icon: str, href: str, active: bool) -> rx.Component:
    return rx.link(
        rx.hstack(rx.icon(icon, size=18), rx.text(t(label), size="3", weight="medium"), spacing="3", align="center"),
        href=href,
        underline="none",
        color=rx.color("accent", 11) if active else rx.color("gray", 11),
        background=rx.color("accent", 3) if active else "transparent",
        padding_x="0.75rem",
        padding_y="0.5rem",
        border_radius="var(--radius-3)",
        width="100%",
        _hover={"background": rx.color("accent", 2)},
        custom_attrs={"aria-current": "page"} if active else {},
    )


def sidebar(route: str) -> rx.Component:
    """Brand, navigation (the item of the page at ``route`` highlighted), the language and the colour-mode switch."""
    current = active_nav(route)
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
        *[_nav_link(label, icon, href, href == current) for label, icon, href in NAV],
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
        rx.vstack(  # the label above the switch: side by side they are wider than the sidebar
            rx.text(t(("Language", "언어")), size="2", color=rx.color("gray", 10)),
            language_switch(width="100%"),
            spacing="1",
            width="100%",
            padding_x="0.75rem",
            id="language",
        ),
        rx.hstack(
            rx.text(t(("Theme", "테마")), size="2", color=rx.color("gray", 10)),
            rx.color_mode.switch(),
            align="center",
            justify="between",
            width="100%",
            padding_x="0.75rem",
        ),
        width=SIDEBAR_WIDTH,
        min_width=SIDEBAR_WIDTH,
        height="100vh",
        position="sticky",
        top="0",
        padding="1.25rem",
        spacing="1",
        background=rx.color("gray", 1),
    )


SIDEBAR_WIDTH = "15rem"
TOAST_WIDTH = "13rem"
TOAST_OFFSET = "1rem"
"""Toasts sit in the sidebar's column, bottom left, narrower than it (1rem + 13rem inside 15rem), so they never cover a
page's content: on the Results page a toast at the default bottom right lay over the verdict and the lift."""


def toaster() -> rx.Component:
    """The app's toast provider (``rx.App(toaster=...)``), placed over the sidebar's column."""
    return rx.toast.provider(
        position="bottom-left",
        offset=TOAST_OFFSET,
        toast_options=rx.toast.options(style={"width": TOAST_WIDTH}),
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
                    sidebar(route),
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
