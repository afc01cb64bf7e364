"""English and Korean UI text, switchable in the sidebar; English is the default.

Pages write each piece of text once, as a pair: ``t(("Experiments", "실험"))``. The pair renders as the learner's
language, chosen in the sidebar and kept in the browser's local storage. Handlers that build text on the backend
read the locale with ``await self.get_state(LocaleState)`` and pick with ``pick``.
"""

import reflex as rx

Text = tuple[str, str]
"""(English, Korean)."""
LOCALES = ("en", "ko")
LOCALE_NAMES = {"en": "English", "ko": "한국어"}


class LocaleState(rx.State):
    """The learner's UI language."""

    locale: str = rx.LocalStorage("en", name="novarium_locale", sync=True)

    @rx.event
    def set_locale(self, value: str | list[str]) -> None:
        """Switch the UI language; anything but a known locale is ignored."""
        if isinstance(value, str) and value in LOCALES:
            self.locale = value

    @rx.var
    def is_korean(self) -> bool:
        return self.locale == "ko"


def t(text: Text) -> rx.Var:
    """The text in the learner's language."""
    english, korean = text
    return rx.cond(LocaleState.is_korean, korean, english)


def pick(locale: str, text: Text) -> str:
    """The text in ``locale`` (for text built on the backend)."""
    return text[1] if locale == "ko" else text[0]


def language_switch(**props) -> rx.Component:
    """English / 한국어, as a segmented control (``props`` style its root, e.g. ``width``)."""
    return rx.segmented_control.root(
        *[rx.segmented_control.item(LOCALE_NAMES[code], value=code) for code in LOCALES],
        value=LocaleState.locale,
        on_change=LocaleState.set_locale,
        size="1",
        **props,
    )
