"""Small pieces the results and adoptions pages share: bilingual state text, tone badges, section headers."""

import reflex as rx

from novarium_app.i18n import LocaleState, Text, t

TONE_SCHEMES = {"green": "grass", "red": "tomato", "amber": "amber", "gray": "gray", "blue": "blue"}


def bi(english: rx.Var | str, korean: rx.Var | str) -> rx.Var:
    """Text the backend built in both languages, in the learner's language."""
    return rx.cond(LocaleState.is_korean, korean, english)


def tone_scheme(tone: rx.Var) -> rx.Var:
    """A tone ("green", "red", "amber", "gray") as a Radix colour scheme."""
    return rx.match(tone, *TONE_SCHEMES.items(), "gray")


def tone_icon(tone: rx.Var, size: int = 16) -> rx.Component:
    """An icon for a tone: a check, a cross, a warning or a dot."""
    return rx.match(
        tone,
        ("green", rx.icon("circle-check", size=size, color=rx.color("grass", 10), flex_shrink="0")),
        ("red", rx.icon("circle-x", size=size, color=rx.color("tomato", 10), flex_shrink="0")),
        ("amber", rx.icon("triangle-alert", size=size, color=rx.color("amber", 10), flex_shrink="0")),
        rx.icon("circle-dot", size=size, color=rx.color("gray", 9), flex_shrink="0"),
    )


def line_item(line: rx.Var) -> rx.Component:
    """A ``views.Line``: its tone icon and its sentence."""
    return rx.hstack(
        tone_icon(line.tone),
        rx.text(bi(line.en, line.ko), size="2", color=rx.color("gray", 12)),
        spacing="2",
        align="start",
        width="100%",
        class_name="result-line",
        custom_attrs={"data-tone": line.tone},
    )


def eyebrow(text: Text) -> rx.Component:
    """The small uppercase label above a panel's headline."""
    return rx.text(t(text), size="1", weight="bold", color=rx.color("gray", 10), text_transform="uppercase")


def section_title(title: Text, subtitle: Text | None = None, icon: str = "") -> rx.Component:
    """A card's title with an optional icon and subtitle."""
    heading = rx.hstack(
        *([rx.center(rx.icon(icon, size=18), class_name="card-icon")] if icon else []),
        rx.vstack(
            rx.heading(t(title), size="4"),
            *([rx.text(t(subtitle), size="2", color=rx.color("gray", 10))] if subtitle else []),
            spacing="0",
        ),
        spacing="3",
        align="center",
    )
    return heading


def status_badge(status: rx.Var) -> rx.Component:
    """An experiment's status: running, stopped, completed or draft."""
    return rx.badge(
        rx.match(
            status,
            ("running", rx.icon("activity", size=13)),
            ("stopped", rx.icon("pause", size=13)),
            ("completed", rx.icon("flag", size=13)),
            rx.icon("pencil", size=13),
        ),
        rx.match(
            status,
            ("running", t(("Running", "진행 중"))),
            ("stopped", t(("Stopped", "중지됨"))),
            ("completed", t(("Completed", "완료됨"))),
            t(("Draft", "초안")),
        ),
        color_scheme=rx.match(status, ("running", "blue"), ("stopped", "amber"), ("completed", "grass"), "gray"),
        variant="soft",
        radius="full",
        size="2",
        class_name="experiment-status",
        custom_attrs={"data-status": status},
    )


STYLE = """
.card-icon { width: 2.25rem; height: 2.25rem; flex-shrink: 0; border-radius: var(--radius-3);
  background: var(--accent-3); color: var(--accent-11); }
.tabular-nums { font-variant-numeric: tabular-nums; }
.results-table td, .results-table th { white-space: nowrap; }
"""


def notice(*children, icon: str, color_scheme: str = "gray", size: str = "1", **props) -> rx.Component:
    """A callout whose text is made of several pieces (plain text, Vars, links)."""
    return rx.callout.root(
        rx.callout.icon(rx.icon(icon, size=16)),
        rx.callout.text(*children),
        color_scheme=color_scheme,
        size=size,
        **props,
    )
