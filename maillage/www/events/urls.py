"""The events area: the public calendar (``/reseaux/<réseau>/agenda/…``), the self-service
links of registered people (``/inscriptions/<jeton>/…``), certificate checks
(``/attestations/<code>/``), calendar feeds, and the back-office pages
(``/animation/<réseau>/evenements/…``). One module per part (calendar, registration, manage,
attendance, certificates, feeds); each view checks ``maillage.events.permissions``."""

from django.urls import path

app_name = "events"

urlpatterns: list = []

# Calendar feeds: the network's public feed, a person's private feed, its settings page.
from maillage.www.events import feeds  # noqa: E402

urlpatterns += [
    path("reseaux/<slug:slug>/agenda.ics", feeds.network_feed, name="network_feed"),
    path("agenda/<slug:token>.ics", feeds.person_feed, name="person_feed"),
    path("compte/agenda/", feeds.feed_settings, name="feed_settings"),
]
