from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.www.supply_graph.queries import FilterChoices


class GraphFilterForm(forms.Form):
    """GET filters; each offers only values found among the relations the viewer may see."""

    categorie = forms.ChoiceField(label=_("Catégorie"), required=False)
    territoire = forms.ChoiceField(label=_("Département"), required=False)
    confidentialite = forms.ChoiceField(label=_("Confidentialité"), required=False)

    def __init__(self, data, *, choices: FilterChoices):
        super().__init__(data)
        every = [("", _("Toutes"))]
        self.fields["categorie"].choices = every + choices.categories
        self.fields["territoire"].choices = [("", _("Tous"))] + choices.territories
        self.fields["confidentialite"].choices = every + choices.levels

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "category": data["categorie"] or None,
            "territory": data["territoire"] or None,
            "level": data["confidentialite"] or None,
        }
