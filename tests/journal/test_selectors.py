"""Journal reads: filters, follow-ups to do, a company's entries, the activity figures."""

import datetime

import pytest
from django.utils import timezone

from maillage.directory.models import Membership
from maillage.journal.models import EntryKind, Theme
from maillage.journal.selectors import (
    company_entries,
    follow_ups_to_do,
    journal_companies,
    journal_figures,
    network_entries,
)
from tests.directory.factories import EstablishmentFactory, MembershipFactory, NetworkFactory
from tests.journal.factories import JournalEntryFactory

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
TODAY = timezone.localdate()


@pytest.fixture
def network():
    return NetworkFactory()


def test_filters_combine(network):
    roth = EstablishmentFactory(name="Fonderie Roth", member_of=network)
    lutz = EstablishmentFactory(name="Tôlerie Lutz", member_of=network)
    kept = JournalEntryFactory(network=network, establishment=roth, kind=EntryKind.CALL, theme=Theme.LEAN)
    JournalEntryFactory(network=network, establishment=roth, kind=EntryKind.VISIT, theme=Theme.LEAN)
    JournalEntryFactory(network=network, establishment=lutz, kind=EntryKind.CALL, theme=Theme.LEAN)
    JournalEntryFactory(
        network=network, establishment=roth, kind=EntryKind.CALL, occurred_on=TODAY - 40 * DAY
    )
    found = network_entries(
        network, kind=EntryKind.CALL, theme=Theme.LEAN, company="roth", since=TODAY - 7 * DAY, until=TODAY
    )
    assert list(found) == [kept]
    assert list(network_entries(network, company=roth.siret[:9])) == list(company_entries(network, roth))


def test_another_networks_entries_never_show(network):
    other = NetworkFactory()
    JournalEntryFactory(network=other)
    mine = JournalEntryFactory(network=network)
    assert list(network_entries(network)) == [mine]


def test_follow_ups_to_do_most_overdue_first_done_ones_left_out(network):
    later = JournalEntryFactory(network=network, follow_up_on=TODAY + 3 * DAY)
    overdue = JournalEntryFactory(network=network, follow_up_on=TODAY - 5 * DAY)
    JournalEntryFactory(network=network, follow_up_on=TODAY - 9 * DAY, follow_up_done_at=timezone.now())
    JournalEntryFactory(network=network)
    assert list(follow_ups_to_do(network)) == [overdue, later]
    assert list(network_entries(network, follow_ups_to_do=True)) == [overdue, later]


def test_journal_companies_are_members_and_prospects_by_name(network):
    member = EstablishmentFactory(name="B membre", member_of=network)
    prospect = MembershipFactory(
        network=network, status=Membership.Status.PROSPECT, establishment__name="A prospect"
    ).establishment
    former = MembershipFactory(network=network, status=Membership.Status.FORMER).establishment
    EstablishmentFactory(member_of=NetworkFactory())
    assert list(journal_companies(network)) == [prospect, member]
    assert former in journal_companies(network, keep=former)


def test_figures_of_a_period(network):
    roth, lutz, kieffer = (EstablishmentFactory(member_of=network) for _ in range(3))
    since = TODAY - 30 * DAY
    JournalEntryFactory(network=network, establishment=roth, kind=EntryKind.VISIT, occurred_on=TODAY)
    JournalEntryFactory(network=network, establishment=roth, kind=EntryKind.MEETING, occurred_on=TODAY - DAY)
    JournalEntryFactory(network=network, establishment=lutz, kind=EntryKind.EVENT, occurred_on=TODAY)
    JournalEntryFactory(network=network, establishment=kieffer, kind=EntryKind.CALL, occurred_on=TODAY)
    JournalEntryFactory(
        network=network, establishment=kieffer, kind=EntryKind.VISIT, occurred_on=since - DAY,
        follow_up_on=TODAY, follow_up_done_at=timezone.now(),
    )  # fmt: skip
    JournalEntryFactory(kind=EntryKind.VISIT)  # another network's
    Membership.objects.filter(establishment=roth).update(joined_on=TODAY - 2 * DAY)
    Membership.objects.filter(establishment=lutz).update(joined_on=since - DAY)
    figures = journal_figures(network, since=since, until=TODAY)
    assert (figures.entries, figures.companies_met) == (4, 2)  # a call is no meeting
    assert (figures.visits, figures.meetings, figures.calls, figures.events) == (1, 1, 1, 1)
    assert figures.follow_ups_done == 1  # done within the period, whatever the entry's date
    assert figures.new_members == 1
