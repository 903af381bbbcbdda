"""Forms of the animator's journal: the list's filters and an entry's form."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.directory.models import Contact
from maillage.journal.models import Confidentiality, EntryKind, Theme
from maillage.journal.selectors import company_contacts, journal_companies
from maillage.journal.services import MAX_PEOPLE, EntryInput
from maillage.www.forms import DateInput, TaxonomyField


class JournalFilterForm(forms.Form):
    nature = forms.ChoiceField(
        label=_("Nature"), required=False, choices=[("", _("Toutes"))] + EntryKind.choices
    )
    theme = forms.ChoiceField(label=_("Thème"), required=False, choices=[("", _("Tous"))] + Theme.choices)
    entreprise = forms.CharField(label=_("Entreprise (nom ou SIRET)"), required=False, max_length=100)
    du = forms.DateField(label=_("Du"), required=False, widget=DateInput())
    au = forms.DateField(label=_("Au"), required=False, widget=DateInput())
    relances = forms.BooleanField(label=_("Relances à faire seulement"), required=False)

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("du"), cleaned.get("au")
        if since and until and since > until:
            self.add_error("au", _("La fin de la période précède son début."))
        return cleaned


class _CompanyChoice(forms.ModelChoiceField):
    def label_from_instance(self, establishment):
        place = establishment.city or establishment.postal_code
        return f"{establishment.display_name}{f' — {place}' if place else ''} ({establishment.siret})"


class _OptionalTaxonomyField(TaxonomyField):
    """Empty is no capability."""

    def clean(self, value):
        return super().clean(value) if (value or "").strip() else None


class _ContactChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, contact):
        return f"{contact} — {contact.get_role_display()}"


class _AnimatorChoice(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.email


class JournalEntryForm(forms.Form):
    establishment = _CompanyChoice(
        label=_("Entreprise"),
        queryset=None,
        empty_label=_("Choisissez une entreprise"),
        help_text=_("Les adhérents et prospects du réseau, par nom ; tapez les premières lettres."),
    )
    occurred_on = forms.DateField(label=_("Date"), widget=DateInput())
    kind = forms.ChoiceField(label=_("Nature"), choices=EntryKind.choices)
    contacts = _ContactChoice(
        label=_("Contacts rencontrés"),
        queryset=Contact.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    people_met = forms.CharField(
        label=_("Autres personnes rencontrées"),
        required=False,
        max_length=MAX_PEOPLE,
        help_text=_(
            "Noms et fonctions de celles qui ne sont pas parmi les contacts, par exemple « Anne Muller, "
            "directrice d’usine »."
        ),
    )
    theme = forms.ChoiceField(label=_("Thème"), required=False, choices=[("", "—")] + Theme.choices)
    capability = _OptionalTaxonomyField(kind="capability", label=_("Savoir-faire abordé"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    follow_up_on = forms.DateField(
        label=_("Relance le"), required=False, widget=DateInput(), help_text=_("Vide : pas de relance.")
    )
    follow_up_owner = _AnimatorChoice(
        label=_("Relance confiée à"), queryset=None, required=False, empty_label="—"
    )
    follow_up_done = forms.BooleanField(label=_("Relance faite"), required=False)
    confidentiality = forms.ChoiceField(
        label=_("Confidentialité"),
        choices=Confidentiality.choices,
        initial=Confidentiality.ANIMATORS,
        widget=forms.RadioSelect,
        help_text=_("Pour l’instant, le journal ne s’affiche que dans l’espace d’animation."),
    )

    def __init__(self, *args, network, entry=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.network = network
        self.fields["establishment"].queryset = journal_companies(
            network, keep=entry.establishment if entry is not None else None
        )
        self.fields["follow_up_owner"].queryset = network.animators.order_by("last_name", "email")
        # The checkboxes are the contacts of the company chosen (posted, else initial): the page
        # swaps them by htmx when the company changes (``contacts_of_company``).
        self.fields["contacts"].queryset = company_contacts(network, self._company_chosen())
        self.fields["establishment"].widget.attrs.update(
            {
                "hx-get": reverse("backoffice:journal_contacts", args=[network.slug]),
                "hx-target": "#journal-contacts",
                "hx-swap": "outerHTML",
            }
        )
        if entry is None:
            self.fields["occurred_on"].initial = timezone.localdate()

    def _company_chosen(self):
        field = self.fields["establishment"]
        value = self.data.get(self.add_prefix("establishment")) if self.is_bound else None
        if value is None:
            value = self.initial.get("establishment")
        if value in (None, ""):
            return None
        if hasattr(value, "pk"):
            return value
        try:
            return field.queryset.filter(pk=int(value)).first()
        except (TypeError, ValueError):
            return None

    @staticmethod
    def initial_for(entry) -> dict:
        capability = entry.capabilities.first()
        return {
            "establishment": entry.establishment,
            "occurred_on": entry.occurred_on,
            "kind": entry.kind,
            "people_met": entry.people_met,
            "contacts": list(entry.contacts.all()),
            "theme": entry.theme,
            "capability": capability.label if capability else "",
            "notes": entry.notes,
            "follow_up_on": entry.follow_up_on,
            "follow_up_owner": entry.follow_up_owner,
            "follow_up_done": entry.follow_up_done,
            "confidentiality": entry.confidentiality,
        }

    def entry_input(self, *, keep_capabilities=()) -> EntryInput:
        data = self.cleaned_data
        node = data.get("capability")
        # The form edits one capability; the others an entry may hold (API, import) are kept.
        nodes = [node] if node is not None else []
        nodes += [other for other in keep_capabilities if other not in nodes]
        return EntryInput(
            establishment=data["establishment"],
            occurred_on=data["occurred_on"],
            kind=data["kind"],
            people_met=data["people_met"],
            contacts=list(data["contacts"]),
            capabilities=nodes,
            theme=data["theme"],
            notes=data["notes"],
            follow_up_on=data["follow_up_on"],
            # The owner is prefilled with the animator writing: without a date there is no follow-up.
            follow_up_owner=data["follow_up_owner"] if data["follow_up_on"] else None,
            follow_up_done=data["follow_up_done"],
            confidentiality=data["confidentiality"],
        )
