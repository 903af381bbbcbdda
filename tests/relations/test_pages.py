"""Pages and downloads: every role × every confidentiality level, through HTTP."""

import csv
import io

import pytest
from openpyxl import load_workbook

from maillage.relations.models import RelationStatus, SupplierMatchReview, SupplyRelation
from tests.directory.factories import MembershipFactory
from tests.relations.factories import SupplyRelationFactory
from tests.relations.test_visibility import LEVELS, ROLES, SEES, SEES_AMOUNT, world  # noqa: F401
from tests.spreadsheets import assert_safe_workbook, read_csv


def login(client, world, role):  # noqa: F811
    user = world["users"][role]
    if role not in ("visitor",):
        client.force_login(user)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("level", LEVELS)
def test_detail_page_matrix(client, world, role, level):  # noqa: F811
    login(client, world, role)
    relation = world["relations"][level]
    response = client.get(f"/relations/{relation.pk}/")
    assert response.status_code == (200 if level in SEES[role] else 404)
    if response.status_code == 200:
        assert (response.context["amount"] is not None) == (level in SEES_AMOUNT[role])
        assert ("€ HT" in response.content.decode()) == (level in SEES_AMOUNT[role])


@pytest.mark.parametrize("role", ROLES)
def test_list_and_downloads_matrix(client, world, role):  # noqa: F811
    login(client, world, role)
    page = client.get("/relations/")
    assert page.status_code == 200
    shown = {relation.pk for relation, _amount in page.context["rows"]}
    amounts = {relation.pk for relation, amount in page.context["rows"] if amount is not None}
    rows = list(csv.reader(io.StringIO(client.get("/relations/?format=csv").content.decode()), delimiter=";"))
    book = load_workbook(io.BytesIO(client.get("/relations/?format=xlsx").content))
    xlsx_rows = list(book.active.iter_rows(min_row=2, values_only=True))
    for level, relation in world["relations"].items():
        label = str(relation.get_confidentiality_display())
        assert (relation.pk in shown) == (level in SEES[role]), level
        assert (relation.pk in amounts) == (level in SEES_AMOUNT[role]), level
        csv_row = next((r for r in rows[1:] if r[11] == label), None)
        xlsx_row = next((r for r in xlsx_rows if r[11] == label), None)
        assert (csv_row is not None) == (xlsx_row is not None) == (level in SEES[role]), level
        if csv_row is not None:
            assert (csv_row[7] != "") == (xlsx_row[7] not in ("", None)) == (level in SEES_AMOUNT[role])


@pytest.mark.parametrize("role", ROLES)
def test_confirm_is_for_the_other_party_only(client, world, role):  # noqa: F811
    relation = world["relations"]["network"]  # declared by the supplier: the client confirms
    relation.status = RelationStatus.PENDING
    relation.source = "supplier"
    relation.save()
    login(client, world, role)
    response = client.post(f"/relations/{relation.pk}/confirmer/")
    expected = {"visitor": 302, "client_user": 302}.get(role, 404 if "network" not in SEES[role] else 403)
    assert response.status_code == expected
    relation.refresh_from_db()
    assert (relation.status == RelationStatus.CONFIRMED) == (role == "client_user")


def test_client_disputes_through_the_page(client, world):  # noqa: F811
    relation = world["relations"]["parties"]
    relation.source = "supplier"
    relation.status = RelationStatus.PENDING
    relation.save()
    client.force_login(world["users"]["client_user"])
    response = client.post(f"/relations/{relation.pk}/contester/", {"comment": "Pas notre fournisseur"})
    assert response.status_code == 302
    relation.refresh_from_db()
    assert relation.status == RelationStatus.DISPUTED
    page = client.get(f"/relations/{relation.pk}/")
    assert "Pas notre fournisseur" in page.content.decode()


LEAKAGE = {"visitor": 302, "animator_a": 200, "admin": 200}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("fmt", ["", "pdf", "xlsx"])
def test_leakage_page_and_reports_are_for_the_network_animators(client, world, role, fmt):  # noqa: F811
    login(client, world, role)
    slug = world["network_a"].slug
    response = client.get(f"/relations/fuite/{slug}/" + (f"?format={fmt}" if fmt else ""))
    assert response.status_code == LEAKAGE.get(role, 403)
    if response.status_code == 302:
        assert response["Location"].startswith("/compte/connexion/")
    if response.status_code == 200 and fmt == "pdf":
        assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    if response.status_code == 200 and fmt == "xlsx":
        load_workbook(io.BytesIO(response.content))


