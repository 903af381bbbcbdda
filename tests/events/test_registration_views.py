"""The registration pages: the public form (prefilled, colleagues, questions, errors on the
field), the result page, the self-service link (cancel, hand over, accept an offer), the
organiser's list (approve, add by hand, CSV) and who may open what."""

import datetime

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from maillage.events import registrations
from maillage.events.models import Audience, Question, Registration, RegistrationStatus
from tests.accounts.factories import EstablishmentUserFactory, UserFactory
from tests.directory.factories import EstablishmentFactory, MembershipFactory, NetworkFactory
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db
S = RegistrationStatus


@pytest.fixture(autouse=True)
def _send_at_once(monkeypatch):
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


@pytest.fixture(autouse=True)
def _no_counted_forms():
    cache.clear()  # visitors' forms are counted per address (throttling)
    yield
    cache.clear()


def _url(event, part="inscription/"):
    return f"/reseaux/{event.network.slug}/agenda/{event.slug}/{part}"


def _form(**extra):
    return {
        "first_name": "Léa",
        "last_name": "Muller",
        "email": "lea@exemple.fr",
        "company": "",
        "collegue-TOTAL_FORMS": "4",
        "collegue-INITIAL_FORMS": "0",
        **extra,
    }


def test_a_visitor_registers_and_sees_the_result(client, mailoutbox):
    event = EventFactory(capacity=3)
    page = client.get(_url(event))
    assert page.status_code == 200
    assert "Il reste 3 places." in page.content.decode()
    response = client.post(_url(event), _form(company="Atelier Libre"))
    assert response.status_code == 302
    assert response["Location"].startswith(_url(event, "inscription/resultat/?r="))
    registration = Registration.objects.get()
    assert (registration.status, registration.company_name, registration.user) == (
        S.CONFIRMED,
        "Atelier Libre",
        None,
    )
    result = client.get(response["Location"]).content.decode()
    assert "Votre place est réservée" in result
    assert len(mailoutbox) == 1


def test_a_full_event_tells_the_position_on_the_waitlist(client):
    event = EventFactory(capacity=1)
    registrations.register(event, first_name="A", last_name="B", email="a@exemple.fr")
    registrations.register(event, first_name="C", last_name="D", email="c@exemple.fr")
    assert "complet" in client.get(_url(event)).content.decode()
    response = client.post(_url(event), _form())
    result = client.get(response["Location"]).content.decode()
    assert "en position 2 sur la liste d’attente" in result
    # Without its signed list, the page shows nobody's registration.
    assert (
        "Aucune inscription récente" in client.get(_url(event, "inscription/resultat/?r=1")).content.decode()
    )


def test_a_member_is_prefilled_and_registers_colleagues_in_one_form(client):
    event = EventFactory(capacity=10)
    company = MembershipFactory(network=event.network).establishment
    user = EstablishmentUserFactory(establishment=company, user__email="lea@exemple.fr").user
    client.force_login(user)
    page = client.get(_url(event))
    assert page.context["form"].initial["email"] == "lea@exemple.fr"
    assert company.siret in page.context["form"].initial["company"]
    data = _form(
        company=page.context["form"].initial["company"],
        **{
            "collegue-0-first_name": "Paul",
            "collegue-0-last_name": "Meyer",
            "collegue-0-email": "paul@exemple.fr",
        },
    )
    assert client.post(_url(event), data).status_code == 302
    rows = {r.email: r for r in Registration.objects.all()}
    assert set(rows) == {"lea@exemple.fr", "paul@exemple.fr"}
    assert rows["lea@exemple.fr"].user == user and rows["paul@exemple.fr"].user is None
    assert {r.establishment for r in rows.values()} == {company}
    assert {r.priority for r in rows.values()} == {0}
    assert {r.registered_by for r in rows.values()} == {user}


def test_one_refusal_registers_nobody(client):
    event = EventFactory(capacity=10)
    registrations.register(event, first_name="P", last_name="M", email="paul@exemple.fr")
    data = _form(
        **{
            "collegue-0-first_name": "Paul",
            "collegue-0-last_name": "M",
            "collegue-0-email": "paul@exemple.fr",
        }
    )
    response = client.post(_url(event), data)
    assert response.status_code == 400
    assert "déjà inscrit" in str(response.context["colleagues"].forms[0].errors["email"])
    assert Registration.objects.count() == 1


def test_errors_land_on_their_field(client):
    event = EventFactory(per_company_cap=1)
    question = Question.objects.create(event=event, label="Régime alimentaire", required=True)
    registrations.register(
        event,
        first_name="A",
        last_name="B",
        email="a@exemple.fr",
        company_name="Atelier",
        answers={str(question.pk): "x"},
    )
    response = client.post(_url(event), _form(company="Atelier", **{f"question_{question.pk}": "aucun"}))
    assert response.status_code == 400
    assert "places par entreprise" in str(response.context["form"].errors)
    response = client.post(_url(event), _form())
    assert f"question_{question.pk}" in response.context["form"].errors


