"""Event validation and ids, without a database."""

import math
from datetime import datetime

import pytest

from shop.tracking import EVENT_NAMES, MAX_PROPS_CHARS, EventIn, exposure_event_id, parse_event


def test_the_closed_event_set_is_documented_and_matches_the_model():
    assert set(EVENT_NAMES) == set(EventIn.model_fields["name"].annotation.__args__)
    assert {"page_view", "exposure", "banner_click", "search", "item_view", "add_to_cart"} <= set(EVENT_NAMES)
    assert {"remove_from_cart", "checkout_start", "purchase"} <= set(EVENT_NAMES)
    assert all(len(doc) > 20 for doc in EVENT_NAMES.values())


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"value": math.inf}, "events[4].value: must be a finite number"),
        ({"value": "lots"}, "events[4].value: must be a number"),
        ({"props": [1, 2]}, "events[4].props: must be a JSON object"),
        ({"props": {"x": "y" * MAX_PROPS_CHARS}}, f"events[4].props: must be at most {MAX_PROPS_CHARS} characters"),
        ({"props": {"x": math.nan}}, "events[4].props: must be a JSON object without NaN"),
        ({"ts": "yesterday"}, "events[4].ts: must be an ISO 8601 timestamp"),
        ({"event_id": "has space"}, "events[4].event_id: must be 1 to 80 characters"),
        ({"event_id": "x" * 81}, "events[4].event_id: must be 1 to 80 characters"),
        ({"run_id": "r" * 41}, "events[4].run_id: must be 1 to 40 characters"),
        ({"user_id": 17}, "events[4].user_id: must be a string"),
    ],
)
def test_each_rule_is_named_with_its_field(fields, expected):
    event, reason = parse_event(4, {"event_id": "e1", "user_id": "u1", "name": "purchase"} | fields)
    assert event is None
    assert reason.startswith(expected), reason


def test_every_failed_field_of_an_event_is_reported():
    _, reason = parse_event(0, {"event_id": "", "name": "foo", "value": -2})
    for fragment in ("events[0].event_id", "events[0].user_id: is required", "events[0].name", "events[0].value"):
        assert fragment in reason


def test_a_valid_event_parses():
    raw = {"event_id": "a:b.c-d_e@f", "user_id": "visitor-1", "name": "search", "value": 0, "props": {"q": "pho"}}
    valid, reason = parse_event(0, raw | {"ts": "2026-05-01T14:30:00+02:00"})
    assert reason is None and valid.event.value == 0.0 and valid.props_json == '{"q":"pho"}'
    assert valid.ts == datetime(2026, 5, 1, 12, 30)  # naive UTC
    assert parse_event(0, raw)[0].ts is None


def test_exposure_ids_are_deterministic_and_fit_the_id_rule():
    assert exposure_event_id("red-banner", "u1") == "exposure:red-banner:u1"
    long_id = exposure_event_id("k" * 64, "u" * 80)
    assert long_id == exposure_event_id("k" * 64, "u" * 80) != exposure_event_id("k" * 64, "u" * 79 + "v")
    for event_id in (long_id, exposure_event_id("red-banner", "u1")):
        assert parse_event(0, {"event_id": event_id, "user_id": "u1", "name": "page_view"})[1] is None
