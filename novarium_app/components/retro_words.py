"""The retrospectives' codes (ship, win, non_inferior, right, ...) as bilingual words and coloured badges."""

import reflex as rx

from marts.retrospectives.record import GUARDRAIL_WORDS, OUTCOME_WORDS, VERDICT_WORDS
from marts.vocabulary import SRM_STATUS_NAMES
from novarium_app.i18n import Text, t

DECISIONS: dict[str, Text] = VERDICT_WORDS
OUTCOMES: dict[str, Text] = OUTCOME_WORDS
GUARDRAIL_VERDICTS: dict[str, Text] = GUARDRAIL_WORDS
CORRECT: dict[str, Text] = {"right": ("Right call", "옳은 결정"), "wrong": ("Wrong call", "틀린 결정")}
SRM: dict[str, Text] = SRM_STATUS_NAMES
ROLES: dict[str, Text] = {"goal": ("Goal", "목표"), "guardrail": ("Guardrail", "가드레일")}
KINDS: dict[str, Text] = {
    "binary": ("Binary", "이진"),
    "continuous": ("Continuous", "연속"),
    "ratio": ("Ratio", "비율"),
}
COVERED: dict[str, Text] = {"yes": ("Covered", "포함"), "no": ("Missed", "벗어남")}
NOT_SET: Text = ("Not set", "미지정")
DASH: Text = ("—", "—")

OUTCOME_COLORS = {"win": "grass", "loss": "tomato", "flat": "gray", "inconclusive": "amber"}
DECISION_COLORS = {"ship": "grass", "dont_ship": "tomato", "keep_running": "blue", "inconclusive": "amber"}
VERDICT_COLORS = {"non_inferior": "grass", "harmed": "tomato", "inconclusive": "amber"}
CORRECT_COLORS = {"right": "grass", "wrong": "tomato"}
SRM_COLORS = {"ok": "grass", "caution": "amber", "warning": "tomato", "unavailable": "gray"}
TONE_COLORS = {"good": "grass", "bad": "tomato"}


def word(code: rx.Var, words: dict[str, Text], default: Text = DASH) -> rx.Var:
    """``code`` in the learner's language."""
    return rx.match(code, *[(key, t(text)) for key, text in words.items()], t(default))


def color(code: rx.Var, colors: dict[str, str], default: str = "gray") -> rx.Var:
    """The colour scheme for ``code``."""
    return rx.match(code, *colors.items(), default)


def tone_color(tone: rx.Var) -> rx.Var:
    """Text colour for a lift: green when good, red when bad, the body colour otherwise."""
    return rx.match(tone, ("good", rx.color("grass", 11)), ("bad", rx.color("tomato", 11)), rx.color("gray", 12))


def badge(code: rx.Var, words: dict[str, Text], colors: dict[str, str], **props) -> rx.Component:
    """A soft badge naming ``code`` in its colour; carries ``data-code`` for tests and styling."""
    return rx.badge(
        word(code, words, props.pop("default", DASH)),
        color_scheme=color(code, colors),
        variant=props.pop("variant", "soft"),
        radius="full",
        custom_attrs={"data-code": code},
        **props,
    )


def outcome_badge(code: rx.Var, size: str = "2") -> rx.Component:
    """Win, loss, flat, inconclusive, or "not set"."""
    return badge(code, OUTCOMES, OUTCOME_COLORS, size=size, default=NOT_SET, class_name="retro-outcome")


def decision_badge(code: rx.Var, size: str = "2") -> rx.Component:
    """Ship, don't ship, keep running."""
    return badge(code, DECISIONS, DECISION_COLORS, size=size, variant="outline", class_name="retro-decision")
