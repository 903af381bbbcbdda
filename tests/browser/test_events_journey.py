"""The whole life of a training seat in a real browser (issue 16): a visitor registers to a full
training and is waitlisted; the member who held the seat cancels from their link; the visitor is
offered the seat and accepts it; the animator checks them in on a phone-sized page; the trainee
signs the half-day's sheet on the pad; the certificate's PDF gives the hours attended. The
visitor's private calendar feed follows along (waitlisted, then confirmed).

On one database only (``one_database``): it crosses every events part, each tested on both."""

import datetime
import re

import icalendar
import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from maillage.events import feeds, pdf, registrations
from maillage.events.models import Certificate, EventKind, Registration, RegistrationStatus
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.browser.conftest import login
from tests.directory.factories import EstablishmentFactory, NetworkFactory
from tests.events.factories import EventFactory
from tests.events.test_certificates import pdf_text

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.one_database]
SCREENSHOTS = settings.BASE_DIR / "test-results"
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _link(message) -> str:
    return re.search(r"https?://[^/]+(/inscriptions/[^/\s]+/)", message.body)[1]


def _feed_states(user) -> dict[str, str]:
    token = feeds.feed_token_active(user) or feeds.feed_token_create(user)
    calendar = icalendar.Calendar.from_ical(feeds.person_feed_ics(token.token))
    return {str(v["SUMMARY"]): str(v["STATUS"]) for v in calendar.walk("VEVENT")}


def _draw(page):
    expect(page.get_by_role("button", name="Valider ma signature")).to_be_disabled()  # the pad is ready
    area = page.locator("canvas").bounding_box()
    page.mouse.move(area["x"] + 30, area["y"] + 60)
    page.mouse.down()
    for step in range(1, 20):
        page.mouse.move(area["x"] + 30 + step * 12, area["y"] + 60 - (step % 5) * 8)
    page.mouse.up()


def test_a_waitlisted_visitor_gets_the_seat_attends_signs_and_gets_the_certificate(page, axe):
    animator = UserFactory(email="animatrice@example.org", first_name="Claire", last_name="Weiss")
    network = NetworkFactory(slug="plasti-ouest", name="Plasti Ouest", animators=[animator])
    member = EstablishmentFactory(name="Moules Atlantique", member_of=network)
    # The first half-day starts in ten minutes (its sheet opens a quarter of an hour before);
    # the second is tomorrow.
    start = timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(minutes=10)
    half_day, tomorrow = datetime.timedelta(hours=3, minutes=30), start + datetime.timedelta(days=1)
    event = EventFactory(
        network=network, slug="trs-smed", title="Comment mesurer la productivité : TRS et SMED",
        kind=EventKind.TRAINING, capacity=1, trainer="Marc Lehmann",
        sessions=[(start, start + half_day), (tomorrow, tomorrow + half_day)],
    )  # fmt: skip
    holder = registrations.register(
        event, first_name="Anne", last_name="Muller", email="anne@moules.example", establishment=member
    )
    visitor = UserFactory(email="luc@weber.example", first_name="Luc", last_name="Weber")
    mail.outbox.clear()

    # The visitor registers: the training is full, he is waitlisted.
    page.goto("/reseaux/plasti-ouest/agenda/trs-smed/inscription/")
    expect(page.get_by_text("L’événement est complet")).to_be_visible()
    page.get_by_label("Prénom").first.fill("Luc")
    page.get_by_label("Nom :", exact=True).first.fill("Weber")
    page.get_by_label("Adresse e-mail").first.fill("luc@weber.example")
    page.get_by_label("Entreprise").fill("Plasturgie Weber")
    page.get_by_role("button", name="M’inscrire").click()
    expect(page.get_by_text("vous êtes le premier sur la liste d’attente")).to_be_visible()
    title = "Comment mesurer la productivité : TRS et SMED"
    assert _feed_states(visitor) == {f"Liste d’attente — {title}": "TENTATIVE"}

    # The member cancels from the link of her e-mail: the seat is offered to the visitor.
    page.goto(f"/inscriptions/{holder.token}/")
    page.get_by_text("Je ne pourrai pas venir").click()
    page.get_by_role("button", name="Annuler mon inscription").click()
    expect(page.get_by_text("Votre inscription est annulée.")).to_be_visible()
    offer = mail.outbox[-1]
    assert offer.to == ["luc@weber.example"]
    page.goto(_link(offer))
    page.get_by_role("button", name="Accepter la place").click()
    expect(page.get_by_text("C’est confirmé : la place est à vous.")).to_be_visible()
    seat = Registration.objects.get(event=event, email="luc@weber.example")
    assert seat.status == RegistrationStatus.CONFIRMED
    assert _feed_states(visitor) == {title: "CONFIRMED"}

    # The animator checks him in on her phone.
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "animatrice@example.org", DEFAULT_PASSWORD)
    page.goto("/animation/plasti-ouest/evenements/trs-smed/pointage/")
    page.get_by_role("button", name="Luc Weber").click()
    expect(page.get_by_role("button", name="Luc Weber")).to_have_attribute("aria-pressed", "true")
    assert page.evaluate(OVERFLOW) <= 0
    assert axe(page) == []
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "events-journey-checkin-390.png"), full_page=True)

    # He signs the half-day's sheet on the tablet passed around.
    session = event.sessions.first()
    page.goto(f"/animation/plasti-ouest/evenements/trs-smed/emargement/{session.pk}/")
    page.get_by_role("link", name="Luc Weber").click()
    _draw(page)
    page.get_by_role("button", name="Valider ma signature").click()
    expect(page.get_by_role("status")).to_contain_text("Merci, Luc Weber")

    # The certificate: generated for him, its PDF gives the 3.5 hours he attended.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/animation/plasti-ouest/evenements/trs-smed/attestations/")
    page.get_by_role("button", name="Générer les attestations").click()
    expect(page.get_by_role("status")).to_contain_text("1 attestation")
    certificate = Certificate.objects.get(registration=seat)
    download = page.request.get(f"/inscriptions/{seat.token}/attestation.pdf")
    assert download.status == 200 and download.body().startswith(b"%PDF")
    text = pdf_text(pdf.certificate_html(certificate))
    assert "atteste que Luc WEBER de l’entreprise Plasturgie Weber" in text
    assert "Durée suivie : 3,5 h sur 7 h" in text
