"""Forms of the registration pages: the public form (one person, their colleagues, the
organiser's questions), the hand-over to a colleague, the organiser's « add a person »."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.directory.models import Establishment
from maillage.directory.selectors import establishments_named, siret_in
from maillage.www.forms import CompanyPickerField

MAX_COLLEAGUES = 4


class CompanyOrNameField(CompanyPickerField):
    """A company of the directory (picked, or named unambiguously), or, when no company of the
    directory bears that name, the name as typed: visitors' companies are not all in it.
    Cleans to ``(establishment or None, typed name or "")``."""

    def clean(self, value):
        text = " ".join((value or "").split())
        if not text:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return None, ""
        if not siret_in(text) and not establishments_named(text, network=self.network):
            return None, text[:200]
        siret = super().clean(text)
        establishment = Establishment.objects.filter(siret=siret).first()
        if establishment is None:
            raise forms.ValidationError(_("Aucune entreprise de l’annuaire n’a ce SIRET."), code="unknown")
        return establishment, ""


class PersonForm(forms.Form):
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    email = forms.EmailField(label=_("Adresse e-mail"), max_length=254)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"


class RegistrationForm(PersonForm):
    """The person registering, their company, and the organiser's questions
    (``question_<pk>``, the field the services' errors name)."""

    company = CompanyOrNameField(
        label=_("Entreprise"),
        required=False,
        help_text=_("Tapez son nom ou son SIRET et choisissez-la dans la liste ; sinon, son nom suffit."),
    )
    job_title = forms.CharField(label=_("Fonction (facultatif)"), max_length=150, required=False)
    phone = forms.CharField(label=_("Téléphone (facultatif)"), max_length=30, required=False)
    website = forms.CharField(label=_("Ne pas remplir ce champ"), required=False)  # a honeypot for bots

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.fields["company"].network = event.network
        self.fields["company"].widget.attrs["autocomplete"] = "organization"
        self.fields["phone"].widget.attrs.update({"autocomplete": "tel", "type": "tel"})
        self.questions = list(event.questions.all())
        for question in self.questions:
            self.fields[f"question_{question.pk}"] = forms.CharField(
                label=question.label
                if question.required
                else _("%(label)s (facultatif)") % {"label": question.label},
                required=question.required,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))

    def question_fields(self):
        return [self[f"question_{q.pk}"] for q in self.questions]

    def answers(self) -> dict:
        return {str(q.pk): self.cleaned_data.get(f"question_{q.pk}", "") for q in self.questions}


class ColleagueForm(PersonForm):
    """A colleague registered in the same form (same company, same answers): a blank row is
    ignored, a half-filled one asks for the rest."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False

    def clean(self):
        data = super().clean()
        if any(data.get(name) for name in self.fields):
            for name in self.fields:
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("Complétez ou videz cette ligne."))
        return data

    @property
    def filled(self) -> bool:
        return self.is_valid() and bool(self.cleaned_data.get("email"))


ColleagueFormSet = forms.formset_factory(ColleagueForm, extra=MAX_COLLEAGUES, max_num=MAX_COLLEAGUES)
# The blank page shows no colleague rows (a third of its rendering) until asked for (``?collegues=1``).
NoColleagueFormSet = forms.formset_factory(ColleagueForm, extra=0, max_num=MAX_COLLEAGUES)


class AddPersonForm(PersonForm):
    """The organiser adds someone by hand (invitation-only events are filled this way)."""

    company = CompanyOrNameField(label=_("Entreprise"), required=False)

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].network = event.network
