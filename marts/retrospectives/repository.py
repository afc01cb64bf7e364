"""Storing and reading retrospectives: every write validated, every value bound."""

import json
import math
import re
import secrets
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from marts.retrospectives.record import (
    DECISIONS,
    MAX_KEY,
    MAX_LEARNINGS,
    MAX_SOURCE,
    MAX_WRITEUP,
    OUTCOMES,
    Retrospective,
    RetrospectiveError,
    RetrospectiveNotFound,
    as_dict,
)
from marts.storage import Store

_COLUMNS = "retrospective_id, experiment_key, created_at, decision, outcome, learnings, snapshot, coach_writeup"


def save_retrospective(
    store: Store, *, experiment_key: str, decision: str, outcome: str | None, learnings: str, snapshot: dict
) -> Retrospective:
    """Store a new retrospective under a new id.

    Raises:
        RetrospectiveError: naming every failed field (nothing is stored).
    """
    errors = {}
    if not isinstance(experiment_key, str) or not experiment_key.strip():
        errors["experiment_key"] = "must be a non-empty string"
    elif len(experiment_key) > MAX_KEY:
        errors["experiment_key"] = f"must be at most {MAX_KEY} characters (got {len(experiment_key)})"
    if decision not in DECISIONS:
        errors["decision"] = f"must be one of {', '.join(DECISIONS)} (got {decision!r})"
    if outcome is not None and outcome not in OUTCOMES:
        errors["outcome"] = f"must be one of {', '.join(OUTCOMES)} or None (got {outcome!r})"
    if problem := _learnings_problem(learnings):
        errors["learnings"] = problem
    text, problem = _snapshot_json(snapshot)
    if problem:
        errors["snapshot"] = problem
    elif (key := as_dict(snapshot.get("experiment")).get("key")) and key != experiment_key:
        errors["snapshot"] = f"experiment.key {key!r} does not match experiment_key {experiment_key!r}"
    if errors:
        raise RetrospectiveError(errors)
    retro = Retrospective(
        retrospective_id=secrets.token_hex(8),
        experiment_key=experiment_key,
        created_at=datetime.now(UTC).replace(tzinfo=None),
        decision=decision,
        outcome=outcome,
        learnings=learnings,
        snapshot=json.loads(text),
        coach_writeup=None,
    )
    store.execute(
        f"INSERT INTO retrospectives ({_COLUMNS}) VALUES (:retrospective_id, :experiment_key, :created_at, "
        ":decision, :outcome, :learnings, :snapshot, :coach_writeup)",
        {**retro.__dict__, "snapshot": text},
    )
    return retro


def list_retrospectives(
    store: Store, *, query: str = "", outcome: str | None = None, metric: str | None = None
) -> list[Retrospective]:
    """Retrospectives, newest first.

    Args:
        query: words that must all appear (any case) in the key, name, hypothesis or learnings.
        outcome: only this outcome.
        metric: only retrospectives whose primary metric is this one.

    Raises:
        RetrospectiveError: for an unknown outcome.
    """
    if outcome is not None and outcome not in OUTCOMES:
        raise RetrospectiveError({"outcome": f"must be one of {', '.join(OUTCOMES)} or None (got {outcome!r})"})
    where, params = ("WHERE outcome = :outcome", {"outcome": outcome}) if outcome else ("", {})
    rows = store.query(
        f"SELECT {_COLUMNS} FROM retrospectives {where} ORDER BY created_at DESC, retrospective_id", params
    )
    retros = [_from_row(row) for row in rows]
    terms = (query or "").casefold().split()
    if terms:
        retros = [r for r in retros if all(term in _haystack(r) for term in terms)]
    if metric:
        retros = [r for r in retros if r.primary_metric == metric]
    return retros


def get_retrospective(store: Store, retrospective_id: str) -> Retrospective:
    """The retrospective with this id; raises RetrospectiveNotFound (a KeyError) naming the id."""
    rows = store.query(f"SELECT {_COLUMNS} FROM retrospectives WHERE retrospective_id = :id", {"id": retrospective_id})
    if not rows:
        raise RetrospectiveNotFound(retrospective_id)
    return _from_row(rows[0])


