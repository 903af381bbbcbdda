"""The public calendar (list, month, event page, .ics) and the back-office's event pages."""

import datetime
from decimal import Decimal

import icalendar
import pytest
from django.utils import timezone

from maillage.events.models import Audience, Event, EventKind, EventStatus, RegistrationStatus
from tests.accounts.factories import UserFactory
from tests.directory.factories import EstablishmentFactory, NetworkFactory
from tests.events.factories import EventFactory, RegistrationFactory, paris
from tests.referential.factories import CommuneFactory

pytestmark = pytest.mark.django_db

NEXT_YEAR = timezone.localdate().year + 1


@pytest.fixture
def world():
    animator = UserFactory()
    network = NetworkFactory(slug="reseau-a", name="Réseau A", animators=[animator])
    other = NetworkFactory(slug="reseau-b", animators=[UserFactory()])
    member = UserFactory()
    EstablishmentFactory(member_of=network, users=[member])
    return {"a": network, "b": other, "animator": animator, "member": member}


def _event(network, **extra):
    start = paris(NEXT_YEAR, 9, 15, 9)
    values = {"starts_at": start, "ends_at": start + datetime.timedelta(hours=3, minutes=30)}
    return EventFactory(network=network, **(values | extra))


def _training(network):
    day = datetime.date(NEXT_YEAR, 9, 15)
    spans = [
        (paris(d.year, d.month, d.day, h1, m1), paris(d.year, d.month, d.day, h2, m2))
        for d in (day, day + datetime.timedelta(days=7))
        for h1, m1, h2, m2 in ((9, 0, 12, 30), (13, 30, 17, 0))
    ]
    return EventFactory(
        network=network, kind=EventKind.TRAINING, title="TRS et SMED", sessions=spans, capacity=12,
        trainer="Anne Muller", objectives="Mesurer le TRS.", price_member=Decimal("350"),
        price_non_member=Decimal("450"),
    )  # fmt: skip


def test_the_calendar_lists_what_each_person_may_see(client, world):
    public = _event(world["a"], title="Business corner de septembre")
    _event(world["a"], title="Soirée des adhérents", audience=Audience.MEMBERS)
    _event(world["a"], title="Brouillon secret", status=EventStatus.DRAFT)
    _event(world["b"], title="Ailleurs")
    page = client.get("/reseaux/reseau-a/agenda/").content.decode()
    assert public.title in page and "Soirée des adhérents" not in page
    assert "Brouillon secret" not in page and "Ailleurs" not in page
    client.force_login(world["member"])
    page = client.get("/reseaux/reseau-a/agenda/").content.decode()
    assert "Soirée des adhérents" in page and "Réservé aux adhérents" in page


def test_the_calendar_filters_by_kind(client, world):
    _event(world["a"], title="Atelier lean", kind=EventKind.WORKSHOP)
    _event(world["a"], title="Visite de l’usine", kind=EventKind.VISIT)
    page = client.get("/reseaux/reseau-a/agenda/", {"type": "visit"}).content.decode()
    assert "Visite de l’usine" in page and "Atelier lean" not in page
    empty = client.get("/reseaux/reseau-a/agenda/", {"type": "webinar"}).content.decode()
    assert "Aucun événement à venir ne correspond à ces filtres." in empty


def test_the_month_shows_each_day_s_events(client, world):
    training = _training(world["a"])
    response = client.get(f"/reseaux/reseau-a/agenda/{NEXT_YEAR}/09/")
    assert response.status_code == 200
    days = {day.date: [e for e, _ in day.entries] for week in response.context["weeks"] for day in week}
    assert days[datetime.date(NEXT_YEAR, 9, 22)] == [training]
    page = response.content.decode()
    assert (
        f"/reseaux/reseau-a/agenda/{NEXT_YEAR}/10/" in page
        and f"/reseaux/reseau-a/agenda/{NEXT_YEAR}/08/" in page
    )
    assert client.get(f"/reseaux/reseau-a/agenda/{NEXT_YEAR}/13/").status_code == 404


