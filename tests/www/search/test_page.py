"""``/recherche/``: list + map of the engine's results, htmx partial, facets, export, bad input."""

import csv
import html
import io
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from openpyxl import load_workbook

from maillage.directory.models import Establishment
from maillage.matching.index import index_build, reader
from maillage.profiles.models import ChangeSource
from maillage.profiles.services import profile_reference_add
from maillage.www.search import views as search_views
from maillage.www.search.views import Row
from maillage.www.typography import NBSP
from tests.accounts.factories import EstablishmentUserFactory, UserFactory
from tests.directory.factories import MembershipFactory
from tests.matching.buyer_judge import load_holdings
from tests.spreadsheets import assert_safe_workbook, read_csv

pytestmark = pytest.mark.django_db
URL = "/recherche/"
HTMX = {"HTTP_HX_REQUEST": "true"}
# A members-only reference added to one demo establishment before the index is built.
SECRET = "Quetzal Marine"


@pytest.fixture(scope="module")
def demo_index(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo territory and its index (in a temporary directory), built once for the module."""
    settings_override = override_settings(SEARCH_INDEX_DIR=tmp_path_factory.mktemp("search") / "index")
    settings_override.enable()
    reader.reset()
    with django_db_blocker.unblock():
        call_command("demo", stdout=StringIO())
        establishment = Establishment.objects.filter(source="demo").order_by("siret").first()
        profile_reference_add(
            establishment=establishment,
            client=SECRET,
            project="coques en titane",
            actor=None,
            source=ChangeSource.MEMBER,
            visibility="members",
        )
        index_build()
        yield establishment
        call_command("flush", interactive=False, verbosity=0)
    reader.reset()
    settings_override.disable()


@pytest.fixture
def member(demo_index):
    establishment = Establishment.objects.filter(source="demo").order_by("-siret").first()
    MembershipFactory(establishment=establishment)
    return EstablishmentUserFactory(establishment=establishment).user


def test_query_and_place_render_results_with_explanation(client, demo_index):
    response = client.get(URL, {"q": "usinage 5 axes", "pres": "Haguenau", "distance": 30})
    assert response.status_code == 200
    rows = response.context["rows"]
    assert rows and len(rows) <= 20
    body = response.content.decode()
    assert "<html" in body and 'id="search-map"' in body and "search.js" in body  # the full page
    for row in rows:
        assert row.distance_km <= 30
        assert f'href="/etablissements/{row.siret}/"' in body
        # The engine's explanation, as a sentence in the page's language (test_explanations.py).
        assert row.explanation and row.reason and row.reason in html.unescape(body)
    # The map's markers come from the same list items: every located result carries its position.
    assert body.count("data-lat=") == sum(row.latitude is not None for row in rows) > 0


def test_htmx_request_returns_only_the_results_partial(client, demo_index):
    response = client.get(URL, {"q": "usinage", "pres": "Haguenau"}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and "<form" not in body and 'id="search-map"' not in body
    assert 'class="search-result"' in body
    # The filters (facet counts of this search) come along, swapped out of band.
    assert 'id="search-filters" hx-swap-oob="true"' in body


def test_page_without_javascript_is_the_full_form(client, demo_index):
    body = client.get(URL).content.decode()
    assert 'method="get"' in body and 'name="q"' in body and 'name="pres"' in body
    assert 'type="range"' in body and 'min="5"' in body and 'max="200"' in body and 'value="50"' in body
    assert 'hx-get="/recherche/"' in body and 'hx-push-url="true"' in body
    assert 'class="search-result"' not in body


def test_facets_feed_the_filters_and_filter_the_results(client, demo_index):
    response = client.get(URL, {"q": "usinage"})
    filters = {f["field"].html_name: f["options"] for f in response.context["filters"]}
    assert filters["savoir_faire"] and all(o["count"] > 0 for o in filters["savoir_faire"])
    assert all(o["code"].startswith("cert.") for o in filters["certification"])
    assert all(o["code"].startswith("sector.") for o in filters["secteur"])
    assert filters["effectif"]
    certification = filters["certification"][0]
    filtered = client.get(URL, {"q": "usinage", "certification": certification["code"]})
    assert filtered.status_code == 200
    total = filtered.context["results"].total
    assert total > 0
    holdings = load_holdings()  # the ground truth, read from the profile rows
    assert all(
        certification["code"] in holdings[row.siret].certifications for row in filtered.context["rows"]
    )
    chosen = {f["field"].html_name: f["options"] for f in filtered.context["filters"]}["certification"]
    assert [o["code"] for o in chosen if o["selected"]] == [certification["code"]]
    band = filters["effectif"][0]
    by_band = client.get(URL, {"q": "usinage", "effectif": band["code"]})
    bands = by_band.context["results"].facets["headcount_band"]
    assert [b["code"] for b in bands] == [band["code"]] and bands[0]["count"] == by_band.context[
        "results"
    ].total


def test_pagination_keeps_the_query_and_moves_on(client, demo_index):
    first = client.get(URL, {"q": "usinage"})
    assert first.context["pages"] > 1
    next_url = html.unescape(re.search(r'href="([^"]+)" rel="next"', first.content.decode()).group(1))
    assert "q=usinage" in next_url and "page=2" in next_url
    second = client.get(URL + next_url)
    assert second.context["page"] == 2 and 'rel="prev"' in second.content.decode()
    first_sirets = {row.siret for row in first.context["rows"]}
    assert first_sirets.isdisjoint(row.siret for row in second.context["rows"])


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"q": "x" * 10_240}, "q", "trop longue"),
        ({"q": "usinage", "pres": "Trifouillis-les-Oies"}, "pres", "lieu inconnu"),
        ({"q": "usinage", "pres": "Haguenau", "distance": 100000}, "distance", "entre 5 et 200"),
        ({"q": "usinage", "pres": "Haguenau", "distance": "loin"}, "distance", "Distance"),
        ({"q": "usinage", "savoir_faire": "proc.nope"}, "savoir_faire", ""),
        ({"q": "usinage", "effectif": "beaucoup"}, "effectif", "inconnue"),
        ({"q": "usinage", "page": 0}, "page", "page"),
    ],
)
def test_bad_input_is_a_message_next_to_the_field(client, demo_index, params, field, words):
    response = client.get(URL, params)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and words in " ".join(errors[field])
    body = response.content.decode()
    assert 'class="field-error"' in body
    partial = client.get(URL, params, **HTMX)
    assert partial.status_code == 200 and 'role="alert"' in partial.content.decode()


def test_ambiguous_place_lists_the_candidates_as_links(client, demo_index):
    response = client.get(URL, {"q": "usinage", "pres": "Saint-Denis"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "INSEE 93066" in body
    assert "pres=Saint-Denis+%2893%29" in body
    link = re.search(r'<a href="([^"]+)">[^<]*</a> <span class="muted">INSEE 93066', body).group(1)
    chosen = client.get(URL + html.unescape(link))
    assert chosen.status_code == 200 and not chosen.context["form"].errors


def test_missing_index_is_a_clear_message(client, demo_index, settings, tmp_path):
    settings.SEARCH_INDEX_DIR = tmp_path / "nothing"
    reader.reset()
    response = client.get(URL, {"q": "usinage"})
    reader.reset()
    assert response.status_code == 503
    assert "index de recherche" in response.content.decode()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_member_exports_the_current_results(client, demo_index, member, fmt):
    client.force_login(member)
    page = client.get(URL, {"q": "usinage", "pres": "Haguenau"})
    assert page.context["can_export"] and f"format={fmt}" in page.content.decode()
    response = client.get(URL, {"q": "usinage", "pres": "Haguenau", "format": fmt})
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="maillage-recherche.{fmt}"'
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    else:
        rows = [
            list(r) for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
        ]
    assert rows[0] == ["siret", "nom", "commune", "code_postal", "distance_km", "score", "explication"]
    assert len(rows) - 1 == min(page.context["results"].total, 200)
    assert rows[1][0] == page.context["rows"][0].siret


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_is_refused_to_visitors_and_non_members(client, demo_index, fmt):
    response = client.get(URL, {"q": "usinage", "format": fmt})
    assert response.status_code == 302 and response["Location"].startswith("/compte/connexion/?next=")
    client.force_login(UserFactory())
    assert client.get(URL, {"q": "usinage", "format": fmt}).status_code == 403
    assert not client.get(URL, {"q": "usinage"}).context["can_export"]


def test_results_carry_no_members_only_field(client, demo_index, member):
    for user in (None, member):
        if user is not None:
            client.force_login(user)
        body = client.get(URL, {"q": SECRET}).content.decode()
        assert SECRET not in body.replace(f'value="{SECRET}"', "")
        by_name = client.get(URL, {"q": demo_index.name})
        assert demo_index.siret in {row.siret for row in by_name.context["rows"]}
        assert SECRET not in by_name.content.decode()
        exported = client.get(URL, {"q": demo_index.name, "format": "csv"})
        if user is not None:
            assert demo_index.siret in exported.content.decode() and SECRET not in exported.content.decode()


def test_each_filter_returns_as_many_results_as_its_facet_count(client, demo_index):
    """Regression: « usinage » filtered by ISO 9001 gave 33 results for a facet count of 26."""
    response = client.get(URL, {"q": "usinage"})
    total = response.context["results"].total
    for filter_ in response.context["filters"]:
        name = filter_["field"].html_name
        for option in filter_["options"][:8]:
            filtered = client.get(URL, {"q": "usinage", name: option["code"]})
            assert filtered.context["results"].total == option["count"], (name, option)
            assert option["count"] <= total


def test_pages_and_htmx_redraws_are_the_same_with_or_without_the_result_cache(client, demo_index):
    asked = [
        {"q": "usinage", "page": page, "pres": "Haguenau", "distance": 50, **filters}
        for page in (1, 2, 1)
        for filters in ({}, {"certification": "cert.iso9001"})
    ]
    cached = [client.get(URL, params, **HTMX).content for params in asked]
    searcher = reader.get()
    assert searcher._cache, "the pages above should have filled the cache"
    searcher.cache_entries = 0
    searcher._cache.clear()
    try:
        cold = [client.get(URL, params, **HTMX).content for params in asked]
    finally:
        searcher.cache_entries = 64
    assert not searcher._cache
    assert cached == cold
    assert b"Page 2" in cached[2] and cached[0] != cached[2]


def test_the_result_cache_size_is_a_setting(client, demo_index, settings):
    settings.MAILLAGE_SEARCH_CACHE_ENTRIES = 0
    reader.reset()
    try:
        assert client.get(URL, {"q": "usinage"}).status_code == 200
        assert reader.get().cache_entries == 0 and not reader.get()._cache
    finally:
        reader.reset()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_neutralises_formulas_in_names(fmt):
    row = Row(
        siret="12345678900011",
        name='=HYPERLINK("http://evil.example","Usinage")',
        commune="@Haguenau",
        postal_code="67500",
        latitude=None,
        longitude=None,
        distance_km=-0.0,
        score=0.5,
        explanation="+usinage",
    )
    response = search_views._export([row], fmt)
    assert response["X-Content-Type-Options"] == "nosniff"
    rows = read_csv(response.content) if fmt == "csv" else assert_safe_workbook(response.content)
    assert rows[1][:3] == ["12345678900011", '\'=HYPERLINK("http://evil.example","Usinage")', "'@Haguenau"]
    assert rows[1][6] == "'+usinage"


def test_place_read_in_the_text_is_shown_and_can_be_undone(client, demo_index):
    response = client.get(URL, {"q": "anodisation dure près de Haguenau"})
    assert response.status_code == 200
    place = response.context["place"]
    assert place["text"] == "Lieu compris : Haguenau (67), les plus proches d’abord"
    body = response.content.decode()
    assert f"Lieu compris{NBSP}: Haguenau (67)" in body and "sans_lieu=1" in body
    assert all(row.distance_km is not None for row in response.context["rows"])
    undone = client.get(URL, {"q": "anodisation dure près de Haguenau", "sans_lieu": "1"})
    assert undone.context["place"] is None
    assert all(row.distance_km is None for row in undone.context["rows"])
    radius = client.get(URL, {"q": "usinage à 30 km de Haguenau"})
    assert radius.context["place"]["text"] == "Lieu compris : Haguenau (67), rayon 30 km"


def test_results_say_which_companies_said_it_and_which_are_inferred(client, demo_index):
    response = client.get(URL, {"q": "usinage 5 axes"})
    rows = response.context["rows"]
    evidence = [row.evidence for row in rows]
    assert evidence[0] == "said"
    pages = [rows]
    page = 2
    while "inferred" not in [row.evidence for rows in pages for row in rows] and page <= 5:
        pages.append(client.get(URL, {"q": "usinage 5 axes", "page": page}).context["rows"])
        page += 1
    labels = [row.evidence for rows in pages for row in rows]
    assert "inferred" in labels
    assert "said" not in labels[labels.index("inferred") :]
    html = "".join(
        client.get(URL, {"q": "usinage 5 axes", "page": p}).content.decode() for p in range(1, page)
    )
    assert "Déduit du code NAF — à confirmer" in html


def test_a_lone_number_finds_nothing(client, demo_index):
    response = client.get(URL, {"q": "5"})
    assert response.status_code == 200 and response.context["rows"] == []
