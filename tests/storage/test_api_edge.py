"""Bad input at the edge of the served API, on DuckDB and on PostgreSQL: a 4xx naming the field and the rule, and
nothing stored. The client calls the app as it is served (``novarium_app.api.api``: the routes, the ingestion fast
path and the body limit) over a real Store."""

from collections.abc import Iterator

import jsonschema
import pytest
from fastapi.testclient import TestClient

from marts.retrospectives.record import RetrospectiveError
from marts.retrospectives.repository import save_retrospective
from marts.schema import MAX_MONEY
from novarium_app import api as app_api
from novarium_app.lab import decisions
from shop import adoptions, repository
from shop.body_limit import MAX_BODY_BYTES
from shop.experiments import MAX_DESIGN_CHARS
from tests.storage.swarm_app import local_lab_api

KEY = "swarm-exp"
JSON = {"content-type": "application/json"}
SPEC = {
    "key": "edge-exp",
    "hypothesis": "A red banner lifts orders among new visitors.",
    "variants": [{"name": "control", "weight": 50, "config": {}}, {"name": "red", "weight": 50, "config": {}}],
}
HEADLINE_NUL = {"name": "b", "weight": 1, "config": {"banner_headline": "Hi\x00 there"}}
TABLES = ("events", "assignments", "experiments", "variants", "runs", "adoptions")


@pytest.fixture
def client(store, monkeypatch) -> Iterator[TestClient]:
    """The served API over ``store``, local (admin actions open), with a running experiment."""
    with local_lab_api(store, monkeypatch, KEY) as test_client:
        yield test_client


def counts(store) -> dict[str, int]:
    return {table: store.row_count(table) for table in TABLES}


def event(**fields) -> dict:
    return {"event_id": "e1", "user_id": "u1", "name": "purchase"} | fields


def rejected(client, *events: dict, raw: str | None = None) -> list[str]:
    """Post a batch; every event must be rejected (nothing stored); returns the reasons."""
    if raw is not None:
        response = client.post("/api/events", content=raw, headers=JSON)
    else:
        response = client.post("/api/events", json={"events": events})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["accepted"] == 0 and answer["duplicates"] == 0
    return [item["reason"] for item in answer["rejected"]]


def problems(response) -> str:
    """A refusal's detail as one text (a 422's items joined)."""
    detail = response.json()["detail"]
    if isinstance(detail, str):
        return detail
    return " | ".join(item if isinstance(item, str) else f"{item['loc']}: {item['msg']}" for item in detail)


# --- 1. body size --------------------------------------------------------------------------------------------------


def test_a_body_over_the_limit_is_a_413_naming_the_limit_and_stores_nothing(client, store):
    before = counts(store)
    big = b'{"events": [' + b" " * MAX_BODY_BYTES + b"]}"
    for path in ("/api/events", "/api/experiments", "/api/runs"):
        response = client.post(path, content=big, headers=JSON)
        assert response.status_code == 413, (path, response.text)
        assert response.json()["detail"].startswith(f"body: must be at most {MAX_BODY_BYTES:,} bytes")
    assert counts(store) == before


# --- 2. values -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [1e308, MAX_MONEY + 0.01, -0.01])
def test_an_amount_outside_the_bound_is_rejected_naming_the_field(client, store, value):
    before = counts(store)
    reasons = rejected(client, event(value=value))
    assert reasons[0].startswith(f"events[0].value: must be a number >= 0 and <= {MAX_MONEY:,.0f}"), reasons
    assert counts(store) == before


def test_the_largest_amount_is_stored(client, store):
    response = client.post("/api/events", json={"events": [event(value=MAX_MONEY)]})
    assert response.json()["accepted"] == 1
    assert store.scalar("SELECT value FROM events WHERE event_id = 'e1'") == MAX_MONEY


# --- 3. timestamps ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ts", "rule"),
    [
        ("0001-01-01T00:00:00Z", "must be on or after 2000-01-01"),
        ("1999-12-31T23:59:59Z", "must be on or after 2000-01-01"),
        ("2751-01-01T00:00:00Z", "must not be more than 5 minutes in the future"),
        (0, "a number is not a timestamp"),
        (1_700_000_000, "a number is not a timestamp"),
        ("1700000000", "a number is not a timestamp"),
        (True, "a number is not a timestamp"),
    ],
)
def test_event_timestamps_outside_the_window_or_as_numbers_are_rejected(client, store, ts, rule):
    before = counts(store)
    reasons = rejected(client, event(name="page_view", ts=ts))
    assert reasons[0].startswith("events[0].ts:") and rule in reasons[0], reasons
    assert counts(store) == before


