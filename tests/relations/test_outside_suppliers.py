"""An outside supplier is shown by name (its record's, or another record's of the same SIRET),
else said unidentified with its SIRET: never a bare 14-digit number (issue 14)."""

import pytest
from django.urls import reverse
from django.utils import translation

from maillage.relations.selectors import relations_visible
from maillage.www.typography import NBSP
from tests.accounts.factories import UserFactory
from tests.relations.factories import SupplyRelationFactory
from tests.spreadsheets import read_csv
from tests.visible import visible_text

pytestmark = pytest.mark.django_db
NAMED_ELSEWHERE = "12345678900011"
NAMELESS = "98765432100019"
SPACED = f"987{NBSP}654{NBSP}321{NBSP}00019"


@pytest.fixture
def outside(db):
    """Three ledger lines of outside suppliers: one without a name whose SIRET another record
    names, one without a name anywhere, and the record that names the first."""
    return {
        "named_elsewhere": SupplyRelationFactory(
            supplier=None, supplier_siret=NAMED_ELSEWHERE, supplier_name=""
        ),
        "nameless": SupplyRelationFactory(supplier=None, supplier_siret=NAMELESS, supplier_name=""),
        "naming": SupplyRelationFactory(
            supplier=None, supplier_siret=NAMED_ELSEWHERE, supplier_name="Fonderie Vogt"
        ),
    }


def test_a_nameless_supplier_takes_another_records_name_else_says_it_is_unidentified(outside):
    admin = UserFactory(is_superuser=True, is_staff=True)
    labels = {r.pk: r.supplier_label for r in relations_visible(admin)}
    assert labels[outside["named_elsewhere"].pk] == "Fonderie Vogt"
    assert labels[outside["naming"].pk] == "Fonderie Vogt"
    assert labels[outside["nameless"].pk] == f"fournisseur non identifié (SIRET {SPACED})"
    with translation.override("en"):
        assert relations_visible(admin).get(pk=outside["nameless"].pk).supplier_label == (
            f"unidentified supplier (SIRET {SPACED})"
        )


def test_pages_graph_and_csv_never_show_a_bare_siret(client, outside):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    pages = [
        visible_text(client.get(reverse("relations:list")).content.decode()),
        visible_text(client.get(reverse("relations:detail", args=[outside["nameless"].pk])).content.decode()),
        visible_text(client.get(reverse("supply_graph:graph")).content.decode()),
    ]
    for page in pages:
        assert NAMELESS not in page and "fournisseur non identifié (SIRET" in page
    assert "Fonderie Vogt" in pages[0] and "Fonderie Vogt" in pages[2]
    graph = client.get(reverse("supply_graph:data")).json()
    assert NAMELESS not in {node["name"] for node in graph["nodes"]}
    rows = read_csv(client.get(reverse("relations:list"), {"format": "csv"}).content)
    assert rows[0][:4] == ["siret_fournisseur", "nom_fournisseur", "siret_client", "nom_client"]
    by_siret = {row[0]: row[1] for row in rows[1:]}
    assert by_siret[NAMED_ELSEWHERE] == "Fonderie Vogt"
    assert by_siret[NAMELESS] == f"fournisseur non identifié (SIRET {SPACED})"


def test_csv_downloads_are_for_a_french_spreadsheet(client, outside):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    body = client.get(reverse("relations:list"), {"format": "csv"}).content
    assert body.startswith("\ufeff".encode()) and b"siret_fournisseur;nom_fournisseur;" in body


def test_the_graph_summary_says_none_in_words_and_in_english(client, db):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    page = visible_text(client.get(reverse("supply_graph:graph")).content.decode())
    assert "Aucune relation visible" in page and "0 relation" not in page
    SupplyRelationFactory.create_batch(2)
    english = client.get(reverse("supply_graph:graph"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2 visible relations" in english and "relations visibles" not in english
