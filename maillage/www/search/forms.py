"""The search page's GET form: what the visitor typed, checked before the engine sees it.

Every parameter has a short French name because the URL is meant to be shared.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.engine.query import MAX_PAGE
from maillage.engine.search import HEADCOUNT_BANDS
from maillage.matching.search import MAX_PLACE_CHARS
from maillage.www.forms import SearchEntryForm

DISTANCE_MIN_KM, DISTANCE_MAX_KM, DISTANCE_DEFAULT_KM = 5, 200, 50
MAX_CODE_CHARS = 100


def headcount_bounds(label: str) -> tuple[int | None, int | None]:
    """The engine's band label (« 10-19 », « 1000+ ») → (minimum, maximum) employees."""
    edges = [edge for edge, _label in HEADCOUNT_BANDS]
    for index, (edge, band) in enumerate(HEADCOUNT_BANDS):
        if band == label:
            upper = edges[index + 1] - 1 if index + 1 < len(edges) else None
            return edge, upper
    raise ValueError(label)


class SearchForm(SearchEntryForm):
    pres = forms.CharField(label=_("Près de"), required=False, strip=True)
    distance = forms.IntegerField(
        label=_("Distance maximale (km)"),
        required=False,
        error_messages={"invalid": _("Distance en kilomètres attendue (nombre entier).")},
    )
    savoir_faire = forms.CharField(label=_("Savoir-faire"), required=False)
    certification = forms.CharField(label=_("Certification"), required=False)
    secteur = forms.CharField(label=_("Secteur"), required=False)
    effectif = forms.ChoiceField(
        label=_("Effectif"),
        required=False,
        choices=[("", _("Tous"))] + [(label, label) for _edge, label in HEADCOUNT_BANDS],
        error_messages={"invalid_choice": _("Tranche d’effectif inconnue.")},
    )
    page = forms.IntegerField(required=False, error_messages={"invalid": _("Numéro de page invalide.")})
    # « 1 »: the visitor undid the place read in the text (« Lieu compris : … »).
    sans_lieu = forms.BooleanField(required=False)
    # « 1 »: search the words as typed, without spelling correction.
    tel_quel = forms.BooleanField(required=False)
    # The network of the page searched from: whose territory « sur notre territoire » means.
    reseau = forms.CharField(required=False)

    def clean_pres(self):
        place = self.cleaned_data["pres"]
        if len(place) > MAX_PLACE_CHARS:
            raise forms.ValidationError(
                _("Lieu trop long (%(n)d caractères, %(max)d au plus)."),
                params={"n": len(place), "max": MAX_PLACE_CHARS},
            )
        return place

    def clean_distance(self):
        distance = self.cleaned_data["distance"]
        if distance is None:
            return DISTANCE_DEFAULT_KM
        if not DISTANCE_MIN_KM <= distance <= DISTANCE_MAX_KM:
            raise forms.ValidationError(
                _("Distance entre %(min)d et %(max)d km attendue."),
                params={"min": DISTANCE_MIN_KM, "max": DISTANCE_MAX_KM},
            )
        return distance

    def _clean_code(self, name):
        code = self.cleaned_data[name].strip()
        if len(code) > MAX_CODE_CHARS:
            raise forms.ValidationError(_("Code trop long."))
        return code

    def clean_savoir_faire(self):
        return self._clean_code("savoir_faire")

    def clean_certification(self):
        return self._clean_code("certification")

    def clean_secteur(self):
        return self._clean_code("secteur")

    def clean_reseau(self):
        return self.cleaned_data["reseau"].strip()[:MAX_CODE_CHARS]

    def clean_page(self):
        page = self.cleaned_data["page"]
        if page is None:
            return 1
        if not 1 <= page <= MAX_PAGE:
            raise forms.ValidationError(
                _("Numéro de page entre 1 et %(max)d attendu."), params={"max": MAX_PAGE}
            )
        return page

    def is_blank(self) -> bool:
        """Nothing asked yet: show the empty form, do not touch the index."""
        return not any(
            self.data.get(name, "").strip()
            for name in ("q", "savoir_faire", "certification", "secteur", "effectif")
        )
