from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "maillage.events"
    verbose_name = _("Événements et formations")

    def ready(self):
        # Each kind's e-mail extras register themselves in ``sending.EXTRAS`` on import: the
        # queue's worker must have them without loading any page first.
        from maillage.events import certificates  # noqa: F401
