"""``/recherche/``'s states besides results (issue 14): an ambiguous place asks which commune, in
the results' column, without the engine's message; a search without results shows the empty
state and no map."""

import html
import re

import pytest

from maillage.referential.models import Commune
from tests.referential.factories import CommuneFactory, DepartmentFactory
from tests.www.search.world import _shipped_taxonomy_loaded, search_world_fixture, taxonomy  # noqa: F401

pytestmark = pytest.mark.django_db
URL = "/recherche/"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def two_saint_denis(search_world):
    for code, name, insee in (("93", "Seine-Saint-Denis", "93066"), ("11", "Aude", "11339")):
        CommuneFactory(
            insee_code=insee, name="Saint-Denis", department=DepartmentFactory(code=code, name=name),
            latitude=48.93, longitude=2.35,
        )  # fmt: skip
    return search_world


def _text(body: str) -> str:
    return html.unescape(body).replace("\u00a0", " ").replace("\u202f", " ")


def test_an_ambiguous_place_asks_which_commune_with_links_and_no_engine_message(client, two_saint_denis):
    response = client.get(URL, {"q": "anodisation", "pres": "Saint-Denis"})
    assert response.status_code == 400
    body = response.content.decode()
    text = _text(body)
    assert "Plusieurs communes s’appellent Saint-Denis : laquelle ?" in text
    assert "ambigu" not in text and 'class="field-error"' not in body
    # The choice stands in the results' column, after the form: the form's grid stays whole.
    form, results = body.split('<div id="search-results"', 1)
    assert "Plusieurs communes" not in form and 'aria-describedby="place-choices' in form
    links = re.findall(r'<a href="([^"]+)">Saint-Denis \(([^)]+)\)</a>', results)
    assert {label for _href, label in links} == {"Seine-Saint-Denis, 93", "Aude, 11"}
    for href, _label in links:
        chosen = client.get(URL + html.unescape(href))
        assert chosen.status_code == 200 and not chosen.context["form"].errors


def test_the_ambiguous_place_question_comes_in_the_htmx_partial_too(client, two_saint_denis):
    response = client.get(URL, {"q": "anodisation", "pres": "Saint-Denis"}, **HTMX)
    assert response.status_code == 200
    text = _text(response.content.decode())
    assert "Plusieurs communes s’appellent Saint-Denis : laquelle ?" in text and "ambigu" not in text


def test_the_ambiguous_place_question_in_english(client, two_saint_denis):
    response = client.get(URL, {"q": "anodisation", "pres": "Saint-Denis"}, HTTP_ACCEPT_LANGUAGE="en")
    text = _text(response.content.decode())
    assert "Several communes are called Saint-Denis: which one?" in text


def test_a_place_unknown_still_says_so_on_its_field(client, search_world):
    assert not Commune.objects.filter(name="Nulle-Part").exists()
    response = client.get(URL, {"q": "anodisation", "pres": "Nulle-Part"})
    assert response.status_code == 400 and 'class="field-error"' in response.content.decode()


def test_a_search_without_results_shows_the_empty_state_and_no_map(client, search_world):
    response = client.get(URL, {"q": "zzzzqqq"})
    assert response.status_code == 200
    body = response.content.decode()
    text = _text(body)
    assert "Aucun établissement ne répond à cette recherche." in text
    assert "0 établissement" not in text and 'class="search-results"' not in body
    assert re.search(r'<div class="map" id="search-map" hidden', body)
    assert re.search(r'<a class="map-skip" id="search-map-end-skip" href="#search-map-end" hidden>', body)
    partial = _text(client.get(URL, {"q": "zzzzqqq"}, **HTMX).content.decode())
    assert "Aucun établissement ne répond à cette recherche." in partial and "0 établissement" not in partial


def test_a_search_with_results_shows_the_map(client, search_world):
    body = client.get(URL, {"q": "anodisation"}).content.decode()
    assert re.search(r'<div class="map" id="search-map" data-tile-url', body)
    skip = body.index(
        '<a class="map-skip" id="search-map-end-skip" href="#search-map-end">Passer la carte</a>'
    )
    assert skip < body.index('id="search-map"') < body.index('id="search-map-end"')
    assert 'class="search-results"' in body
