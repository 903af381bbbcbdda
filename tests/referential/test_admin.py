"""Admin pages of the referential: browsable, searchable, filterable, and read-only."""

import pytest
from django.urls import reverse

from maillage.referential.models import (
    Commune,
    CpvCode,
    Department,
    Epci,
    HeadcountBand,
    LegalCategory,
    NafCode,
    PostalCode,
    Region,
    RomeCode,
)

pytestmark = pytest.mark.django_db

MODELS = (
    Region,
    Department,
    Epci,
    Commune,
    PostalCode,
    NafCode,
    HeadcountBand,
    LegalCategory,
    RomeCode,
    CpvCode,
)


def changelist(model):
    return reverse(f"admin:referential_{model._meta.model_name}_changelist")


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_referential_model_has_a_changelist_without_add_button(loaded, admin_client, model):
    response = admin_client.get(changelist(model))
    assert response.status_code == 200
    assert reverse(f"admin:referential_{model._meta.model_name}_add") not in response.content.decode()


@pytest.mark.parametrize(
    ("model", "query", "expected"),
    [
        (Commune, {"q": "67500"}, "Haguenau"),
        (Commune, {"q": "haguenau", "kind__exact": "commune-actuelle"}, "67180"),
        (Commune, {"department__code__exact": "67", "q": "Hague"}, "Haguenau"),
        (Epci, {"q": "Haguenau", "kind__exact": "CA"}, "200067874"),
        (Epci, {"communes__department__code__exact": "67"}, "Haguenau"),
        (NafCode, {"section__exact": "C", "level__exact": "5", "q": "mécanique"}, "25.62B"),
        (RomeCode, {"q": "fraiseur"}, "H2903"),
        (CpvCode, {"q": "Machines-outils"}, "42600000"),
        (PostalCode, {"q": "67500"}, "Haguenau"),
        (LegalCategory, {"level__exact": "3", "q": "actions simplifiée"}, "5710"),
    ],
)
def test_search_and_filters(loaded, admin_client, model, query, expected):
    response = admin_client.get(changelist(model), query)
    assert response.status_code == 200
    assert expected in response.content.decode()


def test_commune_page_is_read_only_and_lists_its_postal_codes(loaded, admin_client):
    url = reverse("admin:referential_commune_change", args=["67180"])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "67500" in response.content.decode()
    assert admin_client.post(url, {"name": "Autre"}).status_code == 403
    assert Commune.objects.get(insee_code="67180").name == "Haguenau"
