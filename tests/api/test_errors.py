"""Every API answer is JSON, errors included, and the schema documents the errors it may give."""

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db
RELATIONS = "/api/v1/relations"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"offset": 2**63}, "offset"),
        ({"offset": 10**30}, "offset"),
        ({"offset": -1}, "offset"),
        ({"limit": 2**63}, "limit"),
        ({"limit": 0}, "limit"),
    ],
)
def test_relations_paging_out_of_bounds_is_a_422_naming_the_parameter(client, params, field):
    response = client.get(RELATIONS, params)
    assert response.status_code == 422
    assert [item["loc"] for item in response.json()["detail"]] == [["query", field]]


def test_largest_offset_allowed_answers_an_empty_page(client):
    from maillage.api.relations import MAX_OFFSET

    response = client.get(RELATIONS, {"offset": MAX_OFFSET})
    assert response.status_code == 200 and response.json()["results"] == []


@override_settings(DEBUG=False)
def test_unknown_api_path_is_a_json_404():
    response = Client().get("/api/v1/nulle-part")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json()["detail"]


@override_settings(DEBUG=False)
def test_unknown_network_is_a_json_404():
    response = Client().get(RELATIONS, {"network": "inconnu"})
    assert response.status_code == 404 and response.json()["detail"]


@override_settings(DEBUG=False)
def test_wrong_method_is_a_json_405_keeping_allow():
    response = Client().post(RELATIONS)
    assert response.status_code == 405 and response["Content-Type"] == "application/json"
    assert response.json()["detail"] and "GET" in response["Allow"]


@override_settings(DEBUG=False)
def test_server_error_on_an_api_path_is_json(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("maillage.api.relations.relations_visible", broken)
    response = Client(raise_request_exception=False).get(RELATIONS)
    assert response.status_code == 500 and response["Content-Type"] == "application/json"
    assert "boom" not in response.content.decode() and response.json()["detail"]


@override_settings(DEBUG=False)
def test_site_pages_keep_their_html_error_pages():
    response = Client().get("/nulle-part/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_openapi_documents_404_405_and_422(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/relations", "/api/v1/search"):
        responses = schema["paths"][path]["get"]["responses"]
        assert {"200", "404", "405", "422"} <= set(responses), path
        for code in ("404", "405", "422"):
            assert responses[code]["description"]
            assert "application/json" in responses[code]["content"]
    assert "503" in schema["paths"]["/api/v1/search"]["get"]["responses"]
    relations = schema["paths"]["/api/v1/relations"]["get"]["parameters"]
    offset = next(parameter for parameter in relations if parameter["name"] == "offset")
    assert offset["schema"]["maximum"] < 2**63


@pytest.mark.parametrize(
    "path",
    [
        "/api/",
        "/api/v2/search",
        "/api/v1/search/extra",
        "/api/v1/docs/",
        "/api/v1/relations/",
        "/api/inconnu/<script>",
    ],
)
@pytest.mark.parametrize("debug", [False, True])
def test_every_unknown_api_path_is_a_json_404(path, debug):
    with override_settings(DEBUG=debug):
        response = Client().get(path)
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not Found"}


@pytest.mark.parametrize("path", ["/api/v1/search", RELATIONS])
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("debug", [False, True])
def test_every_write_method_is_a_json_405(path, method, debug):
    with override_settings(DEBUG=debug):
        response = getattr(Client(enforce_csrf_checks=True), method)(path)
    assert response.status_code == 405 and response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Method Not Allowed"} and "GET" in response["Allow"]
