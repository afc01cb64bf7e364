"""The API's OpenAPI document is valid OpenAPI 3.1 and documents the error bodies the API sends."""

import json

from openapi_spec_validator import OpenAPIV31SpecValidator

from novarium_app import api as app_api


def document() -> dict:
    return app_api.api.openapi()


def walk(node, path=()):
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, (*path, index))


def test_the_document_is_valid_openapi_3_1():
    doc = document()
    assert doc["openapi"].startswith("3.1")
    errors = [f"{list(error.path)}: {error.message}" for error in OpenAPIV31SpecValidator(doc).iter_errors()]
    assert errors == []


def test_tuples_use_prefix_items_and_every_reference_resolves_inside_the_document():
    doc = document()
    text = json.dumps(doc)
    assert "#/$defs" not in text and '"$defs"' not in text
    schemas = doc["components"]["schemas"]
    for path, node in walk(doc):
        if isinstance(node, dict) and "items" in node and path and path[-1] != "properties":
            assert isinstance(node["items"], dict), path  # 3.1: a tuple is prefixItems, never items: [...]
        if isinstance(node, dict) and isinstance(node.get("$ref"), str):
            assert node["$ref"].removeprefix("#/components/schemas/") in schemas, node["$ref"]
    done = schemas["ResumeOut"]["properties"]["done"]["items"]
    assert done["prefixItems"] == [{"type": "integer"}, {"type": "integer"}]


def test_every_operation_documents_the_refusals_it_can_send():
    doc = document()
    assert "HTTPValidationError" not in doc["components"]["schemas"]
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            if not path.startswith("/api/") or path == "/api/health":
                continue
            responses = operation["responses"]
            where = f"{method.upper()} {path}"
            assert responses["422"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ValidationProblem"
            }, where
            for status in ("400", "413", "503"):
                assert responses[status]["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/ErrorOut"
                }, where
            if any("HTTPBearer" in requirement for requirement in operation.get("security", [])):
                assert {"401", "403"} <= set(responses), where


def test_timestamps_in_answers_are_date_times_with_a_zone_and_inputs_say_numbers_are_not_timestamps():
    schemas = document()["components"]["schemas"]
    assert schemas["RunOut"]["properties"]["started_at"]["format"] == "date-time"
    event = schemas["EventsIn"]["properties"]["events"]["items"]["anyOf"][0]
    assert "ISO 8601 string" in event["properties"]["ts"]["description"]
