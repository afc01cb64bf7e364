"""HTTP agents: one agent is one user who shops NovaEats through the JSON API, following their persona.

An agent asks ``POST /api/assign`` for its variant and config, then makes its visits. Who it is and when it visits
come from the run's crowd (``swarm.crowd``): the shop's traffic (``swarm.traffic``) drawn for the whole run from its
seed, the engine's process. What happens in each visit comes from ``sample_visits(visit_model(...), 1, rng)``, the
sampler the vectorised engine shares, so both paths draw from one model. Each visit logs ``page_view`` (the home
page), the ``exposure`` on the first visit (deterministic id, with the experiment's key), then ``banner_click``,
``search``, one ``item_view`` per item viewed, ``add_to_cart``, ``checkout_start`` and ``purchase`` (value: the order
total), seconds apart, as the engine's event log times them (``swarm.event_log``).

Client batching works like an analytics SDK: events queue up and are flushed in one ``POST /api/events`` when
``FLUSH_AT`` are queued, when the oldest has waited ``FLUSH_INTERVAL`` seconds, and when the session ends. With no
think time a whole agent usually fits one flush, so an agent costs two requests. Each worker keeps one keep-alive
connection (``swarm.transport``). A 5xx answer, a timeout or a broken connection is retried with exponential
backoff, sending the same bytes (so the same event ids): a batch stored before its answer was lost comes back as
duplicates, never twice.

Reproducible: the crowd is drawn once from the run's seed, and agent ``i`` draws its visits from
``default_rng([seed, i])`` in a fixed order (each visit, then the exposure bug), so the same seed and the same served
config give the same decisions whatever the concurrency. Event ids are ``{run_id}:{i}:{n}``; the last one of an
agent ends in ``swarm.agent_ids.LAST_SUFFIX``, which records its completion together with its final batch. Every
request carries the run's secret (``shop.run_secrets``): only the run's own agents may write into it.
"""

import asyncio
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
import numpy as np

from shop import run_secrets
from shop.tracking import exposure_event_id
from swarm.agent_ids import agent_event_id
from swarm.behaviour import VisitModel, visit_model
from swarm.crowd import Crowd, crowd_rng, draw_crowd
from swarm.plan import Plan
from swarm.runs import Roster
from swarm.sampling import Visits, sample_visits
from swarm.transport import KeepAliveTransport

FLUSH_AT = 20
"""Events an agent queues before it flushes them (analytics SDKs flush at 20 or so)."""
FLUSH_INTERVAL = 10.0
"""Seconds the oldest queued event may wait before a flush (matters only with think time)."""
RETRIES = 6
"""Attempts after the first for a request that failed with a 5xx, a timeout or a connection error."""
BACKOFF = 0.1
"""Seconds before the first retry; doubled for each next one, up to ``BACKOFF_MAX``."""
BACKOFF_MAX = 5.0
ITEM_SECONDS = 15
ITEM_STEPS_MAX = 60
OFFSETS = {"exposure": 0, "page_view": 0, "banner_click": 4, "search": 9, "item_view": 20}
"""Seconds from the visit's start to each event (as ``swarm.event_log`` times the engine's events)."""
AFTER_ITEMS = {"add_to_cart": 10, "checkout_start": 50, "purchase": 140}
"""Seconds after the last item view to each later step."""
HOME = {"path": "/shop"}
_JSON = {"content-type": "application/json"}
_ENCODE = json.JSONEncoder(separators=(",", ":")).encode


class AgentError(RuntimeError):
    """An agent could not go on: ``str()`` names the request and why (status and detail, or the network error)."""