def test_leakage_form_errors_are_shown(client, world):  # noqa: F811
    client.force_login(world["users"]["animator_a"])
    response = client.get(f"/relations/fuite/{world['network_a'].slug}/?annee=2025&acheteurs=12")
    assert response.status_code == 200
    assert "SIREN à 9 chiffres" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_match_review_queue_is_for_the_network_animators(client, world, role):  # noqa: F811
    supplier = world["supplier"]
    review = SupplierMatchReview.objects.create(
        normalised_name="x",
        raw_name="X",
        network=world["network_a"],
        candidates=[{"establishment": supplier.pk, "siret": supplier.siret, "name": "S", "score": 0.8}],
    )
    waiting = SupplyRelationFactory(supplier=None, supplier_name="X", match_review=review)
    login(client, world, role)
    slug = world["network_a"].slug
    assert client.get(f"/relations/rapprochements/{slug}/").status_code == LEAKAGE.get(role, 403)
    response = client.post(
        f"/relations/rapprochements/{slug}/{review.pk}/decider/", {"establishment": supplier.pk}
    )
    assert response.status_code == {"visitor": 302, "animator_a": 302, "admin": 302}.get(role, 403)
    waiting.refresh_from_db()
    assert (waiting.supplier == supplier) == (role in ("animator_a", "admin"))


@pytest.mark.parametrize("role", ROLES)
def test_declare_page_and_its_link_are_for_users_who_may_declare(client, world, role):  # noqa: F811
    """Users acting for an establishment, animators (for their members) and admins; the list
    shows the link to exactly those the page lets in."""
    login(client, world, role)
    response = client.get("/relations/declarer/")
    expected = {"visitor": 302, "outsider": 403}.get(role, 200)
    assert response.status_code == expected
    shown = 'href="/relations/declarer/"' in client.get("/relations/").content.decode()
    assert shown == (expected == 200)


def test_supplier_declares_an_outside_client_through_the_page(client, world):  # noqa: F811
    client.force_login(world["users"]["supplier_user"])
    data = {
        "establishment": world["supplier"].pk,
        "side": "supplier",
        "other_siren": "552100554",
        "other_name": "Groupe Auto",
        "other_country": "de",
        "category_text": "Pièces usinées",
        "volume_band": "200k-1m",
        "since": "2018",
        "confidentiality": "network",
    }
    response = client.post("/relations/declarer/", data)
    assert response.status_code == 302
    relation = SupplyRelation.objects.get(client_name="Groupe Auto")
    assert relation.supplier == world["supplier"] and relation.client_country == "DE"
    assert relation.status == RelationStatus.PENDING and relation.source == "supplier"
    assert relation.declared_by == world["users"]["supplier_user"]


def test_the_other_party_is_named_by_its_name_or_its_siret(client, world):  # noqa: F811
    client.force_login(world["users"]["client_user"])
    supplier, client_establishment = world["supplier"], world["relations"]["public"].client
    data = {"establishment": client_establishment.pk, "side": "client", "confidentiality": "public"}
    by_name = client.post("/relations/declarer/", {**data, "other_siret": supplier.display_name.upper()})
    assert by_name.status_code == 302
    assert SupplyRelation.objects.filter(
        supplier=supplier, declared_by=world["users"]["client_user"]
    ).exists()
    siret = supplier.siret
    spaced = f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"
    by_siret = client.post("/relations/declarer/", {**data, "other_siret": spaced, "category_text": "Tôles"})
    assert by_siret.status_code == 302
    assert SupplyRelation.objects.filter(supplier=supplier, category_text="Tôles").exists()
    unknown = client.post("/relations/declarer/", {**data, "other_siret": "Nulle Part"})
    assert unknown.context["form"].errors["other_siret"] == ["Aucune entreprise ne s’appelle « Nulle Part »."]


