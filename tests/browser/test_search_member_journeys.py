"""Search and member journeys in a real browser: list and map agree, a member's edit is searchable,
members-only fields stay hidden from visitors.

The index is built for real in a temporary directory (``SEARCH_INDEX_DIR``) from factory data
and the shipped taxonomy; the member's edit reaches it through the commit hook of the profile
services, as in production (nothing mocked).
"""

import re
import time

import pytest
from playwright.sync_api import expect

from maillage.directory.models import EstablishmentUser
from maillage.matching.index import index_build, reader
from maillage.profiles.models import ChangeSource
from maillage.profiles.services import profile_capability_set, profile_reference_add, profile_update
from maillage.taxonomy.loader import read_taxonomy
from maillage.taxonomy.services import taxonomy_load
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.browser.conftest import login
from tests.directory.factories import EstablishmentFactory, MembershipFactory, NetworkFactory
from tests.referential.factories import CommuneFactory

pytestmark = pytest.mark.django_db(transaction=True)
# Haguenau (67180) and a far commune: the far injection moulder must stay out of a 30 km search.
HAGUENAU = (48.8156, 7.7906)
# Injection moulders around Haguenau: (name, latitude offset, longitude offset).
MOULDERS = [
    ("Plasturgie Kuhn", 0.01, 0.01),
    ("Moulages Schaeffer", 0.05, -0.03),
    ("Injectal Brumath", -0.08, -0.04),
    ("Polyforme Bischwiller", -0.02, 0.09),
    ("Plastiques Ritter", 0.12, 0.05),
    ("Technoplast Seltz", 0.11, 0.25),
]


@pytest.fixture
def index(settings, tmp_path):
    """The shipped taxonomy and an index directory of the test's own; ``index_build`` is called later."""
    taxonomy_load(data=read_taxonomy(), dry_run=False)
    settings.MAILLAGE_TILE_URL = ""  # no tile server in tests: the markers show on a blank map
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    reader.reset()
    yield settings.SEARCH_INDEX_DIR
    reader.reset()


@pytest.fixture
def haguenau():
    return CommuneFactory(
        insee_code="67180",
        name="Haguenau",
        search_name="haguenau",
        latitude=HAGUENAU[0],
        longitude=HAGUENAU[1],
        postal_codes=["67500"],
    )


def establishment_at(name: str, commune, latitude: float, longitude: float, network=None):
    establishment = EstablishmentFactory(
        name=name, organisation__name=name, commune=commune, latitude=latitude, longitude=longitude
    )
    MembershipFactory(network=network or NetworkFactory(), establishment=establishment)
    return establishment


def declare(establishment, code: str, description: str) -> None:
    profile_update(
        establishment=establishment, actor=None, source=ChangeSource.MEMBER, description_fr=description
    )
    profile_capability_set(establishment=establishment, code=code, actor=None, source=ChangeSource.MEMBER)


def listed_sirets(page) -> list[str]:
    return page.locator("#search-results .search-result").evaluate_all(
        "items => items.map(i => i.dataset.siret)"
    )


def marker_sirets(page) -> list[str]:
    # Markers are SVG paths drawn in list order (search.js stamps each with its SIRET).
    return page.locator("#search-map path[data-siret]").evaluate_all(
        "paths => paths.map(p => p.dataset.siret)"
    )


def test_visitor_sees_the_same_results_in_the_same_order_on_the_list_and_the_map(page, index, haguenau):
    network = NetworkFactory()
    moulders = []
    for name, d_lat, d_lon in MOULDERS:
        establishment = establishment_at(name, haguenau, HAGUENAU[0] + d_lat, HAGUENAU[1] + d_lon, network)
        declare(establishment, "proc.plastics.injection", "Injection plastique de pièces techniques.")
        moulders.append(establishment)
    far = establishment_at("Plastiques du Midi", CommuneFactory(name="Marseille"), 43.2965, 5.3698, network)
    declare(far, "proc.plastics.injection", "Injection plastique de pièces techniques.")
    machinist = establishment_at("Usinage Wendling", haguenau, HAGUENAU[0], HAGUENAU[1] + 0.02, network)
    declare(machinist, "proc.machining.milling", "Fraisage de pièces unitaires.")
    index_build()

    page.goto("/recherche/")
    # By name: the parameters of the shareable URL (the fields may carry an autocomplete list).
    page.locator("input[name=q]").fill("injection plastique")
    page.locator("input[name=pres]").fill("Haguenau")
    page.get_by_role("button", name="Rechercher").click()  # htmx swaps the results in place
    expect(page.get_by_role("status").filter(has_text="trouvés")).to_contain_text("établissements trouvés")
    expect(page).to_have_url(
        re.compile(r"/recherche/\?q=injection(\+|%20)plastique&pres=Haguenau&distance=50")
    )

    listed = listed_sirets(page)
    assert set(listed) >= {m.siret for m in moulders}
    assert far.siret not in listed
    expect(page.locator("#search-map")).to_have_attribute("data-markers", str(len(listed)))
    assert marker_sirets(page) == listed

    # The shared URL renders the whole page without htmx: list and map agree there too.
    page.reload()
    expect(page.locator("#search-map")).to_have_attribute("data-markers", str(len(listed)))
    assert listed_sirets(page) == listed
    assert marker_sirets(page) == listed

    # A narrower radius drops the farthest moulders from both at once.
    page.goto("/recherche/?q=injection+plastique&pres=Haguenau&distance=10")
    narrower = listed_sirets(page)
    assert narrower and len(narrower) < len(listed)
    assert "Technoplast Seltz" not in page.locator("#search-results").inner_text()
    expect(page.locator("#search-map")).to_have_attribute("data-markers", str(len(narrower)))
    assert marker_sirets(page) == narrower


