"""Imports from the back-office in a real browser: an animator uploads the members' spreadsheet,
reads the dry run, imports it and reads the report; the progress bar polls until the report.

Huey runs tasks inline in tests (HUEY_IMMEDIATE): « Importer » returns once the import is done,
so the journey sees the final state; the progress is watched on an import left running, which
the page polls (htmx) until it is marked finished and the report replaces it.
"""

import re

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from maillage.directory.models import Membership
from maillage.imports.models import ImportRun, ImportUpload
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.browser.conftest import login
from tests.directory.factories import NetworkFactory
from tests.imports.profiles.helpers import SIRET_A, SIRET_B, SIRET_C, row, write_csv
from tests.referential.factories import CommuneFactory

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = settings.BASE_DIR / "test-results"
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
COLUMNS = ["siret", "name", "commune_insee", "description"]


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    animator = UserFactory(email="animatrice@example.org", first_name="Claire", last_name="Weiss")
    network = NetworkFactory(slug="industries-nord", name="Industries du Nord", animators=[animator])
    CommuneFactory(insee_code="67180", name="Haguenau")
    rows = [
        row(siret=SIRET_A, name="Fonderie Roth", commune_insee="67180", description="Fonte grise."),
        row(siret=SIRET_B, name="Tôlerie Lutz", commune_insee="67180"),
        row(siret="12345678900000", name="SIRET erroné"),
        row(siret=SIRET_C, name="Mécanique de la Moder"),
        row(siret=SIRET_A, name="Fonderie Roth (doublon)"),
    ]
    sheet = write_csv(tmp_path / "adherents-2026.csv", rows, columns=COLUMNS)
    return {"network": network, "sheet": sheet}


def test_animator_imports_a_spreadsheet_dry_run_then_import_then_report(page, axe, world):
    login(page, "animatrice@example.org", DEFAULT_PASSWORD)
    page.get_by_role("link", name="Animation").click()
    page.get_by_role("link", name="Imports", exact=True).click()
    expect(page.get_by_text("Aucun import pour le moment.")).to_be_visible()
    page.get_by_label("Tableur des adhérents et de leurs profils").check()
    page.get_by_label("Fichier :", exact=True).set_input_files(str(world["sheet"]))
    page.get_by_role("button", name="Faire l’essai à blanc").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Import de adherents-2026.csv")
    expect(page.get_by_text("Voici ce que l’import ferait.")).to_be_visible()
    expect(page.get_by_role("rowheader", name="adherents-2026.csv, ligne 4")).to_be_visible()
    expect(page.get_by_text("déjà présent ligne 2")).to_be_visible()
    assert not Membership.objects.filter(network=world["network"]).exists()
    assert axe(page) == []

    page.get_by_role("button", name="Importer", exact=True).click()
    report = page.get_by_role("region", name="Bilan de l’import")
    expect(report).to_contain_text("Import terminé")
    expect(report.locator(".figure", has_text="Établissements créés")).to_contain_text("3")
    expect(report.locator(".figure", has_text="Lignes rejetées")).to_contain_text("2")
    assert Membership.objects.filter(network=world["network"]).count() == 3
    with page.expect_download() as download:
        report.get_by_role("link", name="Télécharger toutes les lignes rejetées (CSV)").click()
    assert download.value.suggested_filename == "adherents-2026-rejets.csv"

    page.get_by_role("link", name="← Tous les imports").click()
    row_ = page.get_by_role("row", name="adherents-2026.csv")
    expect(row_).to_contain_text("Importé")
    expect(row_).to_contain_text("5 enregistrements, 2 rejets")


def test_the_progress_bar_polls_until_the_report(page, world):
    upload = ImportUpload.objects.create(
        network=world["network"], kind="profiles", file="imports/x/adherents.csv", file_name="adherents.csv",
        file_fingerprint="f", total=1000, dry_report={"read": 1000, "rejected": {}},
        status=ImportUpload.Status.RUNNING, queued_at=timezone.now(),
    )  # fmt: skip
    run = ImportRun.objects.create(
        kind="profiles",
        file_path="x",
        file_fingerprint="f",
        options_key="k",
        records_done=400,
        batches_committed=2,
    )
    login(page, "animatrice@example.org", DEFAULT_PASSWORD)
    page.goto(f"/animation/industries-nord/imports/{upload.pk}/")
    progress = page.locator("#import-progress")
    expect(progress).to_contain_text(re.compile(r"400 enregistrements traités sur 1\s000 \(40\s%\)"))
    expect(progress).to_contain_text("2 lots validés")
    ImportRun.objects.filter(pk=run.pk).update(records_done=800, batches_committed=4)
    expect(progress).to_contain_text("4 lots validés")
    ImportUpload.objects.filter(pk=upload.pk).update(
        status=ImportUpload.Status.SUCCEEDED,
        report={"read": 1000, "rejected": {}},
        finished_at=timezone.now(),
    )
    expect(page.get_by_role("region", name="Bilan de l’import")).to_contain_text("Import terminé")


@pytest.mark.parametrize("width", [390, 1280])
def test_imports_pages_fit_the_screen(page, axe, world, width):
    page.set_viewport_size({"width": width, "height": 900})
    login(page, "animatrice@example.org", DEFAULT_PASSWORD)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.goto("/animation/industries-nord/imports/")
    page.get_by_label("Fichier :", exact=True).set_input_files(str(world["sheet"]))
    page.get_by_role("button", name="Faire l’essai à blanc").click()
    expect(page.get_by_text("Voici ce que l’import ferait.")).to_be_visible()
    detail = page.url
    page.screenshot(path=str(SCREENSHOTS / f"imports-dry-run-{width}.png"), full_page=True)
    assert page.evaluate(OVERFLOW) <= 0
    page.get_by_role("button", name="Importer", exact=True).click()
    expect(page.get_by_text("Import terminé")).to_be_visible()
    for name, path in {"report": detail, "list": "/animation/industries-nord/imports/"}.items():
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / f"imports-{name}-{width}.png"), full_page=True)
        overflow = page.evaluate(OVERFLOW)
        assert overflow <= 0, f"{name}: {overflow} px too wide at {width} px"
        assert axe(page) == [], name
    upload = ImportUpload.objects.get()
    ImportUpload.objects.filter(pk=upload.pk).update(status=ImportUpload.Status.RUNNING, report={})
    ImportRun.objects.update(records_done=2)
    page.goto(detail)
    expect(page.locator("#import-progress")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / f"imports-progress-{width}.png"), full_page=True)
    assert page.evaluate(OVERFLOW) <= 0
