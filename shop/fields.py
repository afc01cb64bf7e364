"""Typed fields for every JSON input: text, counts, numbers, money and timestamps that fit what is stored.

Each type refuses, with a rule that names it, what the columns, the JSON encoder or the analysis cannot hold:

- ``Text``: no NUL character (PostgreSQL text cannot hold one) and no lone surrogate (U+D800 to U+DFFF: no UTF-8
  encoding exists, so it could be neither stored nor answered).
- ``Count32``, ``Count64`` and the other integers: JSON integers only (no ``"12"``, no ``true``; ``3.0`` is the
  integer 3, as JSON Schema has it), within the column (``INTEGER``: up to 2**31 - 1) or, for ``BIGINT`` columns, up
  to 2**53 - 1, the largest integer every JSON reader (the Lab's browser too) holds exactly.
- ``Number``, ``Money``: JSON numbers only, finite; an amount is from 0 to ``MAX_MONEY`` $.
- ``Flag``: ``true`` or ``false`` only.
- ``Timestamp``: an ISO 8601 string (never a number of seconds), from ``EARLIEST`` to ``MAX_FUTURE`` after now;
  validated into naive UTC (a string without a zone is UTC already), as the columns hold it.
- ``json_object``: a JSON object without NaN, Infinity, NUL or lone surrogates, and at most a given size.

Responses carry ``UtcTime``: stored times are naive UTC, answered with their time zone (``Z``).
"""

import json
import math
import re
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, PlainValidator, Strict, WithJsonSchema

from marts.schema import MAX_MONEY

MAX_INT32 = 2**31 - 1
MAX_JSON_INT = 2**53 - 1
"""The largest integer a JSON number carries exactly everywhere (JavaScript's Number.MAX_SAFE_INTEGER)."""
EARLIEST = datetime(2000, 1, 1)
"""The earliest moment a timestamp may name (naive UTC)."""
MAX_FUTURE = timedelta(minutes=5)
"""How far ahead of the server's clock a timestamp may be (clock skew between a client and the server)."""
TEXT_RULE = "must not contain NUL characters or lone surrogates (U+D800 to U+DFFF)"
NUMBER_RULE = "must be a number (a JSON number, not a string or a boolean)"
TIMESTAMP_RULE = "must be an ISO 8601 timestamp string such as 2026-01-31T12:00:00Z (a number is not a timestamp)"

_BAD_CHARACTERS = re.compile("[\x00\ud800-\udfff]")


def clean_text(value: str) -> str:
    """``value`` unchanged; raises ValueError (``TEXT_RULE``) when it holds NUL or a lone surrogate."""
    if _BAD_CHARACTERS.search(value):
        raise ValueError(TEXT_RULE)
    return value


def has_bad_characters(value: str) -> bool:
    """Whether ``value`` holds a NUL character or a lone surrogate."""
    return _BAD_CHARACTERS.search(value) is not None


def _number_only(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(NUMBER_RULE)
    return value


def _timestamp(value: Any) -> datetime:
    """An ISO 8601 string (or a datetime) as naive UTC, inside the window; raises ValueError naming the rule.

    One plain validator (``datetime.fromisoformat`` does the parsing): events carry a timestamp each, and ingestion
    validates them by the thousand. A number, or a string of digits, is never read as seconds since 1970.
    """
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value[4:5] == "-" and value[:4].isdigit():
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(TIMESTAMP_RULE) from None
    else:
        raise ValueError(TIMESTAMP_RULE)
    return _in_window(moment)


def utc_naive(moment: datetime) -> datetime:
    """``moment`` in naive UTC (a naive moment is UTC already)."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo is not None else moment


def _in_window(value: datetime) -> datetime:
    """``value`` in naive UTC, once it is from ``EARLIEST`` to ``MAX_FUTURE`` ahead of the clock."""
    moment = utc_naive(value)
    if moment < EARLIEST:
        raise ValueError(f"must be on or after {EARLIEST:%Y-%m-%d} (UTC)")
    if moment > _latest():
        raise ValueError(f"must not be more than {MAX_FUTURE.seconds // 60} minutes in the future (UTC)")
    return moment


_clock = {"checked": -1.0, "latest": EARLIEST}


def _latest() -> datetime:
    """Now plus ``MAX_FUTURE`` (naive UTC), read from the clock at most every 0.1 s: a batch of 1,000 timestamps
    would otherwise read it 1,000 times, for a bound minutes wide."""
    tick = time.monotonic()
    if tick - _clock["checked"] > 0.1:
        _clock["latest"] = datetime.now(UTC).replace(tzinfo=None) + MAX_FUTURE
        _clock["checked"] = tick
    return _clock["latest"]


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Text = Annotated[str, AfterValidator(clean_text)]
JsonNumber = BeforeValidator(_number_only)
"""Refuses strings and booleans before a number's own validation (put it after the number's constraints)."""
Count32 = Annotated[int, Field(ge=0, le=MAX_INT32), JsonNumber]
Count64 = Annotated[int, Field(ge=0, le=MAX_JSON_INT), JsonNumber]
Money = Annotated[float, Field(ge=0, le=MAX_MONEY, allow_inf_nan=False), JsonNumber]
Flag = Annotated[bool, Strict()]
Timestamp = Annotated[
    datetime, PlainValidator(_timestamp), WithJsonSchema({"type": "string", "format": "date-time"}, mode="validation")
]
UtcTime = Annotated[datetime, AfterValidator(_as_utc)]


def bounded_int(low: int, high: int) -> Any:
    """A JSON integer (no string, no boolean) from ``low`` to ``high``."""
    return Annotated[int, Field(ge=low, le=high), JsonNumber]


def bounded_number(low: float, high: float, *, above: bool = False) -> Any:
    """A finite JSON number (an integer counts; no string, no boolean) from ``low`` (or ``above`` it) to ``high``."""
    lowest = {"gt": low} if above else {"ge": low}
    return Annotated[float, Field(le=high, allow_inf_nan=False, **lowest), JsonNumber]


def json_problem(value: Any, max_chars: int, depth: int = 0) -> str | None:
    """Why ``value`` is not a plain JSON value of at most ``max_chars`` characters, or None when it is."""
    problem = _walk(value, depth)
    if problem is not None:
        return problem
    size = len(json.dumps(value, separators=(",", ":"), allow_nan=False))
    if size > max_chars:
        return f"must be at most {max_chars:,} characters of JSON (got {size:,})"
    return None


def json_object(max_chars: int) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """An after-validator for a JSON object field (see ``json_problem``)."""

    def check(value: dict[str, Any]) -> dict[str, Any]:
        problem = json_problem(value, max_chars)
        if problem is not None:
            raise ValueError(problem)
        return value

    return check


_MAX_DEPTH = 20


def _walk(value: Any, depth: int) -> str | None:
    if depth > _MAX_DEPTH:
        return f"must nest at most {_MAX_DEPTH} levels deep"
    if isinstance(value, str):
        return TEXT_RULE if has_bad_characters(value) else None
    if isinstance(value, float):
        return None if math.isfinite(value) else "must not contain NaN or Infinity"
    if value is None or isinstance(value, bool | int):
        return None
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                return "must have text keys"
            problem = _walk(key, depth + 1) or _walk(item, depth + 1)
            if problem is not None:
                return problem
        return None
    if isinstance(value, list | tuple):
        return next((p for item in value if (p := _walk(item, depth + 1)) is not None), None)
    return f"must hold only JSON values (got {type(value).__name__})"
