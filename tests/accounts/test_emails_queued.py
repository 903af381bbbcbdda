"""Claims and invitations send their e-mails from the task queue once the transaction commits,
each at most once: an SMTP server down no longer fails the request nor undoes the claim."""

from unittest import mock

import pytest
from django.core import mail

from maillage.accounts import mails
from maillage.accounts.models import Claim, EmailDelivery
from maillage.accounts.services import claim_approve, claim_create, invitation_create
from tests.accounts.factories import UserFactory
from tests.directory.factories import EstablishmentFactory, NetworkFactory

pytestmark = pytest.mark.django_db


def test_a_claim_is_kept_and_its_notice_waits_for_the_commit(django_capture_on_commit_callbacks):
    network = NetworkFactory(animators=[UserFactory(email="anim@reseau.example")])
    establishment = EstablishmentFactory(member_of=network)
    with django_capture_on_commit_callbacks() as callbacks:
        claim = claim_create(user=UserFactory(), siret=establishment.siret)
        assert mail.outbox == []  # nothing leaves before the commit
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("SMTP down")):
        callbacks[0]()  # the task fails (the queue logs it and retries later)
    assert mail.outbox == []
    assert Claim.objects.filter(pk=claim.pk, status=Claim.Status.PENDING).exists()
    assert EmailDelivery.objects.get().state == "failed"
    callbacks[0]()  # the retry
    callbacks[0]()  # a duplicate run of the task
    assert [m.to for m in mail.outbox] == [["anim@reseau.example"]]


def test_a_decided_claim_and_a_used_invitation_send_nothing_late(emails_at_once):
    network = NetworkFactory(animators=[UserFactory()])
    establishment = EstablishmentFactory(member_of=network)
    claim = claim_create(user=UserFactory(), siret=establishment.siret)
    mail.outbox.clear()
    claim_approve(claim=claim, by=network.animators.get())
    assert len(mail.outbox) == 1
    assert mails.send("claim_received", claim.pk, "late-run") is False  # no longer pending
    invitation = invitation_create(
        network=network,
        email="new@x.example",
        invited_by=network.animators.get(),
        establishment=establishment,
    )
    invitation.accepted_at = invitation.created_at
    invitation.save()
    assert mails.send("invitation", invitation.pk, "late-run") is False
