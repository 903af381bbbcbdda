"""``maillage search``: places, filters, JSON shape, and bad input → French message, status 2."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from tests.matching.answer_shape import ANSWER_KEYS, RESULT_KEYS
from tests.matching.buyer_judge import load_holdings

pytestmark = pytest.mark.django_db


def search(*args) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("search", *args, stdout=out, stderr=err)
        status = 0
    except SystemExit as exit_:
        status = exit_.code
    return status, out.getvalue(), err.getvalue()


def test_json_output_has_exactly_the_documented_shape(demo_index):
    status, out, _err = search("usinage 5 axes", "--near", "Haguenau", "--radius-km", "30", "--json")
    assert status == 0
    payload = json.loads(out)
    assert set(payload) == ANSWER_KEYS
    assert payload["total"] >= len(payload["results"]) > 0
    for hit in payload["results"]:
        assert set(hit) == RESULT_KEYS
        assert isinstance(hit["siret"], str) and len(hit["siret"]) == 14
        assert hit["distance_km"] <= 30


@pytest.mark.parametrize("place", ["Haguenau", "67180", "67500 Haguenau", "48.8156,7.7906", "Haguenau (67)"])
def test_place_is_a_commune_name_insee_code_postal_code_or_coordinates(demo_index, place):
    status, out, err = search("usinage", "--near", place, "--radius-km", "15", "--json")
    assert status == 0, err
    assert all(hit["distance_km"] <= 15 for hit in json.loads(out)["results"])


def test_capability_and_certification_filters(demo_index):
    status, out, _err = search(
        "", "--capability", "proc.machining", "--certification", "cert.iso9001", "--limit", "50", "--json"
    )
    assert status == 0
    results = json.loads(out)["results"]
    assert results
    holdings = load_holdings()  # the ground truth, read from the profile rows
    for hit in results:
        held = holdings[hit["siret"]]
        assert "cert.iso9001" in held.certifications
        # Held as a profile row, or written in the presentation (the engine's "mentioned").
        assert {("proc.machining", "confirmed"), ("proc.machining", "inferred")} & held.capabilities or (
            "cité dans sa présentation" in hit["explanation"]
        )


def test_limit_bounds_the_number_of_results(demo_index):
    _status, out, _err = search("usinage", "--limit", "3", "--json")
    assert len(json.loads(out)["results"]) == 3


def test_text_output_is_readable(demo_index):
    status, out, _err = search("anodisation dure", "--near", "Haguenau")
    assert status == 0
    assert "résultat" in out and "km" in out


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("",), "recherche vide"),
        (("   ",), "recherche vide"),
        (("x" * 10_240,), "recherche trop longue"),
        (("usinage", "--near", "Trifouillis-les-Oies"), "lieu inconnu"),
        (("usinage", "--near", "Saint-Denis"), "Saint-Denis (93, INSEE 93066)"),
        (("usinage", "--near", "Haguenau", "--radius-km", "-5"), "--radius-km"),
        (("usinage", "--near", "Haguenau", "--radius-km", "0"), "--radius-km"),
        (("usinage", "--near", "Haguenau", "--radius-km", "99999"), "--radius-km"),
        (("usinage", "--near", "Haguenau", "--radius-km", "nan"), "--radius-km"),
        (("usinage", "--near", "Haguenau", "--radius-km", "loin"), "--radius-km"),
        (("usinage", "--radius-km", "20"), "--near"),
        (("usinage", "--near", "91.5,7"), "coordonnées invalides"),
        (("usinage", "--capability", "proc.does_not_exist"), "--capability"),
        (("usinage", "--certification", "proc.machining"), "n’est pas une certification"),
        (("usinage", "--limit", "0"), "--limit"),
        (("usinage", "--limit", "beaucoup"), "--limit"),
    ],
)
def test_bad_input_gets_a_french_message_and_status_2(demo_index, args, expected):
    status, out, err = search(*args)
    assert status == 2
    assert expected in err
    assert err.startswith("Erreur : ")
    assert "Traceback" not in err and out == ""


def test_missing_index_is_a_clear_message(demo_index, settings, tmp_path):
    from maillage.matching.index import reader

    settings.SEARCH_INDEX_DIR = tmp_path / "nothing"
    reader.reset()
    status, _out, err = search("usinage")
    reader.reset()
    assert status == 2
    assert "maillage build-index" in err
