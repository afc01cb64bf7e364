"""Adoptions: shipping a variant's config to every visitor outside a running experiment, and rolling it back.

An adoption stores the variant's config delta (only the knobs it changes). The adopted config is the merge of every
adoption not rolled back, in adoption order, so a later adoption wins a knob both set. Adoptions are kept forever:
rolling back only sets ``rolled_back_at``. Each write invalidates the live cache, so every visitor sees it at once.
"""

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from marts.storage import Store
from shop import cache
from shop.fields import TEXT_RULE, has_bad_characters
from shop.knobs import config_problems
from shop.repository import ExperimentError, get_experiment

log = logging.getLogger(__name__)

_COLUMNS = "adoption_id, experiment_key, variant, config, adopted_at, rolled_back_at, note"


class AdoptionError(ExperimentError):
    """An adoption or rollback was refused; ``str()`` names the field and the rule."""


class AdoptionNotFound(AdoptionError):
    """No adoption has this id."""

    def __init__(self, adoption_id: str) -> None:
        self.adoption_id = adoption_id
        super().__init__(f"adoption {adoption_id!r} does not exist")


@dataclass(frozen=True)
class AdoptionRecord:
    """One adoption; ``config`` is the adopted variant's knob delta."""

    adoption_id: str
    experiment_key: str | None
    variant: str | None
    config: dict[str, Any]
    adopted_at: datetime
    rolled_back_at: datetime | None
    note: str

    @property
    def active(self) -> bool:
        """Whether the adoption still applies (it was not rolled back)."""
        return self.rolled_back_at is None


def adopt(store: Store, experiment_key: str, variant: str, note: str = "") -> AdoptionRecord:
    """Adopt a variant of an experiment that has run; every visitor outside running experiments sees it at once.

    Raises:
        ExperimentNotFound: no experiment has this key.
        AdoptionError: the experiment never ran, or has no such variant, or the note holds NUL or a lone surrogate.
    """
    if has_bad_characters(note):
        raise AdoptionError(f"note: {TEXT_RULE}")
    experiment = get_experiment(store, experiment_key)
    if experiment.status == "draft":
        raise AdoptionError(f"experiment {experiment_key!r} is a draft; adopt a variant of an experiment that ran")
    chosen = experiment.variant(variant)
    if chosen is None:
        names = ", ".join(v.name for v in experiment.variants)
        raise AdoptionError(f"variant: experiment {experiment_key!r} has no variant {variant!r}; variants: {names}")
    now = _utcnow()
    adoption_id = f"{now:%Y%m%d%H%M%S%f}-{uuid.uuid4().hex[:8]}"  # sorts in adoption order
    store.execute(
        f"INSERT INTO adoptions ({_COLUMNS}) "
        "VALUES (:adoption_id, :experiment_key, :variant, :config, :adopted_at, NULL, :note)",
        {
            "adoption_id": adoption_id,
            "experiment_key": experiment_key,
            "variant": variant,
            "config": json.dumps(chosen.config),
            "adopted_at": now,
            "note": note,
        },
    )
    cache.invalidate(store)
    return get_adoption(store, adoption_id)


def rollback_adoption(store: Store, adoption_id: str) -> AdoptionRecord:
    """Stop applying an adoption (it stays recorded); raises AdoptionNotFound or AdoptionError."""
    changed = store.execute(
        "UPDATE adoptions SET rolled_back_at = :now WHERE adoption_id = :adoption_id AND rolled_back_at IS NULL",
        {"now": _utcnow(), "adoption_id": adoption_id},
    )
    cache.invalidate(store)
    record = get_adoption(store, adoption_id)
    if not changed:
        when = f"{record.rolled_back_at:%Y-%m-%d %H:%M}"
        raise AdoptionError(f"adoption {adoption_id!r} was already rolled back at {when}; roll back applies once")
    return record


def get_adoption(store: Store, adoption_id: str) -> AdoptionRecord:
    """One adoption; raises AdoptionNotFound."""
    rows = store.query(f"SELECT {_COLUMNS} FROM adoptions WHERE adoption_id = :id", {"id": adoption_id})
    if not rows:
        raise AdoptionNotFound(adoption_id)
    return _record(rows[0])


def list_adoptions(store: Store) -> list[AdoptionRecord]:
    """Every adoption, rolled back or not, in adoption order."""
    return [_record(row) for row in store.query(f"SELECT {_COLUMNS} FROM adoptions ORDER BY adopted_at, adoption_id")]


def adopted_config(store: Store) -> dict[str, Any]:
    """The merge of every active adoption's config in adoption order (later wins); knobs no longer valid are skipped."""
    rows = store.query(
        f"SELECT {_COLUMNS} FROM adoptions WHERE rolled_back_at IS NULL ORDER BY adopted_at, adoption_id"
    )
    merged: dict[str, Any] = {}
    for record in map(_record, rows):
        for knob, value in record.config.items():
            problems = config_problems({knob: value})
            if problems:
                log.warning("adoption %s skipped: %s", record.adoption_id, problems[0])
                continue
            merged[knob] = value
    return merged


def _record(row: dict[str, Any]) -> AdoptionRecord:
    return AdoptionRecord(
        adoption_id=row["adoption_id"],
        experiment_key=row["experiment_key"],
        variant=row["variant"],
        config=json.loads(row["config"]),
        adopted_at=row["adopted_at"],
        rolled_back_at=row["rolled_back_at"],
        note=row["note"] or "",
    )


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
