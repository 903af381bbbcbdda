"""``GET /api/v1/search``: same parameters as the CLI, 422 naming the field, public data only."""

import pytest

from maillage.directory.models import Establishment
from maillage.matching.index import index_build
from maillage.profiles.models import ChangeSource
from maillage.profiles.services import profile_reference_add
from tests.matching.answer_shape import ANSWER_KEYS, RESULT_KEYS
from tests.matching.buyer_judge import load_holdings

pytestmark = pytest.mark.django_db
URL = "/api/v1/search"


def test_search_returns_public_results_with_explanations(client, demo_index):
    response = client.get(URL, {"q": "usinage 5 axes", "near": "Haguenau", "radius_km": 30, "limit": 5})
    assert response.status_code == 200
    payload = response.json()
    assert set(payload) == ANSWER_KEYS
    assert payload["place"] is None  # near given: the text is not read for a place
    assert 0 < len(payload["results"]) <= 5
    for hit in payload["results"]:
        assert set(hit) == RESULT_KEYS
        assert hit["distance_km"] <= 30
        assert "5 axes" in hit["explanation"] or "usinage" in hit["explanation"].lower()


def test_repeated_capability_and_certification_parameters(client, demo_index):
    response = client.get(
        URL, {"capability": ["proc.machining", "mat.aluminium"], "certification": "cert.iso9001", "limit": 50}
    )
    assert response.status_code == 200
    assert response.json()["results"]
    holdings = load_holdings()  # the ground truth, read from the profile rows
    for hit in response.json()["results"]:
        held = holdings[hit["siret"]]
        assert "cert.iso9001" in held.certifications
        assert {("mat.aluminium", "confirmed"), ("mat.aluminium", "inferred")} & held.capabilities or (
            "cité dans sa présentation" in hit["explanation"]
        )


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": ""}, "q"),
        ({"q": "x" * 10_240}, "q"),
        ({"q": "usinage", "near": "Trifouillis-les-Oies"}, "near"),
        ({"q": "usinage", "near": "Saint-Denis"}, "near"),
        ({"q": "usinage", "near": "Haguenau", "radius_km": -1}, "radius_km"),
        ({"q": "usinage", "near": "Haguenau", "radius_km": 100000}, "radius_km"),
        ({"q": "usinage", "near": "Haguenau", "radius_km": "inf"}, "radius_km"),
        ({"q": "usinage", "near": "Haguenau", "radius_km": "loin"}, "radius_km"),
        ({"q": "usinage", "radius_km": 10}, "near"),
        ({"q": "usinage", "capability": "proc.nope"}, "capability"),
        ({"q": "usinage", "certification": "cert.nope"}, "certification"),
        ({"q": "usinage", "limit": 0}, "limit"),
        ({"q": "usinage", "limit": "dix"}, "limit"),
        ({"q": "usinage", "limit": 2**63}, "limit"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(client, demo_index, params, field):
    response = client.get(URL, params)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert [item["loc"] for item in detail] == [["query", field]]
    assert detail[0]["msg"]


def test_ambiguous_place_lists_the_candidates(client, demo_index):
    response = client.get(URL, {"q": "usinage", "near": "Saint-Denis"})
    assert "INSEE 93066" in response.json()["detail"][0]["msg"]


def test_members_only_references_never_reach_anonymous_callers(client, private_index):
    establishment = Establishment.objects.filter(source="demo").order_by("siret").first()
    profile_reference_add(
        establishment=establishment,
        client="Quetzal Marine",
        project="coques en titane",
        actor=None,
        source=ChangeSource.MEMBER,
        visibility="members",
    )
    index_build()
    body = client.get(URL, {"q": "Quetzal Marine"}).content.decode()
    assert "Quetzal" not in body
    name = client.get(URL, {"q": establishment.name, "limit": 50}).content.decode()
    assert establishment.siret in name and "Quetzal" not in name


def test_openapi_schema_documents_the_search_in_french(client, demo_index):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/search"]["get"]
    assert operation["summary"] == "Chercher des établissements"
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert set(parameters) == {
        "q",
        "near",
        "radius_km",
        "capability",
        "certification",
        "limit",
        "read_place",
        "network",
        "relax",
        "as_typed",
    }
    assert "code INSEE" in parameters["near"]["description"]
    assert "kilomètres" in parameters["radius_km"]["description"]
    hit = schema["components"]["schemas"]["SearchHitOut"]["properties"]
    assert set(hit) == RESULT_KEYS
    assert "Pourquoi" in hit["explanation"]["description"]


def test_missing_index_is_a_503_not_a_500(client, demo_index, settings, tmp_path):
    from maillage.matching.index import reader

    settings.SEARCH_INDEX_DIR = tmp_path / "nothing"
    reader.reset()
    response = client.get(URL, {"q": "usinage"})
    reader.reset()
    assert response.status_code == 503


def test_a_place_written_in_q_is_returned_as_understood(client, demo_index):
    payload = client.get(URL, {"q": "anodisation dure près de Haguenau"}).json()
    assert payload["place"] == {
        "label": "Haguenau (67)",
        "phrase": "près de Haguenau",
        "radius_km": None,
        "department": None,
        "network": None,
        "text": "anodisation dure",
    }
    assert payload["results"] and all(hit["distance_km"] is not None for hit in payload["results"])
    assert (
        client.get(URL, {"q": "anodisation dure près de Haguenau", "read_place": "false"}).json()["place"]
        is None
    )
    assert client.get(URL, {"q": "5"}).json()["total"] == 0
