"""The demo's activity: purchase ledgers imported for real, leakage to show, two needs."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Q

from maillage.demo.territory import NETWORK_SLUG
from maillage.directory.models import Network
from maillage.journal.models import JournalEntry
from maillage.needs.models import Need, NeedStatus
from maillage.profiles.models import CapabilityStatus, ProfileCapability
from maillage.relations.leakage import Territory, leakage_for
from maillage.relations.models import PurchaseLine, SupplyRelation
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(demo_outputs):
    return Network.objects.get(slug=NETWORK_SLUG)


def test_ledgers_of_the_largest_members_are_imported(demo_outputs, network):
    assert "Registres d'achats importés : 4 (240 lignes" in demo_outputs[0]
    assert PurchaseLine.objects.count() == 240
    buyers = set(SupplyRelation.objects.values_list("client__siret", flat=True))
    assert len(buyers) == 4
    assert not SupplyRelation.objects.filter(category_node__isnull=True).exists()  # every category mapped


def test_the_leakage_page_has_addressable_spend_and_local_candidates(network):
    result = leakage_for(UserFactory(is_superuser=True), territory=Territory.of_network(network))
    assert result.addressable > 0 and result.outside > result.addressable
    shown = [c for c in result.categories if (c.addressable or 0) > 0]
    assert shown and all(len(c.candidates) >= 3 for c in shown if not c.merged)


def test_an_open_need_reached_members_and_a_draft_waits(network):
    opened = Need.objects.get(status=NeedStatus.OPEN)
    assert opened.capabilities.count() == 3 and opened.recipients.exists()
    assert Need.objects.filter(status=NeedStatus.DRAFT).count() == 1


def test_the_open_need_reaches_only_companies_that_meet_its_requirements(network):
    opened = Need.objects.get(status=NeedStatus.OPEN)
    required = list(opened.capabilities.filter(required=True).values_list("node__code", flat=True))
    assert len(required) == 2
    recipients = list(opened.recipients.all())
    assert len(recipients) >= 3 and not any(r.unconfirmed for r in recipients)
    for recipient in recipients:
        for code in required:
            assert ProfileCapability.objects.filter(
                Q(node__code=code) | Q(node__code__startswith=f"{code}."),
                profile__establishment=recipient.establishment_id,
                status__in=[CapabilityStatus.CONFIRMED, CapabilityStatus.PROPOSED],
            ).exists() or any(
                c["code"] == code and c["evidence"] == "mentioned" for c in recipient.requirements
            ), (recipient.establishment, code)


def test_the_animators_journal_has_follow_ups_to_do_on_fictitious_members(demo_outputs, network):
    assert "entrées du journal d'animation : 6." in demo_outputs[0]
    entries = JournalEntry.objects.filter(network=network)
    assert entries.count() == 6
    assert not entries.filter(establishment__organisation__is_generated=False).exists()
    assert entries.follow_ups_to_do().count() == 3


def test_a_rerun_adds_no_line_relation_or_need(network):
    def counts():
        return (
            PurchaseLine.objects.count(), SupplyRelation.objects.count(), Need.objects.count(),
            JournalEntry.objects.count(),
        )  # fmt: skip

    before = counts()
    call_command("demo", stdout=StringIO())
    assert counts() == before
