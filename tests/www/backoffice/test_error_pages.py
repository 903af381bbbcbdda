"""The site's own error pages: French by default, English when asked, 500 without database."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

from tests.www.backoffice.world import world_fixture  # noqa: F401


@pytest.fixture(autouse=True)
def _default_language_afterwards():
    # The test client leaves the last request's language active in this thread.
    yield
    translation.deactivate()


@pytest.mark.django_db
def test_unknown_page_answers_404_in_french(client):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    content = response.content.decode()
    assert "<h1>Page introuvable</h1>" in content
    assert 'lang="fr"' in content
    assert reverse("search:search") in content


@pytest.mark.django_db
def test_unknown_api_path_answers_404_in_json_whoever_asks(client, world):
    answers = set()
    for user in (None, world["member"], world["animator_a"]):
        if user is not None:
            client.force_login(user)
        response = client.get("/api/v1/pas-une-route")
        answers.add((response.status_code, response["Content-Type"], response.content))
    assert answers == {(404, "application/json", b'{"detail": "Not Found"}')}


@pytest.mark.django_db
def test_unknown_establishment_answers_the_french_404(client):
    response = client.get(reverse("establishments:detail", args=["00000000000000"]))
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_animator_of_another_network_gets_the_french_403(client, world):
    client.force_login(world["animator_b"])
    response = client.get(reverse("backoffice:members", args=[world["a"].slug]))
    assert response.status_code == 403
    content = response.content.decode()
    assert "<h1>Accès refusé</h1>" in content
    assert "connecté avec l’adresse animateur-b@example.org" in content


def test_error_pages_are_english_for_an_english_speaking_visitor(client, world):
    client.cookies["django_language"] = "en"
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.content.decode()
    client.force_login(world["animator_b"])
    response = client.get(reverse("backoffice:members", args=[world["a"].slug]))
    assert response.status_code == 403
    assert "<h1>Access denied</h1>" in response.content.decode()


def test_server_error_page_renders_without_context_nor_database():
    # No django_db mark: any query would fail the test. The language is the one LocaleMiddleware
    # activated for the request that failed.
    with translation.override("fr"):
        content = server_error(RequestFactory().get("/")).content.decode()
    assert "Erreur du serveur" in content and 'href="/"' in content and 'lang="fr"' in content
    with translation.override("en"):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Server error" in response.content.decode()
