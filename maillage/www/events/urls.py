"""The events area: the public calendar (``/reseaux/<réseau>/agenda/…``), the self-service
links of registered people (``/inscriptions/<jeton>/…``), certificate checks
(``/attestations/<code>/``), calendar feeds, and the back-office pages
(``/animation/<réseau>/evenements/…``). One module per part (calendar, registration, manage,
attendance, certificates, feeds); each view checks ``maillage.events.permissions``."""

from django.urls import path  # the parts append their paths below

app_name = "events"

urlpatterns: list = []

# Registrations (registration.py): the public form and its result, the self-service link, the
# organiser's list and its CSV.
from maillage.www.events import registration  # noqa: E402

urlpatterns += [
    path("reseaux/<slug:network>/agenda/<slug:event>/inscription/", registration.register, name="register"),
    path(
        "reseaux/<slug:network>/agenda/<slug:event>/inscription/resultat/",
        registration.registered,
        name="registered",
    ),
    path("inscriptions/<str:token>/", registration.registration, name="registration"),
    path(
        "animation/<slug:network>/evenements/<slug:event>/inscriptions/",
        registration.registrations_list,
        name="registrations",
    ),
    path(
        "animation/<slug:network>/evenements/<slug:event>/inscriptions.csv",
        registration.registrations_csv,
        name="registrations_csv",
    ),
]
