from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.directory.models import Contact


class AudienceForm(forms.Form):
    """Narrows the member list's selection to one role of contact (a GET form, like the list's)."""

    fonction = forms.ChoiceField(
        label=_("Fonction des destinataires"),
        required=False,
        choices=[("", _("Toutes"))] + list(Contact.Role.choices),
    )

    def role(self) -> str:
        return self.cleaned_data["fonction"] if self.is_valid() else ""


class MailingForm(forms.Form):
    subject = forms.CharField(label=_("Objet"), max_length=200)
    body = forms.CharField(
        label=_("Message"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Texte brut. Le lien de désabonnement est ajouté à la fin de chaque message."),
    )
