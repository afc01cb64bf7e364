"""Event ingestion: the one service that humans (the shop UI, calling Python) and agents (``POST /api/events``) share.

Every event of a batch ends up stored, counted as a duplicate (its ``event_id`` is already stored or repeats an
earlier event of the batch; the first one stored is kept), or rejected with a reason naming the field and the rule.
Nothing is dropped silently: ``accepted + duplicates + len(rejected) == len(batch)``. A batch is stored in one
transaction through one bulk insert that skips stored ids (together with concurrent batches, see
``shop.group_commit``), so ingestion is idempotent by ``event_id``.

Experiments. An ``exposure`` must carry ``experiment_key``; the server fills its variant from the assignment function
and records the assignment, and rejects it when the experiment is not running or the user is outside its
allocation. Log an exposure the first time a visitor actually sees the page carrying the experiment, with
``exposure_event_id(experiment_key, user_id)`` as its id, so the first exposure is the one kept and repeats count as
duplicates. Outcome events (``purchase``, ``add_to_cart``, ...) normally carry no ``experiment_key``: the marts
attribute a keyless event to every experiment the user was exposed to before it (see
``marts.etl.experiment_users``). An event that does carry a key gets its variant filled the same way.
"""

import asyncio
import hashlib
import json
import math
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from marts.schema import MAX_MONEY
from marts.storage import Store
from shop import group_commit, run_secrets
from shop.fields import EARLIEST, MAX_FUTURE, TEXT_RULE, TIMESTAMP_RULE, Money, Text, Timestamp
from shop.visitors import Live, live, live_async

EVENT_NAMES: Mapping[str, str] = {
    "page_view": "A shop page was shown. props.path: the route.",
    "exposure": (
        "The visitor saw a page carrying an experiment for the first time. experiment_key is required; the server "
        "fills the variant. Use exposure_event_id() as its event_id."
    ),
    "banner_click": "The visitor clicked the home page's hero banner.",
    "search": "The visitor searched. props.query: the text; props.results: how many matched.",
    "item_view": "A menu item or restaurant was opened. props.item_id or props.restaurant_id.",
    "add_to_cart": "An item was added to the cart. value: the line amount in $; props.item_id, props.quantity.",
    "remove_from_cart": "An item was removed from the cart. props.item_id.",
    "checkout_start": "The visitor opened checkout. value: the cart subtotal in $.",
    "purchase": "An order was placed. value: the order total in $ (revenue); props.order_id.",
}
EventName = Literal[
    "page_view",
    "exposure",
    "banner_click",
    "search",
    "item_view",
    "add_to_cart",
    "remove_from_cart",
    "checkout_start",
    "purchase",
]

MAX_BATCH = 1000
INLINE_EVENTS = 50
MAX_PROPS_CHARS = 2000
ID_PATTERN = r"^[A-Za-z0-9_.:@-]{1,80}$"
RUN_ID_PATTERN = r"^[A-Za-z0-9_.:@-]{1,40}$"
_ID_RULE = "must be 1 to {n} characters: letters, digits, '_', '.', ':', '@' or '-'"


class BatchError(ValueError):
    """The batch as a whole is malformed (not a list, too long); nothing from it is stored."""


class EventIn(BaseModel):
    """One tracked event, as the API and the shop send it (its shape; ``parse_event`` applies the other rules)."""

    model_config = ConfigDict(extra="forbid")

    event_id: str = Field(pattern=ID_PATTERN, description="Unique id; a repeat is counted as a duplicate.")
    user_id: str = Field(pattern=ID_PATTERN, description="The visitor id (cookie, agent id or warehouse user).")
    name: EventName = Field(description="One of the documented event names (see EVENT_NAMES).")
    ts: Timestamp | None = Field(
        None,
        description=(
            f"When it happened: an ISO 8601 string (naive means UTC), from {EARLIEST:%Y-%m-%d} to "
            f"{MAX_FUTURE.seconds // 60} minutes ahead of the server's clock; default: now."
        ),
    )
    value: Money | None = Field(None, description=f"An amount in $: a JSON number from 0 to {MAX_MONEY:,.0f}.")
    props: dict[str, Any] | None = Field(None, description=f"A small JSON object (at most {MAX_PROPS_CHARS} chars).")
    run_id: str | None = Field(
        None,
        pattern=RUN_ID_PATTERN,
        description=f"The swarm run that produced it; needs the run's secret in the {run_secrets.HEADER} header.",
    )
    experiment_key: Text | None = Field(
        None, max_length=80, description="Required for exposure; outcome events normally carry none."
    )


