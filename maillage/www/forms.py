"""Form pieces shared by several www areas (the areas never import one another), and the one way
to put a service's refusal on the form that asked for it."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from maillage.directory.selectors import establishments_named, siret_in
from maillage.directory.validators import spaced_identifier, validate_siren_format, validate_siret_format
from maillage.engine.query import MAX_QUERY_CHARS
from maillage.errors import MaillageError
from maillage.taxonomy.suggestions import KINDS, resolve_typed_node


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TaxonomyField(forms.CharField):
    """Free text (label, synonym or code) resolved to one taxonomy node of ``kind``."""

    def __init__(self, *, kind: str, **kwargs):
        self.kind = kind
        super().__init__(max_length=200, **kwargs)
        self.widget.attrs.update({"list": f"options-{kind}", "autocomplete": "off"})

    def clean(self, value):
        text = super().clean(value)
        node, suggestions = resolve_typed_node(text, KINDS[self.kind])
        if node is None:
            if suggestions:
                raise forms.ValidationError(
                    _("Précisez : %(choices)s.")
                    % {"choices": " ; ".join(f"{n.label} ({n.code})" for n in suggestions[:6])},
                    code="ambiguous",
                )
            raise forms.ValidationError(
                _("« %(text)s » ne correspond à aucun élément de la taxonomie.") % {"text": text},
                code="unknown",
            )
        return node


def lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").replace(";", "\n").splitlines() if line.strip()]


class EstablishmentChoiceField(forms.ModelChoiceField):
    """A choice among the user's establishments, each by its name and commune (« Tôlerie Kieffer,
    Haguenau »): the SIRET that ``Establishment.__str__`` adds means nothing in a list."""

    def label_from_instance(self, obj):
        place = obj.commune.name if obj.commune_id else obj.city
        return f"{obj.display_name}, {place}" if place else obj.display_name


def siret_of_named(text: str, *, network=None) -> str:
    """The SIRET of the establishment ``text`` names: a SIRET as typed (« 552 100 554 00013 ») or
    ending a company picked in a list, or a company's name, ``network``'s members first
    (``establishments_named``); a ValidationError names the namesakes."""
    siret = siret_in(text)
    if siret:
        return siret
    found = establishments_named(text, network=network)
    if not found:
        raise forms.ValidationError(_("Aucune entreprise ne s’appelle « %(name)s ».") % {"name": text})
    if len(found) > 1:
        raise forms.ValidationError(
            _("Plusieurs entreprises s’appellent « %(name)s » : indiquez son SIRET (%(choices)s).")
            % {"name": text, "choices": " ; ".join(_described(e) for e in found[:5])}
        )
    return found[0].siret


COMPANY_OPTIONS = "company-options"  # the datalist a company picker fills while one types


class CompanyPickerField(forms.CharField):
    """A company by its name or its SIRET, never a bare SIRET box: suggestions while typing (htmx
    fills the page's ``<datalist id="company-options">`` from ``claims:companies``), each option
    ending with its SIRET so that a picked one is unambiguous. Cleans to the SIRET
    (``siret_of_named``: a name several companies bear asks which)."""

    def __init__(self, *, network=None, **kwargs):
        kwargs.setdefault("max_length", 300)
        super().__init__(**kwargs)
        self.network = network

    def widget_attrs(self, widget):
        return {
            **super().widget_attrs(widget),
            "list": COMPANY_OPTIONS,
            "autocomplete": "off",
            "hx-get": reverse_lazy("claims:companies"),
            "hx-trigger": "input changed delay:250ms",
            "hx-target": f"#{COMPANY_OPTIONS}",
            "hx-swap": "innerHTML",
            "hx-sync": "this:replace",
        }

    def clean(self, value):
        text = super().clean(value)
        compact = re.sub(r"\s", "", text)
        if compact.isdigit():
            validate_siret_format(compact)  # digits alone are a SIRET, whole or mistyped
        return siret_of_named(text, network=self.network) if text else ""


def account_prefill(user, *, company_field: str) -> dict:
    """What a signed-in person's account prefills in a form about them and their company (name,
    address, and under ``company_field`` the picker's « name — commune — SIRET » of the one
    company they act for); nothing for a visitor, no company for someone acting for several."""
    if not user.is_authenticated:
        return {}
    initial = {"first_name": user.first_name, "last_name": user.last_name, "email": user.email}
    links = list(user.establishment_links.select_related("establishment__commune")[:2])
    if len(links) == 1:
        establishment = links[0].establishment
        place = establishment.commune.name if establishment.commune_id else establishment.city
        initial[company_field] = (
            f"{establishment.display_name} — {place} — {establishment.siret}"  # SIRET last
        )
    return initial


def _described(establishment) -> str:
    """« Tôlerie Kieffer, Haguenau : 123 456 789 00012 »: how two namesakes are told apart."""
    place = establishment.commune.name if establishment.commune else establishment.city
    name = f"{establishment.display_name}, {place}" if place else establishment.display_name
    return f"{name} : {spaced_identifier(establishment.siret)}"


class _IdentifierField(forms.CharField):
    """An identifier as typed (« 552 100 554 00013 »): spaces dropped, digits checked. Whether it
    exists, and its Luhn key, are the services' business."""

    format_validator = staticmethod(lambda value: None)

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)  # room for the spaces people type
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "numeric", "autocomplete": "off"}

    def to_python(self, value):
        return "".join(super().to_python(value).split())

    def validate(self, value):
        super().validate(value)
        if value:
            self.format_validator(value)


