from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "maillage.events"
    verbose_name = _("Événements et formations")
