"""« Adhérer au réseau » (issue 15): the public join request, its e-mails (queue, once), the
animators' decision, its permissions, rate limit and honeypot."""

import pytest
from django.core import mail
from django.utils import timezone

from maillage.accounts.errors import AccountError
from maillage.accounts.models import JoinRequest
from maillage.accounts.services import join_request_accept, join_request_create, join_request_decline
from maillage.directory.models import Contact, Membership
from tests.accounts.factories import EstablishmentUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def _data(establishment, **extra):
    return {
        "siret": f"{establishment.display_name} — Bischwiller — {establishment.siret}",
        "first_name": "Luc",
        "last_name": "Weber",
        "role": "direction",
        "email": "Luc.Weber@plasturgie-weber.fr",
        "phone": "03 88 00 00 00",
        "motivation": "Trouver des sous-traitants en injection plastique près de chez nous.",
        "consent": "on",
        **extra,
    }


def _create(world, establishment=None, **extra):
    fields = {
        "network": world["a"],
        "siret": (establishment or world["unclaimed"]).siret,
        "first_name": "Luc",
        "last_name": "Weber",
        "role": Contact.Role.DIRECTION,
        "email": "luc.weber@plasturgie-weber.fr",
        "consent": True,
        "motivation": "Rencontrer les voisins.",
        **extra,
    }
    return join_request_create(**fields)


# --- services ------------------------------------------------------------------------------


def test_a_request_tells_the_animators_once(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        join = _create(world)
    assert join.status == JoinRequest.Status.PENDING and join.consent_on == timezone.localdate()
    assert [m.to for m in mail.outbox] == [["animatrice-a@example.org"]]
    assert "Plasturgie Weber" in mail.outbox[0].subject
    assert mail.outbox[0].reply_to == ["luc.weber@plasturgie-weber.fr"]
    assert "/animation/reseau-a/adhesions/" in mail.outbox[0].body


def test_a_company_already_member_is_told_so(world):
    with pytest.raises(AccountError, match="déjà adhérente du réseau Réseau A"):
        _create(world, world["peer"])


def test_a_second_pending_request_for_the_same_company_is_refused(world):
    _create(world)
    with pytest.raises(AccountError, match="déjà en attente"):
        _create(world, email="autre@example.org")


def test_accepting_makes_a_member_with_history_and_a_contact(world, django_capture_on_commit_callbacks):
    join = _create(world)
    with django_capture_on_commit_callbacks(execute=True):
        join_request_accept(join_request=join, by=world["animator_a"])
    membership = Membership.objects.get(network=world["a"], establishment=world["unclaimed"])
    assert membership.status == Membership.Status.MEMBER and membership.joined_on == timezone.localdate()
    assert membership.changes.filter(field="created", changed_by=world["animator_a"]).exists()
    contact = Contact.objects.get(network=world["a"], establishment=world["unclaimed"])
    assert (contact.first_name, contact.last_name, contact.role) == ("Luc", "Weber", "direction")
    assert contact.consent_on == timezone.localdate()
    assert mail.outbox[-1].to == ["luc.weber@plasturgie-weber.fr"]
    assert "Bienvenue" in mail.outbox[-1].subject
    with pytest.raises(AccountError, match="déjà été traitée"):
        join_request_accept(join_request=join, by=world["animator_a"])


def test_accepting_a_prospect_turns_it_member_and_records_the_change(world):
    join = _create(world, world["prospect"])
    join_request_accept(join_request=join, by=world["animator_a"])
    membership = Membership.objects.get(network=world["a"], establishment=world["prospect"])
    assert membership.status == Membership.Status.MEMBER and membership.joined_on == timezone.localdate()
    change = membership.changes.get(field="status")
    assert (change.old_value, change.new_value) == ("prospect", "member")


def test_declining_needs_a_reason_and_sends_it(world, django_capture_on_commit_callbacks):
    join = _create(world)
    with pytest.raises(AccountError, match="motif"):
        join_request_decline(join_request=join, by=world["animator_a"], note="  ")
    with django_capture_on_commit_callbacks(execute=True):
        join_request_decline(join_request=join, by=world["animator_a"], note="Hors de notre territoire.")
    join.refresh_from_db()
    assert join.status == JoinRequest.Status.DECLINED and join.decided_by == world["animator_a"]
    assert mail.outbox[-1].to == ["luc.weber@plasturgie-weber.fr"]
    assert "Hors de notre territoire." in mail.outbox[-1].body
    assert not Membership.objects.filter(network=world["a"], establishment=world["unclaimed"]).exists()


# --- the public page -------------------------------------------------------------------------


def test_visitor_sends_a_request_by_company_name(client, world, django_capture_on_commit_callbacks):
    page = client.get("/reseaux/reseau-a/adherer/")
    assert page.status_code == 200 and 'list="company-options"' in page.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/reseaux/reseau-a/adherer/", _data(world["unclaimed"], siret="Plasturgie Weber")
        )
    assert response.status_code == 302 and response["Location"] == "/reseaux/reseau-a/adherer/envoyee/"
    join = JoinRequest.objects.get()
    assert join.establishment == world["unclaimed"] and join.user is None
    assert join.email == "luc.weber@plasturgie-weber.fr" and join.phone == "03 88 00 00 00"
    assert len(mail.outbox) == 1


