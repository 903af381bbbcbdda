"""Who sees which relation and its amount: every role × every confidentiality level.

The same matrix is checked on the selector and on both exports (CSV, XLSX), which must only
ever be fed by it.
"""

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from openpyxl import load_workbook

from maillage.directory.models import EstablishmentUser, Membership
from maillage.relations.models import Confidentiality, RelationSource, RelationStatus
from maillage.relations.reports import relations_csv, relations_xlsx
from maillage.relations.selectors import can_view_relation, displayed_amount, relations_visible
from tests.accounts.factories import UserFactory
from tests.directory.factories import EstablishmentFactory, MembershipFactory, NetworkFactory
from tests.relations.factories import SupplyRelationFactory
from tests.relations.matrix import LEVELS, ROLES, SEES, SEES_AMOUNT
from tests.spreadsheets import assert_safe_workbook, read_csv


@pytest.fixture
def world(db):
    network_a, network_b = NetworkFactory(), NetworkFactory()
    supplier = MembershipFactory(network=network_a).establishment
    client = EstablishmentFactory()  # in no network: only the supplier side brings audiences
    member_a = MembershipFactory(network=network_a).establishment
    member_b = MembershipFactory(network=network_b).establishment
    users = {"visitor": AnonymousUser(), "outsider": UserFactory()}
    for role, establishment in (
        ("member_a", member_a),
        ("member_b", member_b),
        ("supplier_user", supplier),
        ("client_user", client),
    ):
        users[role] = UserFactory()
        EstablishmentUser.objects.create(user=users[role], establishment=establishment)
    users["animator_a"], users["animator_b"] = UserFactory(), UserFactory()
    network_a.animators.add(users["animator_a"])
    network_b.animators.add(users["animator_b"])
    users["admin"] = UserFactory(admin=True)
    relations = {
        level: SupplyRelationFactory(
            supplier=supplier,
            client=client,
            confidentiality=level,
            source=RelationSource.LEDGER,
            supplier_name=f"relation-{level}",
            amount=Decimal("1000.00") + LEVELS.index(level),
        )
        for level in LEVELS
    }
    return {"users": users, "relations": relations, "network_a": network_a, "supplier": supplier}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("level", LEVELS)
def test_selector_matrix(world, role, level):
    user, relation = world["users"][role], world["relations"][level]
    seen = relations_visible(user).filter(pk=relation.pk).first()
    assert (seen is not None) == (level in SEES[role])
    assert can_view_relation(user, relation) == (level in SEES[role])
    if seen is not None:
        assert (displayed_amount(seen) is not None) == (level in SEES_AMOUNT[role])


@pytest.mark.parametrize("role", ROLES)
def test_csv_export_matrix(world, role):
    exported = relations_csv(relations_visible(world["users"][role]))
    rows = list(csv.reader(io.StringIO(exported), delimiter=";"))[1:]
    by_level = {row[11]: row for row in rows}
    for level, relation in world["relations"].items():
        label = str(level_label(level))
        assert (label in by_level) == (level in SEES[role]), level
        if label in by_level:
            amount = by_level[label][7]
            assert (amount != "") == (level in SEES_AMOUNT[role]), level
            if amount:
                assert Decimal(amount) == relation.amount


def level_label(level: str) -> str:
    return Confidentiality(level).label


@pytest.mark.parametrize("role", ROLES)
def test_xlsx_export_matrix(world, role):
    user = world["users"][role]
    book = load_workbook(io.BytesIO(relations_xlsx(relations_visible(user))))
    rows = list(book.active.iter_rows(min_row=2, values_only=True))
    by_level = {row[11]: row for row in rows}
    for level, relation in world["relations"].items():
        label = str(level_label(level))
        assert (label in by_level) == (level in SEES[role]), level
        if label in by_level:
            amount = by_level[label][7]
            assert (amount not in ("", None)) == (level in SEES_AMOUNT[role]), level
            if amount not in ("", None):
                assert Decimal(str(amount)) == relation.amount


@pytest.mark.parametrize("role", ROLES)
def test_disputed_relation_is_hidden_beyond_parties_and_animators(world, role):
    relation = world["relations"]["public"]
    relation.status = RelationStatus.DISPUTED
    relation.save()
    expected = role in {"animator_a", "supplier_user", "client_user", "admin"}
    assert can_view_relation(world["users"][role], relation) == expected


@pytest.mark.parametrize("role", ROLES)
def test_public_procurement_amounts_are_public(world, role):
    relation = world["relations"]["public"]
    relation.source = RelationSource.PUBLIC_PROCUREMENT
    relation.save()
    seen = relations_visible(world["users"][role]).get(pk=relation.pk)
    assert displayed_amount(seen) == relation.amount


def test_network_level_reaches_the_client_side_network_too(world):
    """Either party's network counts: a client member of network B opens the relation to B."""
    relation = world["relations"]["network"]
    MembershipFactory(
        network=world["users"]["animator_b"].animated_networks.get(), establishment=relation.client
    )
    assert can_view_relation(world["users"]["member_b"], relation)
    assert can_view_relation(world["users"]["animator_b"], relation)


def test_prospect_supplier_does_not_open_network_level_to_members(world):
    Membership.objects.filter(establishment=world["supplier"]).update(status=Membership.Status.PROSPECT)
    relation = world["relations"]["network"]
    assert not can_view_relation(world["users"]["member_a"], relation)
    assert can_view_relation(world["users"]["animator_a"], relation)


def test_inactive_user_sees_only_public(world):
    user = world["users"]["supplier_user"]
    user.is_active = False
    user.save()
    levels = {r.confidentiality for r in relations_visible(user)}
    assert levels == {"public"}


def test_network_filter_keeps_only_relations_of_its_members(world):
    other = SupplyRelationFactory(confidentiality="public")
    seen = set(
        relations_visible(world["users"]["admin"], network=world["network_a"]).values_list("pk", flat=True)
    )
    assert other.pk not in seen
    assert {r.pk for r in world["relations"].values()} <= seen


@pytest.fixture
def hostile_relation(world):
    """A relation read from an outside buyer's ledger: its names are formulas."""
    return SupplyRelationFactory(
        supplier=world["supplier"],
        client=None,
        client_siren="",
        client_name='=HYPERLINK("http://evil.example","Facture")',
        supplier_name="@SUM(1+1)",
        category_text="+cmd|' /C calc'!A0",
        confidentiality=Confidentiality.PUBLIC,
        source=RelationSource.LEDGER,
        amount=Decimal("-1500.00"),
    )


def test_csv_export_neutralises_formulas_and_carries_a_bom(world, hostile_relation):
    exported = relations_csv(relations_visible(world["users"]["admin"]))
    rows = read_csv(exported)
    row = next(row for row in rows if row[3].endswith('Facture")'))
    assert row[3] == '\'=HYPERLINK("http://evil.example","Facture")'
    assert row[4] == "'+cmd|' /C calc'!A0"
    assert row[7] == "-1500.0"


def test_xlsx_export_writes_no_formula(world, hostile_relation):
    values = assert_safe_workbook(relations_xlsx(relations_visible(world["users"]["admin"])))
    row = next(row for row in values if row[3] and row[3].endswith('Facture")'))
    assert row[3] == '\'=HYPERLINK("http://evil.example","Facture")'
    assert row[7] == -1500.0
