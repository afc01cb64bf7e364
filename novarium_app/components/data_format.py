"""Pure formatting for the Data page: result cells, row counts, build times and the SQL lab's messages.

Messages come in both languages, (English, Korean), built from a refusal's or failure's code and subject.
"""

import json
import math
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from marts.schema import metadata
from marts.storage import readonly
from marts.storage.readonly import ReadOnlyResult

MAX_CELL_CHARS = readonly.DEFAULT_CELL_CHARS
NULL = "NULL"
CUT_MARK = "…"
HIDDEN = ", ".join(sorted(readonly.HIDDEN_TABLES & frozenset(metadata.tables)))
"""The hidden tables the Data page may name: the schema's (``runs``); private ones (the world's secret) go unnamed."""

Text = tuple[str, str]


def cell(value: Any) -> str:
    """One result cell as text: NULL for missing, ISO dates, trimmed floats, JSON for lists and maps."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        text = _float(value)
    elif isinstance(value, datetime):
        text = value.isoformat(sep=" ")
    elif isinstance(value, date):
        text = value.isoformat()
    elif isinstance(value, Decimal):
        text = format(value, "f")
    elif isinstance(value, bytes | bytearray | memoryview):
        text = "\\x" + bytes(value)[:64].hex()
    elif isinstance(value, list | tuple | dict):
        text = json.dumps(value, default=str, ensure_ascii=False)
    else:
        text = str(value)
    return text if len(text) <= MAX_CELL_CHARS else text[: MAX_CELL_CHARS - 1] + "…"


def grid(result: ReadOnlyResult) -> tuple[list[list[str]], list[list[bool]]]:
    """A result's rows as text cells, and which cells the database cut (those end with ``CUT_MARK``)."""
    rows, cut = [], []
    for i, row in enumerate(result.rows):
        flags = [(i, j) in result.cut for j in range(len(row))]
        rows.append([cell(value) + CUT_MARK if flag else cell(value) for value, flag in zip(row, flags, strict=True)])
        cut.append(flags)
    return rows, cut


def _float(value: float) -> str:
    if math.isnan(value) or math.isinf(value):
        return str(value)
    if value != 0 and (abs(value) >= 1e15 or abs(value) < 1e-4):
        return f"{value:.6g}"
    return f"{value:.6f}".rstrip("0").rstrip(".")


def count(value: int | None) -> str:
    """A row count with thousands separators; an em dash when unknown."""
    return "—" if value is None else f"{value:,}"


