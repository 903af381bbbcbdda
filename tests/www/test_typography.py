"""French typography in one helper: spacing, elision, numbers, units (and English untouched)."""

import pytest
from django.template import Context, Template
from django.utils import translation

from maillage.www.typography import NBSP, NNBSP, french_text, number, of, quantity, unit_label


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Lieu compris : Haguenau", f"Lieu compris{NBSP}: Haguenau"),
        ("Distance:30", "Distance:30"),  # no space after: not a sentence's colon
        ("Effectif: 12", f"Effectif{NBSP}: 12"),
        ("déclaré ; mots trouvés", f"déclaré{NNBSP}; mots trouvés"),
        ("déclaré; mots", f"déclaré{NNBSP}; mots"),
        ("Vraiment ?", f"Vraiment{NNBSP}?"),
        ("« fraisage »", f"«{NBSP}fraisage{NBSP}»"),
        ("«fraisage»", f"«{NBSP}fraisage{NBSP}»"),
        ("l'entreprise d'Alsace", "l’entreprise d’Alsace"),
        ("https://exemple.fr/a:b et 10:30", "https://exemple.fr/a:b et 10:30"),
        ("", ""),
    ],
)
def test_french_text_spaces_quotes_and_apostrophes(text, expected):
    assert french_text(text) == expected
    assert french_text(french_text(text)) == expected  # idempotent: applied twice, same text


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Industries Alsace du Nord", "d’Industries Alsace du Nord"),
        ("Haguenau", "de Haguenau"),
        ("Plasticité Grand Est", "de Plasticité Grand Est"),
        ("Écoparc", "d’Écoparc"),
    ],
)
def test_of_elides_before_a_vowel(name, expected):
    assert of(name) == expected
    assert of(name, language="en") == f"of {name}"


@pytest.mark.parametrize(
    ("value", "decimals", "fr", "en"),
    [
        (246078, None, f"246{NNBSP}078", "246,078"),
        (20000, None, f"20{NNBSP}000", "20,000"),
        (1234.5, None, f"1{NNBSP}234,5", "1,234.5"),
        (12.345, 1, "12,3", "12.3"),
        (0, None, "0", "0"),
        (-3, None, "−3", "−3"),
        (None, None, "", ""),
    ],
)
def test_numbers_group_thousands_by_language(value, decimals, fr, en):
    assert number(value, decimals=decimals) == fr
    assert number(value, decimals=decimals, language="en") == en


def test_units_are_written_as_a_french_reader_expects():
    assert quantity(20000, "rpm") == f"20{NNBSP}000{NBSP}tr/min"
    assert quantity(20000, "rpm", language="en") == f"20,000{NBSP}rpm"
    assert quantity(5, "count") == "5"  # a count is a plain number, never « 5 count »
    assert quantity(30, "km") == f"30{NBSP}km"
    assert unit_label("count") == "" and unit_label("rpm") == "tr/min"


def render(source: str, language: str, **context) -> str:
    with translation.override(language):
        return Template("{% load typography %}" + source).render(Context(context))


def test_filters_follow_the_active_language_and_escape():
    assert render("{{ t|typo }}", "fr", t="A : <b>") == f"A{NBSP}: &lt;b&gt;"
    assert render("{{ t|typo }}", "en", t="A : b") == "A : b"
    assert render("Adhérent {{ n|of }}", "fr", n="Industries Alsace") == "Adhérent d’Industries Alsace"
    assert render("{{ n|number }}", "fr", n=246078) == f"246{NNBSP}078"
    assert render("{{ n|quantity:'rpm' }}", "fr", n=20000) == f"20{NNBSP}000{NBSP}tr/min"


def test_typo_on_html_touches_only_the_text():
    html = render("{{ t|safe|typo }}", "fr", t='<a title="x : y">Voir : ici</a>')
    assert html == f'<a title="x : y">Voir{NBSP}: ici</a>'
