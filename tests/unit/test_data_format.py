"""The Data page's formatting: result cells, counts, build times and the SQL lab's two-language messages."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from marts.storage import readonly as ro
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
    english, korean = fmt.truncated_note(1000)
    assert english.startswith("The result was truncated at 1,000 rows.")
    assert "1,000행에서 잘렸습니다" in korean


@pytest.mark.parametrize(
    ("code", "subject", "english"),
    [
        (ro.EMPTY, "", "Write a query first"),
        (ro.TOO_LONG, "20,000", "at most 20,000 characters"),
        (ro.MULTIPLE, "2", "one statement at a time (this text holds 2)"),
        (ro.NOT_SELECT, "DELETE", "only SELECT (or WITH … SELECT) can run here, not DELETE. Nothing was changed."),
        (ro.WRITE, "UPDATE", "UPDATE would change data"),
        (ro.TABLE, "pg_authid", "pg_authid cannot be read here"),
        (ro.FUNCTION, "read_csv", "read_csv() is not available"),
        (ro.CONSTRUCT, "a query parameter", "a query parameter is not supported"),
        (ro.TIMEOUT, "5", "stopped after the 5 s time limit"),
        (ro.DATABASE, 'column "nope" not found', 'could not run it: column "nope" not found'),
    ],
)
def test_every_problem_reads_in_both_languages(code: str, subject: str, english: str):
    en, ko = fmt.problem(code, subject)
    assert english in en
    assert ko and ko != en
    assert subject in ko
    assert "\n" not in en + ko


def test_the_editor_names_the_field_and_the_rule():
    assert fmt.editor_problem("SELECT 1") == ("", "")
    assert fmt.editor_problem("   ")[0].startswith("SQL: write a query")
    english, korean = fmt.editor_problem("x" * (ro.MAX_QUERY_CHARS + 1))
    assert english == f"SQL: at most {ro.MAX_QUERY_CHARS:,} characters (now {ro.MAX_QUERY_CHARS + 1:,})."
    assert korean.startswith("SQL: ")
