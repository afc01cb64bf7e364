"""Save the wizard's spec as a draft experiment, or launch it (create, then start), through ``shop.repository``.

Saving the same spec twice is not an error: a stored draft identical to the spec is reused, so "Save draft" then
"Launch" starts the saved draft. A different experiment under the same key is refused with the key named, because
the repository never overwrites an experiment.
"""

from dataclasses import dataclass
from typing import Any

from marts.storage import Store
from novarium_app.builder.spec import same_spec
from shop import repository
from shop.experiments import SpecError, parse_spec


@dataclass(frozen=True)
class Saved:
    """What happened: the stored experiment, whether it was created now, and why it did not start (if launching)."""

    record: repository.ExperimentRecord
    created: bool
    start_error: str = ""


def save(store: Store, spec: dict[str, Any], *, launch: bool) -> Saved:
    """Store ``spec`` as a draft (reusing an identical stored draft); with ``launch``, start it too.

    Raises:
        SpecError: naming every failed field, or the key when another experiment holds it. Nothing is stored.
    """
    parsed = parse_spec(spec)
    try:
        existing = repository.get_experiment(store, parsed.key)
    except repository.ExperimentNotFound:
        existing = None
    if existing is None:
        record, created = repository.create_experiment(store, parsed), True
    elif existing.status == "draft" and same_spec(parse_spec(existing.to_spec()), parsed):
        record, created = existing, False
    elif existing.status == "draft":
        raise SpecError(
            [f"key: a different draft named {parsed.key!r} is already saved; choose a new key to save these changes"]
        )
    else:
        raise SpecError([f"key: an experiment named {parsed.key!r} already exists ({existing.status})"])
    if not launch:
        return Saved(record, created)
    try:
        record = repository.start_experiment(store, parsed.key)
    except repository.ExperimentError as error:
        return Saved(record, created, str(error))
    return Saved(record, created)
