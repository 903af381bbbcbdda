from django import forms
from django.db.models import BLANK_CHOICE_DASH
from django.utils.translation import gettext_lazy as _

from maillage.directory.models import Contact
from maillage.www.forms import CompanyPickerField


class JoinForm(forms.Form):
    """« Adhérer au réseau ». ``website`` is a honeypot: hidden from people, filled in by bots."""

    # Named ``siret`` (what it cleans to, and the field the services' errors name).
    siret = CompanyPickerField(
        label=_("Votre entreprise"),
        help_text=_("Tapez son nom ou son SIRET, puis choisissez-la dans la liste."),
    )
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    role = forms.ChoiceField(label=_("Fonction"), choices=BLANK_CHOICE_DASH + list(Contact.Role.choices))
    email = forms.EmailField(label=_("Adresse e-mail"), max_length=254)
    phone = forms.CharField(label=_("Téléphone (facultatif)"), max_length=30, required=False)
    motivation = forms.CharField(
        label=_("Ce que vous attendez du réseau"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Rencontrer des entreprises voisines, trouver des sous-traitants, recruter…"),
    )
    consent = forms.BooleanField(
        label=_("J’accepte de recevoir les messages du réseau (événements, bulletins, enquêtes)."),
        required=False,
        help_text=_("Vous pourrez vous désinscrire à tout moment."),
    )
    website = forms.CharField(label=_("Ne pas remplir ce champ"), required=False)

    def __init__(self, *args, network, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["siret"].network = network
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs.update({"autocomplete": "tel", "type": "tel"})
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))
