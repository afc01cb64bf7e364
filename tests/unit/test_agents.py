"""The HTTP agents' decisions (pure) and their retries (against an httpx MockTransport that fails on demand)."""

import asyncio
import functools
import json
import re
from datetime import UTC, datetime, timedelta

import httpx
import numpy as np
import pytest

from shop.tracking import EVENT_NAMES, ID_PATTERN, exposure_event_id
from swarm import agents as agents_module
from swarm.agent_ids import LAST_SUFFIX, parse_agent_event_id
from swarm.agents import AgentError, AgentResult, Agents, Assignment, Connection, SwarmContext, decide_agent
from swarm.plan import Arm, Plan
from swarm.runs import Roster
from swarm.simulation import simulate_outcomes
from swarm.switches import Switches

KEY = "red-banner"
END = datetime(2026, 11, 20, 12, 0, 0)
CONTROL = Assignment("control", {}, True)
TREATMENT = Assignment("treatment", {"banner_color": "red", "discount_pct": 10}, True)
AGENTS = 5_000
MIX = {"impulsive": 0.2, "rational": 0.25, "window_shopper": 0.25, "mission": 0.15, "cautious": 0.15}


@functools.cache
def context(seed: int = 7, *, days: int = 1, switches: Switches | None = None, users: int = 3) -> SwarmContext:
    plan = Plan.build(
        [Arm("control", {}), Arm("treatment", {"banner_color": "red", "discount_pct": 10})],
        mix=MIX,
        switches=switches or Switches(),
        days=days,
        end=END,
    )
    roster = Roster([f"w{i}" for i in range(users)], ["mission", "rational", "cautious"][:users], MIX)
    return SwarmContext(run_id="run-test", experiment_key=KEY, seed=seed, plan=plan, roster=roster, agents=AGENTS)


def shape(decisions) -> list[tuple]:
    """What an agent did, without ids: the same seed and served config must give exactly this again."""
    return [(e["name"], e["ts"], e.get("value"), e.get("experiment_key")) for e in decisions.events]


def test_the_same_seed_and_config_give_the_same_decisions():
    first = [decide_agent(context(seed=7), i, TREATMENT) for i in range(200)]
    again = [decide_agent(context(seed=7), i, TREATMENT) for i in reversed(range(200))][::-1]
    assert [shape(d) for d in first] == [shape(d) for d in again]
    assert [d.identity for d in first] == [d.identity for d in again]
    other = [decide_agent(context(seed=8), i, TREATMENT) for i in range(200)]
    assert sum(shape(a) != shape(b) for a, b in zip(first, other, strict=True)) > 150


def test_decisions_follow_the_served_config():
    control = [decide_agent(context(), i, CONTROL) for i in range(3000)]
    treated = [decide_agent(context(), i, TREATMENT) for i in range(3000)]
    # the same uniforms, a red discounted banner: more clicks and more orders, never fewer, for the same draws
    clicks = [sum(e["name"] == "banner_click" for e in d.events) for d in (*control, *treated)]
    assert sum(clicks[3000:]) > sum(clicks[:3000])
    assert sum(d.purchases for d in treated) > sum(d.purchases for d in control)


def test_events_are_well_formed_ordered_and_inside_the_window():
    ctx = context(days=3)
    for index in range(300):
        decisions = decide_agent(ctx, index, TREATMENT)
        events = decisions.events
        assert events[0]["name"] == "exposure" and events[0]["experiment_key"] == KEY
        assert events[0]["event_id"] == exposure_event_id(KEY, decisions.identity.user_id)
        assert events[-1]["event_id"] == f"run-test:{index}:{len(events) - 1}{LAST_SUFFIX}"
        assert len({e["event_id"] for e in events}) == len(events)
        for event in events:
            assert set(event) <= {"event_id", "user_id", "name", "ts", "value", "props", "run_id", "experiment_key"}
            assert event["name"] in EVENT_NAMES and event["run_id"] == "run-test"
            assert event["user_id"] == decisions.identity.user_id
            assert ("experiment_key" in event) == (event["name"] == "exposure")
            assert END - timedelta(days=3) <= datetime.fromisoformat(event["ts"]) < END
            assert re.fullmatch(ID_PATTERN, event["event_id"])
        first_ts = datetime.fromisoformat(events[0]["ts"])
        assert all(datetime.fromisoformat(e["ts"]) >= first_ts for e in events)  # nothing precedes the exposure
        page_views = sum(e["name"] == "page_view" for e in events)
        assert page_views == decisions.visits
        purchases = [e for e in events if e["name"] == "purchase"]
        assert len(purchases) == decisions.purchases and all(p["value"] > 0 for p in purchases)
        parsed = parse_agent_event_id("run-test", events[-1]["event_id"], 300)
        assert (parsed.agent, parsed.number, parsed.last) == (index, len(events) - 1, True)