RUN = {"run_id": "run-edge", "experiment_key": KEY, "agents": 3}


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"ends_at": "0001-01-01T00:00:00"}, "must be on or after 2000-01-01"),
        ({"ends_at": "2751-01-01T00:00:00Z"}, "must not be more than 5 minutes in the future"),
        ({"ends_at": 0}, "a number is not a timestamp"),
        ({"ends_at": "2000-01-05T00:00:00Z", "days": 7}, "must leave its 7 day(s) on or after 2000-01-01"),
    ],
)
def test_run_dates_outside_the_window_are_refused(client, store, changes, rule):
    before = counts(store)
    response = client.post("/api/runs", json=RUN | changes)
    assert response.status_code == 422 and "ends_at" in problems(response) and rule in problems(response)
    assert counts(store) == before


@pytest.mark.parametrize("finished_at", ["0001-01-01T00:00:00", "2751-01-01T00:00:00Z", 1_700_000_000])
def test_progress_dates_outside_the_window_are_refused(client, store, finished_at):
    assert client.post("/api/runs", json=RUN).status_code == 201
    body = {"status": "completed", "agents_done": 1, "events_sent": 1, "events_stored": 1, "finished_at": finished_at}
    response = client.post("/api/runs/run-edge/progress", json=body)
    assert response.status_code == 422 and "finished_at" in problems(response)
    assert store.scalar("SELECT finished_at FROM runs WHERE run_id = 'run-edge'") is None


# --- 4. strict types -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["12", True, "1e3"])
def test_event_values_must_be_json_numbers(client, store, value):
    reasons = rejected(client, event(value=value))
    assert reasons[0].startswith("events[0].value: must be a number (a JSON number, not a string or a boolean)")


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/runs", RUN | {"agents": "12"}, "agents"),
        ("/api/runs", RUN | {"agents": True}, "agents"),
        ("/api/runs", RUN | {"seed": 1.5}, "seed"),
        ("/api/runs", RUN | {"think_time": "0"}, "think_time"),
        ("/api/runs", RUN | {"switches": {"seasonality": "yes"}}, "seasonality"),
        ("/api/runs", RUN | {"switches": {"bot_share": True}}, "bot_share"),
        ("/api/experiments", SPEC | {"allocation": "50"}, "allocation"),
        ("/api/experiments", SPEC | {"variants": [{"name": "a", "weight": "5"}, {"name": "b", "weight": 5}]}, "weight"),
    ],
)
def test_numbers_and_flags_are_strict(client, store, path, body, field):
    before = counts(store)
    response = client.post(path, json=body)
    assert response.status_code == 422 and field in problems(response), response.text
    assert counts(store) == before


@pytest.mark.parametrize("field", ["agents_done", "events_sent", "events_stored"])
@pytest.mark.parametrize("value", ["5", True, 2.5])
def test_progress_counts_are_strict(client, store, field, value):
    assert client.post("/api/runs", json=RUN).status_code == 201
    body = {"status": "running", "agents_done": 0, "events_sent": 0, "events_stored": 0} | {field: value}
    response = client.post("/api/runs/run-edge/progress", json=body)
    assert response.status_code == 422 and field in problems(response)


# --- 5. field values -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/experiments", SPEC | {"name": "Red\x00banner"}, "name"),
        ("/api/experiments", SPEC | {"hypothesis": "A red banner\x00 lifts orders."}, "hypothesis"),
        ("/api/experiments", SPEC | {"salt": "s\x00"}, "salt"),
        ("/api/experiments", SPEC | {"design": {"note": "a\x00b"}}, "design"),
        ("/api/experiments", SPEC | {"design": {"a\x00": 1}}, "design"),
        ("/api/experiments", SPEC | {"variants": [{"name": "a", "weight": 1}, HEADLINE_NUL]}, "banner_headline"),
        ("/api/adoptions", {"experiment_key": KEY, "variant": "control", "note": "ship\x00it"}, "note"),
        ("/api/runs", RUN | {"switches": {"exposure_bug_variant": "control\x00"}}, "exposure_bug_variant"),
    ],
)
def test_nul_characters_are_refused_naming_the_field(client, store, path, body, field):
    before = counts(store)
    response = client.post(path, json=body)
    assert response.status_code == 422, response.text
    assert field in problems(response) and "NUL" in problems(response)
    assert counts(store) == before