class ValidEvent(NamedTuple):
    """An event that passed every rule, normalised for storage (``ts`` in naive UTC, ``props`` as JSON text)."""

    event: EventIn
    ts: datetime | None
    props_json: str | None


_BATCH = TypeAdapter(list[EventIn])
_JSON = json.JSONEncoder(separators=(",", ":"), allow_nan=False)


@dataclass(frozen=True)
class Rejection:
    """An event that was not stored, and why (the field and the rule)."""

    index: int
    reason: str


@dataclass(frozen=True)
class IngestResult:
    """How a batch ended: events stored, duplicates not stored again, and rejections with reasons."""

    accepted: int
    duplicates: int
    rejected: tuple[Rejection, ...]


def exposure_event_id(experiment_key: str, user_id: str) -> str:
    """The recommended ``event_id`` of a visitor's exposure: fixed per (experiment, user), so the first one is kept."""
    event_id = f"exposure:{experiment_key}:{user_id}"
    if len(event_id) <= 80:
        return event_id
    digest = hashlib.blake2b(f"{experiment_key}\x1f{user_id}".encode(), digest_size=16).hexdigest()
    return f"exposure:{digest}"


def new_event_id() -> str:
    """A fresh random ``event_id``."""
    return uuid.uuid4().hex


def track(
    store: Store,
    user_id: str,
    name: str,
    *,
    value: float | None = None,
    props: dict[str, Any] | None = None,
    experiment_key: str | None = None,
    event_id: str | None = None,
    run_id: str | None = None,
) -> IngestResult:
    """Ingest one event (the shop's shortcut); an exposure without ``event_id`` gets ``exposure_event_id``."""
    if event_id is None and name == "exposure" and experiment_key:
        event_id = exposure_event_id(experiment_key, user_id)
    event_id = event_id or new_event_id()
    event = {"event_id": event_id, "user_id": user_id, "name": name, "value": value, "props": props}
    event.update(experiment_key=experiment_key, run_id=run_id)
    return ingest(store, [event])


@dataclass(frozen=True)
class Prepared:
    """A validated batch ready to store: its new rows, the exposures' assignments, repeats and rejections."""

    rows: list[tuple]
    exposures: list[tuple]
    repeats: int
    rejected: tuple[Rejection, ...]

    def result(self, inserted: int) -> IngestResult:
        """The batch's outcome once ``inserted`` of its rows were new."""
        return IngestResult(
            accepted=inserted, duplicates=self.repeats + len(self.rows) - inserted, rejected=self.rejected
        )


def ingest(store: Store, raw_events: Sequence[Any], *, run_secret: str | None = None) -> IngestResult:
    """Validate and store a batch of at most ``MAX_BATCH`` events (see the module docstring for the rules).

    The rows are written by the store's group commit (``shop.group_commit``), together with concurrent batches.
    An event carrying a ``run_id`` is stored only with that run's secret (``run_secret``, see ``shop.run_secrets``).

    Raises:
        BatchError: when the batch is not a list or holds more than MAX_BATCH events; nothing is stored.
        StorageError: when the database fails; nothing from the batch is stored.
    """
    prepared = prepare(store, raw_events, run_secret=run_secret)
    inserted = group_commit.writer(store).write(prepared.rows, prepared.exposures) if prepared.rows else 0
    return prepared.result(inserted)


