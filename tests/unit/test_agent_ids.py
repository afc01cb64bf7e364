"""Agent event ids are written and read back exactly; any other id is not an agent's event."""

import pytest

from swarm.agent_ids import AgentEventId, agent_event_id, parse_agent_event_id


@pytest.mark.parametrize("run_id", ["run-3f2a9c0d1b7e", "a:b", "r.1@x_y-z"])
def test_ids_round_trip(run_id):
    for agent, number, last in ((0, 0, False), (41, 7, True), (9, 123456789, False)):
        event_id = agent_event_id(run_id, agent, number, last=last)
        assert parse_agent_event_id(run_id, event_id, 42) == AgentEventId(agent, number, last)


@pytest.mark.parametrize(
    "event_id",
    [
        "run-a:x",
        "run-a:last",
        "run-a:999999:last",  # an agent the run never planned
        "run-a:42:0",
        "run-a:1:x:last",
        "run-a:-1:0:last",
        "run-a:1:2:last:x",
        "run-a:１:2",  # a full-width digit
        "run-a:1:2 ",
        "run-b:1:2",
        "exposure:swarm-exp:u1",
        "run-a:1234567890:1",
    ],
)
def test_anything_else_is_not_an_agents_event(event_id):
    assert parse_agent_event_id("run-a", event_id, 42) is None
