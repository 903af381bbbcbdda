"""No dead end (issue 13, item 4) through ``search_run``, what the API and ``maillage search`` call:
complete answers first, the closest when none, corrections, and « sur notre territoire »."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from maillage.matching.places import place_extract
from maillage.matching.search import SearchRequest, network_meant, results_public, search_run_with_place
from tests.directory.factories import NetworkFactory
from tests.search_world import _shipped_taxonomy_loaded, search_world_fixture, taxonomy  # noqa: F401

pytestmark = pytest.mark.django_db


def _run(q: str, **kwargs):
    return search_run_with_place(SearchRequest(q=q, limit=100, **kwargs))


def _names(results) -> list[str]:
    return [hit.name for hit in results.hits]


def test_complete_results_come_first_and_partial_ones_say_what_they_lack(search_world):
    results, _place = _run("usinage 5 axes")
    assert results.complete_total == 1
    dupont, muller = results.hits[0], next(h for h in results.hits if h.name == "Tournage Muller")
    assert dupont.name == "Usinage Dupont" and dupont.complete and dupont.lacking == []
    assert not muller.complete
    assert muller.lacking == [
        {"kind": "capability", "code": "proc.machining.milling.5axis", "label": "Fraisage 5 axes"}
    ]


def test_nobody_doing_it_all_still_answers_the_closest(search_world):
    results, _place = _run("usinage 5 axes EN 9100")
    assert results.complete_total == 0 and results.total >= 2
    lacking = {hit.name: [item["code"] for item in hit.lacking] for hit in results.hits}
    assert lacking["Usinage Dupont"] == ["cert.en9100"]
    assert lacking["Alsace Anodisation"] == ["proc.machining.milling.5axis"]


@pytest.mark.parametrize(
    "q", ["waterjet cutting of composite panels", "découpe jet d'eau de panneaux composites"]
)
def test_a_capability_nobody_has_is_widened_to_its_parent_and_labelled(search_world, q):
    results, _place = _run(q)
    assert results.relaxed[0] == {
        "kind": "broader",
        "asked": "proc.sheet_metal.cutting.waterjet",
        "phrase": results.relaxed[0]["phrase"],
        "used": "proc.sheet_metal.cutting",
    }
    assert results.complete_total == 0
    assert {"Tôlerie Schmitt", "Composites du Rhin"} <= set(_names(results))
    assert all("proc.sheet_metal.cutting.waterjet" in [i["code"] for i in h.lacking] for h in results.hits)
    payload = results_public(results)
    assert "recherche élargie à « Découpe de tôles »" in payload["relaxed"][0]["message"]


def test_a_search_matching_nothing_within_the_place_answers_beyond_it(search_world):
    assert _run("découpe jet d'eau", near="Lyon", radius_km=10, relax=False)[0].total == 0
    results, _place = _run("découpe jet d'eau", near="Lyon", radius_km=10)
    assert [step["kind"] for step in results.relaxed] == ["place", "broader"]
    assert results.hits[0].name == "Tôlerie Schmitt" and not results.hits[0].complete


def test_corrections_and_unknown_words_reach_the_public_shape(search_world):
    results, place = _run("anodistion dure xyzzy")
    payload = results_public(results, place)
    assert payload["corrections"] == [{"written": "anodistion", "corrected": "anodisation"}]
    assert payload["unknown_words"] == ["xyzzy"]
    as_typed, _place = _run("anodistion dure", as_typed=True)
    assert as_typed.interpretation.corrections == {}
    assert as_typed.interpretation.suggestions == {"anodistion": "anodisation"}


def test_sur_notre_territoire_is_the_networks_territory(search_world):
    network = search_world["network"]
    results, place = _run("anodisation dure sur notre territoire", network=network)
    assert place.network == "alsace-du-nord" and place.label == "Industries Alsace du Nord"
    assert place.text == "anodisation dure" and place.phrase == "sur notre territoire"
    assert _names(results) == ["Alsace Anodisation"]  # not the one in Lyon


def test_without_a_network_the_territory_phrase_is_not_read(search_world):
    results, place = _run("anodisation dure sur notre territoire")
    assert place is None
    assert "Anodisation Rhodanienne" in _names(results)


def test_the_network_meant_without_a_page_is_the_only_one_or_the_one_named(search_world):
    assert network_meant() == search_world["network"]
    NetworkFactory(slug="moselle")
    assert network_meant() is None
    assert network_meant("alsace-du-nord") == search_world["network"]
    assert network_meant("inconnu") is None


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("usinage sur notre territoire", "sur notre territoire"),
        ("usinage dans notre réseau", "dans notre réseau"),
        ("usinage sur le territoire", "sur le territoire"),
        ("machining in our network", "in our network"),
        ("usinage dans le réseau d'eau", None),
        ("usinage sur le territoire de Haguenau", None),
    ],
)
def test_territory_phrases(search_world, text, read):
    reading = place_extract(text, network=search_world["network"])
    assert (reading.phrase if reading and reading.network else None) == read


def test_the_command_prints_what_each_result_lacks(search_world):
    out = StringIO()
    call_command("search", "usinage 5 axes EN 9100", stdout=out)
    text = out.getvalue()
    assert "dont 0 qui répondent à tout" in text
    assert "Il lui manque : certification EN 9100" in text
    out = StringIO()
    call_command("search", "découpe jet d'eau", "--json", stdout=out)
    payload = json.loads(out.getvalue())
    assert payload["relaxed"][0]["kind"] == "broader" and payload["complete_total"] == 0
    assert payload["results"][0]["lacking"][0]["label"] == "découpe jet d'eau"
