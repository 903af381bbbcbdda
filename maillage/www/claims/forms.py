from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.www.forms import SiretField


class ClaimForm(forms.Form):
    siret = SiretField(
        label=_("SIRET de l’établissement"),
        help_text=_("14 chiffres, inscrits sur vos factures ou sur l’avis de situation SIRENE."),
    )
    message = forms.CharField(
        label=_("Message aux animateurs (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Votre fonction dans l’entreprise aide l’animation à valider la demande."),
    )
