"""The check-in list, the signing page and the sheet PDF; who may see them."""

import datetime
import re

import pytest
from django.utils import timezone

from maillage.events import attendance, pdf
from maillage.events.models import Attendance, EventKind, RegistrationStatus
from tests.accounts.factories import UserFactory
from tests.directory.factories import NetworkFactory
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

DRAWING = "M10 10 L50 40 L90 20"


@pytest.fixture
def animator():
    return UserFactory()


@pytest.fixture
def event(animator):
    """A training of network « reseau-pointage » running now (so that its sheet is open)."""
    network = NetworkFactory(slug="reseau-pointage", name="Plasti Ouest", animators=[animator])
    start = timezone.now() - datetime.timedelta(minutes=30)
    return EventFactory(
        network=network,
        slug="trs-smed",
        title="Mesurer la productivité : TRS et SMED",
        kind=EventKind.TRAINING,
        trainer="Claire Martin",
        venue="Salle Vauban",
        sessions=[
            (start, start + datetime.timedelta(hours=3)),
            (start + datetime.timedelta(days=1), start + datetime.timedelta(days=1, hours=3)),
        ],
    )


def _url(event, part):
    return f"/animation/{event.network.slug}/evenements/{event.slug}/{part}"


def test_checkin_page_lists_confirmed_people_with_the_count(client, animator, event):
    RegistrationFactory(event=event, first_name="Lina", last_name="Roux", company_name="Roux Plasturgie")
    RegistrationFactory(event=event, first_name="Marc", last_name="Blanc")
    RegistrationFactory(
        event=event, first_name="Alice", last_name="Attente", status=RegistrationStatus.WAITLISTED
    )
    client.force_login(animator)
    response = client.get(_url(event, "pointage/"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Lina Roux" in page and "Roux Plasturgie" in page and "Marc Blanc" in page
    assert "Alice" not in page
    assert re.search(r"0\s+présents? sur 2", page)


def test_checkin_toggle_with_htmx_returns_the_person_and_the_count(client, animator, event):
    registration = RegistrationFactory(event=event)
    session = event.sessions.first()
    client.force_login(animator)
    url = _url(event, f"pointage/{session.pk}/{registration.pk}/")
    response = client.post(
        url, {"present": "1"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET=f"person-{registration.pk}"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'aria-pressed="true"' in body and 'hx-swap-oob="true"' in body and "sur 1" in body
    assert Attendance.objects.get(registration=registration, session=session).present
    response = client.post(url, {"present": "0"})
    assert response.status_code == 302
    assert not Attendance.objects.get(registration=registration, session=session).present


def test_checkin_search_filters_by_name_or_company(client, animator, event):
    RegistrationFactory(event=event, first_name="Lina", last_name="Roux")
    RegistrationFactory(event=event, first_name="Marc", last_name="Blanc", company_name="Moules Atlantique")
    client.force_login(animator)
    response = client.get(_url(event, "pointage/?q=atlan"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="roster")
    body = response.content.decode()
    assert "Marc Blanc" in body and "Lina" not in body and "<h1>" not in body


def test_bulk_mark_present_after_the_fact(client, animator, event):
    a, b = RegistrationFactory(event=event), RegistrationFactory(event=event)
    client.force_login(animator)
    sessions = [s.pk for s in event.sessions.all()]
    response = client.post(
        _url(event, "pointage/marquer/"), {"inscriptions": [a.pk, b.pk], "seances": sessions}
    )
    assert response.status_code == 302
    assert Attendance.objects.filter(present=True).count() == 4
    response = client.post(
        _url(event, "pointage/marquer/"), {"inscriptions": [], "seances": sessions}, follow=True
    )
    assert "Choisissez au moins une personne" in response.content.decode()


def test_signing_page_trainee_then_trainer(client, animator, event):
    registration = RegistrationFactory(event=event, first_name="Lina", last_name="Roux")
    session = event.sessions.first()
    client.force_login(animator)
    url = _url(event, f"emargement/{session.pk}/")
    page = client.get(url).content.decode()
    assert f"?signataire={registration.pk}" in page and "?signataire=formateur" in page
    pad = client.get(f"{url}?signataire={registration.pk}").content.decode()
    assert "data-signature-pad" in pad and "signature-pad.js" in pad and "<script>" not in pad
    response = client.post(url, {"signataire": registration.pk, "signature": ""})
    assert response.status_code == 400 and "Signez dans le cadre" in response.content.decode()
    response = client.post(url, {"signataire": registration.pk, "signature": DRAWING}, follow=True)
    assert "Merci, Lina Roux" in response.content.decode()
    row = Attendance.objects.get(registration=registration, session=session)
    assert row.signer_name == "Lina Roux" and row.present and len(row.signature_hash) == 64
    response = client.post(url, {"signataire": "formateur", "nom": "Claire Martin", "signature": DRAWING})
    assert response.status_code == 302
    session.refresh_from_db()
    assert attendance.trainer_signature_parts(session)[0] == "Claire Martin"


def test_signing_a_later_session_is_refused(client, animator, event):
    registration = RegistrationFactory(event=event)
    tomorrow = event.sessions.last()
    client.force_login(animator)
    url = _url(event, f"emargement/{tomorrow.pk}/")
    assert "La feuille s’ouvre" in client.get(url).content.decode()
    response = client.post(url, {"signataire": registration.pk, "signature": DRAWING})
    assert response.status_code == 400
    assert not Attendance.objects.exists()


def test_sheet_pdf_and_its_text(client, animator, event):
    registration = RegistrationFactory(
        event=event, first_name="Lina", last_name="Roux", company_name="Roux Plasturgie"
    )
    session = event.sessions.first()
    row = attendance.sign(registration, session, DRAWING, "Lina Roux", timezone.now())
    client.force_login(animator)
    response = client.get(_url(event, f"emargement/{session.pk}.pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    html = pdf.sheet_html(session)
    for text in (
        "Feuille d’émargement",
        "Plasti Ouest",
        "Mesurer la productivité",
        "Salle Vauban",
        "ROUX Lina",
        "Roux Plasturgie",
        row.signature_hash,
        f'd="{DRAWING}"',
    ):
        assert text in html, text
    assert "matin" in html or "après-midi" in html


def test_session_of_another_event_is_not_found(client, animator, event):
    other = EventFactory(network=event.network)
    client.force_login(animator)
    assert client.get(_url(event, f"emargement/{other.sessions.first().pk}/")).status_code == 404
    assert client.get(_url(event, f"emargement/{other.sessions.first().pk}.pdf")).status_code == 404


def test_an_organiser_manages_and_others_do_not(client, event):
    organiser, stranger = UserFactory(), UserFactory()
    event.organisers.add(organiser)
    client.force_login(organiser)
    assert client.get(_url(event, "pointage/")).status_code == 200
    client.force_login(stranger)
    assert client.get(_url(event, "pointage/")).status_code == 403
    client.logout()
    assert client.get(_url(event, "pointage/")).status_code == 302


def test_a_person_who_signed_gets_the_list_again(client, animator, event):
    registration = RegistrationFactory(event=event)
    session = event.sessions.first()
    attendance.sign(registration, session, DRAWING, "A B", timezone.now())
    client.force_login(animator)
    url = _url(event, f"emargement/{session.pk}/")
    response = client.get(f"{url}?signataire={registration.pk}")
    assert response.status_code == 302 and response["Location"] == url