def test_a_visitor_is_limited_to_ten_forms_an_hour_and_bots_register_nobody(client):
    event = EventFactory(capacity=100)
    for n in range(10):
        assert client.post(_url(event), _form(email=f"p{n}@exemple.fr")).status_code == 302
    response = client.post(_url(event), _form(email="p10@exemple.fr"))
    assert response.status_code == 400 and "Trop d’inscriptions" in response.content.decode()
    client.force_login(UserFactory())
    assert client.post(_url(event), _form(email="p11@exemple.fr")).status_code == 302
    client.logout()
    cache.clear()
    assert (
        client.post(_url(event), _form(email="bot@exemple.fr", website="http://spam.example")).status_code
        == 302
    )
    assert not Registration.objects.filter(email="bot@exemple.fr").exists()
    assert Registration.objects.count() == 11


def test_a_closed_window_shows_why_and_refuses_posts(client):
    event = EventFactory(registration_closes_at=timezone.now() - datetime.timedelta(hours=1))
    page = client.get(_url(event)).content.decode()
    assert "closes depuis" in page and "M’inscrire" not in page
    assert client.post(_url(event), _form()).status_code == 403


def test_members_only_events_are_not_found_by_visitors_and_invitations_are_closed(client):
    members_only = EventFactory(audience=Audience.MEMBERS)
    assert client.get(_url(members_only)).status_code == 404
    invitation = EventFactory(audience=Audience.INVITATION)
    assert "sur invitation" in client.get(_url(invitation)).content.decode()
    assert client.post(_url(invitation), _form()).status_code == 403


# --- self-service ------------------------------------------------------------------------------


def test_the_link_cancels_and_the_next_person_is_offered_the_seat(client, mailoutbox):
    event = EventFactory(capacity=1)
    first = registrations.register(event, first_name="A", last_name="B", email="a@exemple.fr")
    second = registrations.register(event, first_name="C", last_name="D", email="c@exemple.fr")
    page = client.get(f"/inscriptions/{first.token}/")
    assert page.status_code == 200 and page.context["can_cancel"]
    response = client.post(f"/inscriptions/{first.token}/", {"action": "cancel"}, follow=True)
    assert "Votre inscription est annulée." in response.content.decode()
    second.refresh_from_db()
    assert second.status == S.OFFERED
    page = client.get(f"/inscriptions/{second.token}/").content.decode()
    assert "Accepter la place" in page
    client.post(f"/inscriptions/{second.token}/", {"action": "accept"})
    second.refresh_from_db()
    assert second.status == S.CONFIRMED


def test_the_link_hands_the_seat_to_a_colleague(client):
    event = EventFactory(capacity=1)
    first = registrations.register(event, first_name="A", last_name="B", email="a@exemple.fr")
    data = {"action": "replace", "remplacant-first_name": "Paul", "remplacant-last_name": "Meyer"}
    assert client.post(f"/inscriptions/{first.token}/", data).status_code == 400  # no address
    data["remplacant-email"] = "paul@exemple.fr"
    response = client.post(f"/inscriptions/{first.token}/", data, follow=True)
    assert "cédée à Paul Meyer" in response.content.decode()
    assert Registration.objects.get(email="paul@exemple.fr").status == S.CONFIRMED
    assert (
        "Vous avez cédé votre place à Paul Meyer."
        in client.get(f"/inscriptions/{first.token}/").content.decode()
    )


def test_a_wrong_token_is_not_found(client):
    assert client.get("/inscriptions/pas-un-jeton/").status_code == 404


# --- the organiser's list ----------------------------------------------------------------------


@pytest.fixture
def organiser_event():
    network = NetworkFactory()
    animator = UserFactory()
    network.animators.add(animator)
    event = EventFactory(network=network, capacity=2, moderated=True, audience=Audience.INVITATION)
    return event, animator


def _manage_url(event, csv=False):
    tail = "inscriptions.csv" if csv else "inscriptions/"
    return f"/animation/{event.network.slug}/evenements/{event.slug}/{tail}"