@dataclass(frozen=True)
class SwarmContext:
    """What every agent of a run shares.

    Attributes:
        run_id: the run; it prefixes every event id and goes with every event and assignment.
        experiment_key: the experiment the agents are assigned to.
        seed: the run seed; agent ``i`` draws from ``default_rng([seed, i])``.
        plan: the run's plan: days, day weights and weekdays, realism switches, variants (for the exposure bug), and
            the world whose persona sensitivities the agents behave with (the engine's and the truth's).
        roster: who agent ``i`` is (a warehouse user while there are any, then a new visitor).
        think_time: seconds an agent pauses between two steps of a visit (0: turbo).
        secret: the run's secret, sent with every request (``shop.run_secrets``).
    """

    run_id: str
    experiment_key: str
    seed: int
    plan: Plan
    roster: Roster
    agents: int = 0
    think_time: float = 0.0
    secret: str | None = field(default=None, repr=False)
    _crowd: Crowd = field(init=False, repr=False, compare=False)
    _models: dict[tuple[str, tuple, int], VisitModel] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        crowd = draw_crowd(self.run_id, self.plan, self.roster, self.agents, crowd_rng(self.seed))
        object.__setattr__(self, "_crowd", crowd)
        object.__setattr__(self, "_models", {})

    @property
    def crowd(self) -> Crowd:
        """Who every agent is and when they visit."""
        return self._crowd

    @property
    def bug_variant(self) -> str | None:
        """The variant whose bounced first visits may lose their exposure (None when the switch is off)."""
        index = self.plan.bug_arm
        return None if index is None else self.plan.arm_names[index]

    def model(self, persona: str, config: Mapping[str, Any], day: int) -> VisitModel:
        """The visit model of ``persona`` under ``config`` on run day ``day`` (novelty and seasonality applied)."""
        time_varying = self.plan.time_varying
        key = (persona, tuple(sorted(config.items())), day if time_varying else 0)
        found = self._models.get(key)
        if found is None:
            switches = self.plan.switches
            found = self._models[key] = visit_model(
                self.plan.world.persona(persona),
                config,
                effect_scale=switches.effect_scale(day) if time_varying else 1.0,
                purchase_shift=switches.purchase_shift(self.plan.weekday(day)) if time_varying else 0.0,
            )
        return found


@dataclass(frozen=True)
class Identity:
    """Who agent ``index`` is."""

    index: int
    user_id: str
    persona: str


@dataclass(frozen=True)
class Assignment:
    """What ``POST /api/assign`` answered."""

    variant: str | None
    config: dict[str, Any]
    in_experiment: bool


@dataclass(frozen=True)
class Decisions:
    """Everything an agent does, decided before it sends anything.

    Attributes:
        identity: who.
        variant: their variant (None outside the experiment's allocation).
        visits: how many visits.
        purchases: orders placed.
        revenue: the orders' total value in $.
        exposure_dropped: whether the exposure bug swallowed their exposure.
        events: the events to send, in order (JSON-ready, ids included; the last id ends in ``:last``).
    """

    identity: Identity
    variant: str | None
    visits: int
    purchases: int
    revenue: float
    exposure_dropped: bool
    events: list[dict[str, Any]]


@dataclass
class AgentResult:
    """How an agent's session went. ``complete`` is False when it stopped early (stop, failure)."""

    index: int
    user_id: str
    variant: str | None = None
    visits: int = 0
    events_sent: int = 0
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    retries: int = 0
    complete: bool = False


def agent_rng(seed: int, index: int) -> np.random.Generator:
    """Agent ``index``'s own random generator."""
    return np.random.default_rng([seed, index])


def identify(context: SwarmContext, index: int) -> Identity:
    """Who agent ``index`` is (``swarm.crowd``): a returning warehouse user, a new visitor or a bot."""
    crowd = context.crowd
    if not 0 <= index < len(crowd):
        raise ValueError(f"index: agent {index} is not one of the run's {len(crowd)} agents")
    return Identity(index, crowd.user_ids[index], crowd.personas[index])


def decide(context: SwarmContext, identity: Identity, assignment: Assignment, rng: np.random.Generator) -> Decisions:
    """The agent's visits and events under the config it was served (pure: no I/O)."""
    days, seconds = context.crowd.visits(identity.index)
    count = len(days)
    events: list[dict[str, Any]] = []
    purchases, revenue, bounced_first = 0, 0.0, False
    start = context.plan.start
    for visit in range(count):
        drawn = sample_visits(context.model(identity.persona, assignment.config, int(days[visit])), 1, rng)
        if visit == 0:
            bounced_first = not bool(drawn.viewed[0])
        if drawn.purchased[0]:
            purchases += 1
            revenue += float(drawn.value[0])
        exposure = context.experiment_key if visit == 0 and assignment.in_experiment else None
        moment = start + timedelta(seconds=int(seconds[visit]))
        for name, offset, extra in _visit_steps(drawn, exposure):
            events.append({"name": name, "ts": (moment + timedelta(seconds=offset)).isoformat(), **extra})
    dropped = bool(rng.random() < context.plan.switches.exposure_bug)
    dropped = dropped and bounced_first and assignment.variant == context.bug_variant and assignment.in_experiment
    if dropped:
        events = [event for event in events if event["name"] != "exposure"]
    _identify_events(context, identity, events)
    return Decisions(identity, assignment.variant, count, purchases, round(revenue, 2), dropped, events)


