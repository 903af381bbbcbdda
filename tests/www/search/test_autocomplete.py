"""``/recherche/suggestions/``: the search boxes' autocomplete (taxonomy, communes, companies)."""

import re
import time

import pytest
from django.urls import reverse

from maillage.referential.models import PostalCode
from maillage.referential.text import normalize_name
from tests.directory.factories import EstablishmentFactory, OrganisationFactory
from tests.profiles import conftest as profiles_conftest
from tests.referential.factories import CommuneFactory
from tests.taxonomy.shipped import shipped_taxonomy_fixture

pytestmark = pytest.mark.django_db
_shipped_taxonomy_loaded = shipped_taxonomy_fixture("module")
taxonomy = profiles_conftest.taxonomy
URL = "/recherche/suggestions/"
OPTION = re.compile(
    r'<li role="option" id="(?P<id>[^"]+)"[^>]*?'
    r'(?:data-href="(?P<href>[^"]*)"|data-field="(?P<field>[^"]*)" data-value="(?P<value>[^"]*)")'
)


def commune(name, postal_code, *, department="67", population=1000, insee=None):
    created = CommuneFactory(
        name=name,
        search_name=normalize_name(name),
        postal_codes=[postal_code],
        population=population,
        department__code=department,
        **({"insee_code": insee} if insee else {}),
    )
    PostalCode.objects.create(code=postal_code, commune=created)
    return created


def options(client, text, field="q"):
    response = client.get(URL, {"champ": field, field: text})
    assert response.status_code == 200
    body = response.content.decode()
    return [match.groupdict() for match in OPTION.finditer(body)], body


def test_url_is_named():
    assert reverse("search:suggestions") == URL


def test_synonym_or_english_label_suggests_the_preferred_french_label(client, taxonomy):
    found, body = options(client, "milling")
    fraisage = next(o for o in found if o["value"] == "Fraisage")
    assert fraisage["field"] == "q"
    assert "Milling" in body  # the English label it was found by is shown next to it
    found, _body = options(client, "decolletage")
    assert found[0]["value"] == "Décolletage"


def test_certification_and_sector_suggestions_set_their_filter(client, taxonomy):
    found, _body = options(client, "iso 9001")
    assert {"field": "certification", "value": "cert.iso9001", "href": None, "id": "q-suggestion-0"} in found
    found, _body = options(client, "aéronautique")
    assert any(o["field"] == "secteur" and o["value"] == "sector.aeronautics" for o in found)


def test_communes_by_name_prefix_fill_the_place_field(client):
    commune("Haguenau", "67500", population=35000)
    commune("Hagondange", "57300", department="57", population=9000)
    commune("Strasbourg", "67000")
    found, body = options(client, "hag", field="pres")
    assert [o["value"] for o in found] == ["Haguenau (67)", "Hagondange (57)"]
    assert all(o["field"] == "pres" for o in found)
    assert "67500" in body
    # From the text box too: the commune goes to the place field.
    found, _body = options(client, "HAGUE")
    assert [(o["field"], o["value"]) for o in found] == [("pres", "Haguenau (67)")]


def test_communes_by_postal_code_and_saint_abbreviation(client):
    commune("Saint-Louis", "68300", department="68")
    commune("Saverne", "67700")
    found, _body = options(client, "683", field="pres")
    assert [o["value"] for o in found] == ["Saint-Louis (68)"]
    found, _body = options(client, "St Lou", field="pres")
    assert [o["value"] for o in found] == ["Saint-Louis (68)"]


def test_the_place_field_suggests_communes_only(client, taxonomy):
    commune("Fraize", "88230", department="88")
    EstablishmentFactory(name="Fraiseuses de l'Est")
    found, _body = options(client, "frai", field="pres")
    assert [o["value"] for o in found] == ["Fraize (88)"]


def test_companies_link_to_their_page(client):
    establishment = EstablishmentFactory(name="Tôlerie Kieffer", trade_name="")
    group = OrganisationFactory(name="Groupe Kieffer Industrie")
    first = EstablishmentFactory(organisation=group, name="Kieffer Haguenau")
    EstablishmentFactory(organisation=group, siret=first.siret[:9] + "00027", name="Kieffer Brumath")
    EstablishmentFactory(name="Kieffer fermé", is_active=False)
    found, body = options(client, "kieffer")
    hrefs = [o["href"] for o in found if o["href"]]
    assert f"/etablissements/{establishment.siret}/" in hrefs
    assert f"/entreprises/{group.siren}/" in hrefs  # a company of several establishments
    assert "Kieffer fermé" not in body
    assert "2 établissements" in body


def test_short_or_unknown_text_gives_no_option(client, taxonomy):
    assert options(client, "a")[0] == []
    assert options(client, "")[0] == []
    assert options(client, "zzzzqqq")[0] == []
    assert options(client, "x" * 5000)[0] == []


def test_unknown_field_falls_back_to_the_text_box(client, taxonomy):
    response = client.get(URL, {"champ": "nope", "q": "fraisage"})
    assert response.status_code == 200 and 'data-value="Fraisage"' in response.content.decode()


def test_suggestions_escape_what_was_typed(client):
    EstablishmentFactory(name="<script>alert(1)</script> SARL")
    body = options(client, "<script>")[1]
    assert "<script>alert" not in body and "&lt;script&gt;" in body


def test_suggestions_answer_fast_with_few_queries(client, taxonomy, django_assert_max_num_queries):
    commune("Fraisans", "39700", department="39")
    for i in range(30):
        EstablishmentFactory(name=f"Fraisage Dupont {i}")
    client.get(URL, {"q": "fra"})  # warm up (templates, translations)
    with django_assert_max_num_queries(4):
        started = time.perf_counter()
        found, _body = options(client, "fra")
        elapsed = time.perf_counter() - started
    kinds = {o["field"] or "href" for o in found}
    assert kinds == {"q", "pres", "href"}
    assert elapsed < 0.5  # generous on a loaded CI machine; ~10 ms on the demo


def test_search_boxes_carry_the_combobox_hooks_and_still_submit_without_javascript(client):
    body = client.get("/recherche/").content.decode()
    assert body.count(f'data-autocomplete="{URL}"') == 2
    assert 'data-autocomplete-field="q"' in body and 'data-autocomplete-field="pres"' in body
    assert "js/autocomplete.js" in body
    assert 'method="get"' in body and 'action="/recherche/"' in body
