"""The specification fields of a machine: a count asks for a number, a measure shows its unit
as a French reader writes it, labels follow the interface's language."""

from django import forms
from django.utils import translation

from maillage.www.profile_edit.forms import add_spec_fields

DEFINITIONS = {
    "axes": {"key": "axes", "label_fr": "Nombre d'axes", "label_en": "Number of axes", "unit": "count"},
    "spindle_speed": {
        "key": "spindle_speed",
        "label_fr": "Vitesse de broche maximale",
        "label_en": "Maximum spindle speed",
        "unit": "rpm",
        "min": 10,
        "max": 100000,
    },
}


def fields(language: str) -> dict:
    with translation.override(language):
        form = forms.Form()
        add_spec_fields(form, DEFINITIONS)
        return {name: (str(f.label), str(f.help_text)) for name, f in form.fields.items()}


def test_count_asks_for_a_number_and_units_read_french():
    shown = fields("fr")
    assert shown["spec_axes"] == ("Nombre d'axes", "Un nombre, par exemple « 5 ».")
    assert "« 300 tr/min »" in shown["spec_spindle_speed"][1] and "count" not in str(shown)


def test_labels_and_help_in_english():
    shown = fields("en")
    assert shown["spec_axes"] == ("Number of axes", "A number, for example “5”.")
    assert shown["spec_spindle_speed"][0] == "Maximum spindle speed"
    assert "300 rpm" in shown["spec_spindle_speed"][1]