def test_member_adds_a_capability_then_finds_their_company_by_it(page, index, haguenau):
    network = NetworkFactory()
    company = establishment_at("Atelier Kuntz", haguenau, *HAGUENAU, network)
    declare(company, "proc.machining.turning", "Tournage de pièces de révolution.")
    other = establishment_at("Traitements Vogel", haguenau, HAGUENAU[0] + 0.03, HAGUENAU[1], network)
    declare(other, "proc.surface.anodising.hard", "Anodisation dure de pièces en aluminium.")
    EstablishmentUser.objects.create(user=UserFactory(email="directeur@example.org"), establishment=company)
    index_build()

    page.goto("/recherche/?q=anodisation+dure")
    expect(page.get_by_role("link", name="Traitements Vogel")).to_be_visible()
    expect(page.get_by_role("link", name="Atelier Kuntz")).to_have_count(0)

    login(page, "directeur@example.org", DEFAULT_PASSWORD)
    page.goto(f"/mon-entreprise/{company.siret}/profil/")
    form = page.locator("form").filter(has=page.get_by_role("group", name="Ajouter un savoir-faire"))
    form.get_by_role("combobox", name="Savoir-faire").fill("Anodisation dure")
    form.get_by_role("button", name="Ajouter").click()
    expect(page.get_by_role("status")).to_contain_text("Savoir-faire ajouté.")

    # The commit hook refreshed the index; a searcher notices a delta within 0.5 s.
    for _attempt in range(20):
        page.goto("/recherche/?q=anodisation+dure")
        if page.get_by_role("link", name="Atelier Kuntz").count():
            break
        time.sleep(0.25)
    expect(page.get_by_role("link", name="Atelier Kuntz")).to_be_visible()
    result = page.locator(f"#result-{company.siret}")
    expect(result.locator(".search-result__why")).not_to_be_empty()


def test_visitor_cannot_see_a_members_only_reference(page, index, haguenau):
    network = NetworkFactory()
    company = establishment_at("Fonderie Roth", haguenau, *HAGUENAU, network)
    declare(company, "proc.foundry.sand", "Fonderie sable, pièces unitaires.")
    for client, visibility in (("Alstom", "public"), ("Quetzal Marine", "members")):
        profile_reference_add(
            establishment=company,
            client=client,
            project="pièces de fonderie",
            actor=None,
            source=ChangeSource.MEMBER,
            visibility=visibility,
        )
    colleague = establishment_at("Tôlerie Kieffer", haguenau, *HAGUENAU, network)
    EstablishmentUser.objects.create(user=UserFactory(email="membre@example.org"), establishment=colleague)
    index_build()

    page.goto(f"/etablissements/{company.siret}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Fonderie Roth")
    expect(page.get_by_text("Alstom")).to_be_visible()
    expect(page.get_by_text("1 autre référence est réservée aux adhérents du réseau.")).to_be_visible()
    assert "Quetzal Marine" not in page.content()
    # Nor through search: the index holds public fields only.
    page.goto("/recherche/?q=Quetzal+Marine")
    expect(page.get_by_role("link", name="Fonderie Roth")).to_have_count(0)

    login(page, "membre@example.org", DEFAULT_PASSWORD)
    page.goto(f"/etablissements/{company.siret}/")
    expect(page.get_by_text("Quetzal Marine")).to_be_visible()
