"""Shaping a read-only result: the wrapper that cuts cells in the database, and fetching within the caps."""

import pytest

from marts.storage import readonly as ro
from marts.storage.readonly import Limits, QueryRefused
from marts.storage.readonly_result import JSON, PLAIN, TEXT, Column, collect, wrap

COLUMNS = [Column("n", PLAIN), Column("s", TEXT), Column("l", JSON)]


def test_the_wrapper_keeps_fixed_size_columns_and_cuts_the_rest_one_character_past_the_cap():
    sql = wrap("SELECT 1 AS n, 'x' AS s, [1] AS l -- note", COLUMNS, Limits(max_cell_chars=5), "VARCHAR")
    assert sql == (
        "SELECT c1, left(CAST(c2 AS VARCHAR), 6), left(CAST(to_json(c3) AS VARCHAR), 6) FROM (\n"
        "SELECT 1 AS n, 'x' AS s, [1] AS l -- note\n) AS novarium_lab (c1, c2, c3)"
    )
    assert wrap("SELECT FROM users", [], Limits(), "text") == "SELECT FROM (\nSELECT FROM users\n) AS novarium_lab"


def test_the_wrapper_refuses_more_columns_than_the_cap():
    with pytest.raises(QueryRefused) as caught:
        wrap("SELECT 1", COLUMNS, Limits(max_columns=2), "text")
    assert caught.value.code == ro.COLUMNS


def _source(rows: list[tuple]):
    """A fetch(n) over ``rows`` that records each batch size asked for."""
    asked: list[int] = []

    def fetch(size: int) -> list[tuple]:
        asked.append(size)
        taken, rows[:] = rows[:size], rows[size:]
        return taken

    return fetch, asked


def test_collect_flags_cells_longer_than_the_cap_and_cuts_them():
    fetch, _ = _source([(1, "abcdef", "[1,2,3,4]"), (2, "abc", None), (3, "abcdefg", "x")])
    fetched = collect(fetch, COLUMNS, Limits(max_cell_chars=5))
    assert fetched.rows == [(1, "abcde", "[1,2,"), (2, "abc", None), (3, "abcde", "x")]
    assert fetched.cut == {(0, 1), (0, 2), (2, 1)}
    assert fetched.columns == ["n", "s", "l"] and fetched.truncated_by == ""


def test_collect_never_cuts_a_fixed_size_column():
    fetch, _ = _source([("a long text in a plain column",)])
    assert collect(fetch, [Column("p", PLAIN)], Limits(max_cell_chars=3)).rows == [("a long text in a plain column",)]


def test_collect_stops_at_the_row_cap_asking_for_one_row_more():
    fetch, asked = _source([(i, "s", "l") for i in range(250)])
    fetched = collect(fetch, COLUMNS, Limits(max_rows=120))
    assert len(fetched.rows) == 120 and fetched.truncated_by == ro.ROWS_CAP
    assert asked == [100, 21]


def test_collect_stops_at_the_byte_cap_before_the_row_that_crosses_it():
    fetch, _ = _source([(i, "é" * 100, "") for i in range(100)])  # 16 + 200 + 0 bytes a row
    fetched = collect(fetch, COLUMNS, Limits(max_bytes=1_000))
    assert len(fetched.rows) == 4 and fetched.truncated_by == ro.BYTES_CAP
