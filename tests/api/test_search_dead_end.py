"""``GET /api/v1/search`` on the demo territory: whether each result meets the whole request and
what it lacks, corrections, widening, « sur notre territoire » (issue 13, item 4), and the
schema that documents them."""

import pytest

from tests.directory.factories import NetworkFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/search"


def test_results_say_whether_they_meet_the_whole_request_and_what_they_lack(client, demo_index):
    payload = client.get(URL, {"q": "usinage 5 axes", "limit": 100}).json()
    complete = [hit for hit in payload["results"] if hit["complete"]]
    assert len(complete) == payload["complete_total"] > 0
    assert payload["results"][: len(complete)] == complete  # complete first
    assert all(hit["lacking"] == [] for hit in complete)
    partial = payload["results"][len(complete)]
    assert partial["complete"] is False
    assert partial["lacking"] == [
        {
            "kind": "capability",
            "code": "proc.machining.milling.5axis",
            "word": None,
            "label": "fraisage 5 axes",
        }
    ]


def test_a_request_nobody_meets_answers_the_closest_and_says_how(client, demo_index):
    payload = client.get(URL, {"q": "waterjet cutting of composite panels"}).json()
    assert payload["complete_total"] == 0 and payload["results"]
    step = payload["relaxed"][0]
    assert step["kind"] == "broader" and step["used"] == "proc.sheet_metal.cutting"
    assert step["message"].startswith("Aucune entreprise ne déclare « Découpe jet d'eau »")
    strict = client.get(URL, {"q": "découpe jet d'eau", "near": "Lyon", "radius_km": 10, "relax": "false"})
    assert strict.json()["total"] == 0 and strict.json()["relaxed"] == []


def test_corrections_unknown_words_and_suggestions(client, demo_index):
    payload = client.get(URL, {"q": "anodistion dure xyzzy"}).json()
    assert payload["corrections"] == [{"written": "anodistion", "corrected": "anodisation"}]
    assert payload["unknown_words"] == ["xyzzy"]
    as_typed = client.get(URL, {"q": "anodistion dure", "as_typed": "true"}).json()
    assert as_typed["corrections"] == []
    assert as_typed["suggestions"] == [{"written": "anodistion", "suggested": "anodisation"}]


def test_sur_notre_territoire_needs_a_network_to_be_read(client, demo_index):
    payload = client.get(URL, {"q": "anodisation dure sur notre territoire"}).json()
    assert payload["place"]["network"] == "alsace-du-nord"  # the platform's only network
    assert payload["place"]["label"] == "Industries Alsace du Nord"
    NetworkFactory(slug="moselle")
    assert client.get(URL, {"q": "anodisation dure sur notre territoire"}).json()["place"] is None
    named = client.get(URL, {"q": "anodisation dure sur notre territoire", "network": "alsace-du-nord"})
    assert named.json()["place"]["network"] == "alsace-du-nord"


def test_the_schema_documents_the_new_fields(client, demo_index):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert {"complete_total", "corrections", "unknown_words", "suggestions", "relaxed"} <= set(
        schemas["SearchOut"]["properties"]
    )
    assert "répond à toute la demande" in schemas["SearchHitOut"]["properties"]["complete"]["description"]
    assert set(schemas["SearchLackOut"]["properties"]) == {"kind", "code", "word", "label"}
