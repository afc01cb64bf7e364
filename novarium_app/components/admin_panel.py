"""The sidebar's admin block: unlock admin actions with the token, lock them again, or read why they are disabled.

Nothing shows when the app is bound to localhost (every action is open there).
"""

import reflex as rx

from novarium_app.components.admin_access import DISABLED, AdminAccessState
from novarium_app.i18n import t

S = AdminAccessState


def _unlock_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.hstack(
                rx.icon("lock", size=14),
                rx.text(t(("Admin actions locked", "관리자 작업 잠김")), size="2", weight="medium"),
                spacing="2",
                align="center",
                color=rx.color("gray", 11),
            ),
            rx.input(
                name="token",
                type="password",
                placeholder=t(("Admin token", "관리자 토큰")),
                auto_complete="off",
                size="2",
                width="100%",
                id="admin-token",
            ),
            rx.button(
                rx.icon("key-round", size=14),
                t(("Unlock", "잠금 해제")),
                type="submit",
                size="2",
                variant="soft",
                width="100%",
                id="admin-unlock",
            ),
            rx.cond(
                S.error != "",
                rx.text(t((S.error, S.error_ko)), size="1", color=rx.color("red", 11), id="admin-error"),
            ),
            spacing="2",
            width="100%",
        ),
        on_submit=S.unlock,
        reset_on_submit=True,
        width="100%",
    )


def _unlocked() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.icon("lock-open", size=14),
            rx.text(t(("Admin actions unlocked", "관리자 작업 해제됨")), size="2", weight="medium"),
            spacing="2",
            align="center",
            color=rx.color("grass", 11),
            id="admin-unlocked",
        ),
        rx.button(
            rx.icon("lock", size=14),
            t(("Lock again", "다시 잠그기")),
            on_click=S.lock,
            size="1",
            variant="soft",
            color_scheme="gray",
            width="100%",
            id="admin-lock",
        ),
        spacing="2",
        width="100%",
    )


def _disabled() -> rx.Component:
    return rx.callout(
        t(DISABLED),
        icon="shield-off",
        color_scheme="amber",
        size="1",
        id="admin-disabled",
    )


def admin_panel() -> rx.Component:
    """The block, by the policy's mode ('open' shows nothing)."""
    return rx.box(
        rx.match(
            S.mode,
            ("token", rx.cond(S.unlocked, _unlocked(), _unlock_form())),
            ("disabled", _disabled()),
            rx.fragment(),
        ),
        width="100%",
        padding_x="0.75rem",
        id="admin-access",
        custom_attrs={"data-mode": S.mode},
    )
