import datetime

import pytest
from django.core import mail
from django.utils import timezone

from maillage.needs import delivery, sending
from maillage.needs.models import (
    Answer,
    DeliveryKind,
    DeliveryState,
    NeedDelivery,
    NeedRecipient,
    NeedStatus,
    NetworkNeedSettings,
    Notification,
)
from maillage.needs.services import CapabilityInput, need_answer, need_create, need_open
from tests.directory.factories import NetworkFactory
from tests.needs.factories import capability_node, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(fake_candidates):
    """A network, an author, and 7 member companies (one user each) ranked by the fake engine."""
    network = NetworkFactory()
    NetworkNeedSettings.objects.create(network=network, batch_size=3, batch_delay_hours=24, interest_target=2)
    author, establishment = member(network, email="auteur@example.org")
    suppliers = [member(network, email=f"fournisseur{i}@example.org") for i in range(7)]
    fake_candidates([e for _u, e in suppliers])
    need = need_create(
        author=author, network=network, author_establishment=establishment, kind="part",
        title="Fraisage de 200 carters aluminium", capabilities=[CapabilityInput(capability_node().code)],
        deadline=timezone.localdate() + datetime.timedelta(days=20),
    )  # fmt: skip
    return {"network": network, "author": author, "need": need, "suppliers": suppliers}


def _open(world, capture):
    with capture(execute=True):
        need_open(need=world["need"], actor=world["author"])
    world["need"].refresh_from_db()


def _recipients(outbox):
    return sorted(address for message in outbox for address in message.to)


def test_opening_sends_the_first_batch_by_email_and_notification(world, django_capture_on_commit_callbacks):
    _open(world, django_capture_on_commit_callbacks)
    need = world["need"]
    assert _recipients(mail.outbox) == [f"fournisseur{i}@example.org" for i in range(3)]
    assert list(need.recipients.values_list("batch", "rank")) == [(1, 1), (1, 2), (1, 3)]
    assert Notification.objects.filter(need=need, kind=DeliveryKind.INVITATION).count() == 3
    message = mail.outbox[0]
    assert "Fraisage de 200 carters aluminium" in message.subject
    assert message.alternatives[0][1] == "text/html"
    assert need.next_batch_at is not None and not need.sending_done


def test_the_next_batch_waits_for_the_delay(world, django_capture_on_commit_callbacks):
    _open(world, django_capture_on_commit_callbacks)
    need = world["need"]
    with django_capture_on_commit_callbacks(execute=True):
        assert sending.needs_tick()["batches"] == 0
    later = need.next_batch_at + datetime.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert sending.needs_tick(now=later)["batches"] == 1
        assert sending.needs_tick(now=later)["batches"] == 0  # claimed: not queued twice
    assert len(mail.outbox) == 6
    assert sorted(need.recipients.values_list("batch", flat=True)) == [1, 1, 1, 2, 2, 2]
    need.refresh_from_db()
    assert need.next_batch_at > timezone.now() + datetime.timedelta(hours=23)


def test_sending_stops_once_enough_companies_are_interested(world, django_capture_on_commit_callbacks):
    _open(world, django_capture_on_commit_callbacks)
    need = world["need"]
    for user, _establishment in world["suppliers"][:2]:
        with django_capture_on_commit_callbacks(execute=True):
            need_answer(need=need, actor=user, answer=Answer.INTERESTED, message="Disponible en mai")
    need.refresh_from_db()
    assert need.sending_done and need.next_batch_at is None
    far = timezone.now() + datetime.timedelta(days=5)
    with django_capture_on_commit_callbacks(execute=True):
        assert sending.needs_tick(now=far)["batches"] == 0
    assert need.recipients.count() == 3
    # Each answer reached the author, once.
    answers = [m for m in mail.outbox if m.to == ["auteur@example.org"]]
    assert len(answers) == 2 and "Disponible en mai" in answers[0].body


def test_a_decline_needs_a_reason_and_a_question_needs_text(world, django_capture_on_commit_callbacks):
    from maillage.needs.errors import NeedValidationError

    _open(world, django_capture_on_commit_callbacks)
    user, _establishment = world["suppliers"][0]
    with pytest.raises(NeedValidationError) as error:
        need_answer(need=world["need"], actor=user, answer=Answer.NOT_INTERESTED)
    assert error.value.field == "reason"
    with pytest.raises(NeedValidationError) as error:
        need_answer(need=world["need"], actor=user, answer=Answer.QUESTION, message=" ")
    assert error.value.field == "message"
    recipient = need_answer(need=world["need"], actor=user, answer=Answer.NOT_INTERESTED, reason="capacity")
    assert recipient.get_decline_reason_display() == "Pas de capacité disponible"


