from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.directory.models import Establishment
from maillage.relations.models import Confidentiality, RelationStatus, VolumeBand
from maillage.www.forms import EstablishmentChoiceField, SirenField, siret_of_named


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


def _named(establishment: Establishment) -> str:
    place = establishment.commune.name if establishment.commune_id else establishment.city
    return f"{establishment.display_name} — {place}" if place else establishment.display_name


class DeclareForm(forms.Form):
    """A relation declared by one of the user's establishments, with the other side; an animator
    picks the member company on whose behalf she declares (``for_members``)."""

    SIDES = [("supplier", _("Nous sommes le fournisseur")), ("client", _("Nous sommes le client"))]
    MEMBER_SIDES = [
        ("supplier", _("L’adhérent est le fournisseur")),
        ("client", _("L’adhérent est le client")),
    ]

    establishment = EstablishmentChoiceField(label=_("Notre établissement"), queryset=None)
    side = forms.ChoiceField(
        label=_("Notre rôle"), choices=SIDES, widget=forms.RadioSelect, initial="supplier"
    )
    # By name or SIRET (the field keeps its name: services and error aliases say other_siret).
    other_siret = forms.CharField(
        label=_("L’autre partie, si elle est dans l’annuaire"),
        help_text=_("Son nom, ou son SIRET."),
        required=False,
    )
    other_siren = SirenField(label=_("Sinon, SIREN du client"), required=False)
    other_name = forms.CharField(label=_("Nom du client"), required=False, max_length=255)
    other_country = forms.CharField(
        label=_("Pays du client (code ISO, ex. DE)"), required=False, max_length=2
    )
    category_text = forms.CharField(label=_("Ce qui est fourni"), required=False, max_length=255)
    volume_band = forms.ChoiceField(label=_("Volume annuel"), choices=VolumeBand.choices, required=False)
    since = forms.IntegerField(label=_("Depuis (année)"), required=False, min_value=1900, max_value=2100)
    confidentiality = forms.ChoiceField(
        label=_("Qui peut voir cette relation ?"),
        choices=Confidentiality.choices,
        initial=Confidentiality.PARTIES,
    )

    def __init__(self, *args, establishments, for_members: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["establishment"].queryset = establishments.select_related("commune", "organisation")
        # Names and places, not SIRETs: people know their companies by name (issue 14).
        self.fields["establishment"].label_from_instance = _named
        self.for_members = for_members
        if for_members:
            self.fields["establishment"].label = _("Entreprise adhérente")
            self.fields["establishment"].help_text = _(
                "Vous déclarez la relation en son nom : elle pourra la confirmer ou la contester."
            )
            self.fields["side"].label = _("Son rôle")
            self.fields["side"].choices = self.MEMBER_SIDES

    def clean_other_siret(self):
        text = self.cleaned_data["other_siret"].strip()
        return siret_of_named(text) if text else ""

    def clean(self):
        data = super().clean()
        siret = data.get("other_siret", "")
        data["other"] = None
        if "other_siret" in self.errors:
            return data  # a name that names nobody, or several: said once, on the field
        if siret:
            data["other"] = Establishment.objects.filter(siret=siret).first()
            if data["other"] is None:
                self.add_error("other_siret", _("Aucun établissement de l’annuaire n’a ce SIRET."))
        elif data.get("side") == "client":
            self.add_error("other_siret", _("Le fournisseur doit être un établissement de l’annuaire."))
        elif not (data.get("other_siren") or data.get("other_name")):
            self.add_error("other_name", _("Donnez le SIRET du client, ou son SIREN et son nom."))
        return data
