"""The interface in English reads English: the main pages walked as visitor, member, animator
and staff (home, network, searches with explanations and facets, establishment, organisation,
needs with their matches and groups, relations, supply graph, back office, legal pages, login,
API landing, autocompletes).

Each page is fetched with the language cookie set to English, its visible text (text nodes and
the attributes a reader sees: title, aria-label, placeholder, alt, a button's value) scanned
for words that correct English never contains (French interface words, French taxonomy labels,
French spacing before « : »). The names the fixtures typed (companies, networks, the need's
title, a company's own description) are user content, not interface: they are blanked out
before the scan. A failure names the page and prints the text around each hit.
"""

import datetime
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from maillage.accounts.services import claim_create, invitation_create
from maillage.engine.errors import QueryError
from maillage.engine.query import Location, SearchQuery, validate
from maillage.matching.index import index_build
from maillage.matching.search import search_query_error
from maillage.needs import services as need_services
from maillage.profiles.models import ChangeSource
from maillage.profiles.services import profile_certification_add, profile_equipment_add
from maillage.relations.models import RelationSource
from maillage.taxonomy.models import TaxonomyNode, TaxonomyProposal
from maillage.taxonomy.services import taxonomy_proposal_create
from maillage.taxonomy.units import UnitError, UnitRegistry
from maillage.www.typography import colon
from tests.accounts.factories import UserFactory
from tests.directory.factories import EstablishmentFactory
from tests.profiles import conftest as profiles_conftest
from tests.relations.factories import SupplyRelationFactory
from tests.taxonomy.shipped import shipped_taxonomy_fixture
from tests.www.needs import world as world_module
from tests.www.needs.world import BENDING, LASER, TIG

pytestmark = pytest.mark.django_db
LATHE = "equip.machine_tool.lathe"
_shipped_taxonomy_loaded = shipped_taxonomy_fixture("module")
taxonomy = profiles_conftest.taxonomy
needs_world = world_module.needs_world

# Words and marks that cannot appear in correct English (matched case-insensitively, on word
# boundaries): interface words, French taxonomy labels of the world's capabilities, French units
# and French spacing.
TELL_TALES = [
    "déclaré",
    "déclarée",
    "trouvé",
    "trouvés",
    "établissement",
    "établissements",
    "entreprise",
    "entreprises",
    "adhérent",
    "adhérents",
    "membre du réseau",
    "non trouvé",
    "rechercher",
    "recherche",
    "fraisage",
    "usinage",
    "découpe laser",
    "soudage",
    "pliage",
    "savoir-faire",
    "besoin",
    "besoins",
    "réseau",
    "fournisseur",
    "groupement",
    "connexion",
    "se déconnecter",
    "mot de passe",
    "aucun",
    "aucune",
    "à confirmer",
    "présentation",
    "salariés",
    "équipements",
    "jusqu’au",
    "tr/min",
    "voir sur la carte",
    "pourquoi",
    "exigé",
    "souhaité",
    "brouillon",
    "mentions légales",
    "qui travaille pour qui",
    "contributeurs",
    "pièces",
    "enregistrer",
]
# A space (breaking or not) before « : ; ! ? », and guillemets: French typography.
FRENCH_SPACING = re.compile(r"(?<=\S)[ \u00a0\u202f][:;!?](?=\s|$)|[«»]")
_TELL_TALE = re.compile(
    r"(?<!\w)(" + "|".join(re.escape(word) for word in TELL_TALES) + r")(?!\w)", re.IGNORECASE
)
SHOWN_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "data-attribution"}