def test_the_event_page_in_french(client, world):
    training = _training(world["a"])
    RegistrationFactory.create_batch(2, event=training)
    page = client.get(f"/reseaux/reseau-a/agenda/{training.slug}/").content.decode()
    monday = datetime.date(NEXT_YEAR, 9, 15)
    weekday = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"][monday.weekday()]
    assert f"{weekday} 15 septembre {NEXT_YEAR}, 9\u00a0h\u00a000\u00a0– 12\u00a0h\u00a030" in page
    assert "10 places restantes" in page
    assert "14\u00a0h" in page  # four half-days of 3.5 h
    assert "350\u00a0€ HT" in page and "Anne Muller" in page
    assert "Ajouter à mon agenda (.ics)" in page


def test_a_full_event_says_so(client, world):
    event = _event(world["a"], capacity=1)
    RegistrationFactory(event=event)
    RegistrationFactory(event=event, status=RegistrationStatus.WAITLISTED)
    page = client.get(f"/reseaux/reseau-a/agenda/{event.slug}/").content.decode()
    assert "Complet — liste d’attente" in page


def test_the_event_page_is_not_found_where_it_is_not_visible(client, world):
    members = _event(world["a"], audience=Audience.MEMBERS)
    draft = _event(world["a"], status=EventStatus.DRAFT)
    elsewhere = _event(world["b"])
    assert client.get(f"/reseaux/reseau-a/agenda/{members.slug}/").status_code == 404
    assert client.get(f"/reseaux/reseau-a/agenda/{members.slug}.ics").status_code == 404
    assert client.get(f"/reseaux/reseau-a/agenda/{elsewhere.slug}/").status_code == 404
    client.force_login(world["member"])
    assert client.get(f"/reseaux/reseau-a/agenda/{members.slug}/").status_code == 200
    assert client.get(f"/reseaux/reseau-a/agenda/{draft.slug}/").status_code == 404
    client.force_login(world["animator"])
    assert client.get(f"/reseaux/reseau-a/agenda/{draft.slug}/").status_code == 200


def test_the_online_link_reaches_registered_people_and_managers_only(client, world):
    event = _event(world["a"], kind=EventKind.WEBINAR, online_url="https://visio.example/salle-42")
    assert "salle-42" not in client.get(f"/reseaux/reseau-a/agenda/{event.slug}/").content.decode()
    assert b"salle-42" not in client.get(f"/reseaux/reseau-a/agenda/{event.slug}.ics").content
    RegistrationFactory(event=event, user=world["member"], email=world["member"].email)
    client.force_login(world["member"])
    assert "salle-42" in client.get(f"/reseaux/reseau-a/agenda/{event.slug}/").content.decode()
    assert b"salle-42" in client.get(f"/reseaux/reseau-a/agenda/{event.slug}.ics").content


