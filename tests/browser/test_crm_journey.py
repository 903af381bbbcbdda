"""The animator's day in a real browser (issue 15): she adds a member with two contacts, calls
and records its dues paid, logs a visit with the two people met and a follow-up, and finds the
follow-up on her home — the members list. Nothing of it goes through the Django admin."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from maillage.directory.dues import dues_scale_save
from maillage.directory.models import Contact, Dues, Membership
from maillage.journal.models import JournalEntry
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.browser.conftest import login
from tests.directory.factories import EstablishmentFactory, NetworkFactory
from tests.referential.factories import CommuneFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.one_database]
YEAR = timezone.localdate().year


def test_animator_adds_a_member_with_contacts_dues_and_a_visit_then_finds_the_follow_up(page, axe):
    animator = UserFactory(email="animatrice@example.org", first_name="Claire", last_name="Weiss")
    network = NetworkFactory(slug="industries-nord", name="Industries du Nord", animators=[animator])
    commune = CommuneFactory(insee_code="67180", name="Haguenau")
    roth = EstablishmentFactory(name="Fonderie Roth", commune=commune, city="Haguenau")
    dues_scale_save(
        network=network, actor=animator, year=YEAR, basis="category", default_amount=Decimal("300"),
        late_after_days=60, category_amounts={}, band_amounts={},
    )  # fmt: skip
    today = timezone.localdate()

    login(page, "animatrice@example.org", DEFAULT_PASSWORD)
    page.get_by_role("link", name="Animation").click()
    page.get_by_role("link", name="Ajouter une entreprise").click()
    page.get_by_label("Entreprise :", exact=True).fill("Fonderie Roth")
    page.get_by_label("Statut :", exact=True).select_option(label="Adhérent")
    page.get_by_role("button", name="Ajouter").click()
    expect(page.get_by_role("status")).to_contain_text("Fonderie Roth ajoutée aux entreprises du réseau.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Fonderie Roth")

    for first, last, role, email in (
        ("Anne", "Muller", "Direction de site", "anne.muller@roth.example"),
        ("Paul", "Schmitt", "Achats", "paul.schmitt@roth.example"),
    ):
        page.get_by_role("link", name="Ajouter un contact").click()
        page.get_by_label("Prénom :", exact=True).fill(first)
        page.get_by_label("Nom :", exact=True).fill(last)
        page.get_by_label("Fonction :", exact=True).select_option(label=role)
        page.get_by_label("Adresse e-mail :", exact=True).fill(email)
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.get_by_role("status")).to_contain_text("Contact enregistré.")
    contacts = page.get_by_role("region", name="Contacts")
    expect(contacts).to_contain_text("Anne Muller")
    expect(contacts).to_contain_text("Paul Schmitt")

    # The year's dues: called from the list for this one company, then paid on its page.
    page.get_by_role("link", name="Adhérents", exact=True).click()
    page.get_by_label("Cocher Fonderie Roth").check()
    page.get_by_label("Action :", exact=True).select_option(label="Appeler la cotisation")
    page.get_by_role("button", name="Continuer").click()
    page.get_by_role("button", name="Confirmer").click()
    page.get_by_role("link", name="Fonderie Roth").first.click()
    dues = page.get_by_role("region", name="Cotisations")
    dues.get_by_label("Référence du paiement :", exact=True).fill("VIR 2042")
    dues.get_by_role("button", name="Enregistrer le règlement").click()
    expect(page.get_by_role("region", name="Cotisations")).to_contain_text("VIR 2042")
    paid = Dues.objects.get(membership__establishment=roth, year=YEAR)
    assert paid.status == "paid" and paid.amount == Decimal("300") and paid.payment_reference == "VIR 2042"
    assert Membership.objects.get(establishment=roth, network=network).dues_status == "paid"

    # The visit, from the company's timeline: its contacts are offered, both were met.
    page.get_by_role("link", name="Journal et chronologie").click()
    page.get_by_role("link", name="Ajouter une entrée").first.click()
    page.get_by_label("Nature :", exact=True).select_option(label="Visite d’entreprise")
    page.get_by_label("Anne Muller — Direction de site").check()
    page.get_by_label("Paul Schmitt — Achats").check()
    page.get_by_label("Notes :", exact=True).fill("Four de fusion à remplacer ; dossier d’aide à monter.")
    page.get_by_label("Relance le :", exact=True).fill((today - datetime.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("Entrée ajoutée au journal pour Fonderie Roth.")
    expect(page.get_by_text("Anne Muller (Direction de site), Paul Schmitt (Achats)")).to_be_visible()
    entry = JournalEntry.objects.get()
    assert set(entry.contacts.values_list("last_name", flat=True)) == {"Muller", "Schmitt"}

    # Her home: the follow-up waits there, overdue.
    page.get_by_role("link", name="Adhérents", exact=True).click()
    panel = page.get_by_role("region", name="Relances à faire")
    expect(panel).to_contain_text("Fonderie Roth")
    expect(panel).to_contain_text("en retard")
    assert axe(page) == []
    assert Contact.objects.filter(network=network, establishment=roth).count() == 2
