"""The calendar and the event management in Chromium: each page on a 390 × 844 phone and a
1280 px screen (no horizontal scroll, no serious axe-core violation; screenshots under
test-results/events/), one in English; an animator builds a two-day training with « Ajouter une
journée », publishes it and finds it on the network's calendar."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from maillage.events.models import Audience, EventKind, EventStatus
from maillage.events.services import event_create, training_day
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.browser.conftest import RESULTS, login
from tests.directory.factories import EstablishmentFactory, NetworkFactory
from tests.events.factories import RegistrationFactory
from tests.referential.factories import CommuneFactory, EpciFactory

pytestmark = pytest.mark.django_db(transaction=True)
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
WIDTHS = [(390, 844), (1280, 900)]


def _world():
    animator = UserFactory(email="animatrice@example.org", first_name="Claire", last_name="Weiss")
    network = NetworkFactory(slug="plasturgie-alsace", name="Plasturgie Alsace", animators=[animator])
    epci = EpciFactory(name="Communauté d’agglomération de Haguenau")
    haguenau = CommuneFactory(insee_code="67180", name="Haguenau", epci=epci, latitude=48.815, longitude=7.79)
    host = EstablishmentFactory(name="Injection Vogel", commune=haguenau, member_of=network)
    year = timezone.localdate().year + 1
    day = datetime.date(year, 9, 15)
    training = event_create(
        network, by=animator, title="Mesurer la productivité : TRS et SMED", kind=EventKind.TRAINING,
        sessions=training_day(day) + training_day(day + datetime.timedelta(days=7)),
        status=EventStatus.PUBLISHED, capacity=12, per_company_cap=2, commune=haguenau,
        venue="Pôle formation", address="3 rue du Tribunal",
        summary="Deux jours pour mesurer le TRS d’une presse et réduire ses changements de série.",
        objectives="Calculer le TRS.\nConduire un chantier SMED.",
        programme="Jour 1 : le TRS.\nJour 2 : le SMED.",
        prerequisites="Aucun.", trainer="Anne Muller", price_member=Decimal("350"),
        price_non_member=Decimal("450"), reminder_days=[7, 1],
    )  # fmt: skip
    RegistrationFactory.create_batch(3, event=training)
    start = training.starts_at
    event_create(
        network, by=animator, title="Business corner de rentrée", kind=EventKind.BUSINESS_CORNER,
        sessions=[(datetime.datetime.combine(day + datetime.timedelta(days=2), datetime.time(17, 30),
                                             tzinfo=training.starts_at.tzinfo),
                   datetime.datetime.combine(day + datetime.timedelta(days=2), datetime.time(20),
                                             tzinfo=training.starts_at.tzinfo))],
        status=EventStatus.PUBLISHED, capacity=40, commune=haguenau, venue="Salle Vauban",
    )  # fmt: skip
    event_create(
        network, by=animator, title="Visite de l’atelier d’injection Vogel", kind=EventKind.VISIT,
        sessions=[(start + datetime.timedelta(days=10), start + datetime.timedelta(days=10, hours=3))],
        status=EventStatus.PUBLISHED, audience=Audience.MEMBERS, host=host, capacity=15, commune=haguenau,
    )  # fmt: skip
    event_create(
        network, by=animator, title="Assemblée générale", kind=EventKind.GENERAL_ASSEMBLY,
        sessions=[(start + datetime.timedelta(days=30), start + datetime.timedelta(days=30, hours=2))],
    )  # fmt: skip
    return network, training, animator, year


def _cookie(user, url) -> dict:
    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": url,
    }


def test_the_calendar_pages_fit_a_phone_and_a_screen(browser, live_server, axe, settings):
    settings.SESSION_COOKIE_SECURE = False
    network, training, animator, year = _world()
    base = f"/reseaux/{network.slug}/agenda/"
    pages = [
        ("list", None, base, "fr-FR"),
        ("month", None, f"{base}{year}/09/", "fr-FR"),
        ("event", None, f"{base}{training.slug}/", "fr-FR"),
        ("event-en", None, f"{base}{training.slug}/", "en-GB"),
        ("backoffice-list", animator, f"/animation/{network.slug}/evenements/", "fr-FR"),
        (
            "backoffice-form",
            animator,
            f"/animation/{network.slug}/evenements/{training.slug}/modifier/",
            "fr-FR",
        ),
        ("backoffice-new", animator, f"/animation/{network.slug}/evenements/nouveau/", "fr-FR"),
    ]
    failures = []
    for width, height in WIDTHS:
        for name, user, path, locale in pages:
            context = browser.new_context(
                base_url=live_server.url, locale=locale, viewport={"width": width, "height": height}
            )
            if user is not None:
                context.add_cookies([_cookie(user, live_server.url)])
            page = context.new_page()
            response = page.goto(path)
            assert response.status == 200, f"{name}: {response.status}"
            page.wait_for_load_state("networkidle")
            if page.evaluate(OVERFLOW) > 0:
                failures.append(f"{name} at {width} px scrolls sideways")
            failures += [f"{name} at {width} px: axe {v['id']} on {v['nodes']}" for v in axe(page)]
            shot = RESULTS / "events" / str(width) / f"{name}.png"
            shot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shot), full_page=True)
            context.close()
    assert not failures, "\n".join(failures)


def test_an_animator_builds_a_training_and_publishes_it(page, live_server):
    network, _training, animator, year = _world()
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, animator.email, DEFAULT_PASSWORD)
    page.goto(f"/animation/{network.slug}/evenements/")
    page.get_by_role("link", name="Créer un événement").first.click()
    page.get_by_label("Titre").fill("Optimiser une cellule d’injection")
    page.get_by_label("Type").select_option("training")
    page.locator("#id_sessions-0-day").fill(f"{year}-11-17")
    page.locator("#id_sessions-0-start").fill("09:00")
    page.locator("#id_sessions-0-end").fill("12:30")
    page.get_by_role("button", name="Ajouter une demi-journée").click()
    expect(page.locator("#id_sessions-1-start")).to_have_value("13:30")
    page.get_by_role("button", name="Ajouter une journée").click()
    expect(page.locator("#id_sessions-3-day")).to_have_value(f"{year}-11-18")
    expect(page.get_by_label("Titre")).to_have_value("Optimiser une cellule d’injection")
    page.get_by_label("Nombre de places").fill("10")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_text("Événement enregistré en brouillon")).to_be_visible()
    page.get_by_role("button", name="Publier").click()
    expect(page.get_by_text("Événement publié")).to_be_visible()
    page.goto(f"/reseaux/{network.slug}/agenda/?type=training")
    page.get_by_role("link", name="Optimiser une cellule d’injection").click()
    expect(page.get_by_text("10 places restantes")).to_be_visible()
    expect(page.get_by_text("14\u00a0h").first).to_be_visible()
