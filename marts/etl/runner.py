"""Run one mart rebuild in one transaction and record it in ``mart_builds``."""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from marts import schema
from marts.etl.checks import left_out
from marts.storage import Store

log = logging.getLogger(__name__)

RECORD_BUILD = """
INSERT INTO mart_builds (mart, built_at, row_count, seconds)
VALUES (:mart, :built_at, :row_count, :seconds)
ON CONFLICT (mart) DO UPDATE SET
    built_at = excluded.built_at,
    row_count = excluded.row_count,
    seconds = excluded.seconds
"""

# Money sums are stored rounded to cents (see ``marts.schema``); rounding also makes float sums, whose last bits
# depend on the order a parallel aggregate adds them in, identical from one build to the next.
CENTS = "CAST(CAST({} AS NUMERIC(18, 2)) AS DOUBLE PRECISION)"


@dataclass(frozen=True)
class BuildResult:
    """One finished mart build.

    Attributes:
        mart: the mart table rebuilt.
        rows: rows this build wrote (all of the mart unless the build was scoped, e.g. to one experiment).
        seconds: wall time of the build, commit included.
        skipped: the source rows the build left out, named (see ``marts.etl.checks``); empty when none.
    """

    mart: str
    rows: int
    seconds: float
    skipped: tuple[str, ...] = ()


def rebuild(
    store: Store, mart: str, write: Callable[[sa.Connection], int], checked: tuple[str, ...] = ()
) -> BuildResult:
    """Run ``write`` (delete, then insert ... select) in one transaction and upsert the mart's build record.

    Args:
        store: the open store.
        mart: the mart table, one of ``schema.MART_TABLES``.
        write: replaces the mart's rows on the given connection and returns how many rows it wrote.
        checked: the source tables whose out-of-range amounts the build leaves out (``marts.etl.checks``); they are
            named in the result.

    Returns:
        The build's result. On any error the transaction rolls back and the previous mart stays as it was.
    """
    table = schema.metadata.tables[mart]
    started = time.perf_counter()
    with store.transaction() as conn:
        skipped = tuple(line for table in checked for line in left_out(conn, table))
        rows = write(conn)
        total = conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        conn.execute(
            sa.text(RECORD_BUILD),
            {"mart": mart, "built_at": _utcnow(), "row_count": total, "seconds": time.perf_counter() - started},
        )
    store.analyze(mart)
    result = BuildResult(mart=mart, rows=rows, seconds=time.perf_counter() - started, skipped=skipped)
    for line in skipped:
        log.warning("%s: %s", mart, line)
    log.info("built %s: %d rows in %.2fs", mart, rows, result.seconds)
    return result


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
