"""Rows the marts leave out: amounts outside 0 to ``MAX_MONEY``, so that one bad row never stops a build.

The API refuses such amounts (``shop.fields.Money``), but a database may hold them from before that rule or from a
direct write: a purchase of 1e308 $ overflowed the marts' NUMERIC(18, 2) sums and stopped every build. Each build
leaves such rows out with ``VALID_AMOUNT`` (an event counts as if it was never sent; an order as if never placed)
and names them in its result (``BuildResult.skipped``) and in the log. NaN and Infinity fail the comparisons on
both backends, so they are left out too.
"""

import sqlalchemy as sa

from marts.schema import MAX_MONEY

VALID_AMOUNT = "({column} IS NULL OR ({column} >= 0 AND {column} <= " + repr(MAX_MONEY) + "))"
"""A SQL condition: the amount column is empty, or from 0 to ``MAX_MONEY``."""
SHOWN = 5
"""Rows named one by one; the rest are counted."""

_SOURCES = {"events": ("event_id", "value"), "orders": ("order_id", "total")}


def valid_amount(column: str) -> str:
    """``VALID_AMOUNT`` for ``column`` (e.g. ``e.value``)."""
    return VALID_AMOUNT.format(column=column)


def left_out(conn: sa.Connection, table: str) -> tuple[str, ...]:
    """The rows of ``table`` (``events`` or ``orders``) whose amount the marts leave out, named, then counted."""
    key, column = _SOURCES[table]
    where = f"NOT {valid_amount(column)}"
    count = int(conn.execute(sa.text(f"SELECT COUNT(*) FROM {table} WHERE {where}")).scalar_one())
    if not count:
        return ()
    rows = conn.execute(
        sa.text(f"SELECT {key} AS id, {column} AS amount FROM {table} WHERE {where} ORDER BY {key} LIMIT {SHOWN}")
    ).all()
    rule = f"{column} must be from 0 to {MAX_MONEY:,.0f}"
    named = [f"{table} row {key}={row.id!r}: {rule} (got {row.amount!r}); left out" for row in rows]
    if count > len(named):
        named.append(f"{table}: {count - len(named):,} more row(s) where {rule}; left out")
    return tuple(named)
