"""The signing tablet's link: one session's sheet without an account, nothing else, until the
session is over (maillage/events/kiosk.py)."""

import datetime

import pytest
from django.utils import timezone

from maillage.events.kiosk import VALID_AFTER_END, kiosk_session, kiosk_token
from maillage.events.models import EventStatus
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
DRAWING = "M 10 10 L 60 40 L 120 20"


@pytest.fixture
def training():
    start = timezone.now() - datetime.timedelta(minutes=5)
    event = EventFactory(
        sessions=[(start, start + datetime.timedelta(hours=3, minutes=30))], trainer="Anne Klein"
    )
    registration = RegistrationFactory(event=event, first_name="Léa", last_name="Muller")
    return event, event.sessions.get(), registration


def test_a_trainee_signs_on_the_tablet_without_an_account(client, training):
    event, session, registration = training
    url = f"/emargement/{kiosk_token(session)}/"
    sheet = client.get(url).content.decode()
    assert "Muller" in sheet and "Pointage" not in sheet and "Mode tablette" not in sheet
    response = client.post(url, {"signataire": registration.pk, "signature": DRAWING})
    assert response.status_code == 302 and response["Location"] == url
    attendance = session.attendances.get(registration=registration)
    assert (
        attendance.present and attendance.signer_name == "Léa Muller" and len(attendance.signature_hash) == 64
    )


def test_the_link_opens_one_session_only_and_ends_with_it(client, training):
    event, session, registration = training
    other = EventFactory(network=event.network).sessions.get()
    token = kiosk_token(session)
    assert kiosk_session(token[:-2] + "xx") is None  # forged
    assert kiosk_session(token, now=session.ends_at + VALID_AFTER_END + datetime.timedelta(minutes=1)) is None
    assert kiosk_session(token) == session != other
    response = client.post(f"/emargement/{token}/", {"signataire": 999999, "signature": DRAWING})
    assert response.status_code == 404  # not on this sheet
    event.status = EventStatus.CANCELLED
    event.save()
    assert client.get(f"/emargement/{token}/").status_code == 404


def test_the_managers_page_gives_the_tablet_link(client, training):
    event, session, _registration = training
    animator = event.network.animators.create(email="anim@reseau.example")
    client.force_login(animator)
    page = client.get(f"/animation/{event.network.slug}/evenements/{event.slug}/emargement/{session.pk}/")
    html = page.content.decode()
    assert "Mode tablette" in html and f"/emargement/{kiosk_token(session)}/" in html