def test_declare_refuses_someone_elses_establishment(client, world):  # noqa: F811
    client.force_login(world["users"]["member_a"])
    response = client.post(
        "/relations/declarer/",
        {
            "establishment": world["supplier"].pk,
            "side": "supplier",
            "other_name": "X",
            "confidentiality": "public",
        },
    )
    assert response.status_code == 200 and not SupplyRelation.objects.filter(client_name="X").exists()


def test_client_side_needs_a_supplier_from_the_directory(client, world):  # noqa: F811
    client.force_login(world["users"]["client_user"])
    client_establishment = world["relations"]["public"].client
    response = client.post(
        "/relations/declarer/",
        {
            "establishment": client_establishment.pk,
            "side": "client",
            "other_name": "X",
            "confidentiality": "public",
        },
    )
    assert response.status_code == 200
    assert "annuaire" in response.content.decode()


@pytest.mark.parametrize("role", ["client_user", "animator_a", "member_a"])
def test_dispute_reason_is_shown_to_parties_and_animators_only(client, world, role):  # noqa: F811
    relation = world["relations"]["network"]
    relation.source = "supplier"
    relation.save()
    client.force_login(world["users"]["client_user"])
    client.post(f"/relations/{relation.pk}/contester/", {"comment": "Jamais commandé"})
    relation.status = RelationStatus.CONFIRMED  # visible again to members, to compare
    relation.save()
    client.force_login(world["users"][role])
    page = client.get(f"/relations/{relation.pk}/").content.decode()
    assert ("Jamais commandé" in page) == (role != "member_a")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_downloads_neutralise_formulas(client, world, fmt):  # noqa: F811
    SupplyRelationFactory(
        supplier=world["supplier"], client=None, client_siren="", client_name="=1+1", category_text="-2+3"
    )
    login(client, world, "admin")
    response = client.get(f"/relations/?format={fmt}")
    assert response["Content-Disposition"] == f'attachment; filename="relations.{fmt}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    rows = read_csv(response.content) if fmt == "csv" else assert_safe_workbook(response.content)
    assert ["'=1+1", "'-2+3"] in [[row[3], row[4]] for row in rows]


def _on_behalf(establishment, **extra):
    return {
        "establishment": establishment.pk,
        "side": "supplier",
        "other_siren": "552100554",
        "other_name": "Groupe Auto",
        "confidentiality": "animators",
        **extra,
    }


def test_animator_declares_on_behalf_of_a_member_company(client, world):  # noqa: F811
    client.force_login(world["users"]["animator_a"])
    page = client.get("/relations/declarer/")
    offered = set(page.context["form"].fields["establishment"].queryset)
    # Network A's current members only: the supplier and member A, not network B's member.
    assert world["supplier"] in offered and len(offered) == 2
    assert "Entreprise adhérente" in page.content.decode()
    assert f"{world['supplier'].display_name} — " in page.content.decode()
    assert world["supplier"].siret not in page.content.decode()
    english = client.get("/relations/declarer/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Member company" in english and "The member is the supplier" in english
    response = client.post("/relations/declarer/", _on_behalf(world["supplier"]))
    assert response.status_code == 302
    relation = SupplyRelation.objects.get(client_name="Groupe Auto")
    assert relation.supplier == world["supplier"] and relation.source == "animator"
    assert relation.declared_by == world["users"]["animator_a"] and relation.status == RelationStatus.PENDING


@pytest.mark.parametrize("status", ["prospect", "former"])
def test_animator_cannot_declare_for_a_company_that_is_not_a_current_member(client, world, status):  # noqa: F811
    former = MembershipFactory(network=world["network_a"], status=status).establishment
    client.force_login(world["users"]["animator_a"])
    response = client.post("/relations/declarer/", _on_behalf(former))
    assert response.status_code == 200 and response.context["form"].errors["establishment"]
    assert not SupplyRelation.objects.filter(client_name="Groupe Auto").exists()


def test_animator_of_another_network_cannot_declare_for_its_members(client, world):  # noqa: F811
    """The attacker: animator of network B, posting network A's member company."""
    client.force_login(world["users"]["animator_b"])
    response = client.post("/relations/declarer/", _on_behalf(world["supplier"]))
    assert response.status_code == 200 and response.context["form"].errors["establishment"]
    assert not SupplyRelation.objects.filter(client_name="Groupe Auto").exists()
