"""Search result cards (issue 13, item 6): what a buyer judges a supplier from, in French and
English, read in a number of queries that does not grow with the results."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from maillage.matching.index import index_build, reader
from maillage.profiles import services
from maillage.profiles.display import CardMachine, CardNode, Figure
from maillage.profiles.models import ChangeSource
from maillage.www.search.cards import machine_text
from tests.directory.factories import EstablishmentFactory, MembershipFactory, NetworkFactory
from tests.referential.factories import CommuneFactory, HeadcountBandFactory, NafCodeFactory
from tests.taxonomy.shipped import shipped_taxonomy_fixture

pytestmark = pytest.mark.django_db
_shipped_taxonomy_loaded = shipped_taxonomy_fixture("module")
URL = "/recherche/"
NBSP = "\u00a0"
SEARCH = {"q": "fraisage 5 axes", "pres": "Haguenau", "distance": 50}
MEMBER = ChangeSource.MEMBER


@pytest.fixture
def haguenau(_shipped_taxonomy_loaded, settings, tmp_path):
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    reader.reset()
    yield CommuneFactory(
        insee_code="67180",
        name="Haguenau",
        search_name="haguenau",
        latitude=48.8156,
        longitude=7.7906,
        postal_codes=["67500"],
    )
    reader.reset()


@pytest.fixture
def network():
    return NetworkFactory(slug="alsace-nord", name="Industries Alsace du Nord")


def milling_shop(name, commune, *, dlat=0.05, machines=1, certified=True):
    """A 5-axis milling shop with machines and certificates, 50–99 employees, NAF 25.62B."""
    establishment = EstablishmentFactory(
        name=name,
        organisation__name=name,
        commune=commune,
        latitude=commune.latitude + dlat,
        longitude=commune.longitude,
        naf=NafCodeFactory(code="25.62B", label="Mécanique industrielle"),
        headcount_band=HeadcountBandFactory(
            code="21", label="50 à 99 salariés", min_employees=50, max_employees=99
        ),
    )
    kwargs = {"establishment": establishment, "actor": None, "source": MEMBER}
    services.profile_capability_set(code="proc.machining.milling.5axis", **kwargs)
    for index in range(machines):
        services.profile_equipment_add(
            code="equip.machine_tool.machining_centre.5axis",
            label=f"DMU {index}",
            quantity=2,
            specs={"travel_x": "1200 mm", "spindle_speed": "12000 tr/min"},
            **kwargs,
        )
    if certified:
        services.profile_certification_add(
            code="cert.iso9001", number="FR-1", valid_until=date.today() + timedelta(days=300), **kwargs
        )
        services.profile_certification_add(
            code="cert.en9100",
            number="FR-2",
            valid_from=date(2019, 1, 1),
            valid_until=date(2021, 1, 1),
            **kwargs,
        )
    return establishment


@pytest.fixture
def shops(haguenau, network):
    kieffer = milling_shop("Fraisage Kieffer", haguenau, dlat=0.1)
    MembershipFactory(network=network, establishment=kieffer)
    roth = milling_shop("Mécanique Roth", haguenau, dlat=0.2, certified=False)
    MembershipFactory(network=network, establishment=roth, prospect=True)
    index_build()
    return kieffer, roth


def card(body: str, siret: str) -> str:
    """The HTML of one result card (up to the next card or the end of the list)."""
    start = body.index(f'id="result-{siret}"')
    ends = [i for i in (body.find('<li class="search-result"', start), body.find("</ol>", start)) if i > 0]
    return body[start : min(ends)]


def test_a_card_shows_activity_size_membership_valid_certifications_machines_and_distance(client, shops):
    kieffer, roth = shops
    response = client.get(URL, SEARCH)
    assert response.status_code == 200
    body = response.content.decode()
    first = card(body, kieffer.siret)
    assert "Mécanique industrielle" in first
    assert "50 à 99 salariés" in first and ">21<" not in first  # never the INSEE band code
    assert "Membre du réseau" in first
    assert "ISO 9001" in first and "EN 9100" not in first  # the expired certificate is not shown
    assert f"Centre d’usinage 5 axes × 2 — course X{NBSP}: 1{NBSP}200{NBSP}mm" in first
    assert f'Haguenau · <span class="search-result__distance">11,1{NBSP}km</span>' in first
    why = re.search(r'<p class="search-result__why">(.*?)</p>', first).group(1)
    assert why == f"Déclaré par l’entreprise{NBSP}: fraisage 5 axes\u202f; à 11,1{NBSP}km de Haguenau."
    second = card(body, roth.siret)
    assert "Membre du réseau" not in second  # a prospect is not a member
    assert "Certifications" not in second and "50 à 99 salariés" in second
    # No internal code reaches the page: taxonomy codes, slugs, the engine's debug wording.
    results = body[body.index('<ol class="search-results"') : body.index("</ol>")]
    for internal in ("proc.", "cert.", "equip.", "alsace-nord", "→", "travel_x"):
        assert internal not in results


def test_an_english_page_shows_the_card_in_english(client, shops):
    kieffer, _roth = shops
    body = client.get(URL, SEARCH, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    first = card(body, kieffer.siret)
    assert '<span lang="fr">Mécanique industrielle</span>' in first  # INSEE labels are French only
    assert "50 to 99 employees" in first and "Network member" in first
    assert f"5-axis machining centre × 2 — X travel: 1,200{NBSP}mm" in first
    why = re.search(r'<p class="search-result__why">(.*?)</p>', first).group(1)
    assert why == f"Declared by the company: 5-axis milling; 11.1{NBSP}km from Haguenau."


def test_with_several_networks_the_badge_names_the_member_s(client, shops):
    NetworkFactory(slug="vosges", name="Pôle Vosges")
    kieffer, _roth = shops
    body = client.get(URL, SEARCH).content.decode()
    assert f"Membre{NBSP}: Industries Alsace du Nord" in card(body, kieffer.siret)


def page_queries(client) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, SEARCH)
    return len(response.context["rows"]), len(queries)


def test_the_page_reads_its_cards_in_a_constant_number_of_queries(client, haguenau, network):
    first = milling_shop("Fraisage 0", haguenau, machines=2)
    MembershipFactory(network=network, establishment=first)
    index_build()
    reader.reset()
    rows_before, queries_before = page_queries(client)
    for index in range(1, 12):
        shop = milling_shop(f"Fraisage {index}", haguenau, dlat=0.01 * index, machines=3)
        MembershipFactory(network=network, establishment=shop)
    index_build()
    reader.reset()
    rows_after, queries_after = page_queries(client)
    assert (rows_before, rows_after) == (1, 12)
    # The place (1), establishments, memberships, certifications, machines, their
    # specifications, the specifications' definitions (6), the platform's networks (1), the
    # network whose identity the header wears (1).
    assert queries_after == queries_before == 9


def test_a_machine_shows_the_figure_the_search_asked_about_else_its_most_telling_one():
    node = CardNode(
        "equip.machine_tool.machining_centre.5axis", "Centre d'usinage 5 axes", "5-axis machining centre"
    )
    machine = CardMachine(
        node,
        1,
        [
            Figure({"key": "travel_x", "label_fr": "Course X", "label_en": "X travel"}, 1200.0, "mm"),
            Figure(
                {
                    "key": "spindle_speed",
                    "label_fr": "Vitesse de broche maximale",
                    "label_en": "Maximum spindle speed",
                },
                12000.0,
                "rpm",
            ),
        ],
    )
    with translation.override("fr"):
        assert machine_text(machine) == f"Centre d’usinage 5 axes — course X{NBSP}: 1{NBSP}200{NBSP}mm"
        assert machine_text(machine, "spindle_speed") == (
            f"Centre d’usinage 5 axes — vitesse de broche maximale{NBSP}: 12{NBSP}000{NBSP}tr/min"
        )
    with translation.override("en"):
        assert (
            machine_text(machine, "spindle_speed")
            == f"5-axis machining centre — maximum spindle speed: 12,000{NBSP}rpm"
        )
    bare = CardMachine(node, 3, [])
    with translation.override("fr"):
        assert machine_text(bare) == "Centre d’usinage 5 axes × 3"