def test_a_retried_batch_sends_no_duplicate_after_failing_past_its_sends(world, monkeypatch):
    """The task dies after two e-mails left; the queue's retry sends the third, and only it."""
    need = world["need"]
    need.status = NeedStatus.OPEN
    need.save()
    real = delivery.deliver_once
    calls = {"n": 0}

    def dies_after_second_send(**kwargs):
        sent = real(**kwargs)
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker killed after sending")
        return sent

    monkeypatch.setattr(sending, "deliver_once", dies_after_second_send)
    with pytest.raises(RuntimeError):
        sending.need_send_batch(need_id=need.pk, batch=1)
    assert len(mail.outbox) == 2
    monkeypatch.setattr(sending, "deliver_once", real)
    assert sending.need_send_batch(need_id=need.pk, batch=1) == 1
    assert sending.need_send_batch(need_id=need.pk, batch=1) == 0
    assert _recipients(mail.outbox) == [f"fournisseur{i}@example.org" for i in range(3)]
    assert NeedRecipient.objects.filter(need=need).count() == 3  # the batch was chosen once


def test_an_smtp_failure_is_retried_and_sent_once(world, monkeypatch):
    need = world["need"]
    need.status = NeedStatus.OPEN
    need.save()
    from django.core.mail.backends.locmem import EmailBackend

    real_send = EmailBackend.send_messages
    failures = {"left": 1}

    def flaky(self, messages):
        if messages[0].to == ["fournisseur1@example.org"] and failures["left"]:
            failures["left"] -= 1
            raise ConnectionRefusedError("SMTP down")
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky)
    with pytest.raises(ConnectionRefusedError):
        sending.need_send_batch(need_id=need.pk, batch=1)
    failed = NeedDelivery.objects.get(state=DeliveryState.FAILED)
    assert failed.user.email == "fournisseur1@example.org" and "SMTP down" in failed.error
    sending.need_send_batch(need_id=need.pk, batch=1)
    assert _recipients(mail.outbox) == [f"fournisseur{i}@example.org" for i in range(3)]
    assert NeedDelivery.objects.get(pk=failed.pk).attempts == 2
    assert set(NeedDelivery.objects.values_list("state", flat=True)) == {DeliveryState.SENT}


def test_a_delivery_left_in_sending_is_never_sent_again(world):
    """A worker that died between the SMTP acceptance and the mark: at most once wins."""
    need = world["need"]
    user, _e = world["suppliers"][0]
    NeedDelivery.objects.create(need=need, user=user, kind=DeliveryKind.REMINDER, state=DeliveryState.SENDING)
    sent = delivery.deliver_once(need=need, user=user, kind=DeliveryKind.REMINDER, send=lambda: 1 / 0)
    assert sent is False


def test_reminder_goes_to_silent_companies_only_once(world, django_capture_on_commit_callbacks):
    _open(world, django_capture_on_commit_callbacks)
    need = world["need"]
    user, _e = world["suppliers"][0]
    need_answer(need=need, actor=user, answer=Answer.NOT_INTERESTED, reason="trade")
    mail.outbox.clear()
    near_deadline = timezone.now() + datetime.timedelta(days=18)
    with django_capture_on_commit_callbacks(execute=True):
        counts = sending.needs_tick(now=near_deadline)
    assert counts["reminders"] == 1
    reminders = [m for m in mail.outbox if "Rappel" in m.subject]
    assert _recipients(reminders) == ["fournisseur1@example.org", "fournisseur2@example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        assert sending.needs_tick(now=near_deadline)["reminders"] == 0


def test_after_the_deadline_the_author_is_asked_for_the_outcome(world, django_capture_on_commit_callbacks):
    _open(world, django_capture_on_commit_callbacks)
    need = world["need"]
    mail.outbox.clear()
    after = timezone.now() + datetime.timedelta(days=22)
    with django_capture_on_commit_callbacks(execute=True):
        assert sending.needs_tick(now=after)["outcomes"] == 1
        assert sending.needs_tick(now=after)["outcomes"] == 0
    outcome = [m for m in mail.outbox if m.to == ["auteur@example.org"]]
    assert len(outcome) == 1 and "territoire" in outcome[0].body
    assert Notification.objects.filter(
        need=need, user=world["author"], kind=DeliveryKind.OUTCOME_REQUEST
    ).exists()