def test_an_oversized_design_is_refused_and_a_large_one_is_not(client, store):
    fits = SPEC | {"design": {"notes": "x" * (MAX_DESIGN_CHARS - 20)}}
    assert client.post("/api/experiments", json=fits).status_code == 201
    big = SPEC | {"key": "edge-big", "design": {"notes": "x" * MAX_DESIGN_CHARS}}
    response = client.post("/api/experiments", json=big)
    assert response.status_code == 422
    assert problems(response).startswith(f"design: must be at most {MAX_DESIGN_CHARS:,} characters of JSON")
    huge = SPEC | {"key": "edge-huge", "design": {"notes": "x" * 5_000_000}}
    assert client.post("/api/experiments", json=huge).status_code == 413
    assert store.scalar("SELECT COUNT(*) FROM experiments WHERE key LIKE 'edge-%'") == 1


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_inside_a_design_is_refused_not_turned_into_null(client, store, literal):
    raw = (
        '{"key": "edge-nan", "hypothesis": "A red banner lifts orders among new visitors.", '
        '"variants": [{"name": "a", "weight": 1}, {"name": "b", "weight": 1}], '
        f'"design": {{"alpha": {literal}, "nested": [1, {{"x": {literal}}}]}}}}'
    )
    response = client.post("/api/experiments", content=raw, headers=JSON)
    assert response.status_code == 422 and problems(response) == "design: must not contain NaN or Infinity"
    assert store.row_count("experiments") == 1  # the running one only


# --- 6. server errors -------------------------------------------------------------------------------------------

SURROGATE = '"\\ud800"'


@pytest.mark.parametrize(
    ("path", "raw"),
    [
        ("/api/assign", '{"user_id": "u1", "experiment_key": %s}'),
        ("/api/assign", '{"user_id": %s}'),
        ("/api/adoptions", '{"experiment_key": "swarm-exp", "variant": %s}'),
        ("/api/adoptions", '{"experiment_key": %s, "variant": "control"}'),
        ("/api/adoptions", '{"experiment_key": "swarm-exp", "variant": "control", "note": %s}'),
        ("/api/runs", '{"run_id": "r1", "experiment_key": %s, "agents": 1}'),
        ("/api/runs", '{"run_id": %s, "experiment_key": "swarm-exp", "agents": 1}'),
        ("/api/runs", '{"run_id": "r1", "experiment_key": "swarm-exp", "agents": 1, "switches": {"x": %s}}'),
        ("/api/runs", '{"run_id": "r1", "experiment_key": "e", "agents": 1, "switches": {"exposure_bug_variant": %s}}'),
        ("/api/experiments", '{"key": "abc-def", "hypothesis": %s, "variants": []}'),
        ("/api/experiments", '{"key": %s, "hypothesis": "a long enough hypothesis"}'),
        ("/api/experiments", '{"key": "abc-def", "hypothesis": "a long enough hypothesis", "design": {"x": %s}}'),
        ("/api/experiments", '{"key": "ab-c", "hypothesis": "long enough", "variants": [{"config": {%s: 1}}]}'),
        ("/api/experiments", '{"key": "ab-c", "hypothesis": "long enough", "variants": [{"config": {"x": %s}}]}'),
    ],
)
def test_a_lone_surrogate_in_a_string_field_is_a_4xx_not_a_500(client, store, path, raw):
    before = counts(store)
    response = client.post(path, content=raw % SURROGATE, headers=JSON)
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    response.json()  # the answer is JSON
    assert counts(store) == before


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ('{"event_id": "e1", "user_id": "u1", "name": "page_view", "experiment_key": %s}', "experiment_key"),
        ('{"event_id": %s, "user_id": "u1", "name": "page_view"}', "event_id"),
        ('{"event_id": "e1", "user_id": "u1", "name": %s}', "name"),
        ('{"event_id": "e1", "user_id": "u1", "name": "page_view", "run_id": %s}', "run_id"),
    ],
)
def test_a_lone_surrogate_in_an_event_is_rejected_with_a_reason(client, store, raw, field):
    reasons = rejected(client, raw='{"events": [' + raw % SURROGATE + "]}")
    assert reasons[0].startswith(f"events[0].{field}:"), reasons


