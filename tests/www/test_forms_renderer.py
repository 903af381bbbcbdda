"""The site renderer writes the commonest widgets in Python: the markup must be the one Django's
own templates give, byte for byte, whatever the value (escaping, safe strings, localised
numbers, optgroups, boolean attributes, lazy labels)."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from maillage.www.forms_renderer import PYTHON_WIDGETS, FormRenderer

CHOICES = [
    ("", "—"),
    ("Métal", [("a", "Usinage & <décolletage>"), ("b", gettext_lazy("Adhérent"))]),
    (3, 2026),
    (Decimal("1.5"), Decimal("1.5")),
    ('q"uote', mark_safe("<b>sûr</b>")),
]


class EveryWidget(forms.Form):
    text = forms.CharField(
        initial='A & B <c> "d"', widget=forms.TextInput(attrs={"placeholder": "Nom & prénom"})
    )
    number = forms.IntegerField(initial=1200, required=False)
    decimal = forms.DecimalField(initial=Decimal("3.5"), required=False)
    float_ = forms.FloatField(initial=2.25, required=False)
    date = forms.DateField(initial=datetime.date(2026, 9, 15), widget=forms.DateInput(attrs={"type": "date"}))
    email = forms.EmailField(initial="a@b.example", disabled=True)
    url = forms.URLField(required=False, assume_scheme="https")
    hidden = forms.CharField(widget=forms.HiddenInput, initial=mark_safe("<safe>"))
    flag = forms.BooleanField(initial=True, required=False)
    off = forms.BooleanField(
        initial=False, required=False, widget=forms.CheckboxInput(attrs={"data-x": False})
    )
    choice = forms.ChoiceField(choices=CHOICES, initial="b")
    multiple = forms.MultipleChoiceField(choices=CHOICES, initial=["a", "3"], required=False)
    lazy = forms.TypedChoiceField(choices=[(1, gettext_lazy("Oui")), (0, gettext_lazy("Non"))], initial=0)
    notes = forms.CharField(widget=forms.Textarea, initial="ligne 1\n<ligne 2>", required=False)
    empty_notes = forms.CharField(widget=forms.Textarea, required=False)
    search = forms.CharField(
        widget=forms.TextInput(attrs={"type": "search", "autofocus": True}), required=False
    )


def _both(form):
    python, templates = FormRenderer(), TemplatesSetting()
    for bound in form:
        widget = bound.field.widget
        value = bound.value()
        attrs = bound.build_widget_attrs({"id": bound.auto_id}, widget)
        yield (
            bound.name,
            (
                widget.render(bound.html_name, value, attrs, renderer=python),
                widget.render(bound.html_name, value, attrs, renderer=templates),
            ),
        )


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("bound", [False, True])
def test_python_widgets_write_what_the_templates_write(language, bound):
    data = {
        "text": "x<y",
        "number": "12",
        "decimal": "4,75",
        "choice": "3",
        "multiple": ["b"],
        "notes": "é & è",
    }
    form = EveryWidget(data if bound else None)
    with translation.override(language):
        for name, (python, templates) in _both(form):
            assert python == templates, name


def test_every_python_widget_is_exercised_by_the_comparison():
    used = {
        f"django/forms/widgets/{field.widget.template_name.rsplit('/', 1)[-1]}"
        for field in EveryWidget().fields.values()
    }
    used.add("django/forms/widgets/select_option.html")
    assert set(PYTHON_WIDGETS) - used <= {
        f"django/forms/widgets/{name}.html"
        for name in ("input", "password", "tel", "datetime", "time", "color", "search")
    }
