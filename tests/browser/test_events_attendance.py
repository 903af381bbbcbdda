"""Attendance in a real browser: the animator checks people in on a phone-sized page (htmx
toggles, search, the count), a trainee signs the half-day's sheet with the mouse on the pad,
the trainer signs last; the public check of a certificate. Screenshots at 390 and 1280 px."""

import datetime
import shutil
import subprocess

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from maillage.events import attendance, certificates, pdf
from maillage.events.models import Attendance, EventKind, Registration
from tests.accounts.factories import DEFAULT_PASSWORD, EstablishmentUserFactory, UserFactory
from tests.browser.conftest import login
from tests.directory.factories import EstablishmentFactory, NetworkFactory
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = settings.BASE_DIR / "test-results"
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
PEOPLE = [
    ("Lina", "Roux", "Roux Plasturgie"),
    ("Marc", "Blanc", "Moules Atlantique"),
    ("Sophie", "Nguyen-Delacroix", "Établissements Injection de précision de l’Ouest"),
    ("Karim", "Haddad", "Atelier Haddad"),
]


def _world():
    animator = UserFactory(email="animatrice@example.org", first_name="Claire", last_name="Weiss")
    network = NetworkFactory(slug="plasti-ouest", name="Plasti Ouest", animators=[animator])
    start = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(minutes=20)
    event = EventFactory(
        network=network,
        slug="trs-smed",
        title="Comment mesurer la productivité : TRS et SMED",
        kind=EventKind.TRAINING,
        trainer="Claire Martin",
        venue="Technopole, salle Vauban",
        objectives="Calculer le TRS d’une ligne ; réduire un changement de série.",
        sessions=[
            (start, start + datetime.timedelta(hours=3, minutes=30)),
            (start + datetime.timedelta(days=1), start + datetime.timedelta(days=1, hours=3, minutes=30)),
        ],
    )
    people = [
        RegistrationFactory(event=event, first_name=first, last_name=last, company_name=company)
        for first, last, company in PEOPLE
    ]
    return event, people


def _shoot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    assert page.evaluate(OVERFLOW) <= 0, f"{name}: horizontal scroll"
    page.screenshot(path=str(SCREENSHOTS / f"events-attendance-{name}.png"), full_page=True)