def _visit_steps(drawn: Visits, exposure: str | None) -> list[tuple[str, int, dict[str, Any]]]:
    """One sampled visit as (event name, seconds from the visit's start, extra fields), in order."""
    steps: list[tuple[str, int, dict[str, Any]]] = []
    if exposure is not None:
        steps.append(("exposure", OFFSETS["exposure"], {"experiment_key": exposure}))
    steps.append(("page_view", OFFSETS["page_view"], {"props": HOME}))
    if drawn.banner_click[0]:
        steps.append(("banner_click", OFFSETS["banner_click"], {}))
    if drawn.searched[0]:
        steps.append(("search", OFFSETS["search"], {}))
    items = int(drawn.items_viewed[0])
    steps += [
        ("item_view", OFFSETS["item_view"] + ITEM_SECONDS * min(step, ITEM_STEPS_MAX), {}) for step in range(items)
    ]
    after = OFFSETS["item_view"] + ITEM_SECONDS * min(items, ITEM_STEPS_MAX + 1)
    if drawn.carted[0]:
        steps.append(("add_to_cart", after + AFTER_ITEMS["add_to_cart"], {}))
    if drawn.checked_out[0]:
        steps.append(("checkout_start", after + AFTER_ITEMS["checkout_start"], {}))
    if drawn.purchased[0]:
        steps.append(("purchase", after + AFTER_ITEMS["purchase"], {"value": float(drawn.value[0])}))
    return steps


def decide_agent(context: SwarmContext, index: int, assignment: Assignment) -> Decisions:
    """Agent ``index``'s decisions from scratch, given what the shop served it (what tests and checks compare)."""
    rng = agent_rng(context.seed, index)
    return decide(context, identify(context, index), assignment, rng)


def batches(events: list[dict[str, Any]], flush_at: int | None = None) -> Iterator[list[dict[str, Any]]]:
    """A session's flushes with no think time: ``flush_at`` (default ``FLUSH_AT``) events at a time, then the rest."""
    flush_at = flush_at or FLUSH_AT
    for start in range(0, len(events), flush_at):
        yield events[start : start + flush_at]


