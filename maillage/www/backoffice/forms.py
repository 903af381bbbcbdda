from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import Invitation
from maillage.directory.models import Membership


class MemberFilterForm(forms.Form):
    q = forms.CharField(label=_("Rechercher"), required=False, max_length=100)
    statut = forms.ChoiceField(
        label=_("Statut"), required=False, choices=[("", _("Tous"))] + list(Membership.Status.choices)
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail"))
    role = forms.ChoiceField(
        label=_("Rôle"),
        choices=Invitation.Role.choices,
        initial=Invitation.Role.MEMBER,
        widget=forms.RadioSelect,
    )
    siret = forms.CharField(
        label=_("SIRET de l'établissement"),
        required=False,
        max_length=20,
        help_text=_("Obligatoire pour un utilisateur d'établissement ; l'établissement doit être du réseau."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args, network, **kwargs):
        super().__init__(*args, **kwargs)
        self.network = network

    def clean(self):
        cleaned = super().clean()
        cleaned["establishment"] = None
        if cleaned.get("role") == Invitation.Role.MEMBER:
            siret = "".join((cleaned.get("siret") or "").split())
            membership = (
                Membership.objects.filter(network=self.network, establishment__siret=siret)
                .select_related("establishment")
                .first()
                if siret
                else None
            )
            if membership is None:
                self.add_error("siret", _("Indiquez le SIRET d'un établissement du réseau."))
            else:
                cleaned["establishment"] = membership.establishment
        return cleaned


class ClaimRejectForm(forms.Form):
    note = forms.CharField(label=_("Motif (envoyé au demandeur)"), required=False, max_length=1000)
