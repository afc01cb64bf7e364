"""A bounded property test over the API's input models, on DuckDB and on PostgreSQL: whatever JSON value lands in
whichever field of a valid body (or path), the served API answers JSON with a status below 500."""

import json
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.storage.swarm_app import local_lab_api

KEY = "swarm-exp"
NASTY_TEXT = ["\ud800", "a\udfffb", "\x00", "nul\x00inside", "x" * 5000, "", " ", "2026-01-01T00:00:00Z", "0", "run-p"]
NASTY_NUMBERS = [2**31, 2**53, 2**63, 2**64, 10**30, -1, 1e308, -1e308, float("nan"), float("inf"), 0.5, -0.0]
scalars = (
    st.none()
    | st.booleans()
    | st.sampled_from(NASTY_NUMBERS)
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from(NASTY_TEXT)
    | st.text(max_size=30)
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(NASTY_TEXT) | st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)

EVENT = {"event_id": "e1", "user_id": "u1", "name": "purchase", "value": 5.0, "ts": "2026-01-01T00:00:00Z"}
SPEC = {
    "key": "prop-exp",
    "name": "Prop",
    "hypothesis": "A red banner lifts orders among new visitors.",
    "allocation": 50,
    "salt": "s",
    "variants": [{"name": "a", "weight": 1, "config": {}}, {"name": "b", "weight": 1, "config": {"discount_pct": 5}}],
    "primary_metric": "conversion",
    "secondary_metrics": ["aov"],
    "guardrails": [{"metric": "aov", "margin": 0.1}],
    "design": {"alpha": 0.05},
}
RUN = {
    "run_id": "run-p",
    "experiment_key": KEY,
    "agents": 2,
    "concurrency": 2,
    "seed": 1,
    "days": 1,
    "think_time": 0,
    "switches": {"novelty": 0, "seasonality": False, "bot_share": 0, "exposure_bug": 0},
    "ends_at": "2026-01-01T00:00:00Z",
}
PROGRESS = {"status": "running", "agents_done": 1, "events_sent": 2, "events_stored": 2, "error": None}
BODIES = {
    "/api/assign": {"user_id": "u1", "experiment_key": KEY, "run_id": None},
    "/api/events": {"events": [EVENT]},
    "/api/experiments": SPEC,
    "/api/adoptions": {"experiment_key": KEY, "variant": "control", "note": "n"},
    "/api/runs": RUN,
    "/api/runs/run-p/progress": PROGRESS | {"finished_at": "2026-01-01T00:00:00Z"},
}
FIELDS = [
    (path, where)
    for path, body in BODIES.items()
    for where in (
        [(key,) for key in body]
        + [
            (key, index, inner)
            for key, value in body.items()
            if isinstance(value, list)
            for index, item in enumerate(value[:1])
            if isinstance(item, dict)
            for inner in item
        ]
        + [(key, inner) for key, value in body.items() if isinstance(value, dict) for inner in value]
    )
]
GETS = ["/api/experiments/{}", "/api/experiments/{}/summary", "/api/runs/{}", "/api/runs/{}/audit"]


@pytest.fixture
def client(store, monkeypatch) -> Iterator[TestClient]:
    with local_lab_api(store, monkeypatch, KEY) as test_client:
        test_client.post("/api/runs", json=RUN | {"ends_at": None}).raise_for_status()
        yield test_client


def replaced(body: object, where: tuple, value: object) -> object:
    copy = json.loads(json.dumps(body))
    target = copy
    for step in where[:-1]:
        target = target[step]
    target[where[-1]] = value
    return copy


def answered(response) -> None:
    assert response.status_code < 500, (response.status_code, response.text[:300])
    response.json()  # always a JSON answer


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(FIELDS), value=json_values)
def test_any_value_in_any_field_is_answered_below_500(client, field, value):
    path, where = field
    body = replaced(BODIES[path], where, value)
    raw = json.dumps(body, allow_nan=True)  # NaN and Infinity as Python's json writes them (and reads them back)
    answered(client.post(path, content=raw, headers={"content-type": "application/json"}))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(GETS), text=st.sampled_from(NASTY_TEXT) | st.text(min_size=1, max_size=20))
def test_any_text_in_a_path_is_answered_below_500(client, path, text):
    answered(client.get(path.format(quote(text.encode("utf-8", "surrogatepass"), safe=""))))
