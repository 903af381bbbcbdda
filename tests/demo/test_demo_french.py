"""The demo's pages read as French should: typography, plurals, numbers, units, and no internal
code nor slug (issue 14). Every check reads the text a visitor sees, data included."""

import re

import pytest
from django.urls import reverse

from maillage.accounts.models import User
from maillage.demo.territory import NETWORK_SLUG
from maillage.directory.models import Establishment, Network
from maillage.needs.models import Need
from maillage.relations.models import SupplyRelation
from tests.visible import visible_text

pytestmark = pytest.mark.django_db
ANIMATOR = "animatrice@demo.maillage.fr"
MEMBER = "adherent1@demo.maillage.fr"
# What French typography and grammar never show, each with the reason a reader would give.
FAULTS = {
    "a count of zero with a plural noun (« aucun … »)": re.compile(
        r"(?<![\d.,\u00a0\u202f])\b0[ \u00a0\u202f][a-zé]+s\b"
    ),
    "a straight apostrophe in a word": re.compile(r"[^\W\d_]'[^\W\d_]"),
    "a colon glued to its word": re.compile(r"[^\W\d_]:(?=\s)"),
    "a breakable space before « : ; ! ? »": re.compile(r"\S [:;!?](?=\s|$)"),
    "a punctuation mark glued to its word": re.compile(r"[^\W\d_][;!?](?=\s|$)"),
    "« de » before a vowel": re.compile(r"\bde [AEIOUÉÈÎ]\w"),
    "guillemets without their spaces": re.compile(r"«[^\u00a0\s]|[^\u00a0\s]»"),
    "a big number without its thousands separator": re.compile(
        r"(?<![\d\u00a0\u202f])\d{4,}[ \u00a0](?:habitants|salariés|tr/min|rpm|t|mm|km|€|établissements)\b"
    ),
    "a unit as the code spells it": re.compile(r"\d[ \u00a0](?:count|rpm|tf)\b"),
    "a taxonomy code": re.compile(r"\b(?:proc|equip|cert|mat|sector|svc)\.[a-z_]+(?:\.[a-z0-9_]+)*\b"),
    "the network's slug": re.compile(rf"\b{NETWORK_SLUG}\b"),
    "a bare SIRET": re.compile(r"(?<![\d/_])\d{14}(?![\d/]|\.csv)"),  # a file's name may hold one
    "the consortium search's jargon": re.compile(r"nœuds? de recherche|Coût \d|optimal, prouvé"),
}


def faults(page: str) -> list[str]:
    text = visible_text(page)
    found = []
    for reason, pattern in FAULTS.items():
        for match in pattern.finditer(text):
            found.append(f"{reason}: …{text[max(0, match.start() - 40) : match.end() + 20]}…")
    return found


def test_the_checks_catch_what_issue_14_saw():
    seen = (
        "<p>0 établissements trouvés</p><p>Adhérent de Industries Alsace du Nord</p>"
        "<p>déclaré par l'entreprise; mots</p><p>Fonderie (proc.foundry)</p><p>20000 rpm</p>"
        "<p>membre du réseau alsace-du-nord</p><p>Nombre d’axes : 5 count</p><input placeholder='x'>"
    )
    reasons = {fault.split(": …")[0] for fault in faults(seen)}
    assert len(reasons) == 9, reasons


@pytest.fixture
def network(demo_outputs):
    return Network.objects.get(slug=NETWORK_SLUG)


def pages(network) -> dict[str | None, list[str]]:
    members = list(Establishment.objects.filter(memberships__network=network).order_by("siret")[::25])
    need = Need.objects.filter(network=network).order_by("pk").first()
    search = reverse("search:search")
    public = [
        reverse("home:home"),
        reverse("home:network_detail", args=[network.slug]),
        f"{search}?q=fraisage+5+axes&pres=Haguenau",
        f"{search}?q=fonderie",
        f"{search}?q=zzzzqqq",
        *[reverse("establishments:detail", args=[e.siret]) for e in members],
        *[reverse("establishments:organisation", args=[e.organisation.siren]) for e in members[:3]],
        reverse("api-home"),
        reverse("accounts:login"),
        reverse("claims:create"),
        f"{reverse('search:suggestions')}?q=fraisage",
    ]
    animator = [
        reverse("backoffice:index"),
        reverse("backoffice:members", args=[network.slug]),
        reverse("relations:list"),
        reverse("relations:leakage", args=[network.slug]),
        reverse("relations:match_reviews", args=[network.slug]),
        reverse("backoffice:invitations", args=[network.slug]),
        reverse("backoffice:claims", args=[network.slug]),
        reverse("backoffice:settings", args=[network.slug]),
        reverse("backoffice:taxonomy", args=[network.slug]),
        reverse("backoffice:reviews", args=[network.slug]),
        reverse("supply_graph:graph"),
        reverse("needs:list"),
        reverse("needs:figures", args=[network.slug]),
        reverse("needs:detail", args=[need.pk]),
        reverse("needs:consortium", args=[need.pk]),
        *[reverse("relations:detail", args=[r.pk]) for r in SupplyRelation.objects.order_by("pk")[::10]],
    ]
    siret = User.objects.get(email=MEMBER).establishment_links.first().establishment.siret
    member = [
        reverse("needs:create"),
        reverse("needs:inbox"),
        reverse("needs:notifications"),
        reverse("relations:list"),
        reverse("relations:declare"),
        reverse("supply_graph:graph"),
        reverse("profile_edit:edit", args=[siret]),
    ]
    return {None: public, ANIMATOR: animator, MEMBER: member}


def test_the_demo_pages_follow_french_typography_and_show_no_code(client, network):
    found = set()
    for login, urls in pages(network).items():
        client.logout()
        if login:
            client.force_login(User.objects.get(email=login))
        for url in urls:
            response = client.get(url, follow=True)
            assert response.status_code == 200, url
            found.update({f"{login} {url}: {problem}" for problem in faults(response.content.decode())})
    assert not found, "\n".join(sorted(found))