def test_agents_outside_the_allocation_log_no_exposure():
    outside = Assignment(None, {}, False)
    for index in range(50):
        assert all(e["name"] != "exposure" for e in decide_agent(context(), index, outside).events)


def test_returning_visitors_are_roster_users_of_their_persona_new_ones_and_bots_get_fresh_ids():
    ctx = context(users=3)
    crowd = ctx.crowd
    ids = [decide_agent(ctx, i, CONTROL).identity for i in range(AGENTS)]
    roster = dict(zip(ctx.roster.user_ids, ctx.roster.personas, strict=True))
    for persona in ("mission", "rational", "cautious"):
        returning = [i for i in range(AGENTS) if crowd.personas[i] == persona and not crowd.schedule.new[i]]
        first = ids[returning[0]]
        assert roster[first.user_id] == persona == first.persona  # the first returning one of the persona
    assert sorted(i.user_id for i in ids if i.user_id in roster) == sorted(roster)  # each warehouse user once
    others = [i for i in ids if i.user_id not in roster]
    assert all(i.user_id == f"run-test-v{i.index:x}" for i in others)
    assert sum(crowd.schedule.new) > 0 and len(others) > sum(crowd.schedule.new)  # new ones, and no one left
    bots = context(switches=Switches(bot_share=0.5))
    decided = [decide_agent(bots, i, CONTROL) for i in range(400)]
    share = sum(d.identity.persona == "bot" for d in decided) / 400
    assert 0.4 < share < 0.6
    assert all(d.purchases == 0 for d in decided if d.identity.persona == "bot")
    assert all(d.identity.user_id == f"run-test-b{d.identity.index:x}" for d in decided if d.identity.persona == "bot")


def test_the_exposure_bug_drops_only_bounced_exposures_of_its_variant():
    bug = context(switches=Switches(exposure_bug=0.9, exposure_bug_variant="treatment"))
    treated = [decide_agent(bug, i, TREATMENT) for i in range(2000)]
    dropped = [d for d in treated if d.exposure_dropped]
    assert dropped and all(not any(e["name"] == "exposure" for e in d.events) for d in dropped)
    assert all(not any(e["name"] == "item_view" for e in d.events[: _first_visit_length(d)]) for d in dropped)
    assert not any(decide_agent(bug, i, CONTROL).exposure_dropped for i in range(2000))


def _first_visit_length(decisions) -> int:
    starts = [i for i, e in enumerate(decisions.events) if e["name"] == "page_view"]
    return starts[1] if len(starts) > 1 else len(decisions.events)


# --- retries against a shop that fails on demand ------------------------------------------------------------------


class Flaky:
    """A MockTransport handler: answers assign, then fails the first ``failures`` event posts as told."""

    def __init__(self, failures: list[str]) -> None:
        self.failures = failures
        self.bodies: list[bytes] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/assign":
            return httpx.Response(
                200,
                json={
                    "experiment_key": KEY,
                    "variant": "treatment",
                    "in_experiment": True,
                    "config": TREATMENT.config,
                    "assignments": [],
                },
            )
        self.bodies.append(request.content)
        if self.failures:
            kind = self.failures.pop(0)
            if kind == "timeout":
                raise httpx.ReadTimeout("slow", request=request)
            if kind == "drop":
                raise httpx.RemoteProtocolError("closed", request=request)
            return httpx.Response(int(kind), json={"detail": f"failure {kind}"})
        events = json.loads(request.content)["events"]
        return httpx.Response(200, json={"accepted": len(events), "duplicates": 0, "rejected": []})


def play(handler: Flaky) -> AgentResult:
    agents = Agents("http://shop.test", context(), transport=lambda: httpx.MockTransport(handler))

    async def go() -> AgentResult:
        async with agents.connection() as connection:
            return await agents.run_agent(connection, 3, lambda: False)

    return asyncio.run(go())


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch):
    monkeypatch.setattr(agents_module, "BACKOFF", 0.0)


def test_retries_after_5xx_and_timeouts_resend_the_same_event_ids():
    handler = Flaky(["503", "timeout", "500", "drop"])
    result = play(handler)
    assert result.complete and result.retries == 4
    assert len(set(handler.bodies)) == 1 and len(handler.bodies) == 5  # the same bytes, so the same event ids
    ids = [e["event_id"] for e in json.loads(handler.bodies[0])["events"]]
    assert result.events_sent == result.accepted == len(ids)  # sent once, however many attempts