def test_a_lone_surrogate_in_progress_is_a_422(client, store):
    assert client.post("/api/runs", json=RUN).status_code == 201
    raw = '{"status": "running", "agents_done": 1, "events_sent": 1, "events_stored": 1, "error": %s}'
    response = client.post("/api/runs/run-edge/progress", content=raw % SURROGATE, headers=JSON)
    assert response.status_code == 422 and "error" in problems(response)


@pytest.mark.parametrize(
    ("field", "value"),
    [("agents_done", 2**31), ("events_sent", 2**53), ("events_stored", 2**63), ("events_sent", 10**30)],
)
def test_counts_beyond_their_columns_are_a_422(client, store, field, value):
    assert client.post("/api/runs", json=RUN).status_code == 201
    body = {"status": "running", "agents_done": 0, "events_sent": 0, "events_stored": 0} | {field: value}
    response = client.post("/api/runs/run-edge/progress", json=body)
    assert response.status_code == 422 and field in problems(response)
    assert store.scalar("SELECT agents_done + events_sent FROM runs WHERE run_id = 'run-edge'") == 0


@pytest.mark.parametrize("path", ["/api/experiments/a%00b", "/api/experiments/%ED%A0%80/summary", "/api/runs/%00"])
def test_nul_or_broken_text_in_a_path_is_a_4xx(client, path):
    response = client.get(path)
    assert 400 <= response.status_code < 500, (response.status_code, response.text)


# --- 8. answers as documented ----------------------------------------------------------------------------------------


def conforms(body: object, component: str) -> None:
    """``body`` validates against ``#/components/schemas/{component}`` of the served OpenAPI document."""
    doc = app_api.api.openapi()
    schema = {"$ref": f"#/components/schemas/{component}", "components": doc["components"]}
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(body)


def test_refusals_have_the_documented_bodies(client, store):
    shape = client.post("/api/runs", json={"run_id": "bad id!", "experiment_key": KEY})  # FastAPI's field errors
    assert shape.status_code == 422 and all(isinstance(item, dict) for item in shape.json()["detail"])
    conforms(shape.json(), "ValidationProblem")
    rules = client.post("/api/experiments", json=SPEC | {"variants": []})  # the spec's "field: rule" lines
    assert rules.status_code == 422 and all(isinstance(item, str) for item in rules.json()["detail"])
    conforms(rules.json(), "ValidationProblem")
    broken = client.post("/api/events", content=b'{"events": [', headers=JSON)
    assert broken.status_code == 422 and broken.json()["detail"][0]["type"] == "json_invalid"
    conforms(broken.json(), "ValidationProblem")
    for response in (
        client.get("/api/experiments/nope"),
        client.post(f"/api/experiments/{KEY}/start"),
        client.post("/api/events", content=b"\xff\xfe{", headers=JSON),
        client.post("/api/events", content=b" " * (MAX_BODY_BYTES + 1), headers=JSON),
    ):
        assert response.status_code in (400, 404, 409, 413), response.text
        conforms(response.json(), "ErrorOut")


def test_answered_times_carry_their_time_zone(client, store):
    created = client.post("/api/experiments", json=SPEC).json()
    assert created["created_at"].endswith("Z")
    conforms(created, "ExperimentOut")
    run = client.post("/api/runs", json=RUN).json()
    assert run["started_at"].endswith("Z")
    conforms(run, "CreatedRunOut")


def test_the_labs_own_writes_refuse_nul_too(client, store):
    repository.stop_experiment(store, KEY)
    with pytest.raises(adoptions.AdoptionError, match="note: must not contain NUL"):
        adoptions.adopt(store, KEY, "treatment", note="ship\x00it")
    with pytest.raises(RetrospectiveError, match="learnings"):
        save_retrospective(
            store, experiment_key=KEY, decision="ship", outcome=None, learnings="red \x00 wins", snapshot={}
        )
    assert store.row_count("adoptions") == 0 and store.row_count("retrospectives") == 0
    learned = "The red banner lifted orders \x00 among new visitors, so we ship it."
    assert "learnings" in decisions.form_problems("ship", "treatment", learned, ["treatment"])
