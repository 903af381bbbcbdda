"""Need forms. They shape input only; the services in ``maillage.needs.services`` validate and write."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.directory.models import Establishment
from maillage.needs.models import Answer, DeclineReason, NeedClosing, NeedKind, NeedVisibility
from maillage.needs.services import CapabilityInput, EquipmentInput
from maillage.profiles.validation import specs_of
from maillage.referential.selectors import commune_resolve
from maillage.taxonomy.suggestions import KINDS, resolve_typed_node
from maillage.www.forms import DateInput, EstablishmentChoiceField, TaxonomyField, lines, siret_of_named

CAPABILITY_ROWS = 3
SIRET = re.compile(r"\d{14}")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.step,.stp,.dxf"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class NeedForm(forms.Form):
    network = forms.ModelChoiceField(label=_("Réseau"), queryset=None, empty_label=None)
    author_establishment = EstablishmentChoiceField(
        label=_("Au nom de"), queryset=None, required=False, empty_label=_("du réseau (animation)")
    )
    kind = forms.ChoiceField(label=_("Nature du besoin"), choices=NeedKind.choices)
    title = forms.CharField(label=_("Titre"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Le travail, les volumes, les contraintes : visible des seules entreprises sollicitées."),
    )  # fmt: skip
    certifications = forms.CharField(
        label=_("Certifications exigées"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Une par ligne : libellé ou code (ISO 9001, EN 9100…)."),
    )  # fmt: skip
    commune = forms.CharField(
        label=_("Lieu de réalisation"), required=False, max_length=100,
        help_text=_("Nom de la commune ou code INSEE."),
    )  # fmt: skip
    max_distance_km = forms.IntegerField(
        label=_("Distance maximale (km)"), required=False, min_value=1, max_value=1500
    )
    deadline = forms.DateField(label=_("Date limite de réponse"), widget=DateInput())
    budget_min = forms.DecimalField(
        label=_("Budget minimal (€)"), required=False, min_value=0, decimal_places=2
    )
    budget_max = forms.DecimalField(
        label=_("Budget maximal (€)"), required=False, min_value=0, decimal_places=2
    )
    visibility = forms.ChoiceField(
        label=_("Visibilité"), choices=NeedVisibility.choices, widget=forms.RadioSelect,
        initial=NeedVisibility.MEMBERS,
    )  # fmt: skip
    chosen = forms.CharField(
        label=_("Entreprises choisies"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Une par ligne, son nom ou son SIRET, pour la visibilité « entreprises choisies »."),
    )  # fmt: skip
    attachments = MultipleFileField(
        label=_("Pièces jointes"), required=False,
        help_text=_("PDF, images PNG ou JPEG, plans STEP ou DXF ; le type est vérifié sur le contenu."),
    )  # fmt: skip

    def __init__(self, *args, networks, establishments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = networks
        self.fields["author_establishment"].queryset = establishments.select_related(
            "commune", "organisation"
        )

    def clean_certifications(self):
        codes = []
        for number, text in enumerate(lines(self.cleaned_data["certifications"]), 1):
            node, suggestions = resolve_typed_node(text, KINDS["certification"])
            if node is None:
                hint = " ; ".join(f"« {n.label} »" for n in suggestions[:5])
                raise forms.ValidationError(
                    _("Ligne %(n)d : « %(text)s » n’est pas une certification connue%(hint)s.")
                    % {"n": number, "text": text, "hint": f" ({hint})" if hint else ""}
                )
            codes.append(node.code)
        return codes

    def clean_commune(self):
        text = self.cleaned_data["commune"].strip()
        if not text:
            return ""
        # An INSEE code wins over the postal code it may also be: the field asks for a commune.
        resolution = commune_resolve(text, prefer="insee")
        commune, candidates = resolution.commune, resolution.candidates
        if commune is None:
            if candidates:
                raise forms.ValidationError(
                    _("Précisez la commune : %(choices)s.")
                    % {"choices": " ; ".join(f"{c.name} ({c.insee_code})" for c in candidates[:8])}
                )
            raise forms.ValidationError(_("Commune inconnue : « %(text)s ».") % {"text": text})
        return commune.insee_code

    def clean_chosen(self):
        sirets = []
        for number, line in enumerate(lines(self.cleaned_data["chosen"]), 1):
            try:
                sirets.append(siret_of_named(line))
            except forms.ValidationError as error:
                raise forms.ValidationError(
                    _("Ligne %(n)d : %(error)s") % {"n": number, "error": error.messages[0]}
                ) from error
        found = {e.siret: e for e in Establishment.objects.filter(siret__in=sirets)}
        missing = [s for s in sirets if s not in found]
        if missing:
            raise forms.ValidationError(
                _("Établissement inconnu : %(sirets)s.") % {"sirets": ", ".join(missing)}
            )
        return [found[s] for s in dict.fromkeys(sirets)]

    def clean(self):
        cleaned = super().clean()
        network, establishment = cleaned.get("network"), cleaned.get("author_establishment")
        member = establishment is None or establishment.memberships.filter(network=network).exists()
        if network is not None and not member:
            self.add_error(
                "author_establishment", _("Cet établissement n’est pas adhérent du réseau choisi.")
            )
        return cleaned


class OptionalTaxonomyField(TaxonomyField):
    """An empty row is no row (an edited need's emptied line is removed)."""

    def clean(self, value):
        return super().clean(value) if (value or "").strip() else None


class CapabilityRowForm(forms.Form):
    node = OptionalTaxonomyField(kind="capability", label=_("Savoir-faire"), required=False)
    quantity = forms.DecimalField(label=_("Quantité ou capacité"), required=False, min_value=0)
    unit = forms.CharField(label=_("Unité"), required=False, max_length=30)
    wished = forms.BooleanField(
        label=_("Souhaité seulement"),
        required=False,
        help_text=_("Non coché : exigé, le besoin ne part qu’aux entreprises qui l’ont."),
    )


class EquipmentRowForm(forms.Form):
    node = OptionalTaxonomyField(kind="equipment", label=_("Équipement"), required=False)
    spec = forms.CharField(
        label=_("Caractéristique"), required=False, max_length=100,
        help_text=_("Son nom, par exemple « Force nominale » ; les bornes dans son unité (t, tr/min, mm…)."),
    )  # fmt: skip
    minimum = forms.FloatField(label=_("Minimum"), required=False)
    maximum = forms.FloatField(label=_("Maximum"), required=False)

    def clean(self):
        """The specification named by its label (French or English) or its key, as its key."""
        data = super().clean()
        node, text = data.get("node"), (data.get("spec") or "").strip()
        if node is None or not text:
            return data
        specs = specs_of(node)
        wanted = text.casefold()
        key = next(
            (k for k, s in specs.items() if wanted in (k.casefold(), s.get("label_fr", "").casefold(),
                                                        s.get("label_en", "").casefold())),
            None,
        )  # fmt: skip
        if key is None:
            labels = " ; ".join(f"« {s.get('label_fr', k)} »" for k, s in specs.items()) or _("aucune")
            self.add_error(
                "spec",
                _("« %(text)s » n’est pas une caractéristique de cet équipement (%(labels)s).")
                % {"text": text, "labels": labels},
            )
        else:
            data["spec"] = key
        return data


CapabilityFormSet = forms.formset_factory(CapabilityRowForm, extra=0, max_num=30, absolute_max=30)
EquipmentFormSet = forms.formset_factory(EquipmentRowForm, extra=0, max_num=10, absolute_max=10)


def capability_inputs(formset) -> list[CapabilityInput]:
    return [
        CapabilityInput(
            code=row["node"].code,
            quantity=row.get("quantity"),
            unit=row.get("unit") or "",
            required=not row.get("wished"),
        )
        for row in formset.cleaned_data
        if row.get("node")
    ]


def equipment_inputs(formset) -> list[EquipmentInput]:
    return [
        EquipmentInput(
            code=row["node"].code,
            spec=row.get("spec") or "",
            minimum=row.get("minimum"),
            maximum=row.get("maximum"),
        )
        for row in formset.cleaned_data
        if row.get("node")
    ]


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Votre réponse"),
        choices=[(v, label) for v, label in Answer.choices if v != Answer.PENDING],
        widget=forms.RadioSelect,
    )
    reason = forms.ChoiceField(
        label=_("Raison (si pas intéressée)"), required=False, choices=[("", "—"), *DeclineReason.choices]
    )
    message = forms.CharField(
        label=_("Message ou question"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )


class CloseForm(forms.Form):
    closing = forms.ChoiceField(label=_("Issue"), choices=NeedClosing.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


YES_NO = [("yes", _("Oui")), ("no", _("Non"))]


class OutcomeForm(forms.Form):
    awarded = forms.ChoiceField(
        label=_("Le travail a-t-il été confié ?"), choices=YES_NO, widget=forms.RadioSelect
    )
    contracted_local = forms.ChoiceField(
        label=_("À une entreprise du territoire ?"), choices=YES_NO, widget=forms.RadioSelect, required=False
    )
    amount = forms.DecimalField(label=_("Montant confié (€)"), required=False, min_value=0, decimal_places=2)
    note = forms.CharField(label=_("Commentaire"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def outcome(self) -> dict:
        data = self.cleaned_data
        local = {"yes": True, "no": False}.get(data.get("contracted_local") or "")
        return {
            "awarded": data["awarded"] == "yes",
            "contracted_local": local,
            "amount": data.get("amount"),
            "note": data.get("note") or "",
        }


COMPANIES_LIST = "consortium-companies"  # the datalist of the network's members, by name


class ConsortiumForm(forms.Form):
    """Companies are picked by name (the network's members are offered as one types); a SIRET is
    still accepted, and asked for when several companies share the name."""

    max_partners = forms.IntegerField(label=_("Partenaires au plus"), min_value=1, max_value=10, initial=5)
    lead = forms.CharField(
        label=_("Entreprise pilote"), required=False, help_text=_("Son nom, ou son SIRET."),
        widget=forms.TextInput(attrs={"list": COMPANIES_LIST, "autocomplete": "off"}),
    )  # fmt: skip
    excluded = forms.CharField(
        label=_("Entreprises exclues"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Une entreprise par ligne : son nom, ou son SIRET."),
    )  # fmt: skip
    alternatives = forms.IntegerField(label=_("Groupements proposés"), min_value=1, max_value=5, initial=3)

    def __init__(self, *args, network=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.network = network

    def clean_lead(self):
        text = self.cleaned_data["lead"].strip()
        return siret_of_named(text, network=self.network) if text else ""

    def clean_excluded(self):
        return frozenset(
            siret_of_named(line, network=self.network) for line in lines(self.cleaned_data["excluded"])
        )


class InviteForm(forms.Form):
    sirets = forms.CharField(widget=forms.HiddenInput)

    def clean_sirets(self):
        sirets = [s for s in self.cleaned_data["sirets"].split(",") if s]
        if not sirets or not all(SIRET.fullmatch(s) for s in sirets):
            raise forms.ValidationError(_("Groupement invalide."))
        found = {e.siret: e for e in Establishment.objects.filter(siret__in=sirets, is_active=True)}
        if len(found) != len(set(sirets)):
            raise forms.ValidationError(_("Groupement invalide."))
        return [found[s] for s in dict.fromkeys(sirets)]