def test_a_4xx_is_not_retried_and_gives_up_for_good():
    with pytest.raises(AgentError, match=r"POST /api/events: 422 failure 422"):
        play(Flaky(["422"]))


def test_retries_run_out_with_the_last_problem_named():
    with pytest.raises(AgentError, match=r"failed after 7 attempts; last: 503 failure 503"):
        play(Flaky(["503"] * 10))


def test_a_connection_to_a_closed_port_is_a_transport_error():
    async def go() -> None:
        async with Connection("http://127.0.0.1:9", timeout=2) as connection:
            await connection.post("/api/assign", b"{}")

    with pytest.raises(httpx.ConnectError, match=r"cannot connect to 127\.0\.0\.1:9"):
        asyncio.run(go())


def test_timestamps_are_never_in_the_future():
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    plan = Plan.build([Arm("control", {})], mix=MIX, days=1, end=now)
    ctx = SwarmContext("run-now", KEY, 1, plan, Roster([], [], MIX), agents=500)
    latest = max(datetime.fromisoformat(e["ts"]) for i in range(500) for e in decide_agent(ctx, i, CONTROL).events)
    assert latest < now


def test_with_think_time_events_are_paced_and_flushed_like_an_sdk(monkeypatch):
    monkeypatch.setattr(agents_module, "FLUSH_AT", 3)
    handler = Flaky([])
    ctx = context()
    paced = SwarmContext(
        ctx.run_id, ctx.experiment_key, ctx.seed, ctx.plan, ctx.roster, agents=AGENTS, think_time=0.001
    )
    agents = Agents("http://shop.test", paced, transport=lambda: httpx.MockTransport(handler))

    async def go() -> AgentResult:
        async with agents.connection() as connection:
            return await agents.run_agent(connection, 3, lambda: False)

    result = asyncio.run(go())
    sent = [json.loads(body)["events"] for body in handler.bodies]
    expected = decide_agent(paced, 3, TREATMENT).events
    assert [e for batch in sent for e in batch] == expected
    assert [len(batch) for batch in sent[:-1]] == [3] * (len(sent) - 1) and 1 <= len(sent[-1]) <= 3
    assert result.complete and result.events_sent == len(expected)


def test_a_stop_between_flushes_leaves_the_agent_incomplete(monkeypatch):
    monkeypatch.setattr(agents_module, "FLUSH_AT", 1)
    handler = Flaky([])
    agents = Agents("http://shop.test", context(), transport=lambda: httpx.MockTransport(handler))
    calls = iter(range(100))

    async def go() -> AgentResult:
        async with agents.connection() as connection:
            return await agents.run_agent(connection, 3, lambda: next(calls) >= 1)

    result = asyncio.run(go())
    assert not result.complete and result.events_sent == 1 and len(handler.bodies) == 1


def test_agents_and_the_vectorised_engine_sample_the_same_process():
    """Per variant, the agents' per-user rates match the engine's (``swarm.simulation``) within 4 standard errors."""
    ctx = context(seed=11, days=5, switches=Switches(novelty=1.0, seasonality=True), users=0)
    engine = simulate_outcomes(ctx.plan, 40_000, 12)
    for arm, assignment in enumerate((CONTROL, TREATMENT)):
        decided = [decide_agent(ctx, i, assignment) for i in range(4000)]
        agent = {
            "conversion": [d.purchases > 0 for d in decided],
            "page_views": [d.visits for d in decided],
            "revenue": [d.revenue for d in decided],
        }
        rows = engine.arm == arm
        simulated = {
            "conversion": engine.purchases[rows] > 0,
            "page_views": engine.page_views[rows],
            "revenue": engine.revenue[rows],
        }
        for metric, values in agent.items():
            ours, theirs = np.asarray(values, dtype=float), np.asarray(simulated[metric], dtype=float)
            error = np.sqrt(ours.var() / len(ours) + theirs.var() / len(theirs))
            assert abs(ours.mean() - theirs.mean()) < 4 * error, (assignment.variant, metric)


def test_a_watched_run_plays_its_agents_in_the_order_of_their_first_visit():
    crowd = context(days=5).crowd
    order = crowd.arrival_order()
    assert sorted(order.tolist()) == list(range(AGENTS))  # every agent, once
    firsts = [int(crowd.visits(int(index))[1][0]) for index in order]
    assert firsts == sorted(firsts) and firsts != [int(crowd.visits(i)[1][0]) for i in range(AGENTS)]
