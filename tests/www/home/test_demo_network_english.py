"""The demo network reads in English on English pages (issue 14: the network description).

Outside tests/demo: that package keeps the built demo committed while its tests run, so a test
that builds the network from nothing met it already there when run in one process."""

import pytest
from django.conf import settings
from django.urls import reverse

from maillage.demo.territory import NETWORK_DESCRIPTION, TERRITORY_EPCIS, network_ensure
from maillage.directory.models import Network
from maillage.referential.models import Epci
from tests.referential.factories import EpciFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def territory():
    # A worker may already hold the real referential (session-scoped reference data elsewhere).
    known = set(Epci.objects.filter(siren__in=TERRITORY_EPCIS).values_list("siren", flat=True))
    for siren, name in TERRITORY_EPCIS.items():
        if siren not in known:
            EpciFactory(siren=siren, name=name)


def test_demo_network_has_an_english_description_shown_on_english_pages(client, territory):
    network, written = network_ensure()
    assert written == 1 and network.description_en.startswith("The network of North Alsace")
    assert network_ensure()[1] == 0  # nothing left to write
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("home:network_detail", args=[network.slug])).content.decode()
    assert "The network of North Alsace" in page and "Le réseau des industriels" not in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = client.get(reverse("home:network_detail", args=[network.slug])).content.decode()
    assert "Le réseau des industriels" in page


def test_a_demo_network_built_before_keeps_its_text_and_gains_the_english_one(territory):
    Network.objects.create(
        slug="alsace-du-nord", name="Industries Alsace du Nord", description=NETWORK_DESCRIPTION
    )
    network, written = network_ensure()
    assert written == 1 and network.description_en
    # An animator's own description is never overwritten.
    network.description, network.description_en = "Notre réseau.", ""
    network.save()
    assert network_ensure()[0].description_en == ""
