from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.relations.models import Confidentiality, RelationStatus


class RelationFilterForm(forms.Form):
    q = forms.CharField(label=_("Fournisseur, client ou catégorie"), required=False)
    confidentialite = forms.ChoiceField(
        label=_("Confidentialité"), required=False, choices=[("", _("Toutes")), *Confidentiality.choices]
    )
    statut = forms.ChoiceField(
        label=_("Statut"), required=False, choices=[("", _("Tous")), *RelationStatus.choices]
    )


class DisputeForm(forms.Form):
    comment = forms.CharField(
        label=_("Pourquoi contestez-vous cette relation ?"), widget=forms.Textarea, max_length=2000
    )


class LeakageForm(forms.Form):
    annee = forms.IntegerField(label=_("Année"), required=False, min_value=1990, max_value=2100)
    acheteurs = forms.CharField(
        label=_("Acheteurs (SIREN, séparés par des espaces ; vide : tous)"), required=False, max_length=2000
    )
    min_local = forms.IntegerField(
        label=_("Entreprises locales minimum"), initial=3, min_value=1, max_value=50, required=False
    )
    rayon = forms.IntegerField(label=_("Rayon (km)"), initial=50, min_value=1, max_value=1000, required=False)
    capacite = forms.BooleanField(
        label=_("Exiger une capacité disponible déclarée"), required=False, initial=True
    )

    def clean_acheteurs(self):
        sirens = self.cleaned_data["acheteurs"].replace(",", " ").split()
        bad = [s for s in sirens if not (len(s) == 9 and s.isdigit())]
        if bad:
            raise forms.ValidationError(_("SIREN à 9 chiffres attendus : %(bad)s") % {"bad": ", ".join(bad)})
        return sirens or None
