"""Learnings across experiments, on the retrospectives page: win rate, typical effect sizes, how often the truth
agreed with the learner, and the learner's own recurring pitfalls (peeking, SRM ignored, underpowered designs...).
"""

import asyncio
import logging

import reflex as rx
import sqlalchemy as sa

from coach.learnings import Learnings, learnings_summary
from marts.retrospectives import RetrospectiveError
from marts.storage import StorageError
from novarium_app.i18n import t
from novarium_app.services import get_store
from novarium_app.settings import SettingsError

log = logging.getLogger("novarium.coach")

ERRORS = (SettingsError, StorageError, RetrospectiveError, sa.exc.SQLAlchemyError)
DASH = "—"


def _share(value: float | None) -> str:
    return DASH if value is None else f"{value:.0%}"


def learnings_view(found: Learnings) -> dict[str, object]:
    """The summary as the panel shows it (display strings, both languages)."""
    return {
        "experiments": found.experiments,
        "decided": found.decided,
        "win_rate": _share(found.win_rate),
        "outcomes": f"{found.wins} / {found.losses} / {found.flat} / {found.inconclusive}",
        "accuracy": _share(found.decision_accuracy),
        "judged": found.judged,
        "effects": [
            {
                "label_en": effect.label[0],
                "label_ko": effect.label[1],
                "count": str(effect.count),
                "median": f"{effect.median:.1%}",
                "range": f"{effect.q1:.1%} – {effect.q3:.1%}",
            }
            for effect in found.typical_effects
        ],
        "pitfalls": [
            {
                "code": pitfall.code,
                "count": str(pitfall.count),
                "title_en": pitfall.title[0],
                "title_ko": pitfall.title[1],
                "advice_en": pitfall.advice[0],
                "advice_ko": pitfall.advice[1],
                "examples": ", ".join(pitfall.examples[:5]),
            }
            for pitfall in found.pitfalls
            if pitfall.count
        ],
    }


def _read() -> dict[str, object]:
    return learnings_view(learnings_summary(get_store()))


class RetroLearningsState(rx.State):
    """The learnings summary across every retrospective."""

    loading: bool = True
    error: str = ""
    experiments: int = 0
    decided: int = 0
    judged: int = 0
    win_rate: str = DASH
    outcomes: str = ""
    accuracy: str = DASH
    effects: list[dict[str, str]] = []
    pitfalls: list[dict[str, str]] = []

    @rx.event
    async def load(self):
        """Summarise every retrospective."""
        self.loading, self.error = True, ""
        yield
        try:
            found = await asyncio.to_thread(_read)
        except ERRORS as error:
            log.exception("the learnings summary could not load")
            self.error = (str(error).strip() or type(error).__name__).splitlines()[0]
            self.loading = False
            return
        for name, value in found.items():
            setattr(self, name, value)
        self.loading = False


def _tile(label: tuple[str, str], value: rx.Var, note: rx.Component, tile_id: str) -> rx.Component:
    return rx.vstack(
        rx.text(t(label), size="1", color=rx.color("gray", 10), weight="medium"),
        rx.text(value, size="6", weight="bold", class_name="tabular-nums"),
        note,
        spacing="1",
        padding="0.75rem",
        border=f"1px solid {rx.color('gray', 4)}",
        border_radius="var(--radius-3)",
        width="100%",
        id=tile_id,
    )


def _effect(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(t((row["label_en"], row["label_ko"]))),
        rx.table.cell(row["count"], text_align="right"),
        rx.table.cell(row["median"], text_align="right", class_name="tabular-nums"),
        rx.table.cell(row["range"], text_align="right", class_name="tabular-nums"),
    )


def _pitfall(row: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.badge(row["count"], color_scheme="amber", variant="solid", size="2"),
        rx.vstack(
            rx.text(t((row["title_en"], row["title_ko"])), size="2", weight="bold"),
            rx.text(t((row["advice_en"], row["advice_ko"])), size="1", color=rx.color("gray", 11)),
            rx.text(row["examples"], size="1", color=rx.color("gray", 9), font_family="var(--code-font-family)"),
            spacing="1",
        ),
        spacing="3",
        align="start",
        width="100%",
        class_name="learnings-pitfall",
        custom_attrs={"data-code": row["code"]},
    )


def learnings_panel() -> rx.Component:
    """The card; hidden until there is at least one retrospective."""
    state = RetroLearningsState
    return rx.cond(
        ~state.loading & (state.error == "") & (state.experiments > 0),
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.icon("graduation-cap", size=18, color=rx.color("accent", 10)),
                    rx.heading(t(("What your experiments add up to", "지금까지의 실험이 말해 주는 것")), size="4"),
                    spacing="2",
                    align="center",
                ),
                rx.grid(
                    _tile(
                        ("Experiments", "실험"),
                        state.experiments,
                        rx.text(state.decided, t((" decided", "개 결정")), size="1", color=rx.color("gray", 10)),
                        "learnings-experiments",
                    ),
                    _tile(
                        ("Win rate", "성공률"),
                        state.win_rate,
                        rx.text(
                            t(("win / loss / flat / open: ", "성공 / 실패 / 변화 없음 / 미정: ")),
                            state.outcomes,
                            size="1",
                            color=rx.color("gray", 10),
                        ),
                        "learnings-win-rate",
                    ),
                    _tile(
                        ("Right calls", "옳은 결정"),
                        state.accuracy,
                        rx.text(
                            t(("of ", "판정된 결정 ")),
                            state.judged,
                            t((" judged by the truth", "개 중")),
                            size="1",
                            color=rx.color("gray", 10),
                        ),
                        "learnings-accuracy",
                    ),
                    columns=rx.breakpoints(initial="1", sm="3"),
                    spacing="3",
                    width="100%",
                ),
                rx.cond(
                    state.effects.length() > 0,
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(
                                rx.table.column_header_cell(t(("Primary metric", "주요 지표"))),
                                rx.table.column_header_cell(t(("Experiments", "실험 수")), text_align="right"),
                                rx.table.column_header_cell(
                                    t(("Typical |lift|", "일반적인 |변화|")), text_align="right"
                                ),
                                rx.table.column_header_cell(t(("Middle half", "중간 50%")), text_align="right"),
                            )
                        ),
                        rx.table.body(rx.foreach(state.effects, _effect)),
                        size="1",
                        width="100%",
                        id="learnings-effects",
                    ),
                ),
                rx.cond(
                    state.pitfalls.length() > 0,
                    rx.vstack(
                        rx.text(t(("Your recurring pitfalls", "반복되는 실수")), size="2", weight="bold"),
                        rx.foreach(state.pitfalls, _pitfall),
                        spacing="3",
                        width="100%",
                        id="learnings-pitfalls",
                    ),
                    rx.callout(
                        t(("No recurring pitfalls so far.", "아직 반복되는 실수가 없습니다.")),
                        icon="circle-check",
                        color_scheme="grass",
                        size="1",
                    ),
                ),
                spacing="4",
                width="100%",
            ),
            size="3",
            width="100%",
            id="retro-learnings",
        ),
    )
