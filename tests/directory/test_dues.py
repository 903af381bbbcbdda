"""The network's dues (issue 15): the year's scale, the call and its e-mails, payments,
reminders, the daily passage to « en retard », and the membership's dues status and history."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from maillage.delivery import DeliveryState
from maillage.directory import dues_sending
from maillage.directory.dues import (
    dues_call,
    dues_mark_late,
    dues_record_payment,
    dues_remind,
    dues_scale_save,
    memberships_set_status,
)
from maillage.directory.errors import DirectoryError
from maillage.directory.models import Contact, Dues, DuesMessage, DuesScale, Membership, MembershipChange
from tests.accounts.factories import UserFactory
from tests.directory.factories import MembershipFactory, NetworkFactory
from tests.referential.factories import HeadcountBandFactory

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


@pytest.fixture
def world():
    network = NetworkFactory(contact_email="tresorier@reseau.example")
    treasurer = UserFactory()
    big = HeadcountBandFactory(code="32", label="250 à 499 salariés")
    pme = MembershipFactory(network=network, category="PME", establishment__name="Fonderie Roth")
    eti = MembershipFactory(network=network, category="ETI", establishment__headcount_band=big)
    prospect = MembershipFactory(network=network, status=Membership.Status.PROSPECT)
    for membership, role, email in [
        (pme, Contact.Role.DIRECTION, "pdg@roth.example"),
        (pme, Contact.Role.HR, "rh@roth.example"),
        (pme, Contact.Role.DIRECTION, ""),
        (eti, Contact.Role.QUALITY, "qualite@eti.example"),
    ]:
        Contact.objects.create(
            network=network, establishment=membership.establishment, last_name="X", role=role, email=email
        )
    dues_scale_save(
        network=network,
        actor=treasurer,
        year=YEAR,
        basis=DuesScale.Basis.CATEGORY,
        default_amount=Decimal("300"),
        late_after_days=45,
        category_amounts={"PME": Decimal("450"), "GE": None},
        band_amounts={},
    )
    return {
        "network": network,
        "treasurer": treasurer,
        "pme": pme,
        "eti": eti,
        "prospect": prospect,
        "big": big,
    }


def _call(world, capture, **kwargs):
    with capture(execute=True):
        return dues_call(network=world["network"], year=YEAR, actor=world["treasurer"], **kwargs)


def test_calling_dues_bills_current_members_at_the_scale_and_mails_the_preferred_contacts(
    world, django_capture_on_commit_callbacks
):
    result = _call(world, django_capture_on_commit_callbacks)
    assert (result.called, result.skipped, result.not_members) == (2, 0, 1)
    pme = Dues.objects.get(membership=world["pme"], year=YEAR)
    eti = Dues.objects.get(membership=world["eti"], year=YEAR)
    assert (pme.amount, eti.amount) == (Decimal("450"), Decimal("300"))  # category's line, default
    assert pme.status == Dues.Status.CALLED and pme.called_on == timezone.localdate()
    # The head of the company rather than HR; anyone with an address when no preferred role has one.
    assert sorted(m.to[0] for m in mail.outbox) == ["pdg@roth.example", "qualite@eti.example"]
    call = next(m for m in mail.outbox if m.to == ["pdg@roth.example"])
    assert str(YEAR) in call.subject and "450" in call.body and call.reply_to == ["tresorier@reseau.example"]
    html = call.alternatives[0].content
    assert "Fonderie Roth" in html and "450" in html and "{{" not in html + call.body
    world["pme"].refresh_from_db()
    assert world["pme"].dues_status == Membership.DuesStatus.CALLED
    fields = set(MembershipChange.objects.filter(membership=world["pme"]).values_list("field", flat=True))
    assert {"dues_call", "dues_status"} <= fields


def test_calling_twice_bills_and_mails_once(world, django_capture_on_commit_callbacks):
    _call(world, django_capture_on_commit_callbacks)
    again = _call(world, django_capture_on_commit_callbacks)
    assert (again.called, again.skipped) == (0, 2)
    assert len(mail.outbox) == 2 and Dues.objects.count() == 2


def test_a_retried_task_sends_each_call_once(world, django_capture_on_commit_callbacks, monkeypatch):
    real_send = EmailBackend.send_messages
    failures = {"left": 1}

    def flaky(self, messages):
        if messages[0].to == ["qualite@eti.example"] and failures["left"]:
            failures["left"] -= 1
            raise ConnectionRefusedError("SMTP down")
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky)
    _call(world, django_capture_on_commit_callbacks, memberships=[world["eti"]])  # the task raised
    dues = Dues.objects.get(membership=world["eti"])
    assert DuesMessage.objects.get(dues=dues).state == DeliveryState.FAILED
    for _retry in range(2):  # the queue retries; a second retry finds everything sent
        dues_sending.dues_send(dues_id=dues.pk, kind="call")
    assert [m.to for m in mail.outbox] == [["qualite@eti.example"]]
    assert DuesMessage.objects.get(dues=dues).attempts == 2


def test_no_scale_no_call(world):
    with pytest.raises(DirectoryError):
        dues_call(network=world["network"], year=YEAR + 1, actor=world["treasurer"])


def test_a_headcount_scale_bills_by_band(world, django_capture_on_commit_callbacks):
    dues_scale_save(
        network=world["network"],
        actor=None,
        year=YEAR,
        basis=DuesScale.Basis.HEADCOUNT,
        default_amount=Decimal("200"),
        late_after_days=45,
        category_amounts={"PME": Decimal("450")},
        band_amounts={"32": Decimal("1200")},
    )
    _call(world, django_capture_on_commit_callbacks)
    assert Dues.objects.get(membership=world["eti"]).amount == Decimal("1200")
    assert Dues.objects.get(membership=world["pme"]).amount == Decimal("200")


def test_a_payment_is_recorded_with_its_reference_and_history(world, django_capture_on_commit_callbacks):
    _call(world, django_capture_on_commit_callbacks)
    paid_on = timezone.localdate()
    recorded = dues_record_payment(
        network=world["network"], year=YEAR, paid_on=paid_on, reference="VIR 0042",
        actor=world["treasurer"], memberships=[world["pme"], world["prospect"]],
    )  # fmt: skip
    # The prospect had no dues: they are created at the scale's amount and paid (a gift is a gift).
    assert recorded == (2, 0)
    dues = Dues.objects.get(membership=world["pme"])
    assert (dues.status, dues.paid_on, dues.payment_reference) == ("paid", paid_on, "VIR 0042")
    world["pme"].refresh_from_db()
    assert world["pme"].dues_status == Membership.DuesStatus.PAID
    payment = MembershipChange.objects.get(membership=world["pme"], field="dues_payment")
    assert "VIR 0042" in payment.new_shown and payment.changed_by == world["treasurer"]
    again = dues_record_payment(
        network=world["network"], year=YEAR, paid_on=paid_on, reference="", actor=None,
        memberships=[world["pme"]],
    )  # fmt: skip
    assert again == (0, 1)


def test_a_payment_in_the_future_is_refused(world):
    with pytest.raises(DirectoryError):
        dues_record_payment(
            network=world["network"], year=YEAR, paid_on=timezone.localdate() + datetime.timedelta(days=1),
            reference="", actor=None, memberships=[world["pme"]],
        )  # fmt: skip


def test_reminders_go_to_called_unpaid_dues_numbered_and_once_each(world, django_capture_on_commit_callbacks):
    _call(world, django_capture_on_commit_callbacks)
    dues_record_payment(
        network=world["network"], year=YEAR, paid_on=timezone.localdate(), reference="",
        actor=None, memberships=[world["eti"]],
    )  # fmt: skip
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = dues_remind(
            network=world["network"], year=YEAR, actor=world["treasurer"],
            memberships=[world["pme"], world["eti"], world["prospect"]],
        )  # fmt: skip
    assert result == (1, 2)
    assert [m.to for m in mail.outbox] == [["pdg@roth.example"]] and "rappel" in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        dues_remind(network=world["network"], year=YEAR, actor=None, memberships=[world["pme"]])
    dues = Dues.objects.get(membership=world["pme"])
    assert list(dues.reminders.values_list("number", flat=True)) == [1, 2]
    assert len(mail.outbox) == 2  # the second reminder is a message of its own
    dues_sending.dues_send(dues_id=dues.pk, kind="reminder", stage="r2")  # a retry
    assert len(mail.outbox) == 2


def test_called_dues_become_late_after_the_networks_delay(world, django_capture_on_commit_callbacks):
    _call(world, django_capture_on_commit_callbacks)
    today = timezone.localdate()
    assert dues_mark_late(today=today + datetime.timedelta(days=44)) == 0
    assert dues_mark_late(today=today + datetime.timedelta(days=45)) == 2
    assert dues_mark_late(today=today + datetime.timedelta(days=46)) == 0
    world["pme"].refresh_from_db()
    assert world["pme"].dues_status == Membership.DuesStatus.LATE
    change = MembershipChange.objects.filter(membership=world["pme"], field="dues_status").first()
    assert change.new_shown == "En retard" and change.changed_by is None


def test_a_bulk_status_change_is_recorded_for_each(world):
    changed = memberships_set_status(
        network=world["network"], status=Membership.Status.FORMER, actor=world["treasurer"],
        memberships=[world["pme"], world["prospect"]],
    )  # fmt: skip
    assert changed == 2
    assert MembershipChange.objects.filter(field="status", new_value="former").count() == 2


def test_memberships_of_another_network_are_never_touched(world, django_capture_on_commit_callbacks):
    stranger = MembershipFactory(category="PME")
    result = _call(world, django_capture_on_commit_callbacks, memberships=[stranger])
    assert result.called == 0 and not Dues.objects.filter(membership=stranger).exists()
