"""The Lab's handlers run the shared check (``shop.access.authorize``) through ``admin_action``, in process.

The handlers are the real ones on real Reflex state trees; storage is a sentinel that fails the test if a refused
handler reaches it. The served app over a websocket and in a browser is covered by ``tests/e2e/test_admin_guard.py``;
the "disabled" mode (not local, no token) is covered here, since it needs a server of its own otherwise.
"""

import asyncio
import contextvars
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from reflex.state import State

import novarium_app.novarium_app  # noqa: F401  (registers every page and its states)
from novarium_app import services
from novarium_app.components.admin_access import AdminAccessState, check_admin
from novarium_app.components.builder_state import BuilderState
from novarium_app.components.coach_writeup import CoachWriteupState
from novarium_app.components.run_plan_state import RunPlanState
from novarium_app.i18n import LocaleState
from novarium_app.pages.adoptions import AdoptionsState
from novarium_app.pages.experiments import ExperimentsState
from novarium_app.pages.results import ResultsState
from novarium_app.pages.retro_detail import RetroDetailState
from novarium_app.pages.runs import RunsState
from novarium_app.settings import Settings
from shop.access import Action, proof_of

TOKEN = "tok-lab-unit-7c1e-long-enough"
GUARDED: dict[tuple[type, str], Action] = {
    (ExperimentsState, "start"): Action.START_EXPERIMENT,
    (ExperimentsState, "stop"): Action.STOP_EXPERIMENT,
    (AdoptionsState, "rollback"): Action.ROLL_BACK,
    (ResultsState, "record"): Action.DECIDE,
    (BuilderState, "save_draft"): Action.CREATE_EXPERIMENT,
    (BuilderState, "launch"): Action.START_EXPERIMENT,
    (RunsState, "start_run"): Action.START_RUN,
    (RunsState, "stop_run"): Action.STOP_RUN,
    (RunsState, "resume_run"): Action.RESUME_RUN,
    (RunPlanState, "fast_forward"): Action.START_RUN,
    (RetroDetailState, "save"): Action.SAVE_RETROSPECTIVE,
    (CoachWriteupState, "save"): Action.SAVE_RETROSPECTIVE,
}
ARGUMENTS: dict[str, tuple[Any, ...]] = {
    "start": ("some-draft",),
    "rollback": ("a1",),
    "stop_run": ("r1",),
    "resume_run": ("r1",),
}


def run(coroutine):
    # a fresh thread: the browser tests' Playwright keeps an event loop running in the main thread
    # (with this thread's context: Reflex keeps its registry of states in a context variable)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(contextvars.copy_context().run, asyncio.run, coroutine).result()


@pytest.fixture
def policy(monkeypatch) -> Iterator[Any]:
    """Set the served app's settings: ``policy(host, token)``; storage may not be touched."""

    def use(host: str, token: str | None = None) -> None:
        env = {"NOVARIUM_HOST": host} | ({"NOVARIUM_ADMIN_TOKEN": token} if token else {})
        monkeypatch.setattr(services, "get_settings", lambda: Settings(**env))

    def no_store():
        raise AssertionError("a refused Lab action reached the Store")

    monkeypatch.setattr(services, "get_store", no_store)
    for module in ("experiments", "adoptions", "results", "retro_detail", "runs"):
        monkeypatch.setattr(f"novarium_app.pages.{module}.get_store", no_store)
    monkeypatch.setattr("novarium_app.components.builder_state.get_store", no_store)
    monkeypatch.setattr("novarium_app.components.coach_writeup.get_store", no_store)
    monkeypatch.setattr("novarium_app.components.run_plan_state.get_store", no_store)
    yield use


async def _call(state_class: type, name: str, root: State | None = None) -> tuple[list[Any], dict[str, Any]]:
    """The handler's events, and its state's own fields afterwards."""
    root = root or State(_reflex_internal_init=True)
    state = await root.get_state(state_class)
    handler = state_class.event_handlers[name].fn
    events = [event async for event in handler(state, *ARGUMENTS.get(name, ()))]
    return events, state.dict(include_computed=False)


def _toast_text(events: list[Any]) -> str:
    return " ".join(str(event) for event in events)


