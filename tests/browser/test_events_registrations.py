"""Registrations in a real browser: a visitor registers to a full event and is waitlisted, the
member who held the seat cancels from the link of their e-mail, the visitor is offered the seat
and accepts it; the registration pages fit a phone and a desktop without horizontal scrolling
(screenshots in test-results/)."""

import datetime
import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from maillage.events import registrations
from maillage.events.models import Question, Registration, RegistrationStatus
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.browser.conftest import login
from tests.directory.factories import EstablishmentFactory, NetworkFactory
from tests.events.factories import EventFactory, paris

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = settings.BASE_DIR / "test-results"
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _world(capacity=1):
    cache.clear()  # visitors' forms are counted per address (throttling)
    animator = UserFactory(email="animatrice@example.org", first_name="Claire", last_name="Weiss")
    network = NetworkFactory(slug="industries-nord", name="Industries du Nord", animators=[animator])
    day = timezone.localdate() + datetime.timedelta(days=10)
    event = EventFactory(
        network=network,
        slug="trs-smed",
        title="Comment mesurer la productivité : TRS et SMED",
        capacity=capacity,
        per_company_cap=3,
        venue="Salle du conseil",
        address="3 rue des Tanneurs, Haguenau",
        sessions=[
            (paris(day.year, day.month, day.day, 9), paris(day.year, day.month, day.day, 12, 30)),
            (paris(day.year, day.month, day.day, 14), paris(day.year, day.month, day.day, 17, 30)),
        ],
    )
    Question.objects.create(event=event, label="Régime alimentaire", required=False)
    member = EstablishmentFactory(name="Établissements Muller-Schneider et fils", member_of=network)
    return network, event, member


def _link(message) -> str:
    return re.search(r"https?://[^/]+(/inscriptions/[^/\s]+/)", message.body)[1]


def test_a_visitor_is_waitlisted_then_takes_the_freed_seat(page, axe):
    _network, event, member = _world(capacity=1)
    holder = registrations.register(
        event, first_name="Anne", last_name="Muller", email="anne@muller.example", establishment=member
    )
    mail.outbox.clear()
    page.goto("/reseaux/industries-nord/agenda/trs-smed/")  # the event page (calendar's part)
    page.get_by_role("link", name="S’inscrire sur la liste d’attente").click()
    expect(page.get_by_text("L’événement est complet")).to_be_visible()
    # The colleagues' rows (folded) bear the same labels: the person's own fields come first.
    page.get_by_label("Prénom").first.fill("Luc")
    page.get_by_label("Nom :", exact=True).first.fill("Weber")
    page.get_by_label("Adresse e-mail").first.fill("luc@weber.example")
    page.get_by_label("Entreprise").fill("Plasturgie Weber")
    page.get_by_role("button", name="M’inscrire").click()
    expect(page.get_by_text("vous êtes le premier sur la liste d’attente")).to_be_visible()
    assert axe(page) == []
    [waitlisted] = mail.outbox
    visitor_link = _link(waitlisted)

    page.goto(f"/inscriptions/{holder.token}/")
    page.get_by_text("Je ne pourrai pas venir").click()
    page.get_by_role("button", name="Annuler mon inscription").click()
    expect(page.get_by_text("Votre inscription est annulée.")).to_be_visible()

    offer = mail.outbox[-1]
    assert offer.to == ["luc@weber.example"] and "libérée" in offer.subject
    page.goto(_link(offer))
    assert _link(offer) == visitor_link
    page.get_by_role("button", name="Accepter la place").click()
    expect(page.get_by_text("C’est confirmé : la place est à vous.")).to_be_visible()
    assert Registration.objects.get(email="luc@weber.example").status == RegistrationStatus.CONFIRMED
    assert "confirmée" in mail.outbox[-1].subject
    assert axe(page) == []


@pytest.mark.parametrize("width", [390, 1280])
def test_registration_pages_fit_the_screen(page, axe, width):
    _network, event, member = _world(capacity=2)
    first = registrations.register(
        event,
        first_name="Anne",
        last_name="Muller-Schneider",
        email="anne@muller.example",
        establishment=member,
    )
    registrations.register(event, first_name="Paul", last_name="Meyer", email="paul@meyer.example")
    waiting = registrations.register(event, first_name="Luc", last_name="Weber", email="luc@weber.example")
    page.set_viewport_size({"width": width, "height": 900})
    SCREENSHOTS.mkdir(exist_ok=True)

    def shoot(name, path=None):
        if path:
            page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / f"events-registration-{name}-{width}.png"), full_page=True)
        overflow = page.evaluate(OVERFLOW)
        assert overflow <= 0, f"{name}: {overflow} px too wide at {width} px"
        assert axe(page) == [], name

    shoot("form", "/reseaux/industries-nord/agenda/trs-smed/inscription/")
    page.get_by_text("Inscrire aussi des collègues").click()
    page.get_by_role("button", name="M’inscrire").click()
    shoot("form-errors")
    page.get_by_label("Prénom").first.fill("Julie")
    page.get_by_label("Nom :", exact=True).first.fill("Koenig")
    page.get_by_label("Adresse e-mail").first.fill("julie@koenig.example")
    page.get_by_role("button", name="M’inscrire").click()
    expect(page.get_by_text("en position 2 sur la liste d’attente")).to_be_visible()
    shoot("result")
    shoot("self-service", f"/inscriptions/{first.token}/")
    registrations.cancel(first)
    shoot("offer", f"/inscriptions/{waiting.token}/")

    login(page, "animatrice@example.org", DEFAULT_PASSWORD)
    shoot("list", "/animation/industries-nord/evenements/trs-smed/inscriptions/")
