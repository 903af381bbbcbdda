"""Login, logout, throttling and password reset through the site's own pages."""

import re

import pytest
from django.core import mail
from django.test import Client

from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _login(client, email, password, **extra):
    return client.post("/compte/connexion/", {"username": email, "password": password}, **extra)


def test_login_page_is_in_french_and_logs_in_with_email(client):
    UserFactory(email="claire@example.org")
    page = client.get("/compte/connexion/")
    assert page.status_code == 200
    assert "Adresse e-mail" in page.content.decode() and "Mot de passe oublié" in page.content.decode()
    response = _login(client, "claire@example.org", DEFAULT_PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").context["user"].email == "claire@example.org"


def test_wrong_password_gives_a_french_message(client):
    UserFactory(email="claire@example.org")
    response = _login(client, "claire@example.org", "mauvais")
    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect." in response.content.decode()


def test_login_redirects_to_next_but_never_off_site(client):
    UserFactory(email="claire@example.org")
    ok = client.post(
        "/compte/connexion/?next=/revendiquer/",
        {"username": "claire@example.org", "password": DEFAULT_PASSWORD, "next": "/revendiquer/"},
    )
    assert ok["Location"] == "/revendiquer/"
    client.logout()
    evil = client.post(
        "/compte/connexion/",
        {"username": "claire@example.org", "password": DEFAULT_PASSWORD, "next": "https://evil.example/"},
    )
    assert evil["Location"] == "/"


def test_sixth_failed_attempt_within_the_window_is_refused_even_with_the_right_password(client, settings):
    settings.LOGIN_THROTTLE_FAILURES = 5
    UserFactory(email="claire@example.org")
    for _ in range(5):
        assert "incorrect" in _login(client, "claire@example.org", "mauvais").content.decode()
    refused = _login(client, "claire@example.org", DEFAULT_PASSWORD)
    html = refused.content.decode()
    assert refused.status_code == 200
    assert "Trop de tentatives de connexion ont échoué. Réessayez dans 15 minutes." in html
    assert "_auth_user_id" not in client.session


def test_throttling_also_counts_per_address_across_emails(client, settings):
    settings.LOGIN_THROTTLE_CLIENT_FAILURES = 3
    UserFactory(email="claire@example.org")
    for n in range(3):
        _login(client, f"inconnu{n}@example.org", "x", REMOTE_ADDR="203.0.113.7")
    refused = _login(client, "claire@example.org", DEFAULT_PASSWORD, REMOTE_ADDR="203.0.113.7")
    assert "Trop de tentatives" in refused.content.decode()
    allowed = _login(client, "claire@example.org", DEFAULT_PASSWORD, REMOTE_ADDR="198.51.100.1")
    assert allowed.status_code == 302


def test_attacker_elsewhere_cannot_lock_the_owner_out(client, settings):
    settings.LOGIN_THROTTLE_FAILURES = 5
    UserFactory(email="claire@example.org")
    for _ in range(8):
        _login(client, "claire@example.org", "devine", REMOTE_ADDR="203.0.113.66")
    refused = _login(client, "claire@example.org", DEFAULT_PASSWORD, REMOTE_ADDR="203.0.113.66")
    assert "Trop de tentatives" in refused.content.decode()
    owner = Client()
    allowed = _login(owner, "claire@example.org", DEFAULT_PASSWORD, REMOTE_ADDR="198.51.100.1")
    assert allowed.status_code == 302 and "_auth_user_id" in owner.session


def test_one_client_spraying_many_accounts_is_throttled(client, settings):
    settings.LOGIN_THROTTLE_CLIENT_FAILURES = 20
    UserFactory(email="claire@example.org")
    answers = [
        _login(client, f"cible{n}@example.org", "Printemps2026", REMOTE_ADDR="203.0.113.66").content.decode()
        for n in range(20)
    ]
    assert all("incorrect" in answer for answer in answers)
    refused = _login(client, "claire@example.org", DEFAULT_PASSWORD, REMOTE_ADDR="203.0.113.66")
    assert "Trop de tentatives" in refused.content.decode() and "_auth_user_id" not in client.session
    assert (
        _login(Client(), "claire@example.org", DEFAULT_PASSWORD, REMOTE_ADDR="198.51.100.1").status_code
        == 302
    )


def test_failures_from_many_clients_slow_the_account_down_without_locking_it(client, settings, monkeypatch):
    settings.LOGIN_THROTTLE_ACCOUNT_FAILURES = 10
    settings.LOGIN_THROTTLE_ACCOUNT_MAX_DELAY = 60
    UserFactory(email="claire@example.org")
    clock = [1_000_000.0]
    monkeypatch.setattr("maillage.accounts.throttling._now", lambda: clock[0])
    for n in range(12):  # a botnet: one failure from each of twelve addresses
        _login(client, "claire@example.org", "devine", REMOTE_ADDR=f"203.0.113.{n}")
    # Twelve failures, two past the free ten: the account waits 4 s after the last one.
    assert "Trop de tentatives" in _login(Client(), "claire@example.org", DEFAULT_PASSWORD).content.decode()
    clock[0] += 4
    assert _login(Client(), "claire@example.org", DEFAULT_PASSWORD).status_code == 302


def test_window_passing_lifts_the_throttle(client, settings, monkeypatch):
    settings.LOGIN_THROTTLE_FAILURES = 2
    settings.LOGIN_THROTTLE_WINDOW = 60
    UserFactory(email="claire@example.org")
    clock = [1_000_000.0]
    monkeypatch.setattr("maillage.accounts.throttling._now", lambda: clock[0])
    _login(client, "claire@example.org", "x")
    _login(client, "claire@example.org", "x")
    assert (
        "Réessayez dans 1 minute." in _login(client, "claire@example.org", DEFAULT_PASSWORD).content.decode()
    )
    clock[0] += 61
    assert _login(client, "claire@example.org", DEFAULT_PASSWORD).status_code == 302


def test_admin_login_is_throttled_too(client, settings):
    settings.LOGIN_THROTTLE_FAILURES = 2
    UserFactory(email="admin@example.org", is_staff=True)
    for _ in range(2):
        client.post("/admin/login/", {"username": "admin@example.org", "password": "x"})
    response = client.post("/admin/login/", {"username": "admin@example.org", "password": DEFAULT_PASSWORD})
    assert response.status_code == 200
    assert "Trop de tentatives" in response.content.decode()


def test_logout_is_post_only(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/compte/deconnexion/").status_code == 405
    assert "_auth_user_id" in client.session
    assert client.post("/compte/deconnexion/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_header_shows_login_for_visitors_and_logout_for_users(client):
    assert 'href="/compte/connexion/' in client.get("/").content.decode()
    client.force_login(UserFactory())
    html = client.get("/").content.decode()
    assert 'action="/compte/deconnexion/"' in html and "Se déconnecter" in html


def test_password_reset_by_email_in_french(client):
    user = UserFactory(email="claire@example.org")
    page = client.get("/compte/mot-de-passe/oubli/").content.decode()
    # The same words as the login form, not Django's « Courriel ».
    assert "Adresse e-mail" in page and "Courriel" not in page
    response = client.post("/compte/mot-de-passe/oubli/", {"email": "claire@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Réinitialisation de votre mot de passe Maillage"
    assert message.alternatives and message.alternatives[0][1] == "text/html"
    link = re.search(r"http://testserver(/compte/mot-de-passe/nouveau/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert "Nouveau mot de passe" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": "un-nouveau-secret-42", "new_password2": "un-nouveau-secret-42"}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("un-nouveau-secret-42")
    # The link served once: it is now refused.
    assert "n’est plus valable" in client.get(link, follow=True).content.decode()


def test_password_reset_does_not_reveal_unknown_addresses(client):
    response = client.post("/compte/mot-de-passe/oubli/", {"email": "personne@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_login_and_claim_pages_exist_in_english(client):
    client.cookies["django_language"] = "en"
    html = client.get("/compte/connexion/").content.decode()
    assert "Email address" in html and "Forgot your password?" in html
    client.force_login(UserFactory())
    assert "Claim your company" in client.get("/revendiquer/").content.decode()


def test_csrf_failure_page_is_in_french(db):
    response = Client(enforce_csrf_checks=True).post("/compte/connexion/", {"username": "a@example.org"})
    assert response.status_code == 403
    assert "Formulaire expiré" in response.content.decode()


def test_password_reset_emails_are_capped_per_address_without_saying_so(client):
    UserFactory(email="claire@example.org")
    for _ in range(5):
        response = client.post("/compte/mot-de-passe/oubli/", {"email": "claire@example.org"})
        assert response.status_code == 302 and response["Location"] == "/compte/mot-de-passe/oubli/envoye/"
    assert len(mail.outbox) == 3


def test_login_link_on_account_pages_does_not_point_back_to_itself(client):
    html = client.get("/compte/connexion/").content.decode()
    assert 'href="/compte/connexion/"' in html and "next=/compte/connexion/" not in html
    assert 'href="/compte/connexion/?next=/"' in client.get("/").content.decode()
