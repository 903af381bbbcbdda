"""« Mon compte », continued (issue 15): language, e-mails turned off, e-mail change."""

import json
import re
import time

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from maillage.accounts import account_services
from maillage.accounts.errors import AccountError
from maillage.accounts.models import AccountEmail, EmailKind, User
from maillage.accounts.services import account_delete, claim_create
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.directory.factories import EstablishmentFactory, NetworkFactory
from tests.needs.factories import NeedFactory

pytestmark = pytest.mark.django_db


def _link(message) -> str:
    return re.search(r"https?://\S+/compte/adresse/confirmer/\S+/", message.body).group(0)


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_preferences_store_language_and_muted_kinds(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post("/compte/preferences/", {"language": "en", "wanted": ["need_received"]})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    user.refresh_from_db()
    assert user.language == "en"
    assert user.wants_email(EmailKind.NEED_RECEIVED) and not user.wants_email(EmailKind.NEED_REMINDER)
    page = client.get("/compte/preferences/").content.decode()
    assert "Preferences" in page  # the interface now speaks English


def test_preferences_refuse_an_unknown_language_or_kind():
    user = UserFactory()
    for kwargs in ({"language": "de", "muted": []}, {"language": "fr", "muted": ["bulletin"]}):
        with pytest.raises(AccountError):
            account_services.account_preferences_update(user=user, **kwargs)


def test_login_applies_the_chosen_language(client):
    user = UserFactory(language="en")
    response = client.post("/compte/connexion/", {"username": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_email_change_needs_the_password_and_a_free_address(client):
    user = UserFactory()
    UserFactory(email="prise@example.org")
    client.force_login(user)
    wrong = client.post("/compte/adresse/", {"new_email": "nouvelle@example.org", "password": "non"})
    assert wrong.status_code == 400
    taken = client.post("/compte/adresse/", {"new_email": "Prise@example.org", "password": DEFAULT_PASSWORD})
    assert taken.status_code == 400
    assert not AccountEmail.objects.exists() and mail.outbox == []


def test_email_change_is_confirmed_from_the_new_address_and_the_old_one_is_told(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(email="ancienne@example.org", language="en")
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/compte/adresse/", {"new_email": "nouvelle@example.org", "password": DEFAULT_PASSWORD}
        )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "ancienne@example.org"  # nothing changes before the link is followed
    [confirmation] = mail.outbox
    assert confirmation.to == ["nouvelle@example.org"]
    assert confirmation.subject == "Confirm your new e-mail address"  # the user's language
    path = _path(_link(confirmation))
    visitor = Client()  # the link works without being logged in
    assert "nouvelle@example.org" in visitor.get(path).content.decode()
    user.refresh_from_db()
    assert user.email == "ancienne@example.org"  # a GET changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        assert visitor.post(path).status_code == 302
    user.refresh_from_db()
    assert user.email == user.username == "nouvelle@example.org"
    notice = mail.outbox[1]
    assert notice.to == ["ancienne@example.org"] and "nouvelle@example.org" in notice.body
    assert visitor.post(path).status_code == 410  # once only
    assert set(AccountEmail.objects.values_list("state", flat=True)) == {AccountEmail.State.SENT}


def test_an_expired_or_tampered_email_change_link_is_refused(client, monkeypatch):
    user = UserFactory()
    past = time.time() - account_services.EMAIL_CHANGE_VALIDITY.total_seconds() - 60
    with monkeypatch.context() as patched:
        patched.setattr(time, "time", lambda: past)
        expired = account_services.email_change_token(user=user, new_email="nouvelle@example.org")
    response = client.get(f"/compte/adresse/confirmer/{expired}/")
    assert response.status_code == 410 and "expiré" in response.content.decode()
    assert client.post(f"/compte/adresse/confirmer/{expired}/").status_code == 410
    good = account_services.email_change_token(user=user, new_email="nouvelle@example.org")
    assert client.post(f"/compte/adresse/confirmer/{good[:-2]}xy/").status_code == 410
    user.refresh_from_db()
    assert user.email != "nouvelle@example.org"


def test_an_account_email_is_sent_at_most_once_when_retried(django_capture_on_commit_callbacks):
    user = UserFactory()
    email = account_services.email_change_request(
        user=user, new_email="nouvelle@example.org", password=DEFAULT_PASSWORD
    )
    assert account_services.account_email_send(email_id=email.pk) is True
    assert account_services.account_email_send(email_id=email.pk) is False
    assert len(mail.outbox) == 1


def test_claim_notices_follow_each_animators_preferences_and_language(emails_at_once):
    network = NetworkFactory()
    muted = UserFactory(email="muet@example.org", muted_emails=[EmailKind.CLAIM_RECEIVED])
    english = UserFactory(email="en@example.org", language="en")
    french = UserFactory(email="fr@example.org")
    network.animators.add(muted, english, french)
    establishment = EstablishmentFactory(member_of=network)
    claim_create(user=UserFactory(), siret=establishment.siret)
    assert sorted(m.to[0] for m in mail.outbox) == ["en@example.org", "fr@example.org"]
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects["en@example.org"] != subjects["fr@example.org"]
    assert all("/compte/preferences/" in m.body for m in mail.outbox)  # where to turn them off


def test_the_export_carries_language_and_preferences(client):
    user = UserFactory(language="en", muted_emails=[EmailKind.NEED_REMINDER])
    client.force_login(user)
    data = json.loads(client.get("/compte/mes-donnees.json").content)
    assert data["compte"]["langue"] == "en"
    assert data["emails_desactives"] == ["need_reminder"]
    assert "emails_de_compte" in data


def test_an_anonymised_account_loses_its_account_emails():
    user = UserFactory()
    account_services.email_change_request(
        user=user, new_email="nouvelle@example.org", password=DEFAULT_PASSWORD
    )
    NeedFactory(author=user)
    assert account_delete(user=user, password=DEFAULT_PASSWORD) == "anonymised"
    assert not AccountEmail.objects.exists()
    assert User.objects.get(pk=user.pk).muted_emails == []


def test_login_leaves_the_language_alone_until_one_is_chosen(client):
    user = UserFactory()
    assert user.language == ""
    response = client.post("/compte/connexion/", {"username": user.email, "password": DEFAULT_PASSWORD})
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_the_header_switch_stores_the_language_of_a_logged_in_user(client):
    from tests.accounts.factories import UserFactory

    user = UserFactory()
    client.force_login(user)
    response = client.post("/compte/langue/", {"language": "en", "next": "/"})
    assert response.status_code == 302 and response.cookies["django_language"].value == "en"
    user.refresh_from_db()
    assert user.language == "en"
    client.post("/compte/langue/", {"language": "xx", "next": "/"})  # unknown: nothing changes
    user.refresh_from_db()
    assert user.language == "en"


def test_the_header_switch_works_for_visitors_without_storing_anything(client):
    response = client.post("/compte/langue/", {"language": "en", "next": "/"})
    assert response.status_code == 302 and response.cookies["django_language"].value == "en"
