"""What the bench scripts share: a throwaway database on either backend, and a store opened on it.

The scripts run as ``python bench/NAME.py``, so this folder is on ``sys.path`` and they ``import support``.
"""

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from marts.storage import Store, open_store
from marts.storage.scratch import LOCAL_ADMIN_URL, admin_engine, scratch_database

PG_ADMIN_URL = os.environ.get("NOVARIUM_BENCH_PG_URL", os.environ.get("NOVARIUM_TEST_PG_URL", LOCAL_ADMIN_URL))
BACKENDS = ("duckdb", "postgres")


@contextmanager
def bench_database(backend: str) -> Iterator[str | None]:
    """None for DuckDB (the caller's data dir holds it); a throwaway PostgreSQL database's URL, dropped afterwards."""
    if backend == "duckdb":
        yield None
        return
    admin = admin_engine(PG_ADMIN_URL)
    try:
        with scratch_database(admin, prefix="novarium_bench") as url:
            yield url
    finally:
        admin.dispose()


@contextmanager
def bench_store(backend: str) -> Iterator[Store]:
    """A fresh, empty store on ``backend`` (a temporary DuckDB file or a throwaway database), removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="novarium-bench-") as folder, bench_database(backend) as url:
        store = open_store(url, Path(folder))
        try:
            yield store
        finally:
            store.close()
