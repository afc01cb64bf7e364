"""The Lab's side of ``shop.access``: one decorator that runs the shared check before a handler, and the unlock.

Every Lab event handler that changes state outside the browser is decorated, under ``@rx.event``::

    @rx.event
    @admin_action(Action.STOP_EXPERIMENT)
    async def stop(self, key: str): ...

The decorator asks ``shop.access.authorize`` (the check the REST API runs) with this tab's proof of the admin token.
A refused handler never runs: the tab gets a toast that says why, in the learner's language, and nothing changes.
It works on plain, generator and background handlers alike. The proof lives in ``AdminAccessState._proof``, a
backend-only field set by the sidebar's unlock form; the token itself is never kept, and nothing secret reaches the
browser (only ``mode`` and ``unlocked``).
"""

import functools
import inspect
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import reflex as rx
from reflex.istate.proxy import StateProxy

from novarium_app.i18n import LocaleState, Text, pick
from novarium_app.services import admin_policy
from shop.access import Action, Caller, Refusal, authorize

log = logging.getLogger("novarium.access")

REASONS: dict[str, Text] = {
    "token": (
        "Admin actions are locked: unlock them with the admin token (NOVARIUM_ADMIN_TOKEN) in the sidebar. "
        "Nothing was changed.",
        "관리자 작업이 잠겨 있습니다. 사이드바에서 관리자 토큰(NOVARIUM_ADMIN_TOKEN)으로 잠금을 해제하세요. "
        "아무것도 바뀌지 않았습니다.",
    ),
    "disabled": (
        "Admin actions are disabled: the app is not bound to localhost and NOVARIUM_ADMIN_TOKEN is not set. "
        "Nothing was changed.",
        "관리자 작업이 꺼져 있습니다. 앱이 localhost 밖에 열려 있고 NOVARIUM_ADMIN_TOKEN이 설정되지 않았습니다. "
        "아무것도 바뀌지 않았습니다.",
    ),
}
ACTIONS: dict[Action, Text] = {
    Action.CREATE_EXPERIMENT: ("Save the experiment", "실험 저장"),
    Action.START_EXPERIMENT: ("Start the experiment", "실험 시작"),
    Action.STOP_EXPERIMENT: ("Stop the experiment", "실험 중지"),
    Action.COMPLETE_EXPERIMENT: ("Complete the experiment", "실험 완료"),
    Action.DECIDE: ("Record the decision", "결정 기록"),
    Action.ADOPT: ("Adopt the variant", "변형 적용"),
    Action.ROLL_BACK: ("Roll back", "되돌리기"),
    Action.START_RUN: ("Start the run", "실행 시작"),
    Action.RECORD_RUN: ("Record the run", "실행 기록"),
    Action.READ_RUN_POPULATION: ("Read the run's population", "실행 모집단 읽기"),
    Action.STOP_RUN: ("Stop the run", "실행 중지"),
    Action.RESUME_RUN: ("Resume the run", "실행 재개"),
    Action.SAVE_RETROSPECTIVE: ("Save the retrospective", "회고 저장"),
    Action.UNLOCK: ("Unlock admin actions", "관리자 작업 잠금 해제"),
}
DISABLED: Text = (
    "Admin actions are disabled: the app is not bound to localhost and NOVARIUM_ADMIN_TOKEN is not set, so every "
    "action that changes experiments, runs, adoptions or retrospectives is refused.",
    "관리자 작업이 꺼져 있습니다. 앱이 localhost 밖에 열려 있고 NOVARIUM_ADMIN_TOKEN이 설정되지 않아 실험, 실행, "
    "적용, 회고를 바꾸는 모든 작업이 거부됩니다.",
)
NO_TOKEN: Text = ("Admin token: type the token to unlock.", "관리자 토큰: 잠금을 해제하려면 토큰을 입력하세요.")
WRONG_TOKEN: Text = (
    "Admin token: that is not NOVARIUM_ADMIN_TOKEN; admin actions stay locked.",
    "관리자 토큰: NOVARIUM_ADMIN_TOKEN과 다릅니다. 관리자 작업은 잠긴 채로 있습니다.",
)
UNLOCKED: Text = ("Admin actions unlocked in this tab.", "이 탭에서 관리자 작업 잠금을 해제했습니다.")
LOCKED: Text = ("Admin actions locked again.", "관리자 작업을 다시 잠갔습니다.")
TOAST_ID = "admin-refused"


