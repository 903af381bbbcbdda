"""The events area: the public calendar (``/reseaux/<réseau>/agenda/…``), the self-service
links of registered people (``/inscriptions/<jeton>/…``), certificate checks
(``/attestations/<code>/``), calendar feeds, and the back-office pages
(``/animation/<réseau>/evenements/…``). One module per part (calendar, registration, manage,
attendance, certificates, feeds); each view checks ``maillage.events.permissions``."""

from django.urls import path

app_name = "events"

urlpatterns: list = []

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
