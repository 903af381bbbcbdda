"""The animator's journal in a real browser: a visit with a follow-up, found under « Relances à
faire »; the journal's pages fit a phone and a desktop without horizontal scrolling."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from maillage.directory.models import Contact
from maillage.journal.models import JournalEntry
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.browser.conftest import login
from tests.directory.factories import EstablishmentFactory, NetworkFactory
from tests.referential.factories import CommuneFactory

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = settings.BASE_DIR / "test-results"
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_animator_logs_a_visit_with_a_follow_up_and_finds_it_to_do(page, axe):
    animator = UserFactory(email="animatrice@example.org", first_name="Claire", last_name="Weiss")
    network = NetworkFactory(slug="industries-nord", name="Industries du Nord", animators=[animator])
    commune = CommuneFactory(insee_code="67180", name="Haguenau")
    roth = EstablishmentFactory(name="Fonderie Roth", commune=commune, city="Haguenau", member_of=network)
    EstablishmentFactory(name="Tôlerie Lutz", commune=commune, member_of=network)
    Contact.objects.create(
        network=network, establishment=roth, first_name="Anne", last_name="Muller", role=Contact.Role.SITE
    )
    today = timezone.localdate()

    login(page, "animatrice@example.org", DEFAULT_PASSWORD)
    page.get_by_role("link", name="Animation").click()
    page.get_by_role("link", name="Journal", exact=True).click()
    expect(page.get_by_text("Le journal est vide.")).to_be_visible()
    page.get_by_role("link", name="Ajouter une entrée").first.click()
    company = page.get_by_label("Entreprise :", exact=True)
    company.select_option(label=f"Fonderie Roth — Haguenau ({roth.siret})")
    page.get_by_label("Nature :", exact=True).select_option(label="Visite d’entreprise")
    # Choosing the company brings its contacts (htmx): Anne Muller is ticked, the foreman typed.
    page.get_by_label("Anne Muller — Direction de site").check()
    page.get_by_label("Autres personnes rencontrées :", exact=True).fill("Le chef d’atelier")
    page.get_by_label("Thème :", exact=True).select_option(label="Énergie")
    page.get_by_label("Notes :", exact=True).fill("Four de fusion à remplacer ; dossier d’aide à monter.")
    page.get_by_label("Relance le :", exact=True).fill((today - datetime.timedelta(days=1)).isoformat())
    expect(page.get_by_label("Relance confiée à :", exact=True)).to_have_value(str(animator.pk))
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("Entrée ajoutée au journal pour Fonderie Roth.")
    expect(page.locator('[data-figure="visits"]')).to_have_text("1")
    assert axe(page) == []

    page.get_by_role("link", name="Adhérents", exact=True).click()
    panel = page.get_by_role("region", name="Relances à faire")
    expect(panel).to_contain_text("Fonderie Roth")
    expect(panel).to_contain_text("en retard")
    panel.get_by_role("link", name="Fonderie Roth").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fonderie Roth")
    expect(page.get_by_text("Four de fusion à remplacer")).to_be_visible()
    expect(page.get_by_text("Anne Muller (Direction de site), Le chef d’atelier")).to_be_visible()
    page.get_by_role("button", name="Marquer faite la relance de Fonderie Roth").click()
    expect(page.get_by_role("status")).to_contain_text("Relance marquée comme faite.")
    assert JournalEntry.objects.get().follow_up_done
    page.get_by_role("link", name="Adhérents", exact=True).click()
    expect(page.get_by_text("Aucune relance en attente.")).to_be_visible()


@pytest.mark.parametrize("width", [390, 1280])
def test_journal_page_fits_the_screen(page, axe, width):
    animator = UserFactory(email="animatrice@example.org")
    network = NetworkFactory(slug="industries-nord", name="Industries du Nord", animators=[animator])
    today = timezone.localdate()
    for n, kind in enumerate(["visit", "meeting", "call", "email", "event"]):
        name = f"Établissements Muller-Schneider et fils n° {n}"
        company = EstablishmentFactory(name=name, member_of=network)
        JournalEntry.objects.create(
            network=network, establishment=company, occurred_on=today - datetime.timedelta(days=n), kind=kind,
            theme="skills", people_met="Anne Muller, responsable des ressources humaines",
            follow_up_on=today + datetime.timedelta(days=n - 2), follow_up_owner=animator, author=animator,
        )  # fmt: skip
    for first, last, role in (
        ("Anne", "Muller", "hr"),
        ("Jean-Baptiste", "Schweitzer-Oberlin", "engineering"),
    ):
        Contact.objects.create(
            network=network, establishment=company, first_name=first, last_name=last, role=role
        )
    page.set_viewport_size({"width": width, "height": 900})
    login(page, "animatrice@example.org", DEFAULT_PASSWORD)
    SCREENSHOTS.mkdir(exist_ok=True)
    pages = {
        "journal": "/animation/industries-nord/journal/",
        "form": f"/animation/industries-nord/journal/nouvelle-entree/?siret={company.siret}",
        "company": f"/animation/industries-nord/journal/entreprise/{company.siret}/",
    }
    for name, path in pages.items():
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / f"journal-{name}-{width}.png"), full_page=True)
        overflow = page.evaluate(OVERFLOW)
        assert overflow <= 0, f"{name}: {overflow} px too wide at {width} px"
        assert axe(page) == [], name