class SiretField(_IdentifierField):
    format_validator = staticmethod(validate_siret_format)


class SirenField(_IdentifierField):
    format_validator = staticmethod(validate_siren_format)


class SearchEntryForm(forms.Form):
    """The search box alone: the home page's entry to the search page, which extends it."""

    q = forms.CharField(label=_("Votre besoin"), required=False, strip=True)

    def clean_q(self):
        q = self.cleaned_data["q"]
        if len(q) > MAX_QUERY_CHARS:
            raise forms.ValidationError(
                _("Recherche trop longue (%(n)d caractères, %(max)d au plus)."),
                params={"n": len(q), "max": MAX_QUERY_CHARS},
            )
        return q


# "title", "capabilities[1].quantity", "specs.force", "equipment[0].specs.force"
FIELD_PATH = re.compile(r"(?P<name>\w+)(?:\[(?P<index>\d+)\])?(?:\.(?P<sub>[\w.]+))?")


def _field_name(form: forms.BaseForm, path: str, aliases: Mapping[str, str]) -> str | None:
    """The form field showing ``path``: an alias of the whole path, of its prefix ("specs." →
    "spec_") or of its first name, else the first name itself; None when the form has no such
    field (the error then goes among the non-field errors)."""
    match = FIELD_PATH.fullmatch(path)
    name = match["name"] if match else path
    candidates = [aliases.get(path), aliases.get(name), name]
    for prefix, replacement in aliases.items():
        if prefix.endswith(".") and path.startswith(prefix):
            candidates.insert(0, replacement + path.removeprefix(prefix))
    return next((c for c in candidates if c and c in form.fields), None)


def attach_error(
    form: forms.BaseForm,
    error: MaillageError,
    *,
    aliases: Mapping[str, str] | None = None,
    rows: Mapping[str, Sequence[forms.BaseForm]] | None = None,
) -> None:
    """Show a service's refusal (``MaillageError``) next to the field it names, or at the top of
    the form when the form has no such field.

    ``error.field`` is a path ("title", "capabilities[1].quantity", "specs.force"). ``aliases``
    maps a service's name to the form's ("chosen_establishments" → "chosen"; a key ending with a
    dot maps a prefix: "specs." → "spec_"). ``rows`` maps a list's name to the forms showing its
    items in order, so that "capabilities[1].quantity" lands on the second row's quantity.
    """
    aliases = aliases or {}
    match = FIELD_PATH.fullmatch(error.field or "")
    if match and match["index"] is not None and rows and match["name"] in rows:
        items = rows[match["name"]]
        if int(match["index"]) < len(items):
            row = items[int(match["index"])]
            row.add_error(_field_name(row, match["sub"] or "", aliases), error.message)
            return
    form.add_error(_field_name(form, error.field or "", aliases), error.message)


class StyleguideForm(forms.Form):
    """A form of the living style guide (label, help, error), never submitted anywhere."""

    company = forms.CharField(
        label=_("Raison sociale"), max_length=10, help_text=_("Telle qu’inscrite au répertoire SIRENE.")
    )
    headcount = forms.IntegerField(label=_("Effectif"), min_value=1, required=False)
    category = forms.ChoiceField(
        label=_("Collège"), choices=[("pme", _("PME")), ("eti", _("ETI")), ("ge", _("Grande entreprise"))]
    )
    newsletter = forms.BooleanField(label=_("Recevoir le bulletin du réseau"), required=False)
    message = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
