"""The supply graph in a browser: it renders, a filter redraws it, zoom works, axe-core is clean."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from maillage.referential.models import CpvCode
from maillage.relations.models import RelationSource
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.browser.conftest import login
from tests.directory.factories import EstablishmentFactory, OrganisationFactory
from tests.referential.factories import CommuneFactory, DepartmentFactory
from tests.relations.factories import SupplyRelationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _company(name, size, department):
    commune = CommuneFactory(department=DepartmentFactory(code=department, name=f"Département {department}"))
    return EstablishmentFactory(
        organisation=OrganisationFactory(name=name, size_category=size), commune=commune
    )


@pytest.fixture
def world():
    works = CpvCode.objects.create(code="45210000", label="Travaux de construction de bâtiments")
    buyer = _company("Grand Donneur", "GE", "67")
    suppliers = [_company(f"Atelier {n}", "PME", "67" if n < 3 else "68") for n in range(5)]
    for n, supplier in enumerate(suppliers):
        SupplyRelationFactory(
            supplier=supplier,
            client=buyer,
            cpv=works,
            amount=Decimal(1000 * (n + 1)),
            source=RelationSource.PUBLIC_PROCUREMENT,
        )
    # Seen by the administrator only.
    SupplyRelationFactory(
        supplier=suppliers[0], client=_company("Client Discret", "PME", "67"), confidentiality="parties"
    )
    return {"admin": UserFactory(admin=True)}


def test_graph_renders_and_a_filter_redraws_it(page, axe, world):
    page.goto("/qui-travaille-pour-qui/")
    nodes = page.locator("svg[data-sg-graph] .sg-node")
    expect(nodes).to_have_count(6)
    expect(page.locator("svg[data-sg-graph] .sg-edge")).to_have_count(5)
    assert axe(page) == []

    # Hover fades the rest; zoom changes the viewport's transform.
    page.locator('.sg-node[data-key^="etab:"] circle').first.hover()
    expect(page.locator("svg[data-sg-graph]")).to_have_class(re.compile("sg-svg--focus"))
    page.get_by_role("button", name="Zoomer", exact=True).click()
    expect(page.locator("[data-sg-viewport]")).to_have_attribute("transform", re.compile(r"scale\(1\.25\)"))

    # The department filter redraws through htmx and lands in the address bar.
    page.get_by_label("Département").select_option("68")
    expect(page).to_have_url(re.compile(r"territoire=68"))
    expect(nodes).to_have_count(3)
    expect(page.locator("#sg-relations tbody tr")).to_have_count(2)
    # The new drawing is live too (the script re-binds after the swap).
    page.get_by_role("button", name="Zoomer", exact=True).click()
    expect(page.locator("[data-sg-viewport]")).to_have_attribute("transform", re.compile(r"scale\(1\.25\)"))
    assert axe(page) == []


def test_administrator_sees_the_parties_only_relation(page, world):
    login(page, world["admin"].email, DEFAULT_PASSWORD)
    page.goto("/qui-travaille-pour-qui/")
    expect(page.locator("svg[data-sg-graph] .sg-node")).to_have_count(7)
    expect(
        page.locator("#sg-relations").get_by_role("cell", name="Client Discret", exact=True)
    ).to_be_visible()
