"""The demo tells the truth: real companies keep their identity, invented data says so, and
every generated company is coherent (docs/demo.md, « Ce qui est réel » and « Cohérence »)."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from maillage.demo.checks import demo_coherence_violations
from maillage.demo.territory import NETWORK_SLUG
from maillage.directory.models import Establishment, EstablishmentUser, Network, Organisation
from maillage.needs.models import Need
from maillage.relations.models import SupplyRelation
from maillage.www.typography import NBSP, french_text

pytestmark = pytest.mark.django_db
SIRENE_SOURCE = f"Source{NBSP}: répertoire SIRENE"


@pytest.fixture
def network(demo_outputs):
    return Network.objects.get(slug=NETWORK_SLUG)


def page(client, establishment: Establishment) -> str:
    response = client.get(reverse("establishments:detail", args=[establishment.siret]))
    assert response.status_code == 200
    return response.content.decode()


def test_no_generated_company_breaks_a_coherence_rule(network):
    assert demo_coherence_violations(network) == []


def test_the_check_reads_every_generated_company_and_its_profile(network):
    from maillage.demo.checks import generated_companies

    companies = generated_companies()
    assert len(companies) == Organisation.objects.filter(is_generated=True, source="demo").count()
    assert sum(bool(c.trades) for c in companies) > 150
    assert sum(bool(c.equipment) for c in companies) > 50
    assert sum(bool(c.reference_clients) for c in companies) > 30
    assert sum(c.description.startswith(("Depuis", "PME familiale", "Sous-traitant")) for c in companies) > 20


def test_real_companies_keep_their_identity_and_are_never_called_fictitious(client, network):
    real = Organisation.objects.filter(is_generated=False, source="demo")
    assert real.count() >= 50
    for organisation in real:
        html = client.get(reverse("establishments:organisation", args=[organisation.siren])).content.decode()
        assert escape(french_text(organisation.name)) in html  # « L’Oréal », as French writes it
        assert "fictif" not in html and "fictive" not in html, organisation.name
        for establishment in organisation.establishments.all():
            html = page(client, establishment)
            assert "fictif" not in html and "fictive" not in html, establishment.siret
            assert organisation.siren[:3] in html


def test_a_generated_site_of_a_real_company_says_so_and_claims_no_sirene_source(client, network):
    placed = Establishment.objects.filter(is_generated=True, organisation__is_generated=False)
    assert placed.count() >= 50
    for establishment in placed:
        html = page(client, establishment)
        assert (
            "site de démonstration" in html
            and f"Site de démonstration{NBSP}: l’entreprise est réelle" in html
        )
        assert SIRENE_SOURCE not in html, establishment.siret
        assert establishment.creation_date is None  # the site is invented, not its company's date


def test_a_real_site_keeps_its_sirene_source_and_no_badge(client, network):
    html = page(client, Establishment.objects.get(siret="71201953800123"))
    assert SIRENE_SOURCE in html
    assert "site de démonstration" not in html and "entreprise fictive" not in html


def test_fictitious_companies_are_labelled_as_demonstration_data(client, network):
    fictitious = Establishment.objects.filter(organisation__is_generated=True).order_by("siret")
    for establishment in fictitious[:: max(1, fictitious.count() // 40)]:
        html = page(client, establishment)
        assert "entreprise fictive" in html and "tirés au hasard" in html
        assert SIRENE_SOURCE not in html


def test_the_member_list_marks_fictitious_companies_and_demonstration_sites(client, network):
    html = client.get("/").content.decode()
    assert "entreprise fictive" in html and "site de démonstration" in html
    assert ">fictif<" not in html and "site fictif" not in html


def test_demo_accounts_needs_and_ledgers_speak_only_for_fictitious_companies(network):
    linked = Establishment.objects.filter(
        pk__in=EstablishmentUser.objects.filter(user__email__endswith="@demo.maillage.fr").values(
            "establishment"
        )
    )
    assert linked.count() == 2 and not linked.filter(organisation__is_generated=False).exists()
    assert Need.objects.filter(network=network).count() == 2
    assert not Need.objects.filter(author_establishment__organisation__is_generated=False).exists()
    assert SupplyRelation.objects.filter(source="ledger").exists()
    assert not SupplyRelation.objects.filter(
        source="ledger", client__organisation__is_generated=False
    ).exists()
