"""The one authorisation check (``shop.access``) that the REST API and the Lab's handlers both run."""

import pytest

from shop.access import Action, AdminPolicy, Caller, Refusal, authorize, proof_of

TOKEN = "tok-3f9a-very-long-admin-token"
OPEN = AdminPolicy(is_local=True, token=None)
LOCKED = AdminPolicy(is_local=False, token=TOKEN)
DISABLED = AdminPolicy(is_local=False, token=None)


def test_the_policy_names_its_mode():
    assert (OPEN.mode, LOCKED.mode, DISABLED.mode) == ("open", "token", "disabled")
    assert AdminPolicy(is_local=True, token=TOKEN).mode == "open"


@pytest.mark.parametrize("action", list(Action))
def test_local_allows_everyone_every_action(action):
    assert authorize(OPEN, Caller(), action) is None
    assert authorize(OPEN, Caller.holding("anything"), action) is None


@pytest.mark.parametrize("action", list(Action))
def test_with_a_token_only_its_holder_may_act(action):
    assert authorize(LOCKED, Caller.holding(TOKEN), action) is None
    for caller in (Caller(), Caller.holding(""), Caller.holding(None), Caller.holding("wrong"), Caller("0" * 64)):
        assert authorize(LOCKED, caller, action) == Refusal("token", action)


@pytest.mark.parametrize("action", list(Action))
def test_not_local_without_a_token_refuses_everyone(action):
    for caller in (Caller(), Caller.holding(TOKEN), Caller.holding("")):
        assert authorize(DISABLED, caller, action) == Refusal("disabled", action)


def test_a_token_prefix_or_the_token_itself_is_no_proof():
    assert authorize(LOCKED, Caller(TOKEN), Action.ROLL_BACK) == Refusal("token", Action.ROLL_BACK)
    assert authorize(LOCKED, Caller.holding(TOKEN[:-1]), Action.ROLL_BACK) is not None


def test_the_proof_is_stable_and_never_contains_the_token():
    assert proof_of(TOKEN) == proof_of(TOKEN) == Caller.holding(TOKEN).proof
    assert TOKEN not in proof_of(TOKEN) and len(proof_of(TOKEN)) == 64
    assert proof_of(TOKEN) != proof_of(TOKEN + " ")
    assert proof_of("\ud800")  # a lone surrogate from a form never raises
