"""Forms of the network's dues and of the members list's bulk actions."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from maillage.directory.models import DuesScale, Membership
from maillage.referential.models import HeadcountBand
from maillage.www.forms import DateInput
from maillage.www.typography import number


def band_label(band: HeadcountBand) -> str:
    """A headcount band in the reader's language, as ``home/includes/headcount.html`` writes it
    (the referential's label is INSEE's French)."""
    if band.max_employees is not None:
        if band.max_employees == 0:
            return gettext("aucun salarié")
        low, high = number(band.min_employees or 0, decimals=0), number(band.max_employees, decimals=0)
        return gettext("%(low)s à %(high)s salariés") % {"low": low, "high": high}
    if band.min_employees is not None:
        return gettext("%(low)s salariés et plus") % {"low": number(band.min_employees, decimals=0)}
    return gettext("non employeur")


AMOUNT = {"min_value": 0, "max_digits": 9, "decimal_places": 2, "localize": True}  # « 450,50 » in French


class DuesScaleForm(forms.Form):
    """The year's scale: one amount field per category of the network's members (``cat_<n>``)
    and per headcount band (``band_<code>``); the basis says which set applies."""

    basis = forms.ChoiceField(
        label=_("Le montant dépend"),
        choices=[
            (DuesScale.Basis.CATEGORY, _("du collège de l’adhérent")),
            (DuesScale.Basis.HEADCOUNT, _("de sa tranche d’effectifs")),
        ],
        widget=forms.RadioSelect,
    )
    default_amount = forms.DecimalField(
        label=_("Montant par défaut (€)"),
        help_text=_("Pour un adhérent dont le collège ou la tranche n’a pas de montant ci-dessous."),
        **AMOUNT,
    )
    late_after_days = forms.IntegerField(
        label=_("En retard après (jours)"),
        min_value=1,
        max_value=365,
        help_text=_("Une cotisation appelée et non réglée passe « en retard » après ce délai."),
    )

    def __init__(self, *args, categories: list[str], bands: list[HeadcountBand], **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = categories
        for rank, category in enumerate(categories):
            self.fields[f"cat_{rank}"] = forms.DecimalField(label=category, required=False, **AMOUNT)
        for band in bands:
            self.fields[f"band_{band.code}"] = forms.DecimalField(
                label=band_label(band), required=False, **AMOUNT
            )

    @staticmethod
    def initial_for(scale: DuesScale | None, categories: list[str]) -> dict:
        if scale is None:
            return {"basis": DuesScale.Basis.CATEGORY, "default_amount": 0, "late_after_days": 60}
        initial = {
            "basis": scale.basis,
            "default_amount": scale.default_amount,
            "late_after_days": scale.late_after_days,
        }
        for rate in scale.rates.all():
            if rate.headcount_band_id:
                initial[f"band_{rate.headcount_band_id}"] = rate.amount
            elif rate.category in categories:
                initial[f"cat_{categories.index(rate.category)}"] = rate.amount
        return initial

    def category_fields(self):
        return [self[name] for name in self.fields if name.startswith("cat_")]

    def band_fields(self):
        return [self[name] for name in self.fields if name.startswith("band_")]

    def amounts(self) -> tuple[dict, dict]:
        data = self.cleaned_data
        categories = {category: data[f"cat_{n}"] for n, category in enumerate(self.categories)}
        bands = {name.removeprefix("band_"): data[name] for name in self.fields if name.startswith("band_")}
        return categories, bands


class DuesPaymentForm(forms.Form):
    paid_on = forms.DateField(label=_("Réglée le"), widget=DateInput())
    reference = forms.CharField(
        label=_("Référence du paiement"),
        required=False,
        max_length=100,
        help_text=_("Numéro de virement, de chèque ou de facture."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"paid_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class DuesCorrectionForm(forms.Form):
    """A dues not paid yet: its amount corrected, or waived with a reason (member page)."""

    amount = forms.DecimalField(label=_("Nouveau montant (€)"), required=False, **AMOUNT)
    reason = forms.CharField(
        label=_("Motif de l’exonération"),
        required=False,
        max_length=200,
        help_text=_("Membre d’honneur, première année offerte, appel fait par erreur…"),
    )


class IdsField(forms.Field):
    """The checked rows' ids, from several inputs of one name."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        try:
            return sorted({int(item) for item in value or []})
        except (TypeError, ValueError) as error:
            raise forms.ValidationError(_("Sélection invalide.")) from error


class MemberBulkForm(forms.Form):
    STATUS, PAID, CALL, REMIND = "statut", "reglement", "appel", "relance"
    DUES_ACTIONS = (PAID, CALL, REMIND)

    action = forms.ChoiceField(
        label=_("Action"),
        choices=[
            ("", _("Choisir une action")),
            (STATUS, _("Changer le statut")),
            (PAID, _("Enregistrer le règlement de la cotisation")),
            (CALL, _("Appeler la cotisation")),
            (REMIND, _("Relancer la cotisation")),
        ],
    )
    ids = IdsField(required=False)
    everything = forms.BooleanField(required=False)
    status = forms.ChoiceField(
        label=_("Nouveau statut"), required=False, choices=[("", "—"), *Membership.Status.choices]
    )
    year = forms.IntegerField(label=_("Année"), min_value=2000, max_value=2100)
    paid_on = forms.DateField(label=_("Réglée le"), required=False, widget=DateInput())
    reference = forms.CharField(label=_("Référence du paiement"), required=False, max_length=100)
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"year": timezone.localdate().year, "paid_on": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("ids") and not cleaned.get("everything"):
            raise forms.ValidationError(_("Cochez au moins une entreprise."))
        if cleaned.get("action") == self.STATUS and not cleaned.get("status"):
            self.add_error("status", _("Choisissez le nouveau statut."))
        if cleaned.get("action") == self.PAID and not cleaned.get("paid_on"):
            self.add_error("paid_on", _("Indiquez la date du règlement."))
        return cleaned