def test_a_member_company_gets_a_clear_message_on_the_page(client, world):
    response = client.post("/reseaux/reseau-a/adherer/", _data(world["peer"]))
    assert response.status_code == 400
    assert "Fonderie Roth est déjà adhérente du réseau Réseau A" in response.text
    assert not JoinRequest.objects.exists()


def test_logged_in_user_finds_the_form_prefilled(client, world):
    user = EstablishmentUserFactory(
        establishment=world["unclaimed"], user__first_name="Luc", user__email="luc@weber.fr"
    ).user
    client.force_login(user)
    form = client.get("/reseaux/reseau-a/adherer/").context["form"]
    assert form.initial["first_name"] == "Luc" and form.initial["email"] == "luc@weber.fr"
    assert form.initial["siret"].endswith(world["unclaimed"].siret)


def test_honeypot_answers_like_a_success_and_does_nothing(client, world):
    response = client.post("/reseaux/reseau-a/adherer/", _data(world["unclaimed"], website="x"))
    assert response.status_code == 302 and not JoinRequest.objects.exists()


def test_visitors_are_rate_limited(client, world):
    for n in range(5):
        # Refused (already member) or accepted: each submission counts.
        client.post("/reseaux/reseau-a/adherer/", _data(world["peer"], email=f"p{n}@example.org"))
    response = client.post("/reseaux/reseau-a/adherer/", _data(world["unclaimed"]))
    assert response.status_code == 400 and "Trop de demandes depuis votre connexion" in response.text
    assert not JoinRequest.objects.exists()


def test_home_page_links_to_the_join_page(client, world):
    assert 'href="/reseaux/reseau-a/adherer/"' in client.get("/reseaux/reseau-a/").text


# --- the back-office -------------------------------------------------------------------------


def test_animator_sees_pending_requests_with_a_count_and_accepts(client, world):
    join = _create(world)
    client.force_login(world["animator_a"])
    members = client.get("/animation/reseau-a/membres/").text
    assert "Demandes d’adhésion" in members and '<span class="badge">1<' in members
    page = client.get("/animation/reseau-a/adhesions/").text
    assert "Plasturgie Weber" in page and "luc.weber@plasturgie-weber.fr" in page
    response = client.post(f"/animation/reseau-a/adhesions/{join.pk}/accepter/")
    assert response.status_code == 302
    assert Membership.objects.get(network=world["a"], establishment=world["unclaimed"]).status == "member"


def test_animator_declines_with_a_reason(client, world):
    join = _create(world)
    client.force_login(world["animator_a"])
    client.post(f"/animation/reseau-a/adhesions/{join.pk}/refuser/", {"note": "Hors territoire."})
    join.refresh_from_db()
    assert join.status == JoinRequest.Status.DECLINED and join.decision_note == "Hors territoire."


def test_another_networks_request_is_not_found(client, world):
    join = _create(world)
    client.force_login(world["animator_b"])
    assert client.post(f"/animation/reseau-b/adhesions/{join.pk}/accepter/").status_code == 404
    assert client.post(f"/animation/reseau-b/adhesions/{join.pk}/refuser/", {"note": "x"}).status_code == 404
    assert "Plasturgie Weber" not in client.get("/animation/reseau-b/adhesions/").text
    join.refresh_from_db()
    assert join.status == JoinRequest.Status.PENDING


@pytest.mark.parametrize("who", ["member", "animator_b"])
def test_members_and_other_animators_are_refused(client, world, who):
    join = _create(world)
    client.force_login(world[who])
    assert client.get("/animation/reseau-a/adhesions/").status_code == 403
    assert client.post(f"/animation/reseau-a/adhesions/{join.pk}/accepter/").status_code == 403
    client.logout()
    assert client.get("/animation/reseau-a/adhesions/").status_code == 302  # to the login page


def test_contacts_data_never_reach_visitors_or_members(client, world):
    _create(world)
    for user in (None, world["member"], UserFactory()):
        if user:
            client.force_login(user)
        assert "luc.weber@plasturgie-weber.fr" not in client.get("/reseaux/reseau-a/").text


def test_pages_read_english(client, world, settings):
    _create(world)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    signup = client.get("/compte/inscription/").text
    assert "Create an account" in signup and "Password, again" in signup and "Créer" not in signup
    join = client.get("/reseaux/reseau-a/adherer/").text
    assert "Join the Réseau A network" in join and "Your company" in join and "Adhérer" not in join
    client.force_login(world["animator_a"])
    page = client.get("/animation/reseau-a/adhesions/").text
    assert "Join requests" in page and "Accept Plasturgie Weber as a member" in page
    assert "Demandée par" not in page and "adhésion" not in page


def test_the_personal_data_export_holds_ones_own_join_requests_only(client, world):
    _create(world, email="membre@example.org")
    _create(world, world["prospect"], email="quelquun@example.org")
    client.force_login(world["member"])
    data = client.get("/compte/mes-donnees.json").json()
    assert [j["siret"] for j in data["demandes_adhesion"]] == [world["unclaimed"].siret]
    assert "quelquun@example.org" not in str(data)


def test_the_network_list_links_each_network_to_its_join_page(client, world):
    html = client.get("/").text  # two networks: the list
    assert 'href="/reseaux/reseau-a/adherer/"' in html and 'href="/reseaux/reseau-b/adherer/"' in html
