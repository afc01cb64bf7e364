"""Pure formatting for the Data page: result cells, row counts, build times and the SQL lab's messages.

Messages come in both languages, (English, Korean), built from a refusal's or failure's code and subject.
"""

import json
import math
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from marts.storage import readonly

MAX_CELL_CHARS = 200
NULL = "NULL"

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


def truncated_note(max_rows: int) -> Text:
    """What the row cap did, and what to do about it."""
    return (
        f"The result was truncated at {max_rows:,} rows. Add a WHERE, a GROUP BY or a LIMIT to see what you need.",
        f"결과가 {max_rows:,}행에서 잘렸습니다. WHERE, GROUP BY 또는 LIMIT를 더해 필요한 행만 보세요.",
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
                f"Query: {subject} cannot be read here; use the tables listed on this page (runs stays hidden).",
                f"쿼리: {subject}은(는) 여기서 읽을 수 없습니다. 이 페이지에 나온 테이블을 쓰세요(runs는 숨겨져 "
                "있습니다).",
            )
        case readonly.FUNCTION:
            return (
                f"Query: {subject}() is not available in the SQL lab (no files, settings or system functions).",
                f"쿼리: {subject}()는 SQL 실습실에서 쓸 수 없습니다(파일, 설정, 시스템 함수는 막혀 있습니다).",
            )
        case readonly.CONSTRUCT:
            return f"Query: {subject} is not supported here.", f"쿼리: {subject}은(는) 여기서 지원하지 않습니다."
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
