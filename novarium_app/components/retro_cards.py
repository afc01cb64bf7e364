"""The retrospectives list: one card per retrospective, and the list's empty states."""

from dataclasses import dataclass

import reflex as rx

from marts.retrospectives import RetroView
from marts.retrospectives.korean import metric_label_ko
from novarium_app import routes
from novarium_app.components.page_parts import empty_state
from novarium_app.components.retro_words import decision_badge, outcome_badge, tone_color
from novarium_app.i18n import LocaleState, t


@dataclass
class RetroCard:
    """What a card shows of one retrospective."""

    retrospective_id: str = ""
    href: str = ""
    experiment_key: str = ""
    name: str = ""
    hypothesis: str = ""
    decision: str = ""
    outcome: str = ""
    saved: str = ""
    metric_label: str = ""
    metric_label_ko: str = ""
    lift: str = ""
    lift_ci: str = ""
    tone: str = "neutral"


def route_id(path: str) -> str:
    """The retrospective id at the end of a detail page's path."""
    return path.rstrip("/").rsplit("/", 1)[-1]


def card_from(view: RetroView) -> RetroCard:
    """The card of one retrospective's read model."""
    return RetroCard(
        retrospective_id=view.retrospective_id,
        href=routes.retrospective(view.retrospective_id),
        experiment_key=view.experiment_key,
        name=view.name,
        hypothesis=view.hypothesis,
        decision=view.decision,
        outcome=view.outcome,
        saved=view.saved[:10],
        metric_label=view.primary_label,
        metric_label_ko=metric_label_ko(view.primary_metric, view.primary_label),
        lift=view.lift,
        lift_ci=view.lift_ci,
        tone=view.lift_tone,
    )


def retro_card(card: rx.Var) -> rx.Component:
    """A clickable card: outcome, decision, name, hypothesis and the primary metric's lift."""
    return rx.link(
        rx.card(
            rx.vstack(
                rx.hstack(
                    outcome_badge(card.outcome),
                    decision_badge(card.decision),
                    rx.spacer(),
                    rx.text(card.saved, size="1", color=rx.color("gray", 10), class_name="tabular-nums"),
                    align="center",
                    spacing="2",
                    width="100%",
                ),
                rx.vstack(
                    rx.heading(card.name, size="4", class_name="retro-card-name"),
                    rx.code(card.experiment_key, size="1", variant="soft", color_scheme="gray"),
                    spacing="1",
                    align="start",
                ),
                rx.text(card.hypothesis, size="2", color=rx.color("gray", 11), class_name="retro-clamp"),
                rx.spacer(),
                rx.divider(),
                rx.cond(
                    card.metric_label != "",
                    rx.hstack(
                        rx.vstack(
                            rx.text(t(("Primary metric", "주요 지표")), size="1", color=rx.color("gray", 10)),
                            rx.text(
                                rx.cond(LocaleState.is_korean, card.metric_label_ko, card.metric_label),
                                size="2",
                                weight="medium",
                            ),
                            spacing="0",
                        ),
                        rx.spacer(),
                        rx.vstack(
                            rx.text(
                                card.lift,
                                size="5",
                                weight="bold",
                                color=tone_color(card.tone),
                                class_name="tabular-nums retro-lift",
                            ),
                            rx.text(card.lift_ci, size="1", color=rx.color("gray", 10), class_name="tabular-nums"),
                            spacing="0",
                            align="end",
                        ),
                        align="end",
                        width="100%",
                    ),
                    rx.text(t(("No results saved", "저장된 결과 없음")), size="2", color=rx.color("gray", 10)),
                ),
                spacing="3",
                height="100%",
                align="start",
            ),
            size="2",
            height="100%",
            class_name="retro-card",
        ),
        href=card.href,
        underline="none",
        color=rx.color("gray", 12),
        height="100%",
        custom_attrs={"data-retro": card.retrospective_id, "data-key": card.experiment_key},
    )


def no_retrospectives() -> rx.Component:
    """The first-visit empty state: how a retrospective comes to exist."""
    return empty_state(
        rx.center(rx.icon("notebook-pen", size=22), class_name="retro-icon"),
        ("No retrospectives yet", "아직 회고가 없습니다"),
        rx.text(
            t(
                (
                    "Decide on an experiment on its results page and save what you learned. "
                    "Every retrospective keeps the design, the results and the truth for good.",
                    "결과 페이지에서 실험에 대한 결정을 내리고 배운 점을 저장하세요. "
                    "회고에는 설계, 결과, 실제 효과가 영구히 보관됩니다.",
                )
            ),
            size="3",
            color=rx.color("gray", 11),
            max_width="36rem",
        ),
        rx.link(
            rx.button(rx.icon("chart-column", size=16), t(("Go to results", "결과 보러 가기")), size="3"),
            href=routes.RESULTS,
        ),
        element_id="retro-empty",
        card_size="4",
    )


def no_matches(clear: rx.EventHandler) -> rx.Component:
    """Filters that match nothing, with the way back."""
    return empty_state(
        rx.center(rx.icon("search-x", size=22), class_name="retro-icon"),
        ("No retrospective matches", "조건에 맞는 회고가 없습니다"),
        rx.text(
            t(("Try other words, or clear the filters.", "다른 단어로 검색하거나 필터를 지워 보세요.")),
            size="2",
            color=rx.color("gray", 11),
        ),
        rx.button(
            rx.icon("x", size=14), t(("Clear filters", "필터 지우기")), on_click=clear, variant="soft", id="retro-clear"
        ),
        element_id="retro-no-match",
        title_size="4",
    )


STYLE = """
.retro-icon { width: 2.75rem; height: 2.75rem; flex-shrink: 0; border-radius: var(--radius-3);
  background: var(--accent-3); color: var(--accent-11); }
.retro-clamp { display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden; }
.retro-card { transition: border-color 120ms ease, box-shadow 120ms ease; }
a:hover > .retro-card { box-shadow: 0 0 0 1px var(--accent-8); }
a:focus-visible > .retro-card { box-shadow: 0 0 0 2px var(--accent-9); }
.tabular-nums { font-variant-numeric: tabular-nums; }
"""
"""CSS shared by the retrospectives pages."""