def update_learnings(store: Store, retrospective_id: str, learnings: str) -> Retrospective:
    """Replace the learnings; raises RetrospectiveError for bad text, RetrospectiveNotFound for a bad id."""
    if problem := _learnings_problem(learnings):
        raise RetrospectiveError({"learnings": problem})
    changed = store.execute(
        "UPDATE retrospectives SET learnings = :learnings WHERE retrospective_id = :id",
        {"learnings": learnings, "id": retrospective_id},
    )
    if not changed:
        raise RetrospectiveNotFound(retrospective_id)
    return get_retrospective(store, retrospective_id)


def set_coach_writeup(store: Store, retrospective_id: str, text: str | None, source: str) -> Retrospective:
    """Store the coach's write-up (None clears it) and who wrote it, in ``snapshot["coach"]``.

    Raises:
        RetrospectiveError: naming the failed field; RetrospectiveNotFound for a bad id.
    """
    errors = {}
    if text is not None and (not isinstance(text, str) or not text.strip()):
        errors["text"] = "must be a non-empty string, or None to clear the write-up"
    elif text is not None and len(text) > MAX_WRITEUP:
        errors["text"] = f"must be at most {MAX_WRITEUP:,} characters (got {len(text):,})"
    if not isinstance(source, str) or not source.strip() or len(source) > MAX_SOURCE:
        errors["source"] = f"must be a non-empty string of at most {MAX_SOURCE} characters"
    if errors:
        raise RetrospectiveError(errors)
    with store.transaction() as conn:
        row = conn.execute(
            sa.text("SELECT snapshot FROM retrospectives WHERE retrospective_id = :id"), {"id": retrospective_id}
        ).first()
        if row is None:
            raise RetrospectiveNotFound(retrospective_id)
        snapshot = _parse(row[0])
        written = datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="seconds")
        snapshot.pop("coach", None)
        if text is not None:
            snapshot["coach"] = {"source": source, "written_at": written}
        conn.execute(
            sa.text(
                "UPDATE retrospectives SET coach_writeup = :text, snapshot = :snapshot WHERE retrospective_id = :id"
            ),
            {"text": text, "snapshot": json.dumps(snapshot, allow_nan=False), "id": retrospective_id},
        )
    return get_retrospective(store, retrospective_id)


def _learnings_problem(learnings: Any) -> str | None:
    if not isinstance(learnings, str):
        return f"must be text (got {type(learnings).__name__})"
    if len(learnings) > MAX_LEARNINGS:
        return f"must be at most {MAX_LEARNINGS:,} characters (got {len(learnings):,})"
    if re.search("[\x00\ud800-\udfff]", learnings):
        return "must not contain NUL characters or lone surrogates (U+D800 to U+DFFF)"
    return None


def _snapshot_json(snapshot: Any) -> tuple[str, str | None]:
    """The snapshot as JSON text, or the first rule it breaks (naming where)."""
    if not isinstance(snapshot, dict):
        return "", f"must be a dict (got {type(snapshot).__name__})"
    if where := _non_finite(snapshot, "snapshot"):
        return "", f"must hold no NaN or infinity ({where} is not a finite number)"
    try:
        return json.dumps(snapshot, allow_nan=False), None
    except (TypeError, ValueError) as error:
        return "", f"must be JSON-serialisable ({error})"


def _non_finite(value: Any, path: str) -> str | None:
    if isinstance(value, float) and not math.isfinite(value):
        return path
    if isinstance(value, dict):
        return next((p for k, v in value.items() if (p := _non_finite(v, f"{path}.{k}"))), None)
    if isinstance(value, list | tuple):
        return next((p for i, v in enumerate(value) if (p := _non_finite(v, f"{path}[{i}]"))), None)
    return None


def _parse(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def _from_row(row: dict[str, Any]) -> Retrospective:
    return Retrospective(
        retrospective_id=row["retrospective_id"],
        experiment_key=row["experiment_key"],
        created_at=row["created_at"],
        decision=row["decision"],
        outcome=row["outcome"],
        learnings=row["learnings"],
        snapshot=_parse(row["snapshot"]),
        coach_writeup=row["coach_writeup"],
    )


def _haystack(retro: Retrospective) -> str:
    return " ".join((retro.experiment_key, retro.name, retro.hypothesis, retro.learnings)).casefold()
