"""A KPI card: label, unit, value and change against the previous window."""

import reflex as rx

from novarium_app.i18n import LocaleState, t


def stat_card(kpi: rx.Var) -> rx.Component:
    """Render one KPI dict with keys label, label_ko, unit, unit_ko, value, change, direction and key."""
    return rx.card(
        rx.vstack(
            rx.box(
                rx.text(
                    rx.cond(LocaleState.is_korean, kpi["label_ko"], kpi["label"]),
                    size="2",
                    color=rx.color("gray", 11),
                    weight="medium",
                ),
                rx.text(
                    rx.cond(LocaleState.is_korean, kpi["unit_ko"], kpi["unit"]),
                    size="1",
                    color=rx.color("gray", 10),
                    class_name="kpi-unit",
                ),
            ),
            rx.heading(kpi["value"], size="7", weight="bold"),
            rx.hstack(
                rx.badge(
                    rx.cond(
                        kpi["direction"] == "up",
                        rx.icon("trending-up", size=14),
                        rx.cond(
                            kpi["direction"] == "down", rx.icon("trending-down", size=14), rx.icon("minus", size=14)
                        ),
                    ),
                    kpi["change"],
                    color_scheme=rx.cond(
                        kpi["direction"] == "up", "grass", rx.cond(kpi["direction"] == "down", "tomato", "gray")
                    ),
                    variant="soft",
                ),
                rx.text(t(("vs previous period", "이전 기간 대비")), size="1", color=rx.color("gray", 10)),
                align="center",
                spacing="2",
            ),
            spacing="2",
        ),
        size="2",
        class_name="kpi-card",
        custom_attrs={"data-kpi": kpi["key"]},
    )
