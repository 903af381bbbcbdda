import datetime

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from maillage.directory.models import Contact, Membership
from maillage.mailings import services
from maillage.mailings.errors import MailingError
from maillage.mailings.models import MailingRecipient, RecipientState, Unsubscription
from maillage.mailings.selectors import audience_size, mailing_audience
from maillage.mailings.tokens import unsubscribe_token
from tests.accounts.factories import UserFactory
from tests.directory.factories import EstablishmentFactory, NetworkFactory

pytestmark = pytest.mark.django_db
CONSENT = datetime.date(2026, 1, 5)


def contact(network, establishment, email, *, role=Contact.Role.OTHER, consent=CONSENT, last_name="Martin"):
    return Contact.objects.create(
        network=network, establishment=establishment, last_name=last_name, email=email, role=role,
        consent_on=consent,
    )  # fmt: skip


@pytest.fixture
def world():
    animator = UserFactory()
    network = NetworkFactory(animators=[animator], contact_email="equipe@reseau.example")
    member = EstablishmentFactory(member_of=network)
    prospect = EstablishmentFactory()
    Membership.objects.create(network=network, establishment=prospect, status=Membership.Status.PROSPECT)
    return {"network": network, "animator": animator, "member": member, "prospect": prospect}


def test_audience_is_consenting_contacts_with_an_address_of_the_filtered_companies(world):
    network, member, prospect = world["network"], world["member"], world["prospect"]
    buyer = contact(network, member, "achats@a.example", role=Contact.Role.PURCHASING)
    hr = contact(network, member, "rh@a.example", role=Contact.Role.HR)
    contact(network, member, "", last_name="Sans adresse")
    contact(network, member, "refus@a.example", consent=None)
    on_prospect = contact(network, prospect, "p@b.example")
    other_network = NetworkFactory()
    contact(other_network, member, "ailleurs@a.example")

    assert set(mailing_audience(network, filters={})) == {buyer, hr, on_prospect}
    assert set(mailing_audience(network, filters={"status": Membership.Status.MEMBER})) == {buyer, hr}
    assert list(mailing_audience(network, filters={}, role=Contact.Role.HR)) == [hr]


def test_an_unsubscribed_address_is_excluded_whatever_its_case(world):
    network, member = world["network"], world["member"]
    contact(network, member, "Achats@A.example")
    kept = contact(network, member, "rh@a.example")
    services.unsubscribe(token=unsubscribe_token(network_id=network.pk, email="achats@a.example"))
    assert list(mailing_audience(network, filters={})) == [kept]


def test_create_writes_one_recipient_per_address_and_queues_the_sending(
    world, django_capture_on_commit_callbacks
):
    network, member, prospect = world["network"], world["member"], world["prospect"]
    contact(network, member, "dupont@a.example")
    contact(network, prospect, "DUPONT@a.example")  # the same person at two companies
    contact(network, member, "rh@a.example")
    assert audience_size(mailing_audience(network, filters={})) == 2
    with django_capture_on_commit_callbacks(execute=True):
        mailing = services.mailing_create(
            network=network,
            by=world["animator"],
            subject="  Assemblée   générale ",
            body="Bonjour,\n\nÀ jeudi.",
            filters={},
        )
    assert mailing.subject == "Assemblée générale"
    assert mailing.recipients.count() == 2
    assert set(mailing.recipients.values_list("state", flat=True)) == {RecipientState.SENT}
    assert len(mail.outbox) == 2
    message = mail.outbox[0]
    assert message.subject == "Assemblée générale"
    assert message.reply_to == ["equipe@reseau.example"]
    assert "À jeudi." in message.body
    link = message.extra_headers["List-Unsubscribe"]
    assert link.startswith("<http") and link.endswith(">") and link[1:-1] in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_create_refuses_an_empty_audience_or_message(world):
    network = world["network"]
    with pytest.raises(MailingError) as error:
        services.mailing_create(
            network=network, by=world["animator"], subject="Objet", body="Texte", filters={}
        )
    assert error.value.field == ""
    contact(network, world["member"], "rh@a.example")
    with pytest.raises(MailingError) as error:
        services.mailing_create(network=network, by=world["animator"], subject="Objet", body="  ", filters={})
    assert error.value.field == "body"


def test_a_retried_sending_sends_each_recipient_at_most_once(world, monkeypatch):
    network, member = world["network"], world["member"]
    for name in ("a", "b", "c"):
        contact(network, member, f"{name}@a.example", last_name=name)
    mailing = services.mailing_create(
        network=network, by=world["animator"], subject="Objet", body="Texte", filters={}
    )
    real_send = EmailBackend.send_messages
    failing = {"b@a.example"}

    def flaky(self, messages):
        if messages[0].to[0] in failing:
            raise ConnectionError("SMTP down")
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky)
    with pytest.raises(ConnectionError):
        services.mailing_send(mailing_id=mailing.pk)  # the queue would retry this task
    states = dict(mailing.recipients.values_list("email", "state"))
    assert states == {"a@a.example": "sent", "b@a.example": "failed", "c@a.example": "sent"}
    assert sorted(m.to[0] for m in mail.outbox) == ["a@a.example", "c@a.example"]

    failing.clear()
    assert services.mailing_send(mailing_id=mailing.pk) == 1  # the retry: only the failed copy
    assert services.mailing_send(mailing_id=mailing.pk) == 0  # and again: nothing
    assert sorted(m.to[0] for m in mail.outbox) == ["a@a.example", "b@a.example", "c@a.example"]
    assert MailingRecipient.objects.get(email="b@a.example").attempts == 2


def test_a_copy_claimed_by_another_worker_is_not_sent_again(world):
    network = world["network"]
    contact(network, world["member"], "a@a.example")
    mailing = services.mailing_create(
        network=network, by=world["animator"], subject="Objet", body="Texte", filters={}
    )
    mailing.recipients.update(state=RecipientState.SENDING)
    assert services.mailing_send(mailing_id=mailing.pk) == 0
    assert mail.outbox == []


def test_an_address_unsubscribed_after_writing_is_skipped(world):
    network = world["network"]
    contact(network, world["member"], "a@a.example")
    mailing = services.mailing_create(
        network=network, by=world["animator"], subject="Objet", body="Texte", filters={}
    )
    services.unsubscribe(token=unsubscribe_token(network_id=network.pk, email="a@a.example"))
    assert services.mailing_send(mailing_id=mailing.pk) == 0
    assert mailing.recipients.get().state == RecipientState.SKIPPED
    assert mail.outbox == []


def test_a_tampered_unsubscribe_token_is_refused(world):
    network = world["network"]
    token = unsubscribe_token(network_id=network.pk, email="a@a.example")
    forged = (
        unsubscribe_token(network_id=network.pk, email="b@a.example").split(":")[0]
        + ":"
        + token.split(":")[1]
    )
    for bad in (forged, token[:-2] + "xx", "pas-un-jeton"):
        with pytest.raises(MailingError):
            services.unsubscribe(token=bad)
    assert not Unsubscription.objects.exists()
    services.unsubscribe(token=token)
    services.unsubscribe(token=token)  # twice is harmless
    assert list(Unsubscription.objects.values_list("email", flat=True)) == ["a@a.example"]
