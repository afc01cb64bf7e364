"""Who may change what: the one authorisation check that the REST API and the Lab's event handlers both call.

Today one rule covers every ``Action``: anyone may act when the app is bound to localhost; otherwise only a caller
who proves they hold ``NOVARIUM_ADMIN_TOKEN``; with no token configured (and not local) every action is refused.
A caller's proof is ``proof_of(token)``: the REST API computes it from the bearer header of each request, and the
Lab keeps it in backend-only state once the learner unlocks, so the token itself is never stored. ``authorize`` is
where later rules (learners, roles, workspaces) belong: its callers already name the action and who asks.
"""

import hashlib
import hmac
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

Mode = Literal["open", "token", "disabled"]
Reason = Literal["disabled", "token"]


class Action(StrEnum):
    """Everything that changes state outside the browser, named the way refusals and logs say it."""

    CREATE_EXPERIMENT = "create an experiment"
    START_EXPERIMENT = "start an experiment"
    STOP_EXPERIMENT = "stop an experiment"
    COMPLETE_EXPERIMENT = "complete an experiment"
    DECIDE = "record a decision"
    ADOPT = "adopt a variant"
    ROLL_BACK = "roll back an adoption"
    START_RUN = "start a run"
    RECORD_RUN = "record a run's progress"
    READ_RUN_POPULATION = "read a run's population"
    STOP_RUN = "stop a run"
    RESUME_RUN = "resume a run"
    SAVE_RETROSPECTIVE = "save a retrospective"
    UNLOCK = "unlock admin actions"


@dataclass(frozen=True)
class AdminPolicy:
    """Who may run admin actions: anyone when bound to localhost, else only holders of the token."""

    is_local: bool
    token: str | None

    @property
    def mode(self) -> Mode:
        """'open' (local), 'token' (the token is needed) or 'disabled' (not local and no token configured)."""
        if self.is_local:
            return "open"
        return "token" if self.token else "disabled"


@dataclass(frozen=True)
class Caller:
    """Who asks: for now only the proof of the admin token they hold ("" when they hold none)."""

    proof: str = ""

    @classmethod
    def holding(cls, token: str | None) -> "Caller":
        """A caller who presents ``token`` (None or "" for none)."""
        return cls(proof_of(token) if token else "")


@dataclass(frozen=True)
class Refusal:
    """Why ``action`` was refused: 'disabled' (nobody may act) or 'token' (the admin token is missing or wrong)."""

    reason: Reason
    action: Action


def proof_of(token: str) -> str:
    """A one-way proof of holding ``token`` (SHA-256 with a fixed prefix); safe to keep where the token is not."""
    return hashlib.sha256(b"novarium-admin-proof\0" + token.encode("utf-8", "surrogatepass")).hexdigest()


def authorize(policy: AdminPolicy, caller: Caller, action: Action) -> Refusal | None:
    """None when ``caller`` may do ``action`` under ``policy``; otherwise the refusal and its reason."""
    if policy.mode == "open":
        return None
    if policy.mode == "disabled":
        return Refusal("disabled", action)
    if caller.proof and hmac.compare_digest(caller.proof, proof_of(policy.token or "")):
        return None
    return Refusal("token", action)
