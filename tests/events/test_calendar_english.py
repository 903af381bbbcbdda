"""The calendar and the event management in English read English (the scan of
tests/www/test_english_pages.py: French words and French spacing are tell-tales)."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from maillage.events.models import Audience, EventKind, EventStatus
from maillage.events.services import event_create, training_day
from tests.accounts.factories import UserFactory
from tests.directory.factories import EstablishmentFactory, NetworkFactory
from tests.events.factories import RegistrationFactory
from tests.referential.factories import CommuneFactory
from tests.www.test_english_pages import french_tells, visible_text

pytestmark = pytest.mark.django_db


def test_the_calendar_pages_in_english_have_no_french_word(client):
    animator = UserFactory()
    network = NetworkFactory(slug="plastics", name="Plastics Valley", animators=[animator])
    commune = CommuneFactory(name="Haguenau")
    host = EstablishmentFactory(name="Vogel Moulding", member_of=network)
    day = datetime.date(timezone.localdate().year + 1, 9, 15)
    training = event_create(
        network, by=animator, title="Measuring OEE", kind=EventKind.TRAINING, status=EventStatus.PUBLISHED,
        sessions=[(s.starts_at, s.ends_at, "Day one") for s in training_day(day)], capacity=1,
        commune=commune, venue="Training centre", trainer="Anne Muller", objectives="Compute the OEE.",
        price_member=Decimal("350"), price_non_member=Decimal("450"), host=host,
        registration_closes_at=datetime.datetime.combine(day, datetime.time(8), tzinfo=datetime.UTC),
    )  # fmt: skip
    RegistrationFactory(event=training)
    event_create(
        network, by=animator, title="Members' evening", kind=EventKind.MEMBERS_EVENT,
        audience=Audience.MEMBERS, sessions=training_day(day + datetime.timedelta(days=3))[:1],
    )  # fmt: skip
    names = ["Plastics Valley", "Haguenau", "Vogel Moulding", "Measuring OEE", "Members' evening",
             "Training centre", "Anne Muller", "Day one", "Compute the OEE.", "Matin"]  # fmt: skip
    client.force_login(animator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    base, manage = "/reseaux/plastics/agenda/", "/animation/plastics/evenements/"
    urls = [
        base, f"{base}{day.year}/09/", f"{base}{training.slug}/", manage, f"{manage}?liste=brouillons",
        f"{manage}nouveau/", f"{manage}{training.slug}/modifier/",
    ]  # fmt: skip
    failures = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        failures += [f"{url}: {hit}" for hit in french_tells(visible_text(response.content.decode()), names)]
    response = client.post(f"{manage}{training.slug}/annuler/")
    failures += [f"cancel: {hit}" for hit in french_tells(visible_text(response.content.decode()), names)]
    assert not failures, "\n".join(failures)
