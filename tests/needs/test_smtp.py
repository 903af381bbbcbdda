"""One need e-mail through a real SMTP server (aiosmtpd on a free local port), read back."""

import datetime
import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from maillage.needs import sending
from maillage.needs.models import NeedStatus
from maillage.needs.services import CapabilityInput, need_create
from tests.directory.factories import NetworkFactory
from tests.needs.factories import capability_node, member


class Sink:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    settings.DEFAULT_FROM_EMAIL = "Maillage <besoins@maillage.test>"
    yield sink
    controller.stop()


@pytest.mark.django_db
def test_invitation_goes_through_a_real_smtp_server(smtp_server, fake_candidates):
    network = NetworkFactory(name="Pôle Mécanique Alsace")
    author, establishment = member(network)
    supplier, supplier_establishment = member(network, email="atelier@fournisseur.example")
    fake_candidates([supplier_establishment])
    need = need_create(
        author=author, network=network, author_establishment=establishment, kind="part",
        title="Taraudage M12 sur 300 pièces", description="Pièces en acier S355, lot unique.",
        capabilities=[CapabilityInput(capability_node().code, quantity="300", unit="pièces")],
        deadline=timezone.localdate() + datetime.timedelta(days=10),
    )  # fmt: skip
    need.status = NeedStatus.OPEN
    need.save()

    assert sending.need_send_batch(need_id=need.pk, batch=1) == 1

    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == ["atelier@fournisseur.example"]
    assert envelope.mail_from == "besoins@maillage.test"
    message = email.message_from_bytes(envelope.original_content, policy=policy.default)
    assert message["Subject"] == "Un besoin pour vous : Taraudage M12 sur 300 pièces"
    assert message["To"] == "atelier@fournisseur.example"
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Le réseau Pôle Mécanique Alsace vous transmet un besoin" in plain
    assert "300 pièces" in plain and "Pièces en acier S355" in plain
    assert f"/besoins/{need.pk}/" in plain
    assert "<h1" in html and "Taraudage M12 sur 300 pièces" in html
    assert "&#x27;" not in plain  # the plain text part is not HTML-escaped
