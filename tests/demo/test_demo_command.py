"""``maillage demo``: the North Alsace network, honest about what is real, idempotent."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count
from stdnum.fr import siret as stdnum_siret

from maillage.demo.accounts import demo_logins
from maillage.demo.builder import MEMBER_COUNT, REAL_SITE_NIC
from maillage.demo.territory import NETWORK_SLUG, TERRITORY_EPCIS
from maillage.directory.models import (
    Establishment,
    EstablishmentUser,
    Membership,
    Network,
    Organisation,
    Source,
)
from maillage.directory.selectors import network_territory_communes

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(demo_outputs):
    return Network.objects.get(slug=NETWORK_SLUG)


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Organisation, Establishment, Membership, Network, EstablishmentUser)
    }


def test_first_run_loads_the_referential_and_builds_the_network(demo_outputs, network):
    assert "chargement" in demo_outputs[0].lower()
    assert network.name == "Industries Alsace du Nord"
    assert set(network.epcis.values_list("siren", flat=True)) == set(TERRITORY_EPCIS)
    assert network_territory_communes(network).count() > 100


def test_second_run_changes_nothing_and_says_so(demo_outputs, network):
    assert "aucune modification" in demo_outputs[1]
    before = counts()
    out = StringIO()
    call_command("demo", stdout=out)
    assert "aucune modification" in out.getvalue()
    assert counts() == before


def test_every_generated_record_is_flagged_and_marked_as_demo(network):
    generated = Organisation.objects.filter(is_generated=True)
    assert generated.count() >= 250
    assert not Establishment.objects.filter(organisation__is_generated=True, is_generated=False).exists()
    assert not Establishment.objects.filter(is_generated=True).exclude(source=Source.DEMO).exists()
    # A generated establishment of a real company is recognisable by its 9999x NIC.
    placed = Establishment.objects.filter(is_generated=True, organisation__is_generated=False)
    assert placed.exists()
    assert all(siret[9:13] == f"{REAL_SITE_NIC:04d}" for siret in placed.values_list("siret", flat=True))


def test_real_sirets_are_valid_and_not_flagged(network):
    real = Establishment.objects.filter(is_generated=False)
    assert real.filter(siret="71201953800123", organisation__is_generated=False).exists()
    assert all(stdnum_siret.is_valid(siret) for siret in real.values_list("siret", flat=True))
    assert all(
        stdnum_siret.is_valid(siret) for siret in Establishment.objects.values_list("siret", flat=True)
    )


def test_real_bas_rhin_industrial_companies_are_brought_in(network):
    schaeffler = Organisation.objects.get(siren="568504161")
    assert schaeffler.name == "SCHAEFFLER FRANCE"
    assert not schaeffler.is_generated
    assert schaeffler.naf.section == "C"


def test_network_establishments_and_generated_ones_are_in_the_territory(network):
    territory = set(network_territory_communes(network).values_list("pk", flat=True))
    in_network = Establishment.objects.filter(memberships__network=network)
    assert set(in_network.values_list("commune_id", flat=True)) <= territory
    assert (
        set(Establishment.objects.filter(is_generated=True).values_list("commune_id", flat=True)) <= territory
    )
    # Real sites elsewhere in Alsace stay in the directory without a membership.
    molsheim = Establishment.objects.get(siret="71201953800123")
    assert molsheim.commune.name == "Molsheim"
    assert not molsheim.memberships.exists()


def test_members_prospects_and_former_members(network):
    by_status = dict(network.memberships.values_list("status").annotate(n=Count("pk")))
    assert by_status[Membership.Status.MEMBER] == MEMBER_COUNT
    assert by_status[Membership.Status.PROSPECT] > 0
    assert by_status[Membership.Status.FORMER] > 0
    members = network.memberships.filter(status=Membership.Status.MEMBER)
    assert not members.filter(joined_on__isnull=True).exists()
    assert members.exclude(dues_status=Membership.DuesStatus.PAID).exists()
    # The dues status is that of this year's dues, which the demo writes (issue 15).
    late = members.filter(dues_status=Membership.DuesStatus.LATE)
    assert late.exists() and late.filter(dues__status="late").count() == late.count()
    assert not members.filter(dues__isnull=True).exists()


def test_generated_naf_codes_are_industrial(network):
    sections = set(
        Establishment.objects.filter(organisation__is_generated=True).values_list("naf__section", flat=True)
    )
    assert sections <= {"C", "D", "E", "M"}
    assert "C" in sections


def test_demo_logins_work(client, network):
    members = list(
        EstablishmentUser.objects.filter(user__email__startswith="adherent").values_list(
            "establishment__siret", flat=True
        )
    )
    assert len(members) == 2
    for login in demo_logins(members):
        assert client.login(email=login.email, password=login.password), login.email
        client.logout()
    animator = network.animators.get()
    assert animator.is_staff and not animator.is_superuser
    assert animator.has_perm("directory.change_membership")


def test_animator_reaches_the_admin_change_lists(client, network):
    client.login(email="animatrice@demo.maillage.fr", password="animatrice-demo")
    for url in (
        "/admin/directory/establishment/",
        f"/admin/directory/establishment/?network={network.pk}&membership_status=member&naf_section=C",
        "/admin/directory/establishment/?q=Haguenau",
        "/admin/directory/membership/",
        "/admin/directory/organisation/",
    ):
        assert client.get(url).status_code == 200, url


def test_member_users_are_linked_to_member_establishments(network):
    for link in EstablishmentUser.objects.select_related("establishment"):
        assert link.establishment.memberships.filter(
            network=network, status=Membership.Status.MEMBER
        ).exists()
