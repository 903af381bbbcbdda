"""``/recherche/``: no dead end (issue 13, item 4) — complete answers first under their heading,
partial ones after theirs with what each lacks, the closest when none, corrections, territory."""

import html
import re

import pytest

from tests.directory.factories import NetworkFactory
from tests.www.search.world import _shipped_taxonomy_loaded, search_world_fixture, taxonomy  # noqa: F401

pytestmark = pytest.mark.django_db
URL = "/recherche/"
HTMX = {"HTTP_HX_REQUEST": "true"}
ITEM = r'<li class="search-result[^"]*" id="result-'  # a result, not a fact of its card
DEAD_END = "Aucune entreprise ne répond à tout ; les plus proches de votre demande :"


def _page(client, params, **headers) -> str:
    response = client.get(URL, params, **headers)
    assert response.status_code == 200
    # French typography (non-breaking spaces, ’) aside: the words are what is checked here.
    text = html.unescape(response.content.decode())
    return text.replace("\u00a0", " ").replace("\u202f", " ").replace("’", "'")


def _items(body: str) -> dict[str, str]:
    """Each result's list item, by company name."""
    return {
        re.search(r'data-name="([^"]+)"', item).group(1): item
        for item in re.findall(
            rf"{ITEM}.*?(?={ITEM}|</ol>)",
            body,
            re.S,
        )
    }


def test_complete_answers_come_first_and_partial_ones_are_headed_as_such(client, search_world):
    body = _page(client, {"q": "usinage 5 axes"})
    complete = body.index("1 établissement répond à toute votre demande")
    partial = body.index("répond en partie à votre demande")
    assert (
        complete
        < body.index('data-name="Usinage Dupont"')
        < partial
        < body.index('data-name="Tournage Muller"')
    )
    items = _items(body)
    # The partial answer is never shown as a full one: its own section, class and missing part.
    assert "search-result--partial" in items["Tournage Muller"]
    assert "Il lui manque : fraisage 5 axes" in items["Tournage Muller"]
    assert (
        "search-result--partial" not in items["Usinage Dupont"]
        and "Il lui manque" not in items["Usinage Dupont"]
    )
    assert DEAD_END not in body


def test_nobody_doing_it_all_shows_the_closest_with_what_each_lacks(client, search_world):
    body = _page(client, {"q": "usinage 5 axes EN 9100"}, **HTMX)
    assert DEAD_END in body and "répondent à toute votre demande" not in body
    items = _items(body)
    assert body.index(DEAD_END) < min(body.index(f'data-name="{name}"') for name in items)
    assert "Il lui manque : certification EN 9100" in items["Usinage Dupont"]
    assert "Il lui manque : fraisage 5 axes" in items["Alsace Anodisation"]


def test_an_english_query_nobody_answers_lists_the_closest_labelled_as_widened(client, search_world):
    body = _page(client, {"q": "waterjet cutting of composite panels"})
    assert DEAD_END in body
    assert (
        "Aucune entreprise ne déclare « Découpe jet d'eau » : recherche élargie à « Découpe de tôles »"
        in body
    )
    items = _items(body)
    assert "Il lui manque : découpe jet d'eau" in items["Tôlerie Schmitt"]
    assert "Au plus près de découpe jet d'eau : découpe laser" in items["Tôlerie Schmitt"]
    assert "Composites du Rhin" in items


def test_a_search_matching_nothing_in_its_radius_says_it_went_beyond(client, search_world):
    body = _page(client, {"q": "découpe jet d’eau", "pres": "Lyon", "distance": 10})
    assert "Aucune entreprise ne répond à tout dans le rayon de 10 km" in body
    assert "Tôlerie Schmitt" in _items(body)


def test_the_dead_end_page_in_english(client, search_world):
    client.cookies["django_language"] = "en"
    body = _page(client, {"q": "usinage 5 axes EN 9100"})
    assert "No company meets your whole request; the closest to it:" in body
    assert "Missing: EN 9100 certification" in body
    assert "Missing: 5-axis milling" in body


def test_a_correction_is_shown_with_a_link_to_the_text_as_typed(client, search_world):
    body = _page(client, {"q": "anodistion dure"})
    assert "Résultats pour « anodisation dure » (vous aviez écrit « anodistion dure »)" in body
    assert "tel_quel=1" in body
    as_typed = _page(client, {"q": "anodistion dure", "tel_quel": "1"})
    assert "Résultats pour" not in as_typed
    assert "Vouliez-vous dire" in as_typed and "« anodisation »" in as_typed
    assert "q=anodisation+dure" in as_typed  # the suggestion searches with it


def test_a_word_nobody_uses_is_said_ignored(client, search_world):
    body = _page(client, {"q": "anodisation dure xyzzy"})
    assert "Mot absent de toutes les fiches, ignoré : « xyzzy »" in body


def test_sur_notre_territoire_is_the_networks_territory(client, search_world):
    body = _page(client, {"q": "anodisation dure sur notre territoire"})
    assert "Lieu compris : territoire d'Industries Alsace du Nord" in body
    assert "sans_lieu=1" in body  # the same undo link as for a commune
    assert "Alsace Anodisation" in _items(body) and "Anodisation Rhodanienne" not in _items(body)


def test_with_several_networks_the_page_network_is_the_one_meant(client, search_world):
    NetworkFactory(slug="moselle", name="Moselle Industrie")
    unread = _page(client, {"q": "anodisation dure sur notre territoire"})
    assert "Lieu compris" not in unread and "Anodisation Rhodanienne" in _items(unread)
    read = _page(client, {"q": "anodisation dure sur notre territoire", "reseau": "alsace-du-nord"})
    assert "territoire d'Industries Alsace du Nord" in read
    assert 'name="reseau" value="alsace-du-nord"' in read  # kept by the form for the next search


def test_the_network_home_page_search_names_its_network(client, search_world):
    NetworkFactory(slug="moselle", name="Moselle Industrie")
    body = client.get("/reseaux/alsace-du-nord/").content.decode()
    assert 'name="reseau" value="alsace-du-nord"' in body
