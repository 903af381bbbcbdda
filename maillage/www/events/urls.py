"""The events area: the public calendar (``/reseaux/<réseau>/agenda/…``), the self-service
links of registered people (``/inscriptions/<jeton>/…``), certificate checks
(``/attestations/<code>/``), calendar feeds, and the back-office pages
(``/animation/<réseau>/evenements/…``). One module per part (calendar, registration, manage,
attendance, certificates, feeds); each view checks ``maillage.events.permissions``."""

from django.urls import path  # noqa: F401  (the parts append their paths below)

app_name = "events"

urlpatterns: list = []
