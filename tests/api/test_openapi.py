"""The OpenAPI schema documents every operation, parameter and field (issue 14).

A route added without a summary, a description or a documented parameter fails here, before
it reaches ``/api/v1/docs`` half-described.
"""

import pytest

from maillage.api.v1 import api

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema():
    return api.get_openapi_schema()


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield f"{method.upper()} {path}", operation


def test_the_schema_served_is_the_one_walked(client, schema):
    served = client.get("/api/v1/openapi.json").json()
    assert sorted(served["paths"]) == sorted(schema["paths"]) and served["paths"]


def test_every_operation_has_a_summary_a_description_and_a_documented_tag(schema):
    tags = {tag["name"]: tag.get("description") for tag in schema.get("tags", [])}
    missing = []
    for name, operation in _operations(schema):
        for key in ("summary", "description"):
            if not (operation.get(key) or "").strip():
                missing.append(f"{name}: no {key}")
        if operation.get("summary", "").strip().lower() == operation["operationId"].split("_")[-1]:
            missing.append(f"{name}: the summary is ninja's default (the function's name)")
        undescribed = [tag for tag in operation.get("tags", []) if not tags.get(tag)]
        missing += [f"{name}: tag {tag!r} undescribed" for tag in undescribed]
        if not operation.get("tags"):
            missing.append(f"{name}: no tag")
    assert not missing, "\n".join(missing)


def test_every_parameter_has_a_description(schema):
    missing = [
        f"{name}: {parameter['in']} parameter {parameter['name']!r}"
        for name, operation in _operations(schema)
        for parameter in operation.get("parameters", [])
        if not (parameter.get("description") or "").strip()
    ]
    assert not missing, "no description:\n" + "\n".join(missing)


def test_every_field_of_every_response_has_a_description(schema):
    missing = [
        f"{model}.{field}"
        for model, definition in schema["components"]["schemas"].items()
        for field, prop in definition.get("properties", {}).items()
        if not (prop.get("description") or "").strip()
    ]
    assert not missing, "no description:\n" + "\n".join(missing)


def test_every_documented_answer_has_a_description(schema):
    missing = [
        f"{name}: {code}"
        for name, operation in _operations(schema)
        for code, answer in operation["responses"].items()
        if not (answer.get("description") or "").strip()
    ]
    assert not missing, "\n".join(missing)