class Agents:
    """Plays agents over HTTP: one keep-alive connection per worker, retries with backoff, cooperative stop.

    Args:
        base_url: the shop's origin, e.g. ``http://127.0.0.1:3000``.
        context: the run's shared context.
        timeout: seconds to wait for a connection or an answer before retrying.
        transport: makes each worker's transport instead of a ``KeepAliveTransport`` (tests pass an in-process app).
    """

    def __init__(
        self,
        base_url: str,
        context: SwarmContext,
        *,
        timeout: float = 30.0,
        transport: Callable[[], httpx.AsyncBaseTransport] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.context = context
        self.timeout = timeout
        self._transport = transport

    def connection(self) -> "Connection":
        """A worker's own keep-alive connection to the shop, sending the run's secret with every request."""
        secret = self.context.secret
        headers = [(run_secrets.HEADER.lower().encode(), secret.encode())] if secret else []
        return Connection(self.base_url, self.timeout, self._transport() if self._transport else None, headers)

    async def run_agent(
        self, client: "Connection", index: int, stopping: Callable[[], bool], result: AgentResult | None = None
    ) -> AgentResult:
        """Play agent ``index``'s whole session; stops between two flushes once ``stopping()`` is true.

        Raises:
            AgentError: when a request failed for good (after retries, or with a 4xx).
        """
        context = self.context
        rng = agent_rng(context.seed, index)
        identity = identify(context, index)
        result = result or AgentResult(index, identity.user_id)
        result.user_id = identity.user_id
        body = {"user_id": identity.user_id, "experiment_key": context.experiment_key, "run_id": context.run_id}
        answer = await self._post(client, "/api/assign", _ENCODE(body).encode(), result)
        assignment = Assignment(answer["variant"], answer["config"], bool(answer["in_experiment"]))
        decisions = decide(context, identity, assignment, rng)
        result.variant, result.visits = decisions.variant, decisions.visits
        flushes = self._paced(decisions.events) if context.think_time > 0 else _immediate(decisions.events)
        async for batch in flushes:
            if stopping():
                return result
            await self._send(client, batch, result)
        result.complete = True
        return result

    async def _paced(self, events: list[dict[str, Any]]):
        """Events released one step at a time, ``think_time`` apart, flushed like an SDK would."""
        loop = asyncio.get_running_loop()
        queue: list[dict[str, Any]] = []
        oldest = 0.0
        for position, event in enumerate(events):
            if position:
                await asyncio.sleep(self.context.think_time)
            if not queue:
                oldest = loop.time()
            queue.append(event)
            if len(queue) >= FLUSH_AT or loop.time() - oldest >= FLUSH_INTERVAL:
                yield queue
                queue = []
        if queue:
            yield queue

    async def _send(self, client: "Connection", batch: list[dict[str, Any]], result: AgentResult) -> None:
        result.events_sent += len(batch)
        answer = await self._post(client, "/api/events", _ENCODE({"events": batch}).encode(), result)
        result.accepted += answer["accepted"]
        result.duplicates += answer["duplicates"]
        result.rejected += len(answer["rejected"])

    async def _post(self, client: "Connection", path: str, body: bytes, result: AgentResult) -> dict[str, Any]:
        """POST ``body``, retrying 5xx answers, timeouts and connection errors with the same bytes."""
        problem = ""
        for attempt in range(RETRIES + 1):
            if attempt:
                result.retries += 1
                await asyncio.sleep(min(BACKOFF * 2 ** (attempt - 1), BACKOFF_MAX))
            try:
                response = await client.post(path, body)
            except httpx.TransportError as error:  # timeouts, refused or dropped connections
                problem = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
                continue
            if response.status_code < 300:
                return json.loads(response.content)
            if response.status_code < 500:
                raise AgentError(f"POST {path}: {response.status_code} {_detail(response)}")
            problem = f"{response.status_code} {_detail(response)}"
        raise AgentError(f"POST {path}: failed after {RETRIES + 1} attempts; last: {problem}")


class Connection:
    """One agent worker's keep-alive connection: ``httpx`` requests sent straight through a ``KeepAliveTransport``.

    ``httpx.AsyncClient`` adds cookies, auth and redirect handling that agents never use and that cost more CPU
    than the shop spends answering (see ``bench/bench_swarm.py``); requests and errors stay httpx's own. A non-http
    base URL goes through httpx's default transport.
    """

    def __init__(
        self,
        base_url: str,
        timeout: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
        headers: Sequence[tuple[bytes, bytes]] = (),
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._headers = list(headers)
        origin = httpx.URL(self.base_url)
        self._host = origin.netloc
        if transport is None:
            plain = origin.scheme == "http"
            transport = KeepAliveTransport(timeout) if plain else httpx.AsyncHTTPTransport(retries=0)
        self._transport = transport
        self._timeout = httpx.Timeout(timeout, connect=min(timeout, 5.0)).as_dict()
        self._urls: dict[str, httpx.URL] = {}

    async def post(self, path: str, body: bytes) -> httpx.Response:
        """POST a JSON body; raises httpx.TransportError subclasses on network failures."""
        url = self._urls.get(path)
        if url is None:
            url = self._urls[path] = httpx.URL(self.base_url + path)
        headers = [(b"host", self._host), (b"content-type", b"application/json"), *self._headers]
        request = httpx.Request("POST", url, content=body, headers=headers, extensions={"timeout": self._timeout})
        response = await self._transport.handle_async_request(request)
        await response.aread()
        return response

    async def aclose(self) -> None:
        """Close the connection."""
        await self._transport.aclose()

    async def __aenter__(self) -> "Connection":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


async def _immediate(events: list[dict[str, Any]]):
    for batch in batches(events):
        yield batch


def _identify_events(context: SwarmContext, identity: Identity, events: list[dict[str, Any]]) -> None:
    """Give each event its id, user and run; the exposure keeps its deterministic id."""
    last = len(events) - 1
    for number, event in enumerate(events):
        if event["name"] == "exposure":
            event["event_id"] = exposure_event_id(context.experiment_key, identity.user_id)
        else:
            event["event_id"] = agent_event_id(context.run_id, identity.index, number, last=number == last)
        event["user_id"] = identity.user_id
        event["run_id"] = context.run_id


def _detail(response: httpx.Response) -> str:
    try:
        detail = response.json().get("detail", response.text)
    except (ValueError, AttributeError):
        detail = response.text
    text = detail if isinstance(detail, str) else json.dumps(detail)
    return text[:300]
