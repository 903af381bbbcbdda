"""No dead end (issue 13, item 4) through ``search_run``, what the API and ``maillage search`` call,
on the demo territory: complete answers first, the closest when none, corrections, and
« sur notre territoire »."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from maillage.directory.models import Network
from maillage.directory.selectors import network_territory_establishments
from maillage.matching.places import place_extract
from maillage.matching.search import SearchRequest, network_meant, results_public, search_run_with_place
from tests.directory.factories import NetworkFactory
from tests.matching.buyer_judge import load_holdings

pytestmark = pytest.mark.django_db
MILLING_5AXIS = "proc.machining.milling.5axis"


def _run(q: str, **kwargs):
    return search_run_with_place(SearchRequest(q=q, limit=100, **kwargs))


def _holds(held, code: str) -> bool:
    return any(node == code and status != "rejected" for node, status in held.capabilities)


def test_complete_results_are_exactly_the_holders_and_come_first(demo_index):
    results, _place = _run("usinage 5 axes")
    assert 0 < results.complete_total < results.total
    flags = [hit.complete for hit in results.hits]
    assert flags == sorted(flags, reverse=True) and sum(flags) == results.complete_total
    holdings = load_holdings()  # the ground truth, read from the profile rows
    for hit in results.hits:
        declared = _holds(holdings[hit.doc_key], MILLING_5AXIS)
        if hit.complete:
            assert declared or "cité dans sa présentation" in hit.explanation
        else:
            assert not declared
            assert hit.lacking == [{"kind": "capability", "code": MILLING_5AXIS, "label": "Fraisage 5 axes"}]


def test_nobody_doing_it_all_still_answers_the_closest_with_what_each_lacks(demo_index):
    results, _place = _run("anodisation dure EN 9100")
    assert results.complete_total == 0 and results.hits
    first = results.hits[0]
    assert _holds(load_holdings()[first.doc_key], "proc.surface.anodising.hard")
    assert first.lacking == [{"kind": "certification", "code": "cert.en9100", "label": "EN 9100"}]
    assert all(hit.lacking for hit in results.hits)


@pytest.mark.parametrize(
    "q", ["waterjet cutting of composite panels", "découpe jet d'eau de panneaux composites"]
)
def test_a_capability_nobody_has_is_widened_to_its_parent_and_labelled(demo_index, q):
    results, _place = _run(q)
    assert results.relaxed[0]["kind"] == "broader"
    assert results.relaxed[0]["asked"] == "proc.sheet_metal.cutting.waterjet"
    assert results.relaxed[0]["used"] == "proc.sheet_metal.cutting"
    assert results.complete_total == 0 and results.hits
    assert all("proc.sheet_metal.cutting.waterjet" in [i["code"] for i in h.lacking] for h in results.hits)
    # The closest first: a cutter that also works composites.
    first = {d["requested"]: d for d in results.hits[0].details if d["kind"] == "capability"}
    assert first["proc.sheet_metal.cutting.waterjet"]["closest"].startswith("proc.sheet_metal.cutting.")
    assert first["proc.composites"]["matched"]
    message = results_public(results)["relaxed"][0]["message"]
    assert message.startswith("Aucune entreprise ne déclare « Découpe jet d'eau » : recherche élargie")


def test_a_search_matching_nothing_within_the_place_answers_beyond_it(demo_index):
    assert _run("découpe jet d'eau", near="Lyon", radius_km=10, relax=False)[0].total == 0
    results, _place = _run("découpe jet d'eau", near="Lyon", radius_km=10)
    assert [step["kind"] for step in results.relaxed] == ["place", "broader"]
    assert results.hits and all(hit.distance_km > 10 for hit in results.hits)


def test_corrections_unknown_words_and_as_typed(demo_index):
    results, place = _run("anodistion dure xyzzy")
    payload = results_public(results, place)
    assert payload["corrections"] == [{"written": "anodistion", "corrected": "anodisation"}]
    assert payload["unknown_words"] == ["xyzzy"]
    as_typed, _place = _run("anodistion dure", as_typed=True)
    assert as_typed.interpretation.corrections == {}
    assert as_typed.interpretation.suggestions == {"anodistion": "anodisation"}


def test_sur_notre_territoire_is_the_networks_territory(demo_index):
    network = Network.objects.get(slug="alsace-du-nord")
    results, place = _run("anodisation dure sur notre territoire", network=network)
    assert place.network == "alsace-du-nord" and place.label == network.name
    assert place.text == "anodisation dure" and place.phrase == "sur notre territoire"
    territory = set(network_territory_establishments(network).values_list("siret", flat=True))
    assert results.hits and {hit.doc_key for hit in results.hits} <= territory
    assert _run("anodisation dure sur notre territoire")[1] is None  # no network: not read


def test_a_company_outside_the_territory_comes_only_when_said(demo_index):
    network = Network.objects.get(slug="alsace-du-nord")
    safran = "71201953800123"  # Molsheim: in the directory, outside the network's territory
    kept, _place = _run("Safran sur notre territoire", network=network, relax=False)
    assert safran not in {hit.doc_key for hit in kept.hits}
    results, _place = _run("Safran sur notre territoire", network=network)
    assert results.relaxed == [{"kind": "place", "radius_km": None, "departments": [], "territory": True}]
    assert results.hits[0].doc_key == safran and results.hits[0].complete
    assert "sur le territoire du réseau" in results_public(results)["relaxed"][0]["message"]


def test_the_network_meant_without_a_page_is_the_only_one_or_the_one_named(demo_index):
    demo = Network.objects.get(slug="alsace-du-nord")
    assert network_meant() == demo
    NetworkFactory(slug="moselle")
    assert network_meant() is None
    assert network_meant("alsace-du-nord") == demo
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
def test_territory_phrases(demo_index, text, read):
    reading = place_extract(text, network=Network.objects.get(slug="alsace-du-nord"))
    assert (reading.phrase if reading and reading.network else None) == read


def test_the_command_prints_what_each_result_lacks(demo_index):
    out = StringIO()
    call_command("search", "anodisation dure EN 9100", stdout=out)
    text = out.getvalue()
    assert "dont 0 qui répondent à tout" in text
    assert "Il lui manque : certification EN 9100" in text
    out = StringIO()
    call_command("search", "découpe jet d'eau", "--json", stdout=out)
    payload = json.loads(out.getvalue())
    assert payload["relaxed"][0]["kind"] == "broader" and payload["complete_total"] == 0
    assert payload["results"][0]["lacking"][0]["label"] == "découpe jet d'eau"
