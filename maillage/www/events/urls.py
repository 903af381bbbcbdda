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

# Calendar feeds: the network's public feed, a person's private feed, its settings page.
from maillage.www.events import feeds  # noqa: E402

urlpatterns += [
    path("reseaux/<slug:slug>/agenda.ics", feeds.network_feed, name="network_feed"),
    path("agenda/<slug:token>.ics", feeds.person_feed, name="person_feed"),
    path("compte/agenda/", feeds.feed_settings, name="feed_settings"),
]
