"""People log in with their e-mail address; passwords are hashed with Argon2 in production."""

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import check_password, identify_hasher, make_password

import config.settings.base as base_settings
from maillage.accounts.models import User
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_login_with_email_and_password(client):
    user = UserFactory(email="claire.martin@example.org")
    assert client.login(email="claire.martin@example.org", password=DEFAULT_PASSWORD)
    assert authenticate(email="claire.martin@example.org", password="wrong-password") is None
    assert user.username == user.email


def test_create_user_normalises_the_email_domain():
    user = User.objects.create_user(email="Claire.Martin@EXAMPLE.ORG", password=DEFAULT_PASSWORD)
    assert user.email == user.username == "Claire.Martin@example.org"


def test_admin_login_form_accepts_email(client):
    UserFactory(email="animatrice@example.org", is_staff=True)
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "animatrice@example.org", "password": DEFAULT_PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_argon2_is_the_production_password_hasher(settings):
    assert base_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    settings.PASSWORD_HASHERS = base_settings.PASSWORD_HASHERS
    encoded = make_password("un mot de passe")
    assert identify_hasher(encoded).algorithm == "argon2"
    assert check_password("un mot de passe", encoded)
