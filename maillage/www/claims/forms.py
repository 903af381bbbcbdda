from django import forms
from django.utils.translation import gettext_lazy as _


class ClaimForm(forms.Form):
    siret = forms.CharField(
        label=_("SIRET de l'établissement"),
        max_length=20,
        help_text=_("14 chiffres, inscrits sur vos factures ou sur l'avis de situation SIRENE."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    message = forms.CharField(
        label=_("Message aux animateurs (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Votre fonction dans l'entreprise aide l'animation à valider la demande."),
    )
