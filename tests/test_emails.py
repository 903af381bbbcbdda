"""Templated e-mails (issue 12, finding 6): the text part is plain text, the HTML part escaped,
and links are absolute on ``MAILLAGE_SITE_URL`` with no double slash."""

import re

import pytest
from django.conf import settings
from django.core import mail

from maillage.accounts.services import claim_create
from maillage.needs.emails import need_context, need_email_message
from maillage.needs.models import DeliveryKind
from maillage.www.establishments.contact import ContactRoute, send_contact_email
from tests.accounts.factories import UserFactory
from tests.directory.factories import EstablishmentFactory, MembershipFactory, NetworkFactory
from tests.needs.factories import NeedFactory, NeedRecipientFactory
from tests.referential.factories import CommuneFactory

pytestmark = pytest.mark.django_db
HOSTILE = '<script>alert("x")</script> Kieffer & Fils'
SITE = "https://maillage.example.org"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.MAILLAGE_SITE_URL = SITE


def html_part(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def assert_plain_text_and_escaped_html(message, text: str = HOSTILE) -> None:
    assert text in message.body
    assert "&lt;" not in message.body and "&amp;" not in message.body and "&quot;" not in message.body
    html = html_part(message)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html and "Kieffer &amp; Fils" in html


def links(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"<>]+", text)


def assert_links_on_the_site(message, *paths: str) -> None:
    for part in (message.body, html_part(message)):
        found = links(part)
        assert found, part
        for link in found:
            assert link.startswith(SITE + "/") and "//" not in link.removeprefix("https://"), link
        for path in paths:
            assert SITE + path in found


def test_claim_email_shows_the_message_as_text_and_links_once_slashed(emails_at_once):
    network = NetworkFactory(slug="reseau-a")
    commune = CommuneFactory(insee_code="67046")
    network.epcis.add(commune.epci)
    network.animators.add(UserFactory(email="animatrice@example.org"))
    establishment = EstablishmentFactory(name=HOSTILE, commune=commune)
    MembershipFactory(network=network, establishment=establishment)

    claim_create(user=UserFactory(), siret=establishment.siret, message=HOSTILE)

    [message] = mail.outbox
    assert HOSTILE in message.subject
    assert message.body.count(HOSTILE) == 2  # the establishment and the message
    assert_plain_text_and_escaped_html(message)
    assert_links_on_the_site(message, "/animation/reseau-a/revendications/")


def test_contact_email_text_part_is_not_escaped():
    establishment = EstablishmentFactory(name=HOSTILE)
    data = {"name": HOSTILE, "company": "", "email": "visiteur@example.org", "message": HOSTILE}

    send_contact_email(establishment=establishment, data=data, route=ContactRoute(["patron@example.org"]))

    [message] = mail.outbox
    assert HOSTILE in message.subject and message.reply_to == ["visiteur@example.org"]
    assert_plain_text_and_escaped_html(message)
    assert "<visiteur@example.org>" in message.body
    assert_links_on_the_site(message, f"/etablissements/{establishment.siret}/")


def test_need_invitation_text_part_is_not_escaped_and_links_once_slashed():
    need = NeedFactory(title=HOSTILE, description=HOSTILE, network__name=HOSTILE)
    recipient = NeedRecipientFactory(need=need, establishment__name=HOSTILE)

    message = need_email_message(
        to="x@example.org", kind=DeliveryKind.INVITATION, context=need_context(need, recipient)
    )

    assert HOSTILE in message.subject
    assert_plain_text_and_escaped_html(message)
    assert_links_on_the_site(message, f"/besoins/{need.pk}/")


def test_outcome_request_links_to_the_outcome_form_on_the_need_page():
    need = NeedFactory(title=HOSTILE)

    message = need_email_message(
        to="x@example.org", kind=DeliveryKind.OUTCOME_REQUEST, context=need_context(need)
    )

    assert_plain_text_and_escaped_html(message)
    # The form's anchor on the page: the outcome URL itself takes POST only (a GET is a 405).
    assert_links_on_the_site(message, f"/besoins/{need.pk}/#bilan")


def test_password_reset_link_is_on_the_site_url(client):
    UserFactory(email="claire@example.org")
    client.post("/compte/mot-de-passe/oubli/", {"email": "claire@example.org"})

    [message] = mail.outbox
    assert_links_on_the_site(message)
    assert any("/compte/mot-de-passe/nouveau/" in link for link in links(message.body))


def test_a_trailing_slash_on_the_site_url_gives_no_double_slash(settings):
    from maillage.emails import absolute_url

    settings.MAILLAGE_SITE_URL = SITE + "/"
    assert absolute_url("/besoins/3/") == SITE + "/besoins/3/"
    assert absolute_url("besoins/3/") == SITE + "/besoins/3/"
    assert absolute_url("") == SITE + "/"


def test_every_email_goes_through_the_templated_email_helper():
    helper = settings.BASE_DIR / "maillage" / "emails.py"
    sending = re.compile(
        r"EmailMultiAlternatives\(|EmailMessage\(|(?<!def )send_mail\(|send_mass_mail\(|mail_admins\("
    )
    senders = [
        str(path)
        for path in (settings.BASE_DIR / "maillage").rglob("*.py")
        if path != helper and sending.search(path.read_text())
    ]
    assert senders == []


def test_contact_email_to_the_networks_team_is_not_escaped_in_text_and_escaped_in_html():
    establishment = EstablishmentFactory(name=HOSTILE)
    network = NetworkFactory(name="Industries Alsace du Nord")
    data = {"name": HOSTILE, "company": "", "email": "visiteur@example.org", "message": HOSTILE}

    send_contact_email(
        establishment=establishment, data=data, route=ContactRoute(["equipe@example.org"], network)
    )

    [message] = mail.outbox
    assert message.to == ["equipe@example.org"] and message.reply_to == ["visiteur@example.org"]
    assert "mise en relation" in message.subject and "Industries Alsace du Nord" in message.body
    assert_plain_text_and_escaped_html(message)
    assert_links_on_the_site(message, f"/etablissements/{establishment.siret}/")
