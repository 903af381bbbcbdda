"""Dues not paid yet are corrected (amount) or waived, with the history; paid dues are not."""

import datetime
from decimal import Decimal

import pytest

from maillage.directory.dues import dues_correct_amount, dues_mark_late, dues_remind, dues_waive
from maillage.directory.errors import DirectoryError
from maillage.directory.models import Dues, DuesScale, Membership
from maillage.directory.selectors import network_dues_summary
from maillage.directory.services import membership_update
from tests.accounts.factories import UserFactory
from tests.directory.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def called():
    membership = MembershipFactory(status=Membership.Status.MEMBER)
    DuesScale.objects.create(network=membership.network, year=2026, default_amount=Decimal("1200"))
    dues = Dues.objects.create(
        membership=membership, year=2026, amount=Decimal("1200"), status=Dues.Status.CALLED,
        called_on=datetime.date(2026, 1, 10),
    )  # fmt: skip
    return dues


def test_the_amount_is_corrected_and_both_amounts_stay_in_the_history(called):
    animator = UserFactory()
    dues_correct_amount(membership=called.membership, year=2026, amount=Decimal("900"), actor=animator)
    called.refresh_from_db()
    assert called.amount == Decimal("900.00") and called.status == Dues.Status.CALLED
    change = called.membership.changes.get(field="dues_amount")
    assert (change.old_value, change.new_value, change.changed_by) == (
        "1\u00a0200,00 €",
        "2026 — 900,00 €",
        animator,
    )
    assert network_dues_summary(called.membership.network, 2026).outstanding_amount == Decimal("900")


def test_a_waived_dues_is_neither_reminded_nor_late_nor_outstanding(called):
    dues_waive(membership=called.membership, year=2026, reason="Membre d’honneur", actor=None)
    called.refresh_from_db()
    membership = Membership.objects.get(pk=called.membership_id)
    assert called.status == Dues.Status.WAIVED and called.waiver_reason == "Membre d’honneur"
    assert membership.dues_status == Membership.DuesStatus.WAIVED
    assert dues_remind(network=membership.network, year=2026, actor=None, memberships=[membership]) == (0, 1)
    assert dues_mark_late(today=datetime.date(2027, 6, 1)) == 0
    summary = network_dues_summary(membership.network, 2026)
    assert summary.outstanding_amount == 0 and summary.counts["waived"] == 1


@pytest.mark.parametrize(
    ("action", "field"),
    [
        (lambda m: dues_waive(membership=m, year=2026, reason=" ", actor=None), "reason"),
        (lambda m: dues_correct_amount(membership=m, year=2026, amount=Decimal("0"), actor=None), "amount"),
        (lambda m: dues_waive(membership=m, year=2025, reason="Erreur", actor=None), "year"),
    ],
)
def test_refusals_name_their_field_and_change_nothing(called, action, field):
    with pytest.raises(DirectoryError) as refused:
        action(called.membership)
    assert refused.value.field == field
    called.refresh_from_db()
    assert (called.status, called.amount) == (Dues.Status.CALLED, Decimal("1200.00"))
    assert not called.membership.changes.filter(field__in=["dues_amount", "dues_waiver"]).exists()


def test_paid_dues_are_not_corrected_and_the_dues_status_is_never_set_by_hand(called):
    called.status, called.paid_on = Dues.Status.PAID, datetime.date(2026, 2, 1)
    called.save()
    with pytest.raises(DirectoryError):
        dues_correct_amount(membership=called.membership, year=2026, amount=Decimal("10"), actor=None)
    with pytest.raises(ValueError):
        membership_update(membership=called.membership, actor=None, dues_status="paid")
