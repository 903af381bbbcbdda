"""Numbers, units and French spacing of text built in Python (``maillage.www.typography``)."""

import pytest
from django.utils import translation

from maillage.www.typography import distance, french_of, french_spacing, measure, number

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("value", "french", "english"),
    [
        (1200, f"1{NBSP}200", "1,200"),
        (12.44, "12,4", "12.4"),
        (12.0, "12", "12"),
        (0.25, "0,2", "0.2"),  # one decimal by default (Python rounds half to even)
        (1234567.8, f"1{NBSP}234{NBSP}567,8", "1,234,567.8"),
    ],
)
def test_numbers_follow_the_page_language(value, french, english):
    with translation.override("fr"):
        assert number(value) == french
    with translation.override("en"):
        assert number(value) == english


def test_a_measure_keeps_its_unit_on_the_line_and_reads_as_a_workshop_says_it():
    with translation.override("fr"):
        assert measure(1200, "mm") == f"1{NBSP}200{NBSP}mm"
        assert measure(300, "tf") == f"300{NBSP}t"  # presses are rated in tonnes
        assert measure(12000, "rpm") == f"12{NBSP}000{NBSP}tr/min"
        assert measure(4, "count") == "4"
        assert measure(0.25, "kg", decimals=2) == f"0,25{NBSP}kg"
    with translation.override("en"):
        assert measure(12000, "rpm") == f"12,000{NBSP}rpm"
        assert measure(1200, "mm") == f"1,200{NBSP}mm"


def test_a_distance_under_a_kilometre_claims_no_precision():
    with translation.override("fr"):
        assert distance(12.4) == f"12,4{NBSP}km"
        assert distance(0) == f"moins de 1{NBSP}km"
    with translation.override("en"):
        assert distance(0.4) == f"less than 1{NBSP}km"


def test_french_spacing_puts_non_breaking_spaces_and_apostrophes_in_french_only():
    text = "Centre d'usinage : « titane » ; oui ?"
    with translation.override("fr"):
        assert french_spacing(text) == f"Centre d’usinage{NBSP}: «{NBSP}titane{NBSP}»{NBSP}; oui{NBSP}?"
    with translation.override("en"):
        assert french_spacing(text) == text


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Haguenau", ("de", "Haguenau")),
        ("Obernai", ("d’", "Obernai")),
        ("Étival-Clairefontaine", ("d’", "Étival-Clairefontaine")),
        ("Le Havre", ("du", "Havre")),
        ("Les Ulis", ("des", "Ulis")),
        ("La Rochelle", ("de", "La Rochelle")),
    ],
)
def test_from_a_place_in_french(name, expected):
    assert french_of(name) == expected
