"""The public calendar's filters (a GET form: the URL of a filtered calendar can be shared)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.events.models import EventKind
from maillage.events.selectors import CalendarFilters, calendar_territories, calendar_topics


class _TopicChoice(forms.ModelChoiceField):
    def label_from_instance(self, node):
        return node.label


class CalendarFilterForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("Tous"))] + EventKind.choices)
    theme = _TopicChoice(label=_("Thème"), required=False, queryset=None, empty_label=_("Tous"))
    territoire = forms.ChoiceField(label=_("Territoire"), required=False)
    adherents = forms.BooleanField(label=_("Réservés aux adhérents"), required=False)

    def __init__(self, *args, network, user, members: bool, **kwargs):
        super().__init__(*args, **kwargs)
        topics, territories = calendar_topics(user, network), calendar_territories(user, network)
        self.fields["theme"].queryset = topics
        self.fields["territoire"].choices = [("", _("Tous"))] + territories
        # A filter with nothing to choose is noise: shown once the events give it choices.
        if not topics.exists():
            del self.fields["theme"]
        if not territories:
            del self.fields["territoire"]
        if not members:
            # Visitors never see members-only events: the filter would always answer nothing.
            del self.fields["adherents"]

    def filters(self) -> CalendarFilters:
        if not self.is_bound or not self.is_valid():
            return CalendarFilters()
        data = self.cleaned_data
        return CalendarFilters(
            kind=data["type"],
            topic=data.get("theme"),
            territory=data.get("territoire", ""),
            members_only=bool(data.get("adherents")),
        )