def refusal_text(refusal: Refusal, locale: str) -> str:
    """What a refused learner reads: the action, then why, in ``locale``."""
    refused = pick(locale, ("Refused", "거부됨"))
    return f"{refused}: {pick(locale, ACTIONS[refusal.action])}. {pick(locale, REASONS[refusal.reason])}"


class AdminAccessState(rx.State):
    """This tab's standing under the admin policy: the mode for the sidebar, and the proof kept on the backend."""

    mode: str = ""
    """'open' (local), 'token' or 'disabled'; "" until a Lab page loads."""
    unlocked: bool = False
    error: str = ""
    error_ko: str = ""
    _proof: str = ""

    @rx.event
    def load(self):
        """Read the policy (every Lab page does, on load); a proof the policy no longer accepts is dropped."""
        policy = admin_policy()
        self.mode = policy.mode
        self.unlocked = authorize(policy, Caller(self._proof), Action.UNLOCK) is None
        if not self.unlocked:
            self._proof = ""

    @rx.event
    async def unlock(self, form_data: dict[str, Any]):
        """Check the typed token with the shared check; keep only its proof, and only when it is accepted."""
        locale = (await self.get_state(LocaleState)).locale
        token = form_data.get("token")
        token = token.strip() if isinstance(token, str) else ""
        policy = admin_policy()
        self.mode = policy.mode
        if not token and policy.mode == "token":
            self.error, self.error_ko = NO_TOKEN
            return
        caller = Caller.holding(token)
        refusal = authorize(policy, caller, Action.UNLOCK)
        if refusal is not None:
            log.warning("the Lab refused to unlock admin actions (%s)", refusal.reason)
            self._proof, self.unlocked = "", False
            self.error, self.error_ko = WRONG_TOKEN if refusal.reason == "token" else DISABLED
            yield rx.toast.error(pick(locale, (self.error, self.error_ko)), id=TOAST_ID, duration=10000)
            return
        self._proof, self.unlocked = caller.proof, True
        self.error = self.error_ko = ""
        yield rx.toast.success(pick(locale, UNLOCKED), id=TOAST_ID)

    @rx.event
    async def lock(self):
        """Forget this tab's proof."""
        locale = (await self.get_state(LocaleState)).locale
        self._proof = ""
        self.unlocked = admin_policy().mode == "open"
        yield rx.toast.info(pick(locale, LOCKED), id=TOAST_ID)


async def _standing(state: Any, action: Action) -> tuple[Refusal | None, str]:
    access = await state.get_state(AdminAccessState)
    locale = (await state.get_state(LocaleState)).locale
    return authorize(admin_policy(), Caller(access._proof), action), locale


async def check_admin(state: Any, action: Action) -> tuple[Refusal | None, str]:
    """The shared check for ``action`` with this tab's proof, and the tab's locale; a background task's state too."""
    if isinstance(state, StateProxy):
        async with state:
            return await _standing(state, action)
    return await _standing(state, action)


def admin_action(action: Action) -> Callable[[Callable[..., Any]], Callable[..., AsyncIterator[Any]]]:
    """Run the decorated handler only when ``check_admin`` allows ``action``; else toast the refusal, change nothing.

    Place it under ``@rx.event`` (or ``@rx.event(background=True)``). The handler may be plain, a coroutine, a
    generator or an async generator; its events are passed on unchanged.
    """

    def decorate(handler: Callable[..., Any]) -> Callable[..., AsyncIterator[Any]]:
        @functools.wraps(handler)
        async def guarded(self: Any, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
            refusal, locale = await check_admin(self, action)
            if refusal is not None:
                log.warning("the Lab refused to %s: %s", action, refusal.reason)
                yield rx.toast.error(refusal_text(refusal, locale), id=TOAST_ID, duration=10000)
                return
            outcome = handler(self, *args, **kwargs)
            if inspect.isasyncgen(outcome):
                async for event in outcome:
                    yield event
                return
            if inspect.isawaitable(outcome):
                outcome = await outcome
            if inspect.isgenerator(outcome):
                for event in outcome:
                    yield event
            elif outcome is not None:
                yield outcome

        guarded.admin_action = action  # type: ignore[attr-defined]  (read by the tests that list guarded handlers)
        return guarded

    return decorate
