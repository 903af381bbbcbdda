"""``commune_resolve``: INSEE code, postal code or name, as people and files write them."""

import pytest

from maillage.referential.selectors import commune_resolve
from maillage.referential.text import normalize_name

pytestmark = pytest.mark.django_db


def codes(resolution):
    return [c.insee_code for c in resolution.candidates]


@pytest.mark.parametrize(
    "text", ["67180", " 67180 ", "Haguenau", "HAGUENAU", "haguenau", "67500 Haguenau", "Haguenau 67500"]
)
def test_haguenau_is_found_by_code_postal_code_with_name_or_name(loaded, text):
    resolution = commune_resolve(text)
    assert resolution.commune.insee_code == "67180"
    assert not resolution.is_ambiguous


def test_accents_case_hyphens_and_saint_abbreviation_are_ignored(loaded):
    assert commune_resolve("ST ETIENNE").commune.insee_code == "42218"
    assert commune_resolve("saint-etienne").commune.insee_code == "42218"
    assert commune_resolve("Saint Étienne").commune.insee_code == "42218"
    assert normalize_name("L'Abergement-Clémenciat") == "l abergement clemenciat"
    assert normalize_name("Œuilly") == "oeuilly"


def test_corsican_insee_code(loaded):
    assert commune_resolve("2a004").commune.name == "Ajaccio"


def test_ambiguous_name_returns_candidates(loaded):
    resolution = commune_resolve("Saint-Denis")
    assert resolution.commune is None
    assert resolution.is_ambiguous
    assert {"93066", "97411"} <= set(codes(resolution))
    assert resolution.matched_by == "name"


def test_department_in_brackets_narrows_a_name(loaded):
    assert commune_resolve("Saint-Denis (93)").commune.insee_code == "93066"
    assert commune_resolve("Saint-Denis (974)").commune.insee_code == "97411"


def test_postal_code_shared_by_several_communes_is_ambiguous(loaded):
    resolution = commune_resolve("67700")  # Saverne and its neighbours; not an INSEE code
    assert resolution.commune is None
    assert resolution.matched_by == "postal_code"
    assert {"67437", "67117", "67179"} <= set(codes(resolution))


def test_paris_postal_code_resolves_to_the_arrondissement(loaded):
    resolution = commune_resolve("75001")
    assert resolution.commune.insee_code == "75101"
    assert resolution.commune.parent_id == "75056"


def test_digits_that_are_both_an_insee_and_a_postal_code_are_ambiguous_unless_told(loaded):
    resolution = commune_resolve("67500")  # Urmatt's INSEE code, Haguenau's postal code
    assert resolution.commune is None
    assert resolution.matched_by == "insee|postal_code"
    assert codes(resolution)[0] == "67500"
    assert "67180" in codes(resolution)
    assert commune_resolve("67500", prefer="insee").commune.name == "Urmatt"
    assert commune_resolve("67500 Haguenau").commune.insee_code == "67180"
    assert commune_resolve("13001", prefer="postal_code").commune.insee_code == "13201"


def test_former_commune_name_resolves_to_the_delegated_commune_and_its_commune_nouvelle(loaded):
    resolution = commune_resolve("Lompnieu")
    assert resolution.commune.kind == "commune-deleguee"
    assert resolution.commune.parent_id == "01036"


def test_name_contradicting_the_postal_code_picks_nothing(loaded):
    resolution = commune_resolve("67500 Strasbourg")
    assert resolution.commune is None
    assert "67180" in codes(resolution)


@pytest.mark.parametrize("text", ["", "   ", "Nulle-Part-sur-Mer", "99999"])
def test_unknown_text_resolves_to_nothing(loaded, text):
    resolution = commune_resolve(text)
    assert resolution.commune is None
    assert resolution.candidates == []
    assert resolution.matched_by == ""