def test_every_mutating_handler_carries_its_action():
    for (state_class, name), action in GUARDED.items():
        assert getattr(state_class.event_handlers[name].fn, "admin_action", None) == action, (state_class, name)
    assert RunsState.event_handlers["stop_run"].is_background  # the guard keeps a background task a background task
    assert RunPlanState.event_handlers["fast_forward"].is_background


@pytest.mark.parametrize(("state_class", "name"), list(GUARDED))
def test_disabled_refuses_every_action_and_says_why(policy, state_class, name):
    policy("0.0.0.0")
    events, fields = run(_call(state_class, name))
    text = _toast_text(events)
    assert len(events) == 1 and "admin actions are disabled" in text.lower() and "Nothing was changed." in text
    fresh = state_class(_reflex_internal_init=True).dict(include_computed=False)
    assert fields == fresh  # the handler never ran: its state is as new


@pytest.mark.parametrize(("state_class", "name"), list(GUARDED))
def test_a_locked_tab_is_refused_in_its_language(policy, state_class, name):
    policy("0.0.0.0", TOKEN)

    async def korean() -> list[Any]:
        root = State(_reflex_internal_init=True)
        (await root.get_state(LocaleState)).locale = "ko"
        events, _ = await _call(state_class, name, root)
        return events

    assert "NOVARIUM_ADMIN_TOKEN" in _toast_text(run(_call(state_class, name))[0])
    assert "관리자 작업이 잠겨 있습니다" in _toast_text(run(korean()))


def test_unlocking_runs_the_same_check_and_keeps_only_a_proof(policy):
    policy("0.0.0.0", TOKEN)

    async def scenario() -> dict[str, Any]:
        root = State(_reflex_internal_init=True)
        access = await root.get_state(AdminAccessState)
        seen: dict[str, Any] = {}
        [_ async for _ in access.unlock({"token": ""})]
        seen["empty"] = (access.error, access.unlocked)
        [_ async for _ in access.unlock({"token": "wrong"})]
        seen["wrong"] = (access.error, access.unlocked, access._proof)
        seen["refused"] = (await check_admin(access, Action.ROLL_BACK))[0]
        [_ async for _ in access.unlock({"token": f" {TOKEN}\n"})]
        seen["right"] = (access.error, access.unlocked, access._proof)
        seen["allowed"] = (await check_admin(access, Action.ROLL_BACK))[0]
        seen["sent"] = root.dict(include_computed=False)
        [_ async for _ in access.lock()]
        seen["locked"] = (access.unlocked, (await check_admin(access, Action.ROLL_BACK))[0])
        return seen

    seen = run(scenario())
    assert seen["empty"] == ("Admin token: type the token to unlock.", False)
    assert seen["wrong"][0].startswith("Admin token: that is not NOVARIUM_ADMIN_TOKEN") and seen["wrong"][1:] == (
        False,
        "",
    )
    assert seen["refused"] is not None and seen["refused"].reason == "token"
    assert seen["right"] == ("", True, proof_of(TOKEN)) and seen["allowed"] is None
    assert set(AdminAccessState.base_vars) == {"mode", "unlocked", "error", "error_ko"}  # all the browser gets
    assert TOKEN not in str(seen["sent"]) and "_proof" not in str(seen["sent"])  # nothing secret for the browser
    assert seen["locked"][0] is False and seen["locked"][1] is not None


def test_a_new_token_voids_an_old_unlock(policy):
    policy("0.0.0.0", TOKEN)

    async def scenario() -> tuple[bool, bool, str]:
        root = State(_reflex_internal_init=True)
        access = await root.get_state(AdminAccessState)
        [_ async for _ in access.unlock({"token": TOKEN})]
        policy("0.0.0.0", "a-rotated-token-0000")
        access.load()
        return access.unlocked, (await check_admin(access, Action.START_RUN))[0] is None, access.mode

    assert run(scenario()) == (False, False, "token")


def test_the_modes_the_sidebar_shows(policy):
    async def mode() -> tuple[str, bool]:
        access = await State(_reflex_internal_init=True).get_state(AdminAccessState)
        access.load()
        return access.mode, access.unlocked

    policy("127.0.0.1")
    assert run(mode()) == ("open", True)
    policy("0.0.0.0", TOKEN)
    assert run(mode()) == ("token", False)
    policy("0.0.0.0")
    assert run(mode()) == ("disabled", False)
