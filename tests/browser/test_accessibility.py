"""axe-core (npm package) finds no serious or critical violation on the main pages."""

import pytest

from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.browser.conftest import login
from tests.directory.factories import MembershipFactory, NetworkFactory
from tests.referential.factories import CommuneFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def network():
    network = NetworkFactory(slug="industries-nord", name="Industries du Nord")
    MembershipFactory(
        network=network,
        establishment__name="Fonderie Roth",
        establishment__commune=CommuneFactory(insee_code="67180"),
    )
    network.animators.add(UserFactory(email="animatrice@example.org"))
    return network


@pytest.mark.parametrize("path", ["/", "/compte/connexion/", "/compte/mot-de-passe/oubli/"])
def test_public_pages_have_no_serious_violation(page, axe, network, path):
    page.goto(path)
    assert axe(page) == []


@pytest.mark.parametrize("part", ["membres", "invitations", "revendications"])
def test_back_office_pages_have_no_serious_violation(page, axe, network, part):
    login(page, "animatrice@example.org", DEFAULT_PASSWORD)
    page.goto(f"/animation/industries-nord/{part}/")
    assert axe(page) == []


def test_claim_page_has_no_serious_violation(page, axe, network):
    login(page, "animatrice@example.org", DEFAULT_PASSWORD)
    page.goto("/revendiquer/")
    assert axe(page) == []
