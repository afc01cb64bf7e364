"""Run secrets: only a swarm run's own agents may write events and assignments into the run.

A run gets a random secret when it is created, and a new one when it is resumed (``swarm.runs``); the ``runs`` table
keeps only its SHA-256 (``secret_hash``). The run's agents send the secret in the ``X-Run-Secret`` header with their
``POST /api/assign`` and ``POST /api/events`` requests. An assignment or an event that carries a ``run_id`` is
refused unless the header holds that run's secret, so nobody else can add data to a run, mark its agents done or
break its audit. The hashes are read with the live experiments (``shop.visitors.Live``), once a second at most.
"""

import hashlib
import hmac
import secrets
from collections.abc import Mapping

from marts.storage import Store

HEADER = "X-Run-Secret"
SECRET_BYTES = 32


def new_secret() -> tuple[str, str]:
    """A fresh run secret and its hash (store the hash, hand the secret to the run's executor once)."""
    secret = secrets.token_urlsafe(SECRET_BYTES)
    return secret, hash_secret(secret)


def hash_secret(secret: str) -> str:
    """The SHA-256 of a secret, as hex (what ``runs.secret_hash`` holds)."""
    return hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()


def load(store: Store) -> dict[str, str]:
    """Every run that takes writes from its agents: run id -> secret hash."""
    rows = store.query("SELECT run_id, secret_hash FROM runs WHERE secret_hash IS NOT NULL")
    return {row["run_id"]: row["secret_hash"] for row in rows}


def problem(where: str, run_id: str, secret_hash: str | None, known: Mapping[str, str]) -> str | None:
    """Why a write carrying ``run_id`` is refused (naming ``where``), or None when ``secret_hash`` is the run's.

    Args:
        where: the field, e.g. ``events[3].run_id``.
        run_id: the run the write names.
        secret_hash: the hash of the secret the request sent (``hash_secret``), or None when it sent none.
        known: run id -> secret hash of every run that takes writes (``load``).
    """
    expected = known.get(run_id)
    if expected is None:
        return f"{where}: unknown run {run_id!r}, or a run that takes no data from outside its own agents"
    if secret_hash is None:
        return f"{where}: run {run_id!r} takes data only from its own agents, which send its secret in {HEADER}"
    if not hmac.compare_digest(expected, secret_hash):
        return f"{where}: the {HEADER} header does not hold the secret of run {run_id!r}"
    return None
