"""Sign-up without an invitation (issue 15): inactive until the e-mail is confirmed, no account
enumeration, honeypot, rate limit, signed and expiring confirmation link, sent once."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail, signing

from maillage.accounts import mails, services
from maillage.accounts.models import EmailDelivery, User
from maillage.accounts.services import signup_token
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "brise-du-matin-42"


def _form(email="claire.roth@fonderie-roth.fr", **extra):
    return {
        "first_name": "Claire",
        "last_name": "Roth",
        "email": email,
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **extra,
    }


def _signup(client, capture, **kwargs):
    with capture(execute=True):
        return client.post("/compte/inscription/", _form(**kwargs))


def _link(message) -> str:
    return re.search(r"http\S+/compte/inscription/confirmer/\S+/", message.body)[0]


def test_signup_creates_an_inactive_account_and_sends_the_link(client, django_capture_on_commit_callbacks):
    response = _signup(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == "/compte/inscription/envoyee/"
    user = User.objects.get(email="claire.roth@fonderie-roth.fr")
    assert not user.is_active and user.first_name == "Claire" and user.check_password(NEW_PASSWORD)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["claire.roth@fonderie-roth.fr"]
    assert "Confirmez votre adresse" in mail.outbox[0].subject
    assert EmailDelivery.objects.get().state == EmailDelivery.State.SENT
    # Inactive: the password does not log in yet.
    assert not client.login(email=user.email, password=NEW_PASSWORD)


def test_confirmation_activates_logs_in_and_asks_for_the_company(client, django_capture_on_commit_callbacks):
    _signup(client, django_capture_on_commit_callbacks)
    path = _link(mail.outbox[0]).split("8000", 1)[-1]
    page = client.get(path)
    assert page.status_code == 200 and "Confirmer et activer mon compte" in page.text
    assert not User.objects.get().is_active  # a GET (a mail scanner) confirms nothing
    response = client.post(path)
    assert response.status_code == 302 and response["Location"] == "/revendiquer/"
    assert User.objects.get().is_active
    assert client.get("/revendiquer/").status_code == 200  # signed in
    # Once only.
    client.logout()
    assert client.post(path).status_code == 410


def test_an_existing_address_gets_the_same_page_and_an_e_mail_not_a_second_account(
    client, django_capture_on_commit_callbacks
):
    owner = UserFactory(email="claire.roth@fonderie-roth.fr")
    response = _signup(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == "/compte/inscription/envoyee/"
    assert User.objects.count() == 1
    owner.refresh_from_db()
    assert owner.check_password(DEFAULT_PASSWORD) and owner.first_name == "Camille"  # unchanged
    assert [m.subject for m in mail.outbox] == ["Vous avez déjà un compte Maillage"]
    assert "/compte/mot-de-passe/oubli/" in mail.outbox[0].body


def test_an_account_awaiting_confirmation_gets_a_new_link_with_the_new_password(
    client, django_capture_on_commit_callbacks
):
    _signup(client, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/compte/inscription/", _form(password1="autre-phrase-77", password2="autre-phrase-77"))
    assert User.objects.count() == 1 and User.objects.get().check_password("autre-phrase-77")
    assert len(mail.outbox) == 2


def test_a_closed_account_is_not_reopened_by_sign_up(client, django_capture_on_commit_callbacks):
    closed = UserFactory(email="claire.roth@fonderie-roth.fr", is_active=False)
    closed.last_login = closed.date_joined
    closed.save()
    _signup(client, django_capture_on_commit_callbacks)
    closed.refresh_from_db()
    assert not closed.is_active and closed.check_password(DEFAULT_PASSWORD)
    assert mail.outbox == []  # nothing to say to a closed account, and the page says the same


def test_honeypot_answers_like_a_success_and_does_nothing(client, django_capture_on_commit_callbacks):
    response = _signup(client, django_capture_on_commit_callbacks, website="http://spam.example")
    assert response.status_code == 302 and response["Location"] == "/compte/inscription/envoyee/"
    assert not User.objects.exists() and mail.outbox == []


def test_weak_or_mismatched_passwords_are_refused(client):
    response = client.post("/compte/inscription/", _form(password1="123", password2="123"))
    assert response.status_code == 400 and not User.objects.exists()
    response = client.post("/compte/inscription/", _form(password2="pas-la-meme-phrase"))
    assert response.status_code == 400 and "Les deux mots de passe diffèrent." in response.text


def test_signups_are_rate_limited_per_client(client, django_capture_on_commit_callbacks):
    for n in range(5):
        assert (
            _signup(client, django_capture_on_commit_callbacks, email=f"p{n}@example.org").status_code == 302
        )
    response = _signup(client, django_capture_on_commit_callbacks, email="p9@example.org")
    assert response.status_code == 400
    assert "Trop de demandes de compte depuis votre connexion" in response.text
    assert not User.objects.filter(email="p9@example.org").exists()


def test_e_mails_to_one_address_are_capped_silently(client, django_capture_on_commit_callbacks):
    for n in range(4):
        response = _signup(client, django_capture_on_commit_callbacks, REMOTE_ADDR=f"10.0.0.{n}")
        assert response.status_code == 302
    assert len(mail.outbox) == 3


@pytest.mark.parametrize("tamper", ["altered", "expired", "other-address"])
def test_tampered_or_expired_links_are_refused(client, tamper):
    user = UserFactory(is_active=False)
    token = signup_token(user)
    if tamper == "altered":
        token = token[:-2] + ("aa" if not token.endswith("aa") else "bb")
    elif tamper == "other-address":
        token = signing.dumps({"u": user.pk, "e": "autre@example.org"}, salt="maillage.accounts.signup")
    validity = timedelta(seconds=-1) if tamper == "expired" else services.SIGNUP_VALIDITY
    with mock.patch.object(services, "SIGNUP_VALIDITY", validity):
        assert client.get(f"/compte/inscription/confirmer/{token}/").status_code == 410
        assert client.post(f"/compte/inscription/confirmer/{token}/").status_code == 410
    user.refresh_from_db()
    assert not user.is_active


def test_a_confirmation_e_mail_is_sent_once_even_when_its_task_runs_again(db):
    user = UserFactory(is_active=False)
    assert mails.send("signup_confirm", user.pk, "k1") is True
    assert mails.send("signup_confirm", user.pk, "k1") is False
    assert len(mail.outbox) == 1


def test_a_failed_send_is_retried_then_not_repeated(db):
    user = UserFactory(is_active=False)
    failing = mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("smtp"))
    with failing, pytest.raises(OSError):
        mails.send("signup_confirm", user.pk, "k2")
    assert EmailDelivery.objects.get(key="k2").state == EmailDelivery.State.FAILED
    assert mails.send("signup_confirm", user.pk, "k2") is True
    delivery = EmailDelivery.objects.get(key="k2")
    assert delivery.state == EmailDelivery.State.SENT and delivery.attempts == 2


def test_login_page_links_to_sign_up(client):
    assert 'href="/compte/inscription/"' in client.get("/compte/connexion/").text


def test_a_simultaneous_sign_up_of_the_same_address_creates_one_account(db, monkeypatch):
    """The second of two requests racing past the look-up meets the unique address: no error."""
    from maillage.accounts.models import User as UserModel

    UserFactory(email="claire.roth@fonderie-roth.fr", is_active=False)
    monkeypatch.setattr(UserModel.objects, "select_for_update", lambda: UserModel.objects.none())
    services.signup_request(email="claire.roth@fonderie-roth.fr", password=NEW_PASSWORD)
    assert User.objects.count() == 1


def test_an_invitation_confirms_an_account_awaiting_confirmation(client, db):
    from maillage.accounts.services import invitation_create, invitation_token
    from tests.directory.factories import EstablishmentFactory, NetworkFactory

    pending = UserFactory(email="claire.roth@fonderie-roth.fr", is_active=False)
    animator = UserFactory()
    network = NetworkFactory(animators=[animator])
    company = EstablishmentFactory(member_of=network)
    invitation = invitation_create(
        network=network, email=pending.email, invited_by=animator, establishment=company
    )
    response = client.post(f"/compte/invitation/{invitation_token(invitation)}/")
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.is_active and pending.establishment_links.filter(establishment=company).exists()
    assert client.login(email=pending.email, password=DEFAULT_PASSWORD)


def test_accounts_never_confirmed_are_deleted_a_week_after_their_link_expired(db):
    from django.utils import timezone

    from maillage.accounts.services import signups_unconfirmed_delete

    long_ago = timezone.now() - timedelta(days=11)
    stale = UserFactory(is_active=False)
    recent = UserFactory(is_active=False)
    closed = UserFactory(is_active=False, last_login=long_ago)  # closed by an administrator
    active = UserFactory()
    User.objects.filter(pk__in=[stale.pk, closed.pk, active.pk]).update(date_joined=long_ago)
    assert signups_unconfirmed_delete() == 1
    assert set(User.objects.values_list("pk", flat=True)) == {recent.pk, closed.pk, active.pk}


def test_login_before_confirmation_says_why_and_sends_the_link_again(
    client, django_capture_on_commit_callbacks
):
    _signup(client, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    login = {"username": "claire.roth@fonderie-roth.fr", "password": NEW_PASSWORD}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/compte/connexion/", login)
    assert response.status_code == 200 and "pas encore confirmée" in response.text
    assert len(mail.outbox) == 1 and _link(mail.outbox[0])
    # A wrong password learns nothing of the account's state, and sends nothing.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        wrong = client.post("/compte/connexion/", {**login, "password": "pas-le-bon-42"})
    assert "Adresse e-mail ou mot de passe incorrect." in wrong.text and "confirmée" not in wrong.text
    assert mail.outbox == []
