from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import Invitation
from maillage.directory.models import Membership
from maillage.imports.models import MappingColumn, MappingReview
from maillage.taxonomy.suggestions import KINDS, resolve_typed_node


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


class ReviewFilterForm(forms.Form):
    colonne = forms.ChoiceField(
        label=_("Colonne"), required=False, choices=[("", _("Toutes"))] + list(MappingColumn.choices)
    )
    statut = forms.ChoiceField(
        label=_("Statut"),
        required=False,
        choices=[("", _("Tous"))] + list(MappingReview.Status.choices),
    )


class ReviewDecisionForm(forms.Form):
    """One of three decisions on a review; ``clean`` gives ``code`` (None: dismissed)."""

    ACCEPT, PICK, DISMISS = "accept", "pick", "dismiss"
    action = forms.ChoiceField(
        choices=[
            (ACCEPT, _("Retenir la proposition")),
            (PICK, _("Rattacher à un autre nœud")),
            (DISMISS, _("Écarter")),
        ]
    )
    proposal = forms.CharField(label=_("Proposition"), required=False, max_length=100)
    node = forms.CharField(label=_("Nœud de la taxonomie"), required=False, max_length=200)

    def __init__(self, *args, review: MappingReview, **kwargs):
        super().__init__(*args, **kwargs)
        self.review = review

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        cleaned["code"] = None
        if action == self.ACCEPT:
            codes = [proposal["code"] for proposal in self.review.proposals]
            if cleaned.get("proposal") not in codes:
                raise forms.ValidationError(_("Choisissez l’une des propositions."))
            cleaned["code"] = cleaned["proposal"]
        elif action == self.PICK:
            node, suggestions = resolve_typed_node(cleaned.get("node", ""), KINDS[self.review.node_type])
            if node is None:
                hint = ", ".join(f"{n.label_fr} ({n.code})" for n in suggestions[:5])
                raise forms.ValidationError(
                    _("Aucun nœud ne correspond exactement à « %(text)s ».")
                    % {"text": cleaned.get("node", "")}
                    + (" " + _("Voulez-vous dire : %(hint)s ?") % {"hint": hint} if hint else "")
                )
            cleaned["code"] = node.code
        return cleaned
