"""Journal services: who may write, what is refused, follow-ups done and undone."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from maillage.directory.models import Membership
from maillage.journal.errors import JournalError
from maillage.journal.models import Confidentiality, EntryKind, JournalEntry, Theme
from maillage.journal.services import EntryInput, entry_create, entry_delete, entry_update, follow_up_mark
from tests.accounts.factories import UserFactory
from tests.directory.factories import EstablishmentFactory, MembershipFactory, NetworkFactory
from tests.needs.factories import capability_node

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def team():
    animator, colleague = UserFactory(), UserFactory()
    network = NetworkFactory(animators=[animator, colleague])
    company = EstablishmentFactory(member_of=network)
    return network, animator, colleague, company


def _input(company, **changes) -> EntryInput:
    return EntryInput(**{"establishment": company, "occurred_on": TODAY, "kind": EntryKind.VISIT, **changes})


def test_animator_logs_a_visit_with_a_follow_up(team):
    network, animator, colleague, company = team
    node = capability_node("proc.test.welding")
    entry = entry_create(
        network=network,
        by=animator,
        data=_input(
            company, people_met=" Anne Muller, directrice ", theme=Theme.ENERGY, capabilities=[node],
            notes="Projet de four.", follow_up_on=TODAY + datetime.timedelta(days=7),
            follow_up_owner=colleague,
        ),
    )  # fmt: skip
    entry.refresh_from_db()
    assert entry.author == animator and entry.updated_by == animator
    assert entry.people_met == "Anne Muller, directrice"
    assert list(entry.capabilities.all()) == [node]
    assert entry.follow_up_owner == colleague and not entry.follow_up_done
    assert entry.confidentiality == Confidentiality.ANIMATORS


def test_animator_of_another_network_cannot_write_nor_delete(team):
    network, animator, _, company = team
    stranger = UserFactory()
    NetworkFactory(animators=[stranger])
    with pytest.raises(PermissionDenied):
        entry_create(network=network, by=stranger, data=_input(company))
    entry = entry_create(network=network, by=animator, data=_input(company))
    with pytest.raises(PermissionDenied):
        entry_update(entry=entry, by=stranger, data=_input(company, notes="x"))
    with pytest.raises(PermissionDenied):
        entry_delete(entry=entry, by=stranger)
    assert JournalEntry.objects.get(pk=entry.pk).notes == ""


def test_member_user_of_the_company_cannot_write(team):
    network, _, _, company = team
    member = UserFactory()
    company.user_links.create(user=member)
    with pytest.raises(PermissionDenied):
        entry_create(network=network, by=member, data=_input(company))


def test_company_outside_the_network_is_refused(team):
    network, animator, _, _ = team
    elsewhere = EstablishmentFactory(member_of=NetworkFactory())
    with pytest.raises(JournalError) as error:
        entry_create(network=network, by=animator, data=_input(elsewhere))
    assert error.value.field == "establishment"


def test_former_member_keeps_its_journal(team):
    network, animator, _, _ = team
    former = MembershipFactory(network=network, status=Membership.Status.FORMER).establishment
    assert entry_create(network=network, by=animator, data=_input(former)).establishment == former


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "lunch"}, "kind"),
        ({"theme": "sport"}, "theme"),
        ({"confidentiality": "public"}, "confidentiality"),
        ({"people_met": "x" * 301}, "people_met"),
        ({"follow_up_done": True}, "follow_up_on"),
        ({"occurred_on": None}, "occurred_on"),
    ],
)
def test_invalid_values_name_their_field(team, changes, field):
    network, animator, _, company = team
    with pytest.raises(JournalError) as error:
        entry_create(network=network, by=animator, data=_input(company, **changes))
    assert error.value.field == field
    assert not JournalEntry.objects.exists()


def test_follow_up_owner_must_animate_the_network(team):
    network, animator, _, company = team
    with pytest.raises(JournalError) as error:
        entry_create(
            network=network,
            by=animator,
            data=_input(company, follow_up_on=TODAY, follow_up_owner=UserFactory()),
        )
    assert error.value.field == "follow_up_owner"


def test_subject_is_a_capability_not_a_sector(team):
    network, animator, _, company = team
    sector = capability_node("sect.test.aero", kind="sector")
    with pytest.raises(JournalError) as error:
        entry_create(network=network, by=animator, data=_input(company, capabilities=[sector]))
    assert error.value.field == "capabilities"


def test_follow_up_done_keeps_its_first_date_and_can_be_reopened(team):
    network, animator, colleague, company = team
    entry = entry_create(network=network, by=animator, data=_input(company, follow_up_on=TODAY))
    follow_up_mark(entry=entry, by=colleague)
    done_at = JournalEntry.objects.get(pk=entry.pk).follow_up_done_at
    assert done_at is not None
    entry = entry_update(
        entry=entry, by=animator, data=_input(company, follow_up_on=TODAY, follow_up_done=True)
    )
    assert entry.follow_up_done_at == done_at and entry.updated_by == animator
    follow_up_mark(entry=entry, by=animator, done=False)
    assert JournalEntry.objects.get(pk=entry.pk).follow_up_done_at is None


def test_follow_up_mark_without_a_follow_up_is_refused(team):
    network, animator, _, company = team
    entry = entry_create(network=network, by=animator, data=_input(company))
    with pytest.raises(JournalError):
        follow_up_mark(entry=entry, by=animator)


def test_deletion_is_real(team):
    network, animator, _, company = team
    entry = entry_create(network=network, by=animator, data=_input(company, capabilities=[capability_node()]))
    entry_delete(entry=entry, by=animator)
    assert not JournalEntry.objects.exists()
    assert not JournalEntry.capabilities.through.objects.exists()


def test_deleting_the_author_keeps_the_entry(team):
    network, animator, _, company = team
    entry = entry_create(network=network, by=animator, data=_input(company))
    animator.delete()
    entry.refresh_from_db()
    assert entry.author is None


def _contact(network, company, last_name, **fields):
    from maillage.directory.models import Contact

    return Contact.objects.create(network=network, establishment=company, last_name=last_name, **fields)


def test_entry_names_the_company_contacts_met_and_survives_their_deletion(team):
    network, animator, _, company = team
    anne = _contact(network, company, "Muller", first_name="Anne", role="site")
    paul = _contact(network, company, "Schmitt", first_name="Paul", role="purchasing")
    entry = entry_create(
        network=network,
        by=animator,
        data=_input(company, contacts=[anne, paul, anne], people_met="Le chef d’atelier"),
    )
    assert set(entry.contacts.all()) == {anne, paul}
    assert entry.people == ["Anne Muller (Direction de site)", "Paul Schmitt (Achats)", "Le chef d’atelier"]
    entry = entry_update(entry=entry, by=animator, data=_input(company, contacts=[paul]))
    assert list(entry.contacts.all()) == [paul]
    paul.delete()  # a contact's deletion (GDPR) is real; the meeting stays in the journal
    entry.refresh_from_db()
    assert entry.people == [] and JournalEntry.objects.filter(pk=entry.pk).exists()


def test_contact_of_another_company_or_network_is_refused(team):
    network, animator, _, company = team
    neighbour = EstablishmentFactory(member_of=network)
    other_network = NetworkFactory()
    for stranger in (
        _contact(network, neighbour, "Klein"),  # same network, another company
        _contact(other_network, company, "Weber"),  # same company, another network's CRM
    ):
        with pytest.raises(JournalError) as error:
            entry_create(network=network, by=animator, data=_input(company, contacts=[stranger]))
        assert error.value.field == "contacts"
    assert not JournalEntry.objects.exists()
