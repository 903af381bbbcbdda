"""Units of equipment specifications: spellings resolve within the expected quantity only."""

import pytest

from maillage.taxonomy.units import UnitError, UnitRegistry


@pytest.fixture(scope="module")
def units():
    return UnitRegistry.from_file()


@pytest.mark.parametrize(
    ("text", "quantity", "code"),
    [
        ("t", "force", "tf"),
        ("T", "force", "tf"),
        ("tonnes", "force", "tf"),
        ("kN", "force", "kN"),
        ("t", "mass", "t"),
        ("KG", "mass", "kg"),
        ("mm", "length", "mm"),
        ("µm", "length", "µm"),
        ("um", "length", "µm"),
        ("KW", "power", "kW"),
        ("tr/min", "rotational_speed", "rpm"),
        ("cm3", "volume", "cm³"),
        ("°C", "temperature", "°C"),
    ],
)
def test_spellings_resolve_to_the_unit_of_the_expected_quantity(units, text, quantity, code):
    assert units.resolve(text, quantity).code == code


def test_a_mass_is_not_a_force(units):
    with pytest.raises(UnitError, match="« kg » est une unité de masse, pas de force"):
        units.resolve("kg", "force")


def test_unknown_spelling(units):
    with pytest.raises(UnitError, match="unité inconnue « furlong »"):
        units.resolve("furlong", "length")


def test_conversions_within_a_quantity(units):
    assert units.convert(1, "m", "mm") == 1000
    assert units.convert(300, "tf", "kN") == pytest.approx(2941.995)
    assert units.convert(2, "t", "kg") == 2000
    with pytest.raises(UnitError):
        units.convert(1, "kg", "kN")


def test_inconsistent_registry_is_refused():
    with pytest.raises(UnitError, match="base unit"):
        UnitRegistry.from_mapping({"quantity": {"length": {"label_fr": "l", "label_en": "l", "base": "mm"}}})
    with pytest.raises(UnitError, match="unknown quantity"):
        UnitRegistry.from_mapping({"unit": [{"code": "x", "quantity": "colour", "factor": 1}]})
