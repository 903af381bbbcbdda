"""The back-office import form: the kind of file, the file, and the options of its command."""

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.imports.models import ImportUpload
from maillage.relations.models import Confidentiality


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type de fichier"),
        choices=ImportUpload.Kind.choices,
        initial=ImportUpload.Kind.PROFILES,
        widget=forms.RadioSelect,
    )
    # An empty file gets the commands' message (maillage.imports.uploads), not the form's.
    file = forms.FileField(
        label=_("Fichier"),
        allow_empty_file=True,
        help_text=_(
            "Tableur des adhérents ou grand livre : CSV ou XLSX ; commande publique : JSON ou CSV aplati. "
            "Rien n’est écrit avant que vous ayez vu l’essai à blanc."
        ),
    )
    allow_removals = forms.BooleanField(
        label=_("Accepter les lignes qui retirent des valeurs déclarées par les adhérents"),
        required=False,
        help_text=_("Tableur des adhérents seulement ; sinon ces lignes sont rejetées."),
    )
    buyer = forms.CharField(
        label=_("SIRET du donneur d’ordres (l’acheteur)"),
        required=False,
        max_length=20,
        help_text=_("Grand livre d’achats seulement (obligatoire)."),
    )
    buyer_name = forms.CharField(
        label=_("Nom du donneur d’ordres, s’il n’est pas dans l’annuaire"), required=False, max_length=255
    )
    year = forms.IntegerField(
        label=_("Année des achats, si le fichier n’a pas de colonne « annee »"),
        required=False,
        min_value=1990,
        max_value=2100,
    )
    confidentiality = forms.ChoiceField(
        label=_("Qui voit les relations créées"),
        choices=Confidentiality.choices,
        initial=Confidentiality.ANIMATORS,
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == ImportUpload.Kind.LEDGER and not data.get("buyer"):
            self.add_error("buyer", _("Le SIRET du donneur d’ordres est obligatoire pour un grand livre."))
        return data

    def options(self) -> dict:
        """The command's options for the chosen kind (``maillage.imports.kinds.run_file_import``)."""
        data = self.cleaned_data
        if data["kind"] == ImportUpload.Kind.PROFILES:
            return {"allow_removals": data["allow_removals"]}
        if data["kind"] == ImportUpload.Kind.LEDGER:
            return {
                "buyer": "".join(data["buyer"].split()),
                "buyer_name": data["buyer_name"],
                "year": data["year"],
                "confidentiality": data["confidentiality"] or Confidentiality.ANIMATORS,
            }
        return {}