def test_the_animator_approves_adds_and_exports(client, organiser_event):
    event, animator = organiser_event
    # Invitation-only: the public form is closed, the organiser adds people by hand.
    client.force_login(animator)
    assert client.get(_manage_url(event)).status_code == 200
    company = EstablishmentFactory(name="Tôlerie Kieffer")
    data = {
        "action": "add",
        "first_name": "Léa",
        "last_name": "Muller",
        "email": "lea@exemple.fr",
        "company": company.siret,
    }
    assert client.post(_manage_url(event), data).status_code == 302
    added = Registration.objects.get(email="lea@exemple.fr")
    assert (added.status, added.establishment, added.registered_by) == (S.CONFIRMED, company, animator)
    assert client.post(_manage_url(event), data).status_code == 400  # the same person again

    event.audience = Audience.PUBLIC
    event.save()
    pending = registrations.register(event, first_name="C", last_name="D", email="c@exemple.fr")
    assert pending.status == S.PENDING
    client.post(_manage_url(event), {"action": "approve", "registration": pending.pk})
    pending.refresh_from_db()
    assert pending.status == S.CONFIRMED

    page = client.get(_manage_url(event) + "?statut=confirmed").content.decode()
    assert "lea@exemple.fr" in page and "c@exemple.fr" in page
    export = client.get(_manage_url(event, csv=True))
    assert export["Content-Type"].startswith("text/csv")
    text = export.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Nom;Prénom;Adresse e-mail")
    assert "Muller;Léa;lea@exemple.fr" in text


def test_a_registration_of_another_event_is_not_found(client, organiser_event):
    event, animator = organiser_event
    other = registrations.register(EventFactory(), first_name="A", last_name="B", email="a@exemple.fr")
    client.force_login(animator)
    assert client.post(_manage_url(event), {"action": "cancel", "registration": other.pk}).status_code == 404


def test_an_organiser_manages_and_a_member_does_not(client, organiser_event):
    event, _animator = organiser_event
    organiser = UserFactory()
    event.organisers.add(organiser)
    client.force_login(organiser)
    assert client.get(_manage_url(event)).status_code == 200
    client.force_login(UserFactory())
    assert client.get(_manage_url(event)).status_code == 403
    assert client.get(_manage_url(event, csv=True)).status_code == 403


def test_an_offer_past_its_deadline_is_no_longer_accepted_from_the_link(client):
    event = EventFactory(capacity=1, offer_hours=1)
    first = registrations.register(event, first_name="A", last_name="B", email="a@exemple.fr")
    second = registrations.register(event, first_name="C", last_name="D", email="c@exemple.fr")
    registrations.cancel(first, now=timezone.now() - datetime.timedelta(hours=2))
    page = client.get(f"/inscriptions/{second.token}/").content.decode()
    assert "Le délai pour accepter cette place est passé." in page and "Accepter la place" not in page
    response = client.post(f"/inscriptions/{second.token}/", {"action": "accept"}, follow=True)
    assert "Le délai pour accepter cette place est passé." in response.content.decode()
    second.refresh_from_db()
    assert second.status == S.OFFERED  # withdrawn by the next tick, which offers it to the next person


def test_the_colleagues_rows_come_when_asked(client):
    event = EventFactory()
    blank = client.get(_url(event)).content.decode()
    assert "collegue-0-email" not in blank and 'name="collegue-TOTAL_FORMS" value="0"' in blank
    asked = client.get(_url(event) + "?collegues=1").content.decode()
    assert "collegue-3-email" in asked and "collegue-4-email" not in asked


def test_the_link_offers_the_certificate_once_issued(client):
    from maillage.events.models import Certificate

    event = EventFactory()
    registration = registrations.register(event, first_name="A", last_name="B", email="a@exemple.fr")
    assert (
        "Télécharger mon attestation"
        not in client.get(f"/inscriptions/{registration.token}/").content.decode()
    )
    Certificate.objects.create(
        registration=registration,
        kind="attendance",
        hours=3,
        verification_code="abc",
        issued_at=timezone.now(),
    )
    page = client.get(f"/inscriptions/{registration.token}/").content.decode()
    assert f"/inscriptions/{registration.token}/attestation.pdf" in page


def test_the_registration_pages_read_english(client, settings):
    from tests.www.test_english_pages import french_tells, visible_text

    event = EventFactory(capacity=1, title="Lean", venue="Hall", per_company_cap=2)
    Question.objects.create(event=event, label="Diet", required=False)
    first = registrations.register(event, first_name="Ann", last_name="Smith", email="a@example.org")
    second = registrations.register(event, first_name="Bob", last_name="Jones", email="b@example.org")
    registrations.cancel(first)
    animator = UserFactory(language="en")
    event.network.animators.add(animator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    names = ["Lean", "Hall", "Diet", "Ann", "Smith", "Bob", "Jones", event.network.name]
    paths = [
        _url(event),
        _url(event) + "?collegues=1",
        f"/inscriptions/{second.token}/",
        f"/inscriptions/{first.token}/",
    ]
    for path in paths:
        assert french_tells(visible_text(client.get(path).content.decode()), names) == [], path
    client.force_login(animator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(
        f"/animation/{event.network.slug}/evenements/{event.slug}/inscriptions/"
    ).content.decode()
    assert french_tells(visible_text(page), names) == []
