"""The events area: the public calendar (``/reseaux/<réseau>/agenda/…``), the self-service
links of registered people (``/inscriptions/<jeton>/…``), certificate checks
(``/attestations/<code>/``), calendar feeds, and the back-office pages
(``/animation/<réseau>/evenements/…``). One module per part (calendar, registration, manage,
attendance, certificates, feeds); each view checks ``maillage.events.permissions``."""

from django.urls import path

app_name = "events"

urlpatterns: list = []

# The public calendar and the back-office's event pages (calendar & management part).
from maillage.www.events import calendar, manage  # noqa: E402
from maillage.www.events.converters import register as _register_converters  # noqa: E402

_register_converters()
urlpatterns += [
    path("reseaux/<slug:slug>/agenda/", calendar.calendar, name="calendar"),
    path(
        "reseaux/<slug:slug>/agenda/<yyyy:year>/<mm:month>/", calendar.calendar_month, name="calendar_month"
    ),
    path("reseaux/<slug:slug>/agenda/<slug:event_slug>/", calendar.event, name="event"),
    path("reseaux/<slug:slug>/agenda/<slug:event_slug>.ics", calendar.event_ics, name="event_ics"),
    path("animation/<slug:slug>/evenements/", manage.event_list, name="manage"),
    path("animation/<slug:slug>/evenements/nouveau/", manage.event_new, name="manage_new"),
    path(
        "animation/<slug:slug>/evenements/<slug:event_slug>/modifier/", manage.event_edit, name="manage_edit"
    ),
    path(
        "animation/<slug:slug>/evenements/<slug:event_slug>/publier/",
        manage.event_publish,
        name="manage_publish",
    ),
    path(
        "animation/<slug:slug>/evenements/<slug:event_slug>/annuler/",
        manage.event_cancel,
        name="manage_cancel",
    ),
]

# Attendance and certificates (issue 16, attendance part).
from maillage.www.events import attendance as attendance_views  # noqa: E402
from maillage.www.events import certificates as certificate_views  # noqa: E402

_manage = "animation/<slug:slug>/evenements/<slug:event>"
urlpatterns += [
    path(f"{_manage}/pointage/", attendance_views.checkin, name="checkin"),
    path(f"{_manage}/pointage/marquer/", attendance_views.checkin_bulk, name="checkin_bulk"),
    path(
        f"{_manage}/pointage/<int:session>/<int:registration>/",
        attendance_views.checkin_toggle,
        name="checkin_toggle",
    ),
    path(f"{_manage}/emargement/<int:session>/", attendance_views.signing, name="signing"),
    path("emargement/<str:token>/", attendance_views.kiosk_signing, name="kiosk_signing"),
    path(f"{_manage}/emargement/<int:session>.pdf", attendance_views.sheet_pdf, name="sheet_pdf"),
    path(f"{_manage}/attestations/", certificate_views.certificate_list, name="certificates"),
    path(
        f"{_manage}/attestations/<int:certificate>.pdf",
        certificate_views.certificate_download,
        name="certificate_pdf",
    ),
    path(
        f"{_manage}/attestations/<int:certificate>/envoyer/",
        certificate_views.certificate_send,
        name="certificate_send",
    ),
    path("attestations/<str:code>/", certificate_views.certificate_check, name="certificate_check"),
    path(
        "inscriptions/<str:token>/attestation.pdf",
        certificate_views.registration_certificate,
        name="registration_certificate",
    ),
]

# Registrations (registration.py): the public form and its result, the self-service link, the
# organiser's list and its CSV.
from maillage.www.events import registration  # noqa: E402

urlpatterns += [
    path("reseaux/<slug:slug>/agenda/<slug:event_slug>/inscription/", registration.register, name="register"),
    path(
        "reseaux/<slug:slug>/agenda/<slug:event_slug>/inscription/resultat/",
        registration.registered,
        name="registered",
    ),
    path("inscriptions/<str:token>/", registration.registration, name="registration"),
    path(
        "animation/<slug:slug>/evenements/<slug:event_slug>/inscriptions/",
        registration.registrations_list,
        name="registrations",
    ),
    path(
        "animation/<slug:slug>/evenements/<slug:event_slug>/inscriptions.csv",
        registration.registrations_csv,
        name="registrations_csv",
    ),
]

# Calendar feeds: the network's public feed, a person's private feed, its settings page.
from maillage.www.events import feeds  # noqa: E402

urlpatterns += [
    path("reseaux/<slug:slug>/agenda.ics", feeds.network_feed, name="network_feed"),
    path("agenda/<slug:token>.ics", feeds.person_feed, name="person_feed"),
    path("compte/agenda/", feeds.feed_settings, name="feed_settings"),
]