def test_phone_check_in_then_signature_with_the_mouse(page, axe):
    event, people = _world()
    session = event.sessions.first()
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "animatrice@example.org", DEFAULT_PASSWORD)
    page.goto("/animation/plasti-ouest/evenements/trs-smed/pointage/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pointage")
    count = page.locator("#attendance-count")
    expect(count).to_contain_text("sur 4")
    lina = page.get_by_role("button", name="Lina Roux")
    lina.click()
    expect(page.get_by_role("button", name="Lina Roux")).to_have_attribute("aria-pressed", "true")
    expect(count).to_contain_text("1 présent sur 4")
    page.get_by_role("button", name="Karim Haddad").click()
    expect(count).to_contain_text("2 présents sur 4")
    assert Attendance.objects.filter(session=session, present=True).count() == 2
    box = page.get_by_role("button", name="Marc Blanc").bounding_box()
    assert box["height"] >= 48 and box["width"] >= 300  # one big tap target per person
    _shoot(page, "checkin-390")
    page.get_by_label("Chercher une personne ou une entreprise").fill("atlan")
    expect(page.locator("#roster li")).to_have_count(1)
    expect(page.locator("#roster")).to_contain_text("Marc Blanc")
    assert axe(page) == []
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("Chercher une personne ou une entreprise").fill("")
    expect(page.locator("#roster li")).to_have_count(4)
    _shoot(page, "checkin-1280")

    # The tablet passed around: Marc taps his name, signs with the mouse, validates.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/animation/plasti-ouest/evenements/trs-smed/emargement/{session.pk}/")
    _shoot(page, "signing-list-390")
    page.get_by_role("link", name="Marc Blanc").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Marc Blanc")
    submit = page.get_by_role("button", name="Valider ma signature")
    expect(submit).to_be_disabled()
    canvas = page.locator("canvas")
    area = canvas.bounding_box()
    x, y = area["x"], area["y"]
    page.mouse.move(x + 30, y + 90)
    page.mouse.down()
    for step in range(1, 25):
        page.mouse.move(x + 30 + step * 10, y + 90 - (step % 6) * 10)
    page.mouse.up()
    expect(submit).to_be_enabled()
    drawn = page.locator('input[name="signature"]').input_value()
    assert drawn.startswith("M") and "L" in drawn
    _shoot(page, "signing-pad-390")
    assert axe(page) == []
    submit.click()
    expect(page.get_by_role("status")).to_contain_text("Merci, Marc Blanc")
    row = Attendance.objects.get(registration=people[1], session=session)
    assert row.signature == drawn and row.present and len(row.signature_hash) == 64
    expect(page.locator(".signing-list__item.is-signed")).to_contain_text("Marc Blanc")

    # The trainer signs last.
    page.get_by_role("link", name="Signature du formateur").click()
    expect(page.get_by_label("Nom du formateur")).to_have_value("Claire Martin")
    expect(page.get_by_role("button", name="Valider ma signature")).to_be_disabled()  # the pad is ready
    area = page.locator("canvas").bounding_box()
    page.mouse.move(area["x"] + 20, area["y"] + 40)
    page.mouse.down()
    page.mouse.move(area["x"] + 200, area["y"] + 80, steps=12)
    page.mouse.up()
    page.get_by_role("button", name="Valider ma signature").click()
    expect(page.get_by_role("status")).to_contain_text("Merci, Claire Martin")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert axe(page) == []
    _shoot(page, "signing-list-1280")

    # The certificates of the event: generated for the three people who came.
    page.goto("/animation/plasti-ouest/evenements/trs-smed/attestations/")
    page.get_by_role("button", name="Générer les attestations").click()
    expect(page.get_by_role("status")).to_contain_text("3 attestations prêtes.")
    expect(page.locator("tbody tr")).to_have_count(3)
    assert axe(page) == []
    _shoot(page, "certificates-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    _shoot(page, "certificates-390")

    # The certificate's public check page.
    certificate = certificates.issue(people[1], "completion", None)
    assert attendance.hours_attended(people[1]) == certificate.hours
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 844})
        page.goto(f"/attestations/{certificate.verification_code}/")
        expect(page.locator("main")).to_contain_text("Document valide : certificat de réalisation")
        assert axe(page) == []
        _shoot(page, f"check-{width}")
    # The holder downloads it from their registration's link.
    download = page.request.get(f"/inscriptions/{people[1].token}/attestation.pdf")
    assert download.status == 200 and download.headers["content-type"] == "application/pdf"
    assert download.body().startswith(b"%PDF")
    session.refresh_from_db()
    _pdf_pictures(session, certificate)


def _pdf_pictures(session, certificate):
    """The sheet and the certificate as PDF files, and as PNG pages where poppler is installed
    (to look at them; the text is checked in tests/events)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    for name, content in (
        ("sheet", pdf.sheet_pdf(session)),
        ("certificate", pdf.certificate_pdf(certificate)),
    ):
        path = SCREENSHOTS / f"events-attendance-{name}.pdf"
        path.write_bytes(content)
        if shutil.which("pdftoppm"):
            subprocess.run(
                ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", str(path), str(path.with_suffix(""))],
                check=True,
            )


def test_my_company_shows_its_training(page):
    event, people = _world()
    company = EstablishmentFactory(name="Roux Plasturgie")
    user = EstablishmentUserFactory(establishment=company, user__email="lina@roux.example").user
    Registration.objects.filter(pk__in=[people[0].pk, people[3].pk]).update(establishment=company)
    attendance.check_in(people[0], event.sessions.first(), None)
    upcoming = EventFactory(network=event.network, title="Business corner de printemps")
    RegistrationFactory(event=upcoming, establishment=company, first_name="Paul", last_name="Roux")
    login(page, user.email, DEFAULT_PASSWORD)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 844})
        page.goto("/mon-entreprise/")
        block = page.locator(".company-training")
        expect(block).to_contain_text("Paul Roux — Business corner de printemps")
        expect(block).to_contain_text("Lina Roux")
        _shoot(page, f"mine-{width}")
