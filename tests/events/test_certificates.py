"""Certificates: only for people who attended, hours frozen, the PDF's text and QR code, the
public check page, the holder's own PDF, and the e-mail through the one registration path."""

import base64
import urllib.parse
from decimal import Decimal

import pytest
from django.core import mail

from maillage.events import attendance, certificates, pdf, sending
from maillage.events.errors import EventError
from maillage.events.models import Certificate, EventKind, RegistrationMessage, RegistrationStatus
from tests.accounts.factories import UserFactory
from tests.directory.factories import NetworkFactory
from tests.events.factories import EventFactory, RegistrationFactory, paris

pytestmark = pytest.mark.django_db


def pdf_text(html: str) -> str:
    """The text WeasyPrint lays out on the PDF's pages (no PDF reader is a dependency)."""
    from weasyprint import HTML

    document = HTML(string=html).render()
    words = []

    def walk(box):
        text = getattr(box, "text", None)
        if text:
            words.append(text)
        for child in getattr(box, "children", []) or []:
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return " ".join(" ".join(words).split())


@pytest.fixture
def training():
    """Four half-days of 3.5 h (14 h) of network « Plasti Ouest »."""
    network = NetworkFactory(slug="plasti-ouest", name="Plasti Ouest")
    days = [(paris(2026, 9, d, h), paris(2026, 9, d, h + 3, 30)) for d in (15, 16) for h in (9, 14)]
    return EventFactory(
        network=network,
        slug="trs-smed",
        title="Mesurer la productivité : TRS et SMED",
        kind=EventKind.TRAINING,
        objectives="Calculer un TRS.\nRéduire un changement de série.",
        trainer="Claire Martin",
        sessions=days,
    )


def _attended(event, sessions=3, **kwargs):
    registration = RegistrationFactory(event=event, **kwargs)
    for session in list(event.sessions.all())[:sessions]:
        attendance.check_in(registration, session, None)
    return registration


def test_only_people_who_attended_get_one(training):
    absent = RegistrationFactory(event=training)
    with pytest.raises(EventError, match="aucune séance"):
        certificates.issue(absent, "completion", None)
    waitlisted = RegistrationFactory(event=training, status=RegistrationStatus.WAITLISTED)
    with pytest.raises(EventError):
        certificates.issue(waitlisted, "completion", None)
    assert not Certificate.objects.exists()


def test_hours_are_frozen_and_issue_is_idempotent(training):
    registration = _attended(training)
    by = UserFactory()
    certificate = certificates.issue(registration, "completion", by)
    assert certificate.hours == Decimal("10.5") and certificate.issued_by == by
    assert len(certificate.verification_code) >= 20
    attendance.check_in(registration, training.sessions.last(), None)
    again = certificates.issue(registration, "completion", by)
    assert again.pk == certificate.pk and again.hours == Decimal("10.5")
    with pytest.raises(EventError):
        certificates.issue(registration, "diploma", by)


def test_bulk_issues_for_everyone_who_came(training):
    came = [_attended(training), _attended(training, sessions=1)]
    RegistrationFactory(event=training)
    issued = certificates.issue_bulk(training, certificates.default_kind(training), None)
    assert {c.registration for c in issued} == set(came)
    assert {c.kind for c in issued} == {"completion"}
    assert len(certificates.issue_bulk(training, "completion", None)) == 2
    assert Certificate.objects.count() == 2


def test_the_pdf_lists_the_hours_attended_and_the_verification(training):
    registration = _attended(training, first_name="Lina", last_name="Roux", company_name="Roux Plasturgie")
    certificate = certificates.issue(registration, "completion", None)
    html = pdf.certificate_html(certificate)
    text = pdf_text(html)
    for expected in (
        "Certificat de réalisation",
        "Plasti Ouest",
        "Lina ROUX",
        "Roux Plasturgie",
        "Mesurer la productivité : TRS et SMED",
        "10,5 h sur 14 h",
        "Calculer un TRS.",
        "mardi 15 septembre 2026",
        f"/attestations/{certificate.verification_code}/",
    ):
        assert expected in text, expected
    # The QR code is an SVG data URI encoding the verification URL.
    start = html.index("data:image/svg+xml")
    uri = html[start : html.index('"', start)]
    svg = (
        urllib.parse.unquote(uri.split(",", 1)[1])
        if ";base64" not in uri
        else base64.b64decode(uri.split(",", 1)[1]).decode()
    )
    assert svg.startswith("<?xml") or "<svg" in svg
    assert pdf.certificate_pdf(certificate).startswith(b"%PDF")