class _VisibleText(HTMLParser):
    """The text a reader sees or hears: text nodes outside script and style, and the attributes
    read out (a submit button's value included)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        attributes = dict(attrs)
        for name, value in attributes.items():
            if value and (
                name in SHOWN_ATTRIBUTES
                or (name == "value" and tag in ("button", "input") and attributes.get("type") == "submit")
            ):
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def french_tells(text: str, names: list[str]) -> list[str]:
    """Each tell-tale found in ``text`` (user-typed ``names`` blanked), with 60 characters around."""
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, "NAME")
    hits = []
    for pattern in (_TELL_TALE, FRENCH_SPACING):
        for match in pattern.finditer(text):
            start, end = max(0, match.start() - 60), match.end() + 60
            around = text[start:end].replace("\n", " ⏎ ")
            hits.append(f"{match.group(0)!r} in …{around}…")
    return hits


@pytest.fixture
def english_world(needs_world, django_capture_on_commit_callbacks):
    world = needs_world
    network = world["network"]
    network.description = "Le réseau des entreprises industrielles du Bas-Rhin."
    network.description_en = "The network of the industrial companies of the Bas-Rhin."
    network.save()
    world["other_network"].description_en = "Another network."
    world["other_network"].save()
    need = need_services.need_create(
        author=world["author"],
        network=network,
        author_establishment=world["author_establishment"],
        kind="part",
        title="Welded frame",
        capabilities=[need_services.CapabilityInput(code, required=False) for code in (LASER, BENDING, TIG)],
        commune="67482",
        deadline=timezone.localdate() + datetime.timedelta(days=20),
    )
    with django_capture_on_commit_callbacks(execute=True):
        need_services.need_open(need=need, actor=world["author"])
    # A company invited as part of a group: its row says why in the reader's language.
    world["grouped"] = EstablishmentFactory(name="Atelier Meyer", commune=world["commune"], member_of=network)
    with django_capture_on_commit_callbacks(execute=True):
        need_services.need_group_invite(need=need, actor=world["author"], establishments=[world["grouped"]])
    world["need"] = need
    # Work waiting for the animator: a claim, an invitation, a synonym proposal.
    claim_create(user=UserFactory(email="claimant@example.org"), siret=world["grouped"].siret, message="")
    invitation_create(
        network=network, email="new@example.org", invited_by=world["animator"], establishment=world["vogel"]
    )
    taxonomy_proposal_create(
        network=network,
        proposed_by=world["animator"],
        kind=TaxonomyProposal.Kind.SYNONYM,
        node=TaxonomyNode.objects.get(code=LASER),
        synonym="fibre laser profiling",
        language=TaxonomyProposal.Language.EN,
    )
    # A machine with figures on a supplier's page.
    profile_equipment_add(
        establishment=world["kieffer"],
        code=LATHE,
        actor=None,
        source=ChangeSource.MEMBER,
        specs={"spindle_speed": "20000 rpm", "axes": "5"},
    )
    profile_certification_add(
        establishment=world["kieffer"],
        code="cert.en9100",
        actor=None,
        source=ChangeSource.MEMBER,
        valid_from=timezone.localdate() - datetime.timedelta(days=100),
        valid_until=timezone.localdate() + datetime.timedelta(days=400),
    )
    index_build()  # the machine and the certificate searchable
    # A draft with figures: a budget, a machine with a bound, a certification.
    world["draft"] = need_services.need_create(
        author=world["author"],
        network=network,
        author_establishment=world["author_establishment"],
        kind="part",
        title="Injected housings",
        capabilities=[need_services.CapabilityInput(LASER)],
        certifications=["cert.en9100"],
        equipment=[need_services.EquipmentInput("equip.plastics.injection", "clamping_force", minimum=1200)],
        budget_min=Decimal("12345.5"),
        commune="67482",
        deadline=timezone.localdate() + datetime.timedelta(days=30),
    )
    world["relation"] = SupplyRelationFactory(
        supplier=world["kieffer"],
        client=world["author_establishment"],
        category_node=TaxonomyNode.objects.get(code=LASER),
        source=RelationSource.SUPPLIER,
    )
    return world


def user_names(world) -> list[str]:
    """What the fixtures typed: proper names, not interface text."""
    names = [
        world["network"].name,
        world["network"].description,
        world["other_network"].name,
        world["commune"].name,
        world["need"].title,
        world["draft"].title,
    ]
    for key in ("author_establishment", "kieffer", "roth", "vogel", "outsider_establishment", "grouped"):
        establishment = world[key]
        names += [establishment.name, establishment.organisation.name]
    return [name for name in names if name]


def pages(world, role: str) -> list[str]:
    kieffer, need, slug = world["kieffer"], world["need"], world["network"].slug
    common = [
        reverse("home:home"),
        reverse("home:network_detail", args=[slug]),
        reverse("search:search") + "?q=laser+cutting&pres=Strasbourg&distance=50",
        reverse("search:search") + "?q=laser+cutting",
        # Words, a certification, a machine, a headcount band, a network, a widened search.
        reverse("search:search") + "?q=laser+cutting+bending+welding&certification=cert.en9100",
        reverse("search:search") + "?q=lathe+20000+rpm&effectif=20-49&reseau=" + world["network"].slug,
        reverse("search:search") + "?q=waterjet+cutting+near+Strasbourg",
        reverse("search:search") + "?q=laser+cutting+within+30+km+of+Strasbourg",
        reverse("establishments:detail", args=[kieffer.siret]),
        reverse("establishments:organisation", args=[kieffer.organisation.siren]),
        reverse("supply_graph:graph"),
        "/api/v1/",
        reverse("legal:notice"),
        reverse("legal:privacy"),
        reverse("legal:accessibility"),
        reverse("legal:contact"),
    ]
    if role == "visitor":
        return [*common, reverse("accounts:login")]
    if role == "admin":  # the platform's staff: the taxonomy proposals, the style guide
        return [*common, reverse("backoffice:taxonomy_proposals"), reverse("styleguide:index")]
    member = [
        reverse("needs:list"),
        reverse("needs:detail", args=[need.pk]),
        reverse("needs:detail", args=[world["draft"].pk]),
        reverse("needs:consortium", args=[need.pk]),
        reverse("needs:consortium", args=[need.pk]) + "?max_partners=5&alternatives=3",
        reverse("needs:inbox"),
        reverse("relations:list"),
        reverse("relations:detail", args=[world["relation"].pk]),
    ]
    member += [
        reverse("needs:create"),
        reverse("needs:notifications"),
        reverse("claims:create"),
        reverse("search:suggestions") + "?q=laser&field=q",
    ]
    if role == "member":
        return [
            *common,
            *member,
            reverse("relations:declare"),
            reverse("profile_edit:edit", args=[world["author_establishment"].siret]),
        ]
    return [
        *common,
        *member,
        reverse("needs:figures", args=[slug]),
        reverse("backoffice:index"),
        reverse("backoffice:members", args=[slug]),
        reverse("backoffice:invitations", args=[slug]),
        reverse("backoffice:claims", args=[slug]),
        reverse("backoffice:settings", args=[slug]),
        reverse("backoffice:taxonomy", args=[slug]),
        reverse("backoffice:reviews", args=[slug]),
        reverse("relations:leakage", args=[slug]),
        reverse("relations:match_reviews", args=[slug]),
    ]


USERS = {"visitor": None, "member": "author", "animator": "animator", "admin": "admin"}


@pytest.mark.parametrize("role", USERS)
def test_main_pages_in_english_have_no_french_word(client, english_world, role):
    if USERS[role]:
        client.force_login(english_world[USERS[role]])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    names = user_names(english_world)
    failures = []
    for url in pages(english_world, role):
        response = client.get(url, follow=True)  # the back office's index opens the one network
        assert response.status_code == 200, f"{url} answered {response.status_code} to the {role}"
        hits = french_tells(visible_text(response.content.decode()), names)
        failures += [f"{url}: {hit}" for hit in hits]
    assert not failures, f"French on English pages ({role}):\n" + "\n".join(failures)


def test_the_scan_catches_french():
    """The check itself can fail: a French sentence and French spacing are reported."""
    html = "<p>3 établissements trouvés</p><button title='Rechercher'>Go</button><p>Distance (km) : 30</p>"
    hits = french_tells(visible_text(html), [])
    assert len(hits) == 4
    assert french_tells(visible_text("<p>Usinage Lutz: 3 results</p>"), ["Usinage Lutz"]) == []


def test_a_label_colon_follows_the_language():
    with translation.override("fr"):
        assert colon() == "\u00a0:"
    with translation.override("en"):
        assert colon() == ":"


@pytest.mark.parametrize(
    ("query", "english"),
    [
        (SearchQuery(text=""), "empty search: type a need or choose at least one criterion"),
        (
            SearchQuery(text="x", headcount_min=50, headcount_max=10),
            "the maximum headcount is below the minimum",
        ),
        (
            SearchQuery(text="x", location=Location(48.6, 7.7, radius_km=5000.0)),
            "distance too large (5,000 km, at most 1,500 km)",
        ),
    ],
)
def test_the_engines_refusals_are_worded_in_the_readers_language(query, english):
    """The engine (no gettext) says why by a reason key and figures; the Django side words it."""
    with pytest.raises(QueryError) as caught:
        validate(query, taxonomy=set())
    with translation.override("en"):
        error = search_query_error(caught.value)
    assert error.message == english
    with translation.override("fr"):
        french = search_query_error(caught.value).message
    assert french != english and french.split()[0] == caught.value.message.split()[0]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["€12,345.5", "Injection moulding machine (Clamping force ≥ 1,200\u00a0t)"]),
        ("fr", ["12\u00a0345,5\u00a0€", "Presse à injecter (Force de fermeture ≥ 1\u00a0200\u00a0t)"]),
    ],
)
def test_need_figures_and_units_follow_the_language(client, english_world, language, expected):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(english_world["author"])
    text = visible_text(
        client.get(reverse("needs:detail", args=[english_world["draft"].pk])).content.decode()
    )
    with translation.override(language):  # "Jan. 6, 2027", « 6 janvier 2027 »
        expected = [*expected, date_format(english_world["draft"].deadline, "DATE_FORMAT")]
    for words in expected:
        assert words in text, f"{words!r} not in the {language} page:\n{text}"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["Maximum spindle speed: 20,000\u00a0rpm", "Number of axes: 5"]),
        ("fr", ["Vitesse de broche maximale\u00a0: 20\u00a0000\u00a0tr/min", "Nombre d'axes\u00a0: 5"]),
    ],
)
def test_machine_figures_follow_the_language(client, english_world, language, expected):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(
        reverse("establishments:detail", args=[english_world["kieffer"].siret])
    ).content.decode()
    # One apostrophe style whoever sets it (French typography may turn ' into ’).
    text = " ".join(visible_text(page).split("\n")).replace("’", "'")
    for words in expected:
        assert words in text, f"{words!r} not in the {language} page:\n{text}"


def test_autocomplete_suggests_labels_in_the_readers_language(client, english_world):
    url = reverse("profile_edit:taxonomy_suggest")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url, {"kind": "capability", "q": "laser"}).content.decode()
    assert 'value="Laser cutting"' in english and "Découpe laser" not in english
    # Typed in French on an English page: found all the same, offered in English.
    typed_in_french = client.get(url, {"kind": "capability", "q": "découpe las"}).content.decode()
    assert 'value="Laser cutting"' in typed_in_french
    search = client.get(reverse("search:suggestions"), {"q": "laser", "field": "q"}).content.decode()
    assert "Laser cutting" in search and "Découpe laser" not in search
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert 'value="Découpe laser"' in client.get(url, {"kind": "capability", "q": "laser"}).content.decode()


def test_a_place_and_radius_written_in_english_are_read(client, english_world):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("search:search") + "?q=laser+cutting+within+30+km+of+Strasbourg"
    text = visible_text(client.get(url).content.decode())
    assert "Place understood: Strasbourg (67), within 30 km" in text
    assert "“within”" not in text  # not left over as a word found nowhere


def test_a_unit_refusal_names_quantities_in_the_readers_language():
    units = UnitRegistry.from_file()
    with translation.override("en"), pytest.raises(UnitError) as caught:
        units.resolve("kg", "force")
    assert "mass" in str(caught.value) and "masse" not in str(caught.value)