async def ingest_async(store: Store, raw_events: Sequence[Any], *, run_secret: str | None = None) -> IngestResult:
    """``ingest`` for async callers: the group commit is awaited without holding a thread.

    A small batch is validated on the event loop (a thread hop would cost more than the work); a large one, and a
    reload of the live experiments, run in a worker thread.
    """
    state = await live_async(store)
    if isinstance(raw_events, list | tuple) and len(raw_events) <= INLINE_EVENTS:
        prepared = prepare(store, raw_events, state, run_secret)
    else:
        prepared = await asyncio.to_thread(prepare, store, raw_events, state, run_secret)
    if not prepared.rows:
        return prepared.result(0)
    return prepared.result(await group_commit.writer(store).write_async(prepared.rows, prepared.exposures))


def prepare(
    store: Store, raw_events: Sequence[Any], state: Live | None = None, run_secret: str | None = None
) -> Prepared:
    """Validate a batch and build its rows; raises BatchError when the batch as a whole is malformed.

    ``state`` (the live experiments and runs) is read from the store's cache when not given; ``run_secret`` is the
    secret that events carrying a ``run_id`` must belong to.
    """
    if not isinstance(raw_events, list | tuple):
        raise BatchError("events: must be a list of event objects")
    if len(raw_events) > MAX_BATCH:
        raise BatchError(f"events: must hold at most {MAX_BATCH} events (got {len(raw_events)})")
    state = state or live(store)
    rows: list[tuple] = []
    exposures: list[tuple] = []
    rejected: list[Rejection] = []
    seen: set[str] = set()
    repeats = 0
    now = _utcnow()
    secret_hash = run_secrets.hash_secret(run_secret) if run_secret else None
    for index, (valid, reason) in enumerate(parse_events(raw_events, now)):
        variant = None
        if valid is not None and valid.event.run_id is not None:
            reason = run_secrets.problem(f"events[{index}].run_id", valid.event.run_id, secret_hash, state.run_hashes)
        if valid is not None and reason is None:
            variant, reason = _variant(index, valid.event, state)
        if reason is not None:
            rejected.append(Rejection(index, reason))
            continue
        event = valid.event
        if event.event_id in seen:
            repeats += 1
            continue
        seen.add(event.event_id)
        rows.append(_row(valid, variant, now))
        if event.name == "exposure":
            exposures.append((event.experiment_key, event.user_id, variant, valid.ts or now, event.run_id))
    return Prepared(rows, exposures, repeats, tuple(rejected))


def parse_events(raw_events: Sequence[Any], now: datetime | None = None) -> list[tuple[ValidEvent | None, str | None]]:
    """Each event validated (see ``parse_event``); one validation call for the shapes when all of them are valid."""
    now = now or _utcnow()
    try:
        shapes = _BATCH.validate_python(raw_events)
    except ValidationError:
        return [parse_event(index, raw, now) for index, raw in enumerate(raw_events)]
    return [_rules(index, event, now) for index, event in enumerate(shapes)]


def parse_event(index: int, raw: Any, now: datetime | None = None) -> tuple[ValidEvent | None, str | None]:
    """The event normalised for storage, or None and the reason naming ``events[index].field`` and the rule."""
    if not isinstance(raw, Mapping):
        return None, f"events[{index}]: must be a JSON object (got {type(raw).__name__})"
    try:
        event = EventIn.model_validate(raw)
    except ValidationError as error:
        return None, "; ".join(_problem(index, detail) for detail in error.errors())
    return _rules(index, event, now or _utcnow())


