"""Agent event ids: ``{run_id}:{agent}:{number}``, the last one of an agent ending in ``LAST_SUFFIX``.

The agents write them (``swarm.agents``) and the runs read them back (``swarm.runs``: which agents are done, the
audit). Reading is defensive: an id that is not exactly one of the run's agents' ids is not an agent's event, whoever
stored it.
"""

import re
from dataclasses import dataclass

LAST_SUFFIX = ":last"


def agent_event_id(run_id: str, agent: int, number: int, *, last: bool = False) -> str:
    """Agent ``agent``'s event ``number`` of run ``run_id``."""
    return f"{run_id}:{agent}:{number}{LAST_SUFFIX if last else ''}"


@dataclass(frozen=True)
class AgentEventId:
    """What an agent's event id ``{run_id}:{agent}:{number}`` (``LAST_SUFFIX`` on its last event) says."""

    agent: int
    number: int
    last: bool


_AGENT_EVENT = re.compile(r"([0-9]{1,9}):([0-9]{1,9})(:last)?")


def parse_agent_event_id(run_id: str, event_id: str, agents_planned: int) -> AgentEventId | None:
    """The agent and event number of one of the run's agents' event ids, or None for any other id.

    An id counts only when it is exactly ``{run_id}:{agent}:{number}`` (``LAST_SUFFIX`` optional), with decimal
    numbers and an agent below ``agents_planned``; anything else (an exposure's id, an id with text or an agent the
    run never planned) is not an agent's event.
    """
    prefix = f"{run_id}:"
    if not event_id.startswith(prefix):
        return None
    matched = _AGENT_EVENT.fullmatch(event_id, len(prefix))
    if matched is None or int(matched[1]) >= agents_planned:
        return None
    return AgentEventId(int(matched[1]), int(matched[2]), matched[3] is not None)
