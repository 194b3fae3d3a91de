"""/api/schema/: a valid OpenAPI 3 document, in Russian, with every endpoint and filter."""

import json

import pytest
import yaml

pytestmark = pytest.mark.django_db

CYRILLIC = set("абвгдеёжзийклмнопрстуфхцчшщъыьэюя")


def has_russian(text):
    return bool(text) and bool(CYRILLIC & set(text.lower()))


@pytest.fixture
def schema_yaml(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    # drf-spectacular's YAML media type (application/vnd.oai.openapi), the default.
    assert response["Content-Type"].startswith("application/vnd.oai.openapi;")
    return yaml.safe_load(response.content.decode("utf-8"))


@pytest.fixture
def schema_json(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert "json" in response["Content-Type"]
    return json.loads(response.content.decode("utf-8"))


def test_yaml_and_json_are_the_same_document(schema_yaml, schema_json):
    assert schema_yaml == schema_json


def test_is_valid_openapi_3(schema_json):
    from drf_spectacular.validation import validate_schema

    assert schema_json["openapi"].startswith("3.")
    # The official OpenAPI 3 JSON schema, bundled with drf-spectacular (jsonschema).
    validate_schema(schema_json)
    try:
        from openapi_spec_validator import validate
    except ImportError:  # not installed: the bundled validation above is the check
        return
    validate(schema_json)


def test_info(schema_json):
    assert schema_json["info"]["title"] == "Открытые данные: отчёты городов АСДГ"
    assert schema_json["info"]["version"] == "1.0"
    assert has_russian(schema_json["info"]["description"])


def test_paths_are_the_read_only_endpoints(schema_json):
    paths = schema_json["paths"]
    assert set(paths) == {"/api/reports/", "/api/reports/{id}/", "/api/themes/"}
    for path in paths.values():
        assert set(path) - {"parameters"} == {"get"}


def test_list_parameters_present_and_described(schema_json):
    operation = schema_json["paths"]["/api/reports/"]["get"]
    params = {p["name"]: p for p in operation["parameters"] if p["in"] == "query"}
    assert {"year", "municipality", "region", "q", "page", "page_size"} <= set(params)
    assert params["year"]["schema"]["type"] == "integer"
    for name in ("municipality", "region", "q"):
        assert params[name]["schema"]["type"] == "string", name
    for name in ("year", "municipality", "region", "q", "page", "page_size"):
        assert has_russian(params[name].get("description")), name
    assert has_russian(operation.get("summary")) and has_russian(operation.get("description"))


def test_detail_operation(schema_json):
    operation = schema_json["paths"]["/api/reports/{id}/"]["get"]
    path_params = [p for p in operation["parameters"] if p["in"] == "path"]
    assert [p["name"] for p in path_params] == ["id"]
    assert path_params[0]["schema"]["type"] == "integer"
    assert has_russian(operation.get("description"))
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    detail = schema_json["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert list(detail["properties"]) == [
        "id",
        "municipality",
        "year",
        "url",
        "published_at",
        "achievements",
        "problems",
        "tasks",
        "proposals",
        "outcomes",
    ]


def test_fields_are_described_in_russian(schema_json):
    schemas = schema_json["components"]["schemas"]
    for name, component in schemas.items():
        for field, spec in component.get("properties", {}).items():
            assert has_russian(spec.get("description")), f"{name}.{field}"


def test_proposal_kinds_are_an_enum(schema_json):
    schemas = schema_json["components"]["schemas"]
    assert set(schemas["ProposalKindEnum"]["enum"]) == {"methodology", "conference", "training", "other"}


def test_list_response_is_paginated(schema_json):
    ref = schema_json["paths"]["/api/reports/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"][
        "$ref"
    ]
    page = schema_json["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert {"count", "next", "previous", "results"} <= set(page["properties"])