def _rules(index: int, event: EventIn, now: datetime) -> tuple[ValidEvent | None, str | None]:
    """The rules beyond the shape: an exposure names its experiment, props are small plain JSON."""
    problems = []
    if event.name == "exposure" and not event.experiment_key:
        problems.append(f"events[{index}].experiment_key: is required for exposure events")
    ts = event.ts  # naive UTC already (``shop.fields.Timestamp``)
    props_json = None
    if event.props is not None:
        try:
            props_json = _JSON.encode(event.props)
        except (TypeError, ValueError):
            problems.append(f"events[{index}].props: must be a JSON object without NaN or Infinity")
        else:
            if len(props_json) > MAX_PROPS_CHARS:
                rule = f"must be at most {MAX_PROPS_CHARS} characters of JSON (got {len(props_json)})"
                problems.append(f"events[{index}].props: {rule}")
    if problems:
        return None, "; ".join(problems)
    return ValidEvent(event, ts, props_json), None


def _variant(index: int, event: EventIn, state: Live) -> tuple[str | None, str | None]:
    """The event's variant (None without an experiment_key), or a reason when the key cannot be honoured."""
    key = event.experiment_key
    if key is None:
        return None, None
    where = f"events[{index}]"
    experiment = state.experiments.get(key)
    if experiment is None:
        return None, f"{where}.experiment_key: unknown experiment {key!r}"
    if event.name == "exposure" and experiment.status != "running":
        return None, f"{where}.experiment_key: experiment {key!r} is {experiment.status}; exposures need it running"
    if experiment.status == "draft":
        return None, f"{where}.experiment_key: experiment {key!r} is a draft; events need an experiment that ran"
    variant = experiment.assign(event.user_id)
    if variant is None:
        return None, (
            f"{where}.user_id: user {event.user_id!r} is not in experiment {key!r} "
            f"(outside its {experiment.allocation:g}% traffic allocation)"
        )
    return variant, None


def _row(valid: ValidEvent, variant: str | None, now: datetime) -> tuple:
    """The event as a row in ``group_commit.EVENT_COLUMNS`` order."""
    event = valid.event
    value = event.value if event.value is not None else math.nan
    return (
        event.event_id,
        event.user_id,
        event.name,
        valid.ts or now,
        event.experiment_key,
        variant,
        value,
        valid.props_json,
        event.run_id,
        now,
    )


_MESSAGES = {
    "missing": "is required",
    "extra_forbidden": "is not a field of an event; fields are " + ", ".join(EventIn.model_fields),
    "greater_than_equal": f"must be a number >= 0 and <= {MAX_MONEY:,.0f}",
    "less_than_equal": f"must be a number >= 0 and <= {MAX_MONEY:,.0f}",
    "finite_number": "must be a finite number",
    "float_parsing": "must be a number",
    "float_type": "must be a number (a JSON number, not a string or a boolean)",
    "string_type": "must be a string",
    "string_unicode": TEXT_RULE,
    "dict_type": "must be a JSON object",
    "datetime_parsing": TIMESTAMP_RULE,
    "datetime_type": TIMESTAMP_RULE,
    "datetime_from_date_parsing": TIMESTAMP_RULE,
}


def _problem(index: int, detail: Mapping[str, Any]) -> str:
    loc = detail["loc"]
    field = str(loc[0]) if loc else ""
    kind = detail["type"]
    message = str(detail["msg"]).removeprefix("Value error, ")
    if not loc:
        return f"events[{index}]: {message}"
    if field == "name" and kind == "literal_error":
        rule = f"unknown event {detail.get('input')!r}; allowed: {', '.join(EVENT_NAMES)}"
    elif kind in ("string_pattern_mismatch", "string_too_short", "string_too_long") and field != "experiment_key":
        rule = _ID_RULE.format(n=40 if field == "run_id" else 80)
    elif kind == "string_too_long":
        rule = "must be at most 80 characters"
    else:
        rule = _MESSAGES.get(kind, message)
    shown = "" if kind in ("missing", "extra_forbidden", "literal_error") else f" (got {_short(detail.get('input'))})"
    return f"events[{index}].{'.'.join(map(str, loc))}: {rule}{shown}"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
