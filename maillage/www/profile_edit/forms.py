"""Self-service forms. They only shape input; the profile services validate and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.profiles.models import CapabilityLevel, ReferenceVisibility
from maillage.taxonomy.labels import node_label
from maillage.www.forms import DateInput, TaxonomyField, lines
from maillage.www.typography import unit_shown


class DescriptionForm(forms.Form):
    description_fr = forms.CharField(
        label=_("Présentation"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Ce que fait l’entreprise, pour qui, avec quels moyens (80 caractères au moins)."),
    )  # fmt: skip
    description_en = forms.CharField(
        label=_("Présentation en anglais"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    products = forms.CharField(
        label=_("Produits fabriqués"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Un produit par ligne."),
    )  # fmt: skip
    languages = forms.CharField(
        label=_("Langues parlées"),
        required=False,
        help_text=_("Codes ISO séparés par des virgules : fr, en, de."),
    )

    def clean_products(self):
        return lines(self.cleaned_data["products"])

    def clean_languages(self):
        return [code.strip().lower() for code in self.cleaned_data["languages"].split(",") if code.strip()]


class DetailsForm(forms.Form):
    capacity_text = forms.CharField(label=_("Capacité disponible"), required=False, max_length=500)
    capacity_percent = forms.IntegerField(label=_("Capacité disponible (%)"), required=False)
    max_part_length_mm = forms.FloatField(label=_("Longueur maximale des pièces (mm)"), required=False)
    max_part_width_mm = forms.FloatField(label=_("Largeur maximale des pièces (mm)"), required=False)
    max_part_height_mm = forms.FloatField(label=_("Hauteur maximale des pièces (mm)"), required=False)
    max_part_mass_kg = forms.FloatField(label=_("Masse maximale des pièces (kg)"), required=False)
    batch_min = forms.IntegerField(label=_("Taille de série minimale"), required=False)
    batch_max = forms.IntegerField(label=_("Taille de série maximale"), required=False)


class CapabilityForm(forms.Form):
    node = TaxonomyField(
        kind="capability", label=_("Savoir-faire"), help_text=_("Procédé, matériau ou service.")
    )
    level = forms.ChoiceField(
        label=_("Niveau"), choices=CapabilityLevel.choices, initial=CapabilityLevel.CORE
    )


class CodeForm(forms.Form):
    code = forms.CharField(max_length=100, widget=forms.HiddenInput)


class RowForm(forms.Form):
    pk = forms.IntegerField(widget=forms.HiddenInput)


def add_spec_fields(form: forms.Form, definitions: dict[str, dict], initial: dict[str, str] | None = None):
    """One text field per specification of the equipment type ("300 t": value and unit)."""
    for key, spec in definitions.items():
        bounds = ""
        if spec.get("min") is not None and spec.get("max") is not None:
            bounds = _(" (de %(min)s à %(max)s)") % {"min": spec["min"], "max": spec["max"]}
        form.fields[f"spec_{key}"] = forms.CharField(
            label=node_label(spec) or key,
            required=False,
            max_length=100,
            help_text=(
                _("Un nombre, par exemple « 5 »%(bounds)s.") % {"bounds": bounds}
                if spec["unit"] == "count"
                else _("Valeur et unité, par exemple « 300 %(unit)s »%(bounds)s.")
                % {"unit": unit_shown(spec["unit"]), "bounds": bounds}
            ),
            initial=(initial or {}).get(key, ""),
        )


def spec_values(form: forms.Form) -> dict[str, str]:
    return {
        name.removeprefix("spec_"): value
        for name, value in form.cleaned_data.items()
        if name.startswith("spec_") and value
    }


class EquipmentForm(forms.Form):
    node = TaxonomyField(kind="equipment", label=_("Type de machine"))
    label = forms.CharField(
        label=_("Désignation"), required=False, max_length=255, help_text=_("Marque, modèle.")
    )
    quantity = forms.IntegerField(label=_("Nombre"), min_value=1, initial=1)

    def __init__(self, *args, definitions: dict[str, dict] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        add_spec_fields(self, definitions or {})


class EquipmentUpdateForm(forms.Form):
    label = forms.CharField(label=_("Désignation"), required=False, max_length=255)
    quantity = forms.IntegerField(label=_("Nombre"), min_value=1)

    def __init__(self, *args, definitions: dict[str, dict] | None = None, spec_initial=None, **kwargs):
        super().__init__(*args, **kwargs)
        add_spec_fields(self, definitions or {}, spec_initial)


class CertificationForm(forms.Form):
    node = TaxonomyField(kind="certification", label=_("Certification"))
    issuer = forms.CharField(label=_("Organisme certificateur"), required=False, max_length=200)
    number = forms.CharField(label=_("Numéro de certificat"), required=False, max_length=100)
    valid_from = forms.DateField(label=_("Valide à partir du"), required=False, widget=DateInput())
    valid_until = forms.DateField(label=_("Valide jusqu’au"), required=False, widget=DateInput())


class CertificationDatesForm(forms.Form):
    valid_from = forms.DateField(label=_("Valide à partir du"), required=False, widget=DateInput())
    valid_until = forms.DateField(label=_("Valide jusqu’au"), required=False, widget=DateInput())


class SectorForm(forms.Form):
    node = TaxonomyField(kind="sector", label=_("Secteur servi"))


class ReferenceForm(forms.Form):
    client = forms.CharField(label=_("Client"), max_length=200)
    project = forms.CharField(label=_("Projet ou pièce"), required=False, max_length=300)
    visibility = forms.ChoiceField(
        label=_("Visible par"), choices=ReferenceVisibility.choices, initial=ReferenceVisibility.MEMBERS
    )


class ReferenceVisibilityForm(RowForm):
    visibility = forms.ChoiceField(label=_("Visible par"), choices=ReferenceVisibility.choices)
