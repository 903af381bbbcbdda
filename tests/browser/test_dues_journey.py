"""Dues and the members list's bulk actions in a real browser: the treasurer sets the scale,
calls the year, records a payment; the pages fit a phone and a desktop without horizontal
scrolling, and pass axe-core."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from maillage.directory.dues import dues_call, dues_scale_save
from maillage.directory.models import Contact, Dues, Membership
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.browser.conftest import login
from tests.directory.factories import EstablishmentFactory, NetworkFactory
from tests.referential.factories import CommuneFactory

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = settings.BASE_DIR / "test-results"
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
YEAR = timezone.localdate().year


def _world():
    animator = UserFactory(email="tresoriere@example.org", first_name="Claire", last_name="Weiss")
    network = NetworkFactory(slug="industries-nord", name="Industries du Nord", animators=[animator])
    commune = CommuneFactory(insee_code="67180", name="Haguenau")
    names = [
        ("Fonderie Roth", "PME"),
        ("Établissements Muller-Schneider et fils", "Grandes entreprises"),
        ("Tôlerie Lutz", "TPE"),
    ]
    for name, category in names:
        company = EstablishmentFactory(name=name, commune=commune, city="Haguenau", member_of=network)
        Membership.objects.filter(establishment=company).update(category=category)
        Contact.objects.create(
            network=network, establishment=company, first_name="Anne", last_name="Muller", role="direction",
            email=f"direction@{company.siret}.example",
        )  # fmt: skip
    return network, animator


def test_treasurer_sets_the_scale_calls_the_year_and_records_a_payment(page, axe):
    network, _animator = _world()
    login(page, "tresoriere@example.org", DEFAULT_PASSWORD)
    page.goto("/animation/industries-nord/membres/")
    page.get_by_role("link", name="Cotisations", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Cotisations {YEAR}")
    page.get_by_label("Montant par défaut (€)").fill("300")
    page.get_by_label("PME").fill("450")
    page.get_by_role("button", name=f"Enregistrer le barème {YEAR}").click()
    expect(page.get_by_role("status")).to_contain_text(f"Barème {YEAR} enregistré.")
    page.get_by_role("link", name=f"Appeler les cotisations {YEAR}").click()
    page.get_by_role("button", name="Appeler 3 cotisations").click()
    expect(page.get_by_role("status")).to_contain_text(f"3 cotisations {YEAR} appelées")
    assert len(mail.outbox) == 3
    assert Dues.objects.get(membership__establishment__name="Fonderie Roth").amount == Decimal("450")
    assert axe(page) == []

    page.goto("/animation/industries-nord/membres/")
    page.get_by_label("Cocher Fonderie Roth").check()
    page.get_by_label("Action :", exact=True).select_option(label="Enregistrer le règlement de la cotisation")
    page.get_by_label("Référence du paiement :", exact=True).fill("VIR 2042")
    page.get_by_role("button", name="Continuer").click()
    expect(page.get_by_text("Cette action portera sur 1 entreprise.")).to_be_visible()
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_role("status")).to_contain_text("1 règlement enregistré.")
    page.get_by_role("link", name="Fonderie Roth").first.click()
    expect(page.get_by_role("region", name="Cotisations")).to_contain_text("VIR 2042")


@pytest.mark.parametrize("width", [390, 1280])
def test_dues_pages_fit_the_screen(page, axe, width):
    network, animator = _world()
    dues_scale_save(
        network=network, actor=animator, year=YEAR, basis="category", default_amount=Decimal("300"),
        late_after_days=60, category_amounts={"PME": Decimal("450")}, band_amounts={},
    )  # fmt: skip
    roth = Membership.objects.get(establishment__name="Fonderie Roth")
    dues_call(network=network, year=YEAR, actor=animator, memberships=[roth])
    page.set_viewport_size({"width": width, "height": 900})
    login(page, "tresoriere@example.org", DEFAULT_PASSWORD)
    SCREENSHOTS.mkdir(exist_ok=True)
    pages = {
        "dues": "/animation/industries-nord/cotisations/",
        "call": f"/animation/industries-nord/cotisations/{YEAR}/appeler/",
        "members": "/animation/industries-nord/membres/?college=PME&taille=",
        "member": f"/animation/industries-nord/membres/{roth.establishment.siret}/",
    }
    for name, path in pages.items():
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / f"dues-{name}-{width}.png"), full_page=True)
        overflow = page.evaluate(OVERFLOW)
        assert overflow <= 0, f"{name}: {overflow} px too wide at {width} px"
        assert axe(page) == [], name
    page.goto("/animation/industries-nord/membres/")
    page.get_by_label("Action :", exact=True).select_option(label="Relancer la cotisation")
    page.locator("#bulk-everything").check()
    page.get_by_role("button", name="Continuer").click()
    expect(page.get_by_text("Cette action portera sur 3 entreprises.")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / f"dues-bulk-{width}.png"), full_page=True)
    assert page.evaluate(OVERFLOW) <= 0
    assert axe(page) == [], "bulk"