def built_at(value: Any) -> str:
    """A build time to the minute (UTC, as stored)."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return "—" if value is None else str(value)


def rows_label(shown: int, truncated: bool) -> Text:
    """How many rows came back, short enough for a badge."""
    if truncated:
        return f"First {shown:,} rows", f"처음 {shown:,}행"
    noun = "row" if shown == 1 else "rows"
    return f"{shown:,} {noun}", f"{shown:,}행"


def truncated_note(result: ReadOnlyResult) -> Text:
    """What the row cap (or the size cap) did, and what to do about it."""
    if result.truncated_by == readonly.BYTES_CAP:
        size = f"{result.max_bytes / 1_000_000:g} MB"
        return (
            f"The result was truncated at {size} ({len(result.rows):,} rows). Select fewer or shorter columns, or "
            "add a WHERE or a LIMIT.",
            f"결과가 {size}에서 잘렸습니다({len(result.rows):,}행). 열을 줄이거나 WHERE, LIMIT를 더해 보세요.",
        )
    return (
        f"The result was truncated at {result.max_rows:,} rows. Add a WHERE, a GROUP BY or a LIMIT to see what you "
        "need.",
        f"결과가 {result.max_rows:,}행에서 잘렸습니다. WHERE, GROUP BY 또는 LIMIT를 더해 필요한 행만 보세요.",
    )


def cut_note(count: int, chars: int) -> Text:
    """How many cells were cut to their first ``chars`` characters, marked in the grid."""
    if count == 0:
        return "", ""
    noun = "cell was" if count == 1 else "cells were"
    return (
        f"{count:,} long {noun} cut to their first {chars:,} characters (marked ✂). Use left(), length() or a "
        "WHERE to look inside them.",
        f"긴 셀 {count:,}개를 앞 {chars:,}자까지만 보여 줍니다(✂ 표시). left(), length()나 WHERE로 안을 살펴보세요.",
    )


def problem(code: str, subject: str) -> Text:
    """The one-line message for a refused or failed query, in both languages."""
    match code:
        case readonly.EMPTY:
            return (
                "Write a query first, for example SELECT * FROM users.",
                "먼저 쿼리를 입력하세요. 예: SELECT * FROM users",
            )
        case readonly.TOO_LONG:
            return f"Query: at most {subject} characters.", f"쿼리: 최대 {subject}자까지 입력할 수 있습니다."
        case readonly.MULTIPLE:
            return (
                f"Query: one statement at a time (this text holds {subject}).",
                f"쿼리: 한 번에 한 문장만 실행할 수 있습니다(지금 {subject}개).",
            )
        case readonly.NOT_SELECT:
            return (
                f"Query: only SELECT (or WITH … SELECT) can run here, not {subject}. Nothing was changed.",
                f"쿼리: 여기서는 SELECT(또는 WITH … SELECT)만 실행할 수 있습니다. {subject}은(는) 실행되지 "
                "않았고 아무것도 바뀌지 않았습니다.",
            )
        case readonly.WRITE:
            return (
                f"Query: the SQL lab only reads; {subject} would change data, so it did not run.",
                f"쿼리: SQL 실습실은 읽기 전용입니다. {subject}은(는) 데이터를 바꾸므로 실행하지 않았습니다.",
            )
        case readonly.TABLE:
            return (
                f"Query: {subject} cannot be read here; use the tables listed on this page ({HIDDEN} stays hidden "
                "until you decide).",
                f"쿼리: {subject}은(는) 여기서 읽을 수 없습니다. 이 페이지에 나온 테이블을 쓰세요({HIDDEN}은(는) "
                "결정 전까지 숨겨져 있습니다).",
            )
        case readonly.FUNCTION:
            return (
                f"Query: {subject}() is not available in the SQL lab (no files, settings or system functions).",
                f"쿼리: {subject}()는 SQL 실습실에서 쓸 수 없습니다(파일, 설정, 시스템 함수는 막혀 있습니다).",
            )
        case readonly.CONSTRUCT:
            return f"Query: {subject} is not supported here.", f"쿼리: {subject}은(는) 여기서 지원하지 않습니다."
        case readonly.COLUMNS:
            return (
                f"Query: at most {subject} columns can come back; name the columns you need instead of *.",
                f"쿼리: 열은 최대 {subject}개까지 돌려받을 수 있습니다. * 대신 필요한 열만 적으세요.",
            )
        case readonly.MEMORY:
            return (
                f"Query: stopped at the SQL lab's {subject} MB memory limit. Aggregate first (GROUP BY), join fewer "
                "rows or add a LIMIT.",
                f"쿼리: SQL 실습실의 메모리 제한 {subject}MB에 걸려 중단했습니다. 먼저 집계하거나(GROUP BY), "
                "조인할 행을 줄이거나 LIMIT를 더해 보세요.",
            )
        case readonly.BUSY:
            return (
                "The SQL lab is busy with other queries; try again in a moment.",
                "SQL 실습실이 다른 쿼리를 실행하고 있습니다. 잠시 후 다시 실행해 보세요.",
            )
        case readonly.UNAVAILABLE:
            return (
                f"The SQL lab is not available on this database: {subject}",
                f"이 데이터베이스에서는 SQL 실습실을 쓸 수 없습니다: {subject}",
            )
        case readonly.TIMEOUT:
            return (
                f"Query: stopped after the {subject} s time limit. Add a WHERE or a LIMIT and try again.",
                f"쿼리: 제한 시간 {subject}초를 넘겨 중단했습니다. WHERE나 LIMIT를 더해 다시 실행해 보세요.",
            )
        case _:
            return f"The database could not run it: {subject}", f"데이터베이스가 실행하지 못했습니다: {subject}"


def editor_problem(sql: str) -> Text:
    """The SQL editor's inline rule while typing, naming the field; ("", "") when the text may be run."""
    if not sql.strip():
        return "SQL: write a query to run, for example SELECT * FROM users.", "SQL: 실행할 쿼리를 입력하세요."
    if len(sql) > readonly.MAX_QUERY_CHARS:
        limit = f"{readonly.MAX_QUERY_CHARS:,}"
        return (
            f"SQL: at most {limit} characters (now {len(sql):,}).",
            f"SQL: 최대 {limit}자까지 입력할 수 있습니다(지금 {len(sql):,}자).",
        )
    return "", ""