def test_the_ics_download_is_read_back_by_icalendar(client, world):
    commune = CommuneFactory(name="Haguenau")
    event = _event(world["a"], commune=commune, venue="Salle Vauban", sequence=2)
    response = client.get(f"/reseaux/reseau-a/agenda/{event.slug}.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{event.slug}.ics"'
    (vevent,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert str(vevent["uid"]) == f"{event.uid}@maillage"
    assert vevent["sequence"] == 2
    assert vevent.decoded("dtstart") == event.starts_at
    assert str(vevent["location"]) == "Salle Vauban, Haguenau"
    assert str(vevent["url"]).endswith(f"/reseaux/reseau-a/agenda/{event.slug}/")


def test_the_network_page_links_its_calendar(client, world):
    assert "/reseaux/reseau-a/agenda/" in client.get("/reseaux/reseau-a/").content.decode()


# --- back-office --------------------------------------------------------------------------


def _form_data(**extra):
    data = {
        "action": "save", "title": "Optimiser une cellule d’injection", "kind": "training",
        "audience": "public", "offer_hours": "48", "reminder_days": "7, 1",
        "sessions-TOTAL_FORMS": "2", "sessions-INITIAL_FORMS": "0",
        "sessions-0-day": f"{NEXT_YEAR}-11-17", "sessions-0-start": "09:00", "sessions-0-end": "12:30",
        "sessions-0-label": "Matin",
        "sessions-1-day": f"{NEXT_YEAR}-11-17", "sessions-1-start": "13:30", "sessions-1-end": "17:00",
        "questions-TOTAL_FORMS": "1", "questions-INITIAL_FORMS": "0", "questions-0-label": "Vos attentes ?",
        "topics-TOTAL_FORMS": "1", "topics-INITIAL_FORMS": "0", "topics-0-node": "",
        "capacity": "12",
    }  # fmt: skip
    return data | extra


def test_the_animator_creates_a_training_then_publishes_and_cancels_it(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world["animator"])
    assert client.get("/animation/reseau-a/evenements/nouveau/").status_code == 200
    response = client.post("/animation/reseau-a/evenements/nouveau/", _form_data())
    event = Event.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(
        f"/evenements/{event.slug}/modifier/"
    )
    assert event.status == EventStatus.DRAFT and event.sessions.count() == 2 and event.capacity == 12
    assert event.reminder_days == [7, 1] and list(event.questions.values_list("label", flat=True)) == [
        "Vos attentes ?"
    ]
    assert event.starts_at == paris(NEXT_YEAR, 11, 17, 9) and event.ends_at == paris(NEXT_YEAR, 11, 17, 17)
    client.post(f"/animation/reseau-a/evenements/{event.slug}/publier/")
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED
    listing = client.get("/animation/reseau-a/evenements/").content.decode()
    assert event.title in listing
    confirm = client.post(f"/animation/reseau-a/evenements/{event.slug}/annuler/")
    assert confirm.status_code == 200 and "Confirmer l’annulation" in confirm.content.decode()
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED
    with django_capture_on_commit_callbacks(execute=False):
        client.post(f"/animation/reseau-a/evenements/{event.slug}/annuler/", {"confirme": "1"})
    event.refresh_from_db()
    assert event.status == EventStatus.CANCELLED


def test_add_a_day_adds_its_two_half_days_without_saving(client, world):
    client.force_login(world["animator"])
    response = client.post("/animation/reseau-a/evenements/nouveau/", _form_data(action="day"))
    assert response.status_code == 200 and not Event.objects.exists()
    rows = response.context["session_set"].initial
    assert [(row["day"], row["start"], row["end"]) for row in rows[2:]] == [
        (datetime.date(NEXT_YEAR, 11, 18), datetime.time(9), datetime.time(12, 30)),
        (datetime.date(NEXT_YEAR, 11, 18), datetime.time(13, 30), datetime.time(17)),
    ]
    assert response.context["form"]["title"].value() == "Optimiser une cellule d’injection"
    half = client.post("/animation/reseau-a/evenements/nouveau/", _form_data(action="half"))
    assert half.context["session_set"].initial[-1]["day"] == datetime.date(NEXT_YEAR, 11, 18)


def test_a_refused_session_shows_on_its_row_and_nothing_is_written(client, world):
    client.force_login(world["animator"])
    data = _form_data(**{"sessions-1-start": "17:00", "sessions-1-end": "13:30"})
    response = client.post("/animation/reseau-a/evenements/nouveau/", data)
    assert response.status_code == 200 and not Event.objects.exists()
    assert "La séance se termine avant de commencer." in response.content.decode()


def test_the_edit_form_keeps_sessions_and_refuses_a_capacity_below_the_registered(client, world):
    client.force_login(world["animator"])
    client.post("/animation/reseau-a/evenements/nouveau/", _form_data())
    event = Event.objects.get()
    RegistrationFactory.create_batch(3, event=event)
    morning, afternoon = event.sessions.all()
    form = client.get(f"/animation/reseau-a/evenements/{event.slug}/modifier/").context["form"]
    assert form["title"].value() == event.title
    edit = _form_data(**{
        "sessions-INITIAL_FORMS": "2", "sessions-0-id": str(morning.pk), "sessions-1-id": str(afternoon.pk),
        "sessions-1-end": "17:30", "capacity": "2",
    })  # fmt: skip
    refused = client.post(f"/animation/reseau-a/evenements/{event.slug}/modifier/", edit)
    assert "la capacité ne peut être inférieure" in refused.content.decode()
    client.post(f"/animation/reseau-a/evenements/{event.slug}/modifier/", edit | {"capacity": "20"})
    event.refresh_from_db()
    assert event.capacity == 20 and event.ends_at == paris(NEXT_YEAR, 11, 17, 17, 30)
    assert set(event.sessions.values_list("pk", flat=True)) == {morning.pk, afternoon.pk}


def test_an_organiser_edits_the_event_but_not_the_list(client, world):
    organiser = UserFactory()
    event = _event(world["a"])
    event.organisers.add(organiser)
    client.force_login(organiser)
    response = client.get(f"/animation/reseau-a/evenements/{event.slug}/modifier/")
    assert response.status_code == 200 and "Adhérents" not in response.content.decode()
    assert client.get("/animation/reseau-a/evenements/").status_code == 403
    other = _event(world["a"])
    assert client.get(f"/animation/reseau-a/evenements/{other.slug}/modifier/").status_code == 403


def test_another_network_s_event_is_not_found_in_the_back_office(client, world):
    event = _event(world["a"])
    client.force_login(world["b"].animators.get())
    assert client.get(f"/animation/reseau-b/evenements/{event.slug}/modifier/").status_code == 404
    assert client.get(f"/animation/reseau-a/evenements/{event.slug}/modifier/").status_code == 403


def test_dates_read_as_each_language_writes_them():
    from django.utils import translation

    from maillage.www.templatetags.events import span, when

    event = EventFactory.build(starts_at=paris(2026, 9, 15, 9), ends_at=paris(2026, 9, 15, 12, 30))
    with translation.override("fr"):
        assert span(event) == "mardi 15 septembre 2026, 9\u00a0h\u00a000\u00a0– 12\u00a0h\u00a030"
    with translation.override("en"):
        assert span(event) == "Tuesday 15 September 2026, 9:00\u00a0– 12:30"
    event.ends_at = paris(2026, 9, 22, 17)
    with translation.override("fr"):
        assert when(event) == "du mardi 15 septembre 2026 au mardi 22 septembre 2026"


def test_the_calendar_pages_read_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    for n in range(12):
        _event(world["a"], title=f"Atelier {n}", commune=CommuneFactory())
    _training(world["a"])
    with django_assert_max_num_queries(12):
        client.get("/reseaux/reseau-a/agenda/")
    with django_assert_max_num_queries(12):
        client.get(f"/reseaux/reseau-a/agenda/{NEXT_YEAR}/09/")


def test_an_emptied_row_removes_its_session_and_the_host_is_picked_by_name(client, world):
    host = EstablishmentFactory(name="Injection Vogel", member_of=world["a"])
    client.force_login(world["animator"])
    client.post("/animation/reseau-a/evenements/nouveau/", _form_data())
    event = Event.objects.get()
    morning, afternoon = event.sessions.all()
    edit = _form_data(**{
        "sessions-INITIAL_FORMS": "2", "sessions-0-id": str(morning.pk), "sessions-1-id": str(afternoon.pk),
        "sessions-1-day": "", "sessions-1-start": "", "sessions-1-end": "", "sessions-1-label": "",
        "host": "Injection Vogel", "kind": "visit",
    })  # fmt: skip
    response = client.post(f"/animation/reseau-a/evenements/{event.slug}/modifier/", edit)
    assert response.status_code == 302
    event.refresh_from_db()
    assert list(event.sessions.all()) == [morning] and event.host == host
    assert event.ends_at == paris(NEXT_YEAR, 11, 17, 12, 30)


def test_a_cancelled_event_shows_no_form(client, world):
    event = _event(world["a"], status=EventStatus.CANCELLED)
    client.force_login(world["animator"])
    page = client.get(f"/animation/reseau-a/evenements/{event.slug}/modifier/").content.decode()
    assert "il ne se modifie plus" in page and 'name="title"' not in page
