"""One selector names a company: a SIRET (typed, spaced, or ending a picked option), an exact
name with a network's members first, or (``partial``) a name contained; and the picker's
suggestions, served to the claim and join forms."""

import pytest
from django import forms

from maillage.directory.models import Establishment
from maillage.directory.selectors import establishment_suggestions, establishments_named, siret_in
from maillage.www.forms import CompanyPickerField
from tests.directory.factories import EstablishmentFactory, NetworkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def companies():
    network = NetworkFactory()
    return {
        "roth": EstablishmentFactory(name="Fonderie Roth", member_of=network),
        "namesake": EstablishmentFactory(name="Fonderie Roth"),
        "meyer": EstablishmentFactory(name="Fonderie Meyer"),
        "closed": EstablishmentFactory(name="Fonderie Fermée", is_active=False),
        "network": network,
    }


def test_siret_in_reads_a_typed_spaced_or_picked_siret():
    assert siret_in("552 100 554 00013") == "55210055400013"
    assert siret_in("Tôlerie Kieffer — Haguenau — 552\u00a0100\u00a0554\u00a000013") == "55210055400013"
    assert siret_in("Fonderie Roth") == "" and siret_in("123") == ""


def test_a_picked_option_names_one_establishment_even_among_namesakes(companies):
    roth = companies["roth"]
    assert establishments_named(f"Fonderie Roth — Haguenau — {roth.siret}") == [roth]


def test_an_exact_name_puts_the_networks_members_first(companies):
    assert set(establishments_named("fonderie roth")) == {companies["roth"], companies["namesake"]}
    assert establishments_named("Fonderie Roth", network=companies["network"]) == [companies["roth"]]


def test_partial_finds_names_containing_the_text_only_when_none_is_exact(companies):
    assert establishments_named("Fonderie") == []
    found = establishments_named("Fonderie", partial=True)
    assert companies["meyer"] in found and companies["closed"] not in found
    assert establishments_named("Fonderie Meyer", partial=True) == [companies["meyer"]]


def test_suggestions_by_name_or_siret_prefix(companies):
    assert companies["meyer"] in establishment_suggestions("meyer")
    assert establishment_suggestions(companies["meyer"].siret[:9]) == [companies["meyer"]]
    assert establishment_suggestions("12") == [] and establishment_suggestions("Fo") == []


def test_the_picker_field_asks_which_namesake_and_checks_digits(companies):
    field = CompanyPickerField()
    with pytest.raises(forms.ValidationError, match="Plusieurs entreprises"):
        field.clean("Fonderie Roth")
    with pytest.raises(forms.ValidationError, match="14 chiffres"):
        field.clean("552 100")
    assert field.clean(f"Fonderie Meyer — X — {companies['meyer'].siret}") == companies["meyer"].siret
    assert CompanyPickerField(network=companies["network"]).clean("Fonderie Roth") == companies["roth"].siret


def test_the_suggestions_endpoint_lists_options_ending_with_the_siret(client, companies):
    response = client.get("/revendiquer/entreprises/", {"siret": "meyer"})
    assert response.status_code == 200
    spaced = companies["meyer"].siret
    assert "Fonderie Meyer" in response.text and spaced[-5:] in response.text
    assert Establishment.objects.count() == 4
    assert client.get("/revendiquer/entreprises/", {"siret": ""}).text.strip() == ""
