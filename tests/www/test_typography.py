"""French typography in one helper (``maillage.www.typography``): numbers and units by language,
spacing, elision, and its template filters."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from maillage.www.typography import (
    NBSP,
    NNBSP,
    distance,
    editable_measure,
    french_html,
    french_of,
    french_spacing,
    french_text,
    identifier,
    measure,
    number,
    of,
)


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
        assert french_spacing(text) == f"Centre d’usinage{NBSP}: «{NBSP}titane{NBSP}»{NNBSP}; oui{NNBSP}?"
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
    with translation.override("fr"):
        assert of(name) == expected
    with translation.override("en"):
        assert of(name) == f"of {name}"


def render(source: str, language: str, **context) -> str:
    with translation.override(language):
        return Template("{% load typography %}" + source).render(Context(context))


def test_filters_follow_the_active_language_and_escape():
    assert render("{{ t|typo }}", "fr", t="A : <b>") == f"A{NBSP}: &lt;b&gt;"
    assert render("{{ t|typo }}", "en", t="A : b") == "A : b"
    assert render("Adhérent {{ n|of }}", "fr", n="Industries Alsace") == "Adhérent d’Industries Alsace"
    assert (
        render("{% with p=n|of_parts %}{{ p.0 }}[{{ p.1 }}]{% endwith %}", "fr", n="Le Pôle") == "du [Pôle]"
    )
    assert render("{{ n|quantity:'count' }}", "fr", n=5) == "5"
    assert render("{{ n|number }}", "fr", n=246078) == f"246{NBSP}078"
    assert render("{{ n|quantity:'rpm' }}", "fr", n=20000) == f"20{NBSP}000{NBSP}tr/min"


def test_typo_on_html_touches_only_the_text():
    html = render("{{ t|safe|typo }}", "fr", t='<a title="x : y">Voir : ici</a>')
    assert html == f'<a title="x{NBSP}: y">Voir{NBSP}: ici</a>'  # a tooltip is read too


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Adhérent de Industries Alsace du Nord", "Adhérent d’Industries Alsace du Nord"),
        ("territoire de Obernai", "territoire d’Obernai"),
        ("de Haguenau, de Yutz", "de Haguenau, de Yutz"),  # no elision before h nor y
        ("de A à Z", "de A à Z"),  # a lone letter
        ("M. De Oliveira", "M. De Oliveira"),  # a surname's particle
        ("garde de avion", "garde de avion"),  # lowercase words are the template's job
    ],
)
def test_french_text_elides_de_before_a_name_starting_with_a_vowel(text, expected):
    assert french_text(text) == expected


def test_french_html_fixes_the_text_and_read_attributes_but_never_code_nor_what_is_typed():
    page = (
        '<p title="Voir : ici">R&amp;D ; l&#x27;entreprise de Industries : <b>5</b> ?</p>'
        "<a>Nom</a>: x<script>var a = 'b : c ;'</script><textarea>l'a : b</textarea>"
        '<pre>x : y</pre><!-- a : b --><input value="l\'a : b">'
    )
    assert french_html(page) == (
        f'<p title="Voir{NBSP}: ici">R&amp;D{NNBSP}; l’entreprise d’Industries{NBSP}: <b>5</b>{NNBSP}?</p>'
        f"<a>Nom</a>{NBSP}: x<script>var a = 'b : c ;'</script><textarea>l'a : b</textarea>"
        '<pre>x : y</pre><!-- a : b --><input value="l\'a : b">'
    )
    assert french_html(french_html(page)) == french_html(page)


def test_every_french_page_gets_french_typography_and_english_pages_keep_theirs(client, db):
    french = client.get("/compte/connexion/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    english = client.get("/compte/connexion/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert french_html(french) == french and f"{NBSP}:" in french
    assert "'" not in re.sub(r"<[^>]*>", "", french.split("<body")[1])
    assert english != french_html(english)  # English keeps its own spacing


def test_an_edited_figure_reads_back_through_the_spec_parser_in_both_languages():
    with translation.override("fr"):
        assert editable_measure(20000, "rpm") == "20000 tr/min"
        assert editable_measure(300, "tf") == "300 t"
        assert editable_measure(6, "count") == "6"
        assert editable_measure(0.25, "mm") == "0,25 mm"
    with translation.override("en"):
        assert editable_measure(20000, "rpm") == "20000 rpm"  # never "20,000": read as twenty
        assert editable_measure(0.25, "mm") == "0.25 mm"


def test_identifiers_and_distances_stay_on_one_line():
    assert identifier("12345678900011") == f"123{NBSP}456{NBSP}789{NBSP}00011"
    assert identifier("123456789") == f"123{NBSP}456{NBSP}789"
    assert identifier("FR123") == "FR123"
    assert render("{{ s|identifier }}", "fr", s="12345678900011") == f"123{NBSP}456{NBSP}789{NBSP}00011"
    assert render("{{ d|distance }}", "fr", d=0.3) == f"moins de 1{NBSP}km"
    assert render("{{ v|quantity:'mm' }}", "fr", v=0.25) == f"0,25{NBSP}mm"  # a machine's figure as declared


_COMMENTS = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.DOTALL)


def test_templates_write_one_apostrophe_in_french():
    """The templates' French (msgids included) writes ’, never ' between letters; comments aside."""
    templates = Path(settings.BASE_DIR) / "maillage" / "templates"
    straight = {
        f"{path.relative_to(templates)}: {line.strip()[:80]}"
        for path in templates.rglob("*")
        if path.suffix in (".html", ".txt")
        for line in _COMMENTS.sub("", path.read_text(encoding="utf-8")).splitlines()
        if re.search(r"(?<=\w)'(?=\w)", line)
    }
    assert straight == set()


def test_typo_on_html_keeps_its_entities_whole():
    assert (
        render("{{ t|safe|typo }}", "fr", t="<b>R&amp;D ;</b> l&#x27;usine")
        == f"<b>R&amp;D{NNBSP};</b> l’usine"
    )