def test_the_attendance_kind_says_so(training):
    certificate = certificates.issue(_attended(training, sessions=1), "attendance", None)
    text = pdf_text(pdf.certificate_html(certificate))
    assert "Attestation de présence" in text and "3,5 h sur 14 h" in text


def test_check_page_says_valid_whose_which_and_nothing_more(client, training):
    registration = _attended(
        training,
        first_name="Lina",
        last_name="Roux",
        email="lina@roux.example",
        phone="0601020304",
        company_name="Roux Plasturgie",
    )
    certificate = certificates.issue(registration, "completion", None)
    response = client.get(f"/attestations/{certificate.verification_code}/")
    page = response.content.decode()
    assert response.status_code == 200 and response["X-Robots-Tag"] == "noindex"
    assert (
        "Document valide" in page
        and "Lina Roux" in page
        and "Mesurer la productivité" in page
        and "10,5" in page
    )
    assert "lina@roux.example" not in page and "0601020304" not in page and "Roux Plasturgie" not in page
    assert client.get("/attestations/inconnu/").status_code == 404


def test_the_holder_downloads_it_through_their_link(client, training):
    registration = _attended(training)
    url = f"/inscriptions/{registration.token}/attestation.pdf"
    assert client.get(url).status_code == 404  # not issued yet
    certificates.issue(registration, "attendance", None)
    completion = certificates.issue(registration, "completion", None)
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert pdf.certificate_filename(completion) in response["Content-Disposition"]


def test_sending_attaches_the_pdf_once(training, settings):
    settings.HUEY = {**settings.HUEY, "immediate": True}
    registration = _attended(training, email="lina@roux.example")
    certificate = certificates.issue(registration, "completion", None)
    assert "certificate" in sending.EXTRAS
    assert sending.registration_send(
        registration_id=registration.pk, kind="certificate", key=str(certificate.pk)
    )
    assert not sending.registration_send(
        registration_id=registration.pk, kind="certificate", key=str(certificate.pk)
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lina@roux.example"]
    assert "Certificat de réalisation" in message.subject and "Mesurer la productivité" in message.subject
    assert f"/attestations/{certificate.verification_code}/" in message.body and "10,5 h" in message.body
    ((name, content, mimetype),) = message.attachments
    assert name.endswith(".pdf") and mimetype == "application/pdf" and content.startswith(b"%PDF")
    assert RegistrationMessage.objects.get().state == "sent"


def test_send_button_queues_the_task(client, training, django_capture_on_commit_callbacks, monkeypatch):
    animator = UserFactory()
    training.network.animators.add(animator)
    certificate = certificates.issue(_attended(training), "completion", None)
    queued = []
    monkeypatch.setattr("maillage.events.tasks.registration_send_task", lambda *args: queued.append(args))
    client.force_login(animator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/animation/plasti-ouest/evenements/trs-smed/attestations/{certificate.pk}/envoyer/"
        )
    assert response.status_code == 302
    assert queued == [(certificate.registration_id, "certificate", str(certificate.pk))]


def test_back_office_page_generates_and_lists(client, training):
    animator = UserFactory()
    training.network.animators.add(animator)
    _attended(training, first_name="Lina", last_name="Roux")
    RegistrationFactory(event=training, first_name="Marc", last_name="Absent")
    client.force_login(animator)
    url = "/animation/plasti-ouest/evenements/trs-smed/attestations/"
    page = client.get(url).content.decode()
    assert "Lina Roux" in page and "Marc Absent" not in page and "pas encore générée" in page
    response = client.post(url, {"kind": "completion"}, follow=True)
    page = response.content.decode()
    assert "1 attestation prête." in page
    certificate = Certificate.objects.get()
    assert f"attestations/{certificate.pk}.pdf" in page
    assert client.get(f"{url}{certificate.pk}.pdf").content.startswith(b"%PDF")


def test_check_page_and_pdf_in_english(client, training, settings):
    from django.utils import translation

    certificate = certificates.issue(
        _attended(training, first_name="Lina", last_name="Roux"), "completion", None
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"/attestations/{certificate.verification_code}/").content.decode()
    assert "Valid document: certificate of completion issued by Plasti Ouest." in page
    assert "10.5 h out of 14 h" in page and "Tuesday 15 September 2026" in page
    with translation.override("en"):
        text = pdf_text(pdf.certificate_html(certificate))
    assert (
        "Certificate of completion" in text
        and "completed the training" in text
        and "10.5 h out of 14 h" in text
    )
