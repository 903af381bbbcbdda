"""The back-office's event form: the event, its sessions (a formset; « Ajouter une demi-journée »
/ « Ajouter une journée » add rows without JavaScript), its questions and its topics. The forms
shape input only; ``maillage.events.services`` validates and writes."""

from __future__ import annotations

import datetime
import re
import zoneinfo

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from maillage.directory.models import Establishment
from maillage.events.models import Audience, EventKind
from maillage.events.services import AFTERNOON, MORNING, QuestionInput, SessionInput
from maillage.referential.models import RomeCode
from maillage.referential.selectors import commune_resolve
from maillage.www.forms import CompanyPickerField, DateInput, TaxonomyField, lines

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class EventForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=EventKind.choices)
    audience = forms.ChoiceField(
        label=_("Public"), choices=Audience.choices, widget=forms.RadioSelect, initial=Audience.PUBLIC
    )
    summary = forms.CharField(
        label=_("En bref"), max_length=300, required=False, help_text=_("Une phrase, affichée dans l’agenda.")
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    # Where
    commune = forms.CharField(
        label=_("Commune"), required=False, max_length=100, help_text=_("Nom de la commune ou code INSEE.")
    )
    venue = forms.CharField(
        label=_("Lieu"), required=False, max_length=200, help_text=_("Nom du lieu, salle.")
    )
    address = forms.CharField(label=_("Adresse"), required=False, max_length=300)
    online_url = forms.URLField(
        label=_("Lien de connexion"), required=False, assume_scheme="https",
        help_text=_("Pour un webinaire : montré aux seules personnes inscrites."),
    )  # fmt: skip
    # Seats and registrations
    capacity = forms.IntegerField(
        label=_("Nombre de places"), required=False, min_value=1, help_text=_("Vide : sans limite.")
    )
    per_company_cap = forms.IntegerField(
        label=_("Places par entreprise"), required=False, min_value=1, help_text=_("Vide : sans limite.")
    )
    registration_opens_at = forms.DateTimeField(
        label=_("Ouverture des inscriptions"), required=False, widget=DateTimeInput(),
        help_text=_("Vide : dès la publication."),
    )  # fmt: skip
    registration_closes_at = forms.DateTimeField(
        label=_("Clôture des inscriptions"), required=False, widget=DateTimeInput(),
        help_text=_("Vide : jusqu’au début de l’événement."),
    )  # fmt: skip
    moderated = forms.BooleanField(
        label=_("Valider chaque inscription"), required=False,
        help_text=_("Chaque inscription attend votre accord avant d’être confirmée."),
    )  # fmt: skip
    offer_hours = forms.IntegerField(
        label=_("Délai pour accepter une place libérée (heures)"), min_value=1, max_value=720, initial=48
    )
    reminder_days = forms.CharField(
        label=_("Rappels (jours avant)"), required=False, max_length=40, initial="7, 1",
        help_text=_("Par exemple « 7, 1 » : un rappel sept jours avant, un autre la veille."),
    )  # fmt: skip
    # Who organises
    host = CompanyPickerField(
        label=_("Entreprise d’accueil"), required=False,
        help_text=_("Pour une visite : l’entreprise qui reçoit, par son nom ou son SIRET."),
    )  # fmt: skip
    organiser_name = forms.CharField(label=_("Intervenant ou organisme"), required=False, max_length=200)
    organisers = forms.CharField(
        label=_("Organisateurs (comptes)"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Adresses e-mail de comptes Maillage, une par ligne : ils gèrent les inscriptions et "
            "l’émargement."
        ),
    )  # fmt: skip
    # Trainings
    objectives = forms.CharField(
        label=_("Objectifs"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    programme = forms.CharField(
        label=_("Programme"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    prerequisites = forms.CharField(
        label=_("Prérequis"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    trainer = forms.CharField(label=_("Formateur"), required=False, max_length=200)
    price_member = forms.DecimalField(
        label=_("Tarif adhérent (€ HT)"), required=False, min_value=0, decimal_places=2
    )
    price_non_member = forms.DecimalField(
        label=_("Tarif non-adhérent (€ HT)"), required=False, min_value=0, decimal_places=2
    )
    rome_codes = forms.CharField(
        label=_("Métiers (codes ROME)"), required=False, max_length=200,
        help_text=_("Par exemple « H2903, H2913 »."),
    )  # fmt: skip

    def __init__(self, *args, network, **kwargs):
        super().__init__(*args, **kwargs)
        self.network = network
        self.fields["host"].network = network

    @staticmethod
    def initial_for(event) -> dict:
        return {
            **{name: getattr(event, name) for name in (
                "title", "kind", "audience", "summary", "description", "venue", "address", "online_url",
                "capacity", "per_company_cap", "registration_opens_at", "registration_closes_at", "moderated",
                "offer_hours", "organiser_name", "objectives", "programme", "prerequisites", "trainer",
                "price_member", "price_non_member",
            )},
            "commune": f"{event.commune.name} ({event.commune.insee_code})" if event.commune_id else "",
            "reminder_days": ", ".join(str(day) for day in event.reminder_days),
            "host": f"{event.host.display_name} {event.host.siret}" if event.host_id else "",
            "organisers": "\n".join(event.organisers.values_list("email", flat=True)),
            "rome_codes": ", ".join(event.rome_codes.values_list("code", flat=True)),
        }  # fmt: skip

    def clean_commune(self):
        text = self.cleaned_data["commune"].strip()
        if not text:
            return None
        resolution = commune_resolve(text, prefer="insee")
        if resolution.commune is None:
            if resolution.candidates:
                raise forms.ValidationError(
                    _("Précisez la commune : %(choices)s.")
                    % {"choices": " ; ".join(f"{c.name} ({c.insee_code})" for c in resolution.candidates[:8])}
                )
            raise forms.ValidationError(_("Commune inconnue : « %(text)s ».") % {"text": text})
        return resolution.commune

    def clean_reminder_days(self):
        text = self.cleaned_data["reminder_days"]
        parts = [part for part in re.split(r"[\s,;]+", text) if part]
        if not all(part.isdigit() for part in parts):
            raise forms.ValidationError(_("Des nombres de jours, séparés par des virgules : « 7, 1 »."))
        return [int(part) for part in parts]

    def clean_host(self):
        siret = self.cleaned_data["host"]
        if not siret:
            return None
        host = Establishment.objects.filter(siret=siret).first()
        if host is None:
            raise forms.ValidationError(_("Établissement inconnu : %(siret)s.") % {"siret": siret})
        return host

    def clean_organisers(self):
        emails = [line.lower() for line in lines(self.cleaned_data["organisers"].replace(",", "\n"))]
        users = list(get_user_model().objects.filter(email__in=emails, is_active=True))
        missing = sorted(set(emails) - {user.email.lower() for user in users})
        if missing:
            raise forms.ValidationError(
                _("Aucun compte n’a cette adresse : %(emails)s.") % {"emails": ", ".join(missing)}
            )
        return users

    def clean_rome_codes(self):
        codes = [code.upper() for code in re.split(r"[\s,;]+", self.cleaned_data["rome_codes"]) if code]
        found = list(RomeCode.objects.filter(code__in=codes))
        missing = sorted(set(codes) - {rome.code for rome in found})
        if missing:
            raise forms.ValidationError(_("Code ROME inconnu : %(codes)s.") % {"codes": ", ".join(missing)})
        return found

    def values(self) -> dict:
        """The event's fields for ``event_create`` / ``event_update``."""
        data = dict(self.cleaned_data)
        for name in ("organisers", "rome_codes"):
            data.pop(name)
        return data


class SessionForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    day = forms.DateField(label=_("Jour"), required=False, widget=DateInput())
    start = forms.TimeField(label=_("Début"), required=False, widget=TimeInput())
    end = forms.TimeField(label=_("Fin"), required=False, widget=TimeInput())
    label = forms.CharField(label=_("Intitulé"), required=False, max_length=120)

    def clean(self):
        data = super().clean()
        filled = [data.get(name) for name in ("day", "start", "end")]
        if any(value is not None for value in filled) and not all(value is not None for value in filled):
            raise forms.ValidationError(_("Indiquez le jour, l’heure de début et l’heure de fin."))
        return data

    def session(self) -> SessionInput | None:
        data = self.cleaned_data
        if not data or data.get("day") is None:
            return None
        return SessionInput(
            starts_at=datetime.datetime.combine(data["day"], data["start"], tzinfo=PARIS),
            ends_at=datetime.datetime.combine(data["day"], data["end"], tzinfo=PARIS),
            label=data.get("label") or "",
            pk=data.get("id"),
        )


class QuestionForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    label = forms.CharField(label=_("Question"), required=False, max_length=300)
    required = forms.BooleanField(label=_("Réponse obligatoire"), required=False)


class _OptionalTaxonomyField(TaxonomyField):
    def clean(self, value):
        return super().clean(value) if (value or "").strip() else None


class TopicForm(forms.Form):
    node = _OptionalTaxonomyField(kind="capability", label=_("Thème"), required=False)


SessionFormSet = forms.formset_factory(SessionForm, extra=0, max_num=60, absolute_max=60)
QuestionFormSet = forms.formset_factory(QuestionForm, extra=0, max_num=20, absolute_max=20)
TopicFormSet = forms.formset_factory(TopicForm, extra=0, max_num=20, absolute_max=20)


def sessions_initial(event) -> list[dict]:
    rows = []
    for session in event.sessions.all():
        start, end = session.starts_at.astimezone(PARIS), session.ends_at.astimezone(PARIS)
        rows.append({"id": session.pk, "day": start.date(), "start": start.time(), "end": end.time(),
                     "label": session.label})  # fmt: skip
    return rows


def session_rows_added(rows: list[dict], what: str) -> list[dict]:
    """``rows`` (the sessions typed so far) and a half-day or a day after them: the morning of
    the day after the last, or its afternoon when the last row is a morning."""
    days = [row["day"] for row in rows if row.get("day")]
    last = max(days) if days else None
    last_end = max((row["end"] for row in rows if row.get("day") == last and row.get("end")), default=None)
    morning = {"start": MORNING[0], "end": MORNING[1], "label": gettext("Matin")}
    afternoon = {"start": AFTERNOON[0], "end": AFTERNOON[1], "label": gettext("Après-midi")}
    if what == "half" and last is not None and last_end is not None and last_end <= MORNING[1]:
        return [*rows, {"day": last, **afternoon}]
    day = (last + datetime.timedelta(days=1)) if last else (timezone.localdate() + datetime.timedelta(days=7))
    if what == "half":
        return [*rows, {"day": day, **morning}]
    return [*rows, {"day": day, **morning}, {"day": day, **afternoon}]


def session_inputs(formset) -> list[SessionInput]:
    return [item for item in (form.session() for form in formset.forms) if item is not None]


def question_inputs(formset) -> list[QuestionInput]:
    return [
        QuestionInput(label=row["label"], required=row.get("required", False), pk=row.get("id"))
        for row in formset.cleaned_data
        if row and (row.get("label") or "").strip()
    ]


def topic_nodes(formset) -> list:
    return list(dict.fromkeys(row["node"] for row in formset.cleaned_data if row and row.get("node")))
