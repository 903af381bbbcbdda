import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from openpyxl import load_workbook

from maillage.relations.leakage import OTHERS, Territory, leakage_for
from maillage.relations.models import PurchaseLine, RelationSource
from maillage.relations.reports import leakage_html, leakage_pdf, leakage_xlsx
from tests.accounts.factories import UserFactory
from tests.directory.factories import EstablishmentFactory, MembershipFactory, NetworkFactory
from tests.profiles.factories import ProfileCapabilityFactory, ProfileFactory
from tests.referential.factories import CommuneFactory, DepartmentFactory
from tests.relations.factories import SupplyRelationFactory
from tests.spreadsheets import assert_safe_workbook


def spend(supplier, client, node, amount, year=2025, confidentiality="animators"):
    relation = SupplyRelationFactory(
        supplier=supplier,
        client=client,
        category_node=node,
        source=RelationSource.LEDGER,
        confidentiality=confidentiality,
        amount=amount,
    )
    PurchaseLine.objects.create(relation=relation, key=f"k{relation.pk}", year=year, amount=Decimal(amount))
    return relation


@pytest.fixture
def world(taxonomy):
    home = CommuneFactory(insee_code="67001", latitude=48.58, longitude=7.75)
    away = CommuneFactory(
        insee_code="68001",
        department=DepartmentFactory(code="68", name="Haut-Rhin"),
        latitude=47.75,
        longitude=7.34,
    )
    network = NetworkFactory()
    network.communes.add(home)
    animator = UserFactory()
    network.animators.add(animator)
    buyers = [MembershipFactory(network=network, establishment__commune=home).establishment for _ in range(3)]
    for buyer in buyers:
        buyer.latitude, buyer.longitude = 48.58, 7.75
        buyer.save()
    milling, turning = taxonomy["proc.machining.milling"], taxonomy["proc.machining.turning"]
    inside = [EstablishmentFactory(commune=home, latitude=48.6, longitude=7.7) for _ in range(3)]
    outside = [EstablishmentFactory(commune=away, latitude=47.75, longitude=7.34) for _ in range(3)]
    for establishment in inside:
        profile = ProfileFactory(establishment=establishment, capacity_percent=20)
        ProfileCapabilityFactory(profile=profile, node=milling)
    for buyer in buyers:
        for supplier in inside:
            spend(supplier, buyer, milling, 100)
        for supplier in outside:
            spend(supplier, buyer, milling, 1000)
    # A small category that passes the rule, then one a single pair makes: pooled together.
    small = [EstablishmentFactory(commune=away) for _ in range(3)]
    for buyer in buyers:
        for supplier in small:
            spend(supplier, buyer, turning, 10)
    lone = EstablishmentFactory(commune=away)
    spend(lone, buyers[0], taxonomy["proc.surface.anodising"], 5000)
    return {
        "network": network,
        "animator": animator,
        "territory": Territory.of_network(network),
        "milling": milling,
        "inside": inside,
    }


def test_spend_inside_outside_and_addressable(world):
    result = leakage_for(world["animator"], territory=world["territory"], min_local=3, radius_km=50)
    assert not result.withheld and result.year == 2025
    (milling,) = [c for c in result.categories if c.key == f"node:{world['milling'].pk}"]
    assert milling.inside == 900 and milling.outside == 9000 and milling.addressable == 9000
    assert {c["siret"] for c in milling.candidates} == {e.siret for e in world["inside"]}
    # The single-pair category cannot be shown, nor pooled alone: the smallest category joins it.
    others = result.categories[-1]
    assert others.key == OTHERS and others.merged == 2
    assert others.outside == 90 + 5000 and others.addressable == 0
    assert [c.key for c in result.categories] == [milling.key, OTHERS]
    assert result.total == 900 + 9000 + 90 + 5000


def test_too_few_local_candidates_means_no_addressable_leakage(world):
    result = leakage_for(world["animator"], territory=world["territory"], min_local=4)
    assert result.addressable == 0


def test_candidates_must_declare_capacity_and_be_near(world):
    for establishment in world["inside"][:1]:
        establishment.profile.capacity_percent = None
        establishment.profile.save()
    result = leakage_for(world["animator"], territory=world["territory"], min_local=3)
    assert result.addressable == 0
    lenient = leakage_for(
        world["animator"], territory=world["territory"], min_local=3, require_capacity=False
    )
    assert lenient.addressable > 0
    far = leakage_for(world["animator"], territory=world["territory"], min_local=1, radius_km=1)
    assert far.addressable == 0


def test_visitor_sees_nothing_of_animators_only_spend(world):
    result = leakage_for(AnonymousUser(), territory=world["territory"])
    assert result.categories == [] and result.total == 0


def test_department_territory(world):
    territory = Territory.of_codes(departments=["68"])
    result = leakage_for(world["animator"], territory=territory, min_local=3)
    assert "Haut-Rhin" in territory.name
    assert result.inside > result.outside  # seen from the Haut-Rhin, the outside suppliers are local


def test_reports_carry_the_protected_figures(world):
    result = leakage_for(world["animator"], territory=world["territory"])
    book = load_workbook(io.BytesIO(leakage_xlsx(result, world["territory"])))
    sheet = book.worksheets[0]
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert 9000 in values and 900 in values
    assert book.worksheets[1].max_row == 1 + 3
    html = leakage_html(result, world["territory"])
    assert world["milling"].label_fr in html and "<svg" in html and "9 k€" in html
    pdf = leakage_pdf(result, world["territory"])
    assert pdf.startswith(b"%PDF") and len(pdf) > 2000


def test_withheld_report_says_why(world):
    result = leakage_for(AnonymousUser(), territory=world["territory"])
    result.withheld = True
    html = leakage_html(result, world["territory"])
    assert "aucun chiffre ne peut être publié" in html


def test_leakage_report_command_writes_the_files_as_the_user_sees_them(world, tmp_path):
    from django.core.management import CommandError, call_command

    email = world["animator"].email
    pdf, xlsx = tmp_path / "fuite.pdf", tmp_path / "fuite.xlsx"
    call_command("leakage_report", "--as", email, "--network", world["network"].slug, "-o", str(pdf))
    call_command("leakage_report", "--as", email, "--departments", "67", "-o", str(xlsx))
    assert pdf.read_bytes().startswith(b"%PDF")
    assert 9000 in [c for row in load_workbook(xlsx).worksheets[0].iter_rows(values_only=True) for c in row]
    with pytest.raises(CommandError, match="inconnu"):
        call_command("leakage_report", "--as", "personne@nulle.part", "--departments", "67", "-o", str(xlsx))
    with pytest.raises(CommandError, match=".pdf ou .xlsx"):
        call_command("leakage_report", "--as", email, "--departments", "67", "-o", str(tmp_path / "x.doc"))


def test_buyers_offered_are_those_of_visible_spend(world):
    from maillage.relations.leakage import leakage_buyers

    assert len(leakage_buyers(world["animator"])) == 3
    assert leakage_buyers(AnonymousUser()) == []


def test_leakage_xlsx_writes_no_formula(world):
    candidate = world["inside"][0]
    candidate.name = '=HYPERLINK("http://evil.example","Tôlerie")'
    candidate.save()
    result = leakage_for(world["animator"], territory=world["territory"])
    values = assert_safe_workbook(leakage_xlsx(result, world["territory"]))
    names = [row[2] for row in values if len(row) > 2]
    assert '\'=HYPERLINK("http://evil.example","Tôlerie")' in names
    assert 9000 in [cell for row in values for cell in row]
