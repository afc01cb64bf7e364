"""The Data page's formatting: result cells, counts, build times and the SQL lab's two-language messages."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from marts.storage import readonly as ro
from marts.storage.readonly import ReadOnlyResult
from novarium_app.components import data_format as fmt


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "NULL"),
        (True, "true"),
        (0, "0"),
        (1234567, "1234567"),
        (0.0453, "0.0453"),
        (123456.78, "123456.78"),
        (2.0, "2"),
        (1 / 3, "0.333333"),
        (1e-7, "1e-07"),
        (1e20, "1e+20"),
        (float("nan"), "nan"),
        (Decimal("12.50"), "12.50"),
        (datetime(2026, 11, 1, 9, 30), "2026-11-01 09:30:00"),
        (date(2026, 11, 1), "2026-11-01"),
        ([1, "a"], '[1, "a"]'),
        ({"lift": 0.1}, '{"lift": 0.1}'),
        (b"\x00\xff", "\\x00ff"),
        ("서울", "서울"),
    ],
)
def test_cells_read_as_text(value, text: str):
    assert fmt.cell(value) == text


def test_long_cells_are_cut_with_an_ellipsis():
    text = fmt.cell("x" * 500)
    assert len(text) == fmt.MAX_CELL_CHARS
    assert text.endswith("…")


def test_counts_and_build_times():
    assert fmt.count(1234567) == "1,234,567"
    assert fmt.count(None) == "—"
    assert fmt.built_at(datetime(2026, 11, 1, 9, 30, 59)) == "2026-11-01 09:30 UTC"
    assert fmt.built_at(None) == "—"


def test_rows_label_says_when_the_cap_cut_the_result():
    assert fmt.rows_label(1, False) == ("1 row", "1행")
    assert fmt.rows_label(42, False) == ("42 rows", "42행")
    assert fmt.rows_label(1000, True) == ("First 1,000 rows", "처음 1,000행")
    english, korean = fmt.truncated_note(_result(rows=1000, truncated_by=ro.ROWS_CAP))
    assert english.startswith("The result was truncated at 1,000 rows.")
    assert "1,000행에서 잘렸습니다" in korean
    english, korean = fmt.truncated_note(_result(rows=312, truncated_by=ro.BYTES_CAP))
    assert english.startswith("The result was truncated at 1 MB (312 rows).")
    assert "1 MB에서 잘렸습니다(312행)" in korean


def _result(rows: int, truncated_by: str = "", cut: frozenset = frozenset()) -> ReadOnlyResult:
    return ReadOnlyResult(
        columns=("a", "b"),
        rows=tuple(("x" * 200, i) for i in range(rows)),
        truncated=bool(truncated_by),
        elapsed_ms=1.0,
        max_rows=1000,
        cut=cut,
        truncated_by=truncated_by,
    )


def test_cut_cells_end_with_the_mark_and_are_flagged():
    rows, cut = fmt.grid(_result(rows=2, cut=frozenset({(1, 0)})))
    assert rows == [["x" * 200, "0"], ["x" * 200 + "…", "1"]]
    assert cut == [[False, False], [True, False]]
    assert fmt.cut_note(0, 200) == ("", "")
    english, korean = fmt.cut_note(1, 200)
    assert english.startswith("1 long cell was cut to their first 200 characters (marked ✂).")
    assert "긴 셀 1개" in korean
    assert fmt.cut_note(3, 200)[0].startswith("3 long cells were cut")


@pytest.mark.parametrize(
    ("code", "subject", "english"),
    [
        (ro.EMPTY, "", "Write a query first"),
        (ro.TOO_LONG, "20,000", "at most 20,000 characters"),
        (ro.MULTIPLE, "2", "one statement at a time (this text holds 2)"),
        (ro.NOT_SELECT, "DELETE", "only SELECT (or WITH … SELECT) can run here, not DELETE. Nothing was changed."),
        (ro.WRITE, "UPDATE", "UPDATE would change data"),
        (ro.TABLE, "pg_authid", "pg_authid cannot be read here; use the tables listed on this page (runs stays"),
        (ro.FUNCTION, "read_csv", "read_csv() is not available"),
        (ro.CONSTRUCT, "a query parameter", "a query parameter is not supported"),
        (ro.TIMEOUT, "5", "stopped after the 5 s time limit"),
        (ro.MEMORY, "512", "stopped at the SQL lab's 512 MB memory limit"),
        (ro.COLUMNS, "100", "at most 100 columns can come back"),
        (ro.BUSY, "4", "The SQL lab is busy with other queries; try again in a moment."),
        (ro.UNAVAILABLE, "give the app's user CREATEROLE", "not available on this database: give the app's user"),
        (ro.DATABASE, 'column "nope" not found', 'could not run it: column "nope" not found'),
    ],
)
def test_every_problem_reads_in_both_languages(code: str, subject: str, english: str):
    en, ko = fmt.problem(code, subject)
    assert english in en
    assert ko and ko != en
    assert code == ro.BUSY or subject in ko
    assert "\n" not in en + ko


def test_the_editor_names_the_field_and_the_rule():
    assert fmt.editor_problem("SELECT 1") == ("", "")
    assert fmt.editor_problem("   ")[0].startswith("SQL: write a query")
    english, korean = fmt.editor_problem("x" * (ro.MAX_QUERY_CHARS + 1))
    assert english == f"SQL: at most {ro.MAX_QUERY_CHARS:,} characters (now {ro.MAX_QUERY_CHARS + 1:,})."
    assert korean.startswith("SQL: ")
