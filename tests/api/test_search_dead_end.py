"""``GET /api/v1/search``: what each result lacks, how many are complete, corrections, widening,
and « sur notre territoire » (issue 13, item 4), documented in the schema."""

import pytest

from tests.directory.factories import NetworkFactory
from tests.search_world import _shipped_taxonomy_loaded, search_world_fixture, taxonomy  # noqa: F401

pytestmark = pytest.mark.django_db
URL = "/api/v1/search"


def test_results_say_whether_they_meet_the_whole_request_and_what_they_lack(client, search_world):
    payload = client.get(URL, {"q": "usinage 5 axes"}).json()
    assert payload["complete_total"] == 1
    first, *others = payload["results"]
    assert first["name"] == "Usinage Dupont" and first["complete"] and first["lacking"] == []
    muller = next(hit for hit in others if hit["name"] == "Tournage Muller")
    assert muller["complete"] is False
    assert muller["lacking"] == [
        {
            "kind": "capability",
            "code": "proc.machining.milling.5axis",
            "word": None,
            "label": "fraisage 5 axes",
        }
    ]


def test_a_request_nobody_meets_answers_the_closest_and_says_how(client, search_world):
    payload = client.get(URL, {"q": "waterjet cutting of composite panels"}).json()
    assert payload["complete_total"] == 0 and payload["results"]
    step = payload["relaxed"][0]
    assert step["kind"] == "broader" and step["used"] == "proc.sheet_metal.cutting"
    assert step["message"].startswith("Aucune entreprise ne déclare « Découpe jet d'eau »")
    strict = client.get(
        URL, {"q": "découpe jet d'eau", "near": "Lyon", "radius_km": 10, "relax": "false"}
    ).json()
    assert strict["total"] == 0 and strict["relaxed"] == []


def test_corrections_unknown_words_and_suggestions(client, search_world):
    payload = client.get(URL, {"q": "anodistion dure xyzzy"}).json()
    assert payload["corrections"] == [{"written": "anodistion", "corrected": "anodisation"}]
    assert payload["unknown_words"] == ["xyzzy"]
    as_typed = client.get(URL, {"q": "anodistion dure", "as_typed": "true"}).json()
    assert as_typed["corrections"] == []
    assert as_typed["suggestions"] == [{"written": "anodistion", "suggested": "anodisation"}]


def test_sur_notre_territoire_needs_a_network_to_be_read(client, search_world):
    payload = client.get(URL, {"q": "anodisation dure sur notre territoire"}).json()
    assert payload["place"]["network"] == "alsace-du-nord"  # the platform's only network
    assert [hit["name"] for hit in payload["results"]] == ["Alsace Anodisation"]
    NetworkFactory(slug="moselle")
    assert client.get(URL, {"q": "anodisation dure sur notre territoire"}).json()["place"] is None
    named = client.get(
        URL, {"q": "anodisation dure sur notre territoire", "network": "alsace-du-nord"}
    ).json()
    assert named["place"]["label"] == "Industries Alsace du Nord"


def test_the_schema_documents_the_new_fields(client, search_world):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert {"complete_total", "corrections", "unknown_words", "suggestions", "relaxed"} <= set(
        schemas["SearchOut"]["properties"]
    )
    assert "répond à toute la demande" in schemas["SearchHitOut"]["properties"]["complete"]["description"]
    assert set(schemas["SearchLackOut"]["properties"]) == {"kind", "code", "word", "label"}
