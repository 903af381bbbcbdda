from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.www.forms import CompanyPickerField


class ClaimForm(forms.Form):
    # Named ``siret`` (what it cleans to, and the field the services' errors name).
    siret = CompanyPickerField(
        label=_("Votre entreprise"),
        help_text=_("Tapez son nom ou son SIRET, puis choisissez-la dans la liste."),
    )
    message = forms.CharField(
        label=_("Message aux animateurs (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Votre fonction dans l’entreprise aide l’animation à valider la demande."),
    )
