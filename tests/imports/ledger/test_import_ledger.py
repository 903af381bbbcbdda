import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from maillage.imports.ledger.pipeline import parse_amount
from maillage.relations.models import PurchaseLine, RelationSource, SupplierMatchReview, SupplyRelation
from maillage.relations.services import supplier_match_decide
from tests.accounts.factories import UserFactory
from tests.directory.factories import EstablishmentFactory, NetworkFactory, OrganisationFactory
from tests.referential.factories import CommuneFactory

HEADER = "SIRET fournisseur;Fournisseur;Commune;Montant HT;Catégorie;Année"


@pytest.fixture
def world(taxonomy):
    commune = CommuneFactory(insee_code="67482", name="Strasbourg")
    buyer = EstablishmentFactory(name="Grand Donneur", commune=commune)
    known = EstablishmentFactory(name="Usinage Known", commune=commune)
    dupont = EstablishmentFactory(name="Mécanique Dupont", commune=commune)
    EstablishmentFactory(name="Mécanique Dupont Frères", commune=commune)
    network = NetworkFactory(slug="pole")
    animator = UserFactory()
    network.animators.add(animator)
    outside_siret = OrganisationFactory.build().siren + "00018"
    return {
        "buyer": buyer,
        "known": known,
        "dupont": dupont,
        "commune": commune,
        "network": network,
        "animator": animator,
        "outside_siret": outside_siret,
    }


def ledger(tmp_path, world, extra=()):
    lines = [
        HEADER,
        f"{world['known'].siret};;;12 000,50;usinage;2025",
        f"{world['known'].siret};;;1.000,00;usinage;2025",
        ";MECANIQUE DUPONT SAS;67482;5000;45000000-7;2025",
        ";Méca Dupont;Strasbourg;700;fournitures diverses;2025",
        ";Société Inconnue Lointaine;;300;usinage;2025",
        *extra,
    ]
    path = tmp_path / "achats.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(path, world, *args):
    from io import StringIO

    out = StringIO()
    call_command(
        "import_ledger",
        str(path),
        "--buyer",
        world["buyer"].siret,
        "--network",
        "pole",
        *args,
        "--json",
        stdout=out,
    )
    return json.loads(out.getvalue())


def test_amount_spellings():
    assert parse_amount("12 345,67") == Decimal("12345.67")
    assert parse_amount("1.234,5") == Decimal("1234.50")
    assert parse_amount("1,234.5") == Decimal("1234.50")
    assert parse_amount("800 €") == Decimal("800.00")


def test_dry_run_counts_and_writes_nothing(world, tmp_path):
    report = run(ledger(tmp_path, world), world)
    assert report["wet_run"] is False
    counts = report["counts"]
    assert counts["read"] == 5
    assert counts["suppliers_matched"] == 3  # known ×2 by SIRET, Dupont by name in its commune
    assert counts["suppliers_to_review"] == 1
    assert counts["suppliers_outside"] == 1
    assert SupplyRelation.objects.count() == 0 and SupplierMatchReview.objects.count() == 0


def test_wet_run_builds_relations_with_amounts_categories_and_review(world, tmp_path, taxonomy):
    run(ledger(tmp_path, world), world, "--wet-run")
    known = SupplyRelation.objects.get(supplier=world["known"])
    assert known.client == world["buyer"] and known.source == RelationSource.LEDGER
    assert known.confidentiality == "animators"
    assert known.amount == Decimal("13000.50") and known.amount_year == 2025
    assert known.category_node is not None and known.category_node.code.startswith("proc.machining")
    dupont = SupplyRelation.objects.get(supplier=world["dupont"])
    assert dupont.cpv_id == "45000000" and dupont.category_node is None
    review = SupplierMatchReview.objects.get()
    assert review.raw_name == "Méca Dupont" and review.commune_code == "67482"
    assert review.network == world["network"]
    assert {c["siret"] for c in review.candidates} >= {world["dupont"].siret}
    waiting = SupplyRelation.objects.get(match_review=review)
    assert waiting.supplier is None and waiting.category_node is None
    assert waiting.category_text == "fournitures diverses"
    outside = SupplyRelation.objects.get(supplier_name="Société Inconnue Lointaine")
    assert outside.supplier is None


def test_rerun_is_idempotent_and_decision_is_remembered(world, tmp_path):
    path = ledger(tmp_path, world)
    run(path, world, "--wet-run")
    relations, lines = SupplyRelation.objects.count(), PurchaseLine.objects.count()
    review = SupplierMatchReview.objects.get()
    with pytest.raises(Exception, match="animateurs"):
        supplier_match_decide(actor=UserFactory(), review=review, establishment=world["dupont"])
    assert supplier_match_decide(actor=world["animator"], review=review, establishment=world["dupont"]) == 1
    report = run(path, world, "--wet-run")
    assert report["counts"]["lines_unchanged"] == 5
    assert report["counts"]["suppliers_matched"] == 4
    assert (SupplyRelation.objects.count(), PurchaseLine.objects.count()) == (relations, lines)
    assert SupplyRelation.objects.filter(supplier=world["dupont"]).count() == 2


def test_bad_lines_name_line_and_field(world, tmp_path):
    extra = (
        "12345678901234;X;;10;usinage;2025",
        ";Y;;dix euros;usinage;2025",
        ";Z;;10;usinage;",
        ";W;Atlantide;5;;2025",
    )
    report = run(ledger(tmp_path, world, extra), world)
    rejects = {r["line"]: (r["field"], r["reason"]) for r in report["first_rejects"]}
    assert rejects == {
        "7": ("siret", "bad_siret"),
        "8": ("montant", "bad_amount"),
        "9": ("annee", "bad_year"),
        "10": ("commune", "unknown_commune"),
    }


def test_year_option_fills_missing_year_and_xlsx_keeps_siret_zeros(world, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["siret", "montant", "categorie"])
    sheet.append([int(world["known"].siret), 2500.5, "usinage"])
    path = tmp_path / "achats.xlsx"
    book.save(path)
    report = run(path, world, "--year", "2024", "--wet-run")
    assert report["counts"]["suppliers_matched"] == 1
    line = PurchaseLine.objects.get()
    assert line.year == 2024 and line.amount == Decimal("2500.50")


def test_missing_amount_column_stops_the_file(world, tmp_path):
    path = tmp_path / "achats.csv"
    path.write_text("siret;fournisseur\n;X\n", encoding="utf-8")
    with pytest.raises(CommandError, match="achats.csv, ligne 1 : colonne montant absente"):
        run(path, world)
