"""Every response carries the Content-Security-Policy and the Permissions-Policy (issue 12, finding 3)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.directory.factories import EstablishmentFactory, NetworkFactory

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


@pytest.fixture
def pages():
    NetworkFactory(slug="alsace-nord")
    establishment = EstablishmentFactory()
    return {
        "home": "/",
        "establishment": f"/etablissements/{establishment.siret}/",
        "search": "/recherche/",
        "api": "/api/v1/openapi.json",
        "api_not_found": "/api/v1/inconnu/",
        "not_found": "/page-inconnue/",
        "admin_login": "/admin/login/",
        "admin_redirect": "/admin/",
        "login": "/compte/connexion/",
    }


@pytest.mark.parametrize(
    "name",
    [
        "home",
        "establishment",
        "search",
        "api",
        "api_not_found",
        "not_found",
        "admin_login",
        "admin_redirect",
        "login",
    ],
)
def test_every_response_carries_the_csp_and_the_permissions_policy(client, pages, name):
    response = client.get(pages[name])

    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in permissions


def test_a_server_error_page_carries_the_headers_too(client, monkeypatch):
    from maillage.www.home import views

    def boom():
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "network_list", boom)
    client.raise_request_exception = False
    response = client.get("/")

    assert response.status_code == 500
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]


def test_map_images_are_allowed_from_the_configured_tile_server_only(client, settings):
    NetworkFactory()
    settings.MAILLAGE_TILE_URL = "https://{s}.tuiles.example.org/osm/{z}/{x}/{y}.png"
    img_src = directives(client.get("/"))["img-src"]
    assert img_src == ["'self'", "data:", "https://*.tuiles.example.org"]

    settings.MAILLAGE_TILE_URL = "http://localhost:8080/tiles/{z}/{x}/{y}.png"
    assert directives(client.get("/"))["img-src"] == ["'self'", "data:", "http://localhost:8080"]

    settings.MAILLAGE_TILE_URL = ""
    assert directives(client.get("/"))["img-src"] == ["'self'", "data:"]


def templates() -> list[Path]:
    return sorted((settings.BASE_DIR / "maillage").glob("**/templates/**/*.html"))


def test_no_template_holds_an_inline_script_or_event_handler():
    offenders = []
    for path in templates():
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag:
                offenders.append(f"{path}: {tag}")
        offenders += [f"{path}: {handler}" for handler in re.findall(r"<[^>]*\son[a-z]+\s*=[^>]*>", text)]
        offenders += [f"{path}: javascript: URL" for _ in re.findall(r"javascript:", text)]
    assert templates() and not offenders


def test_the_network_list_title_is_text_only(client):
    NetworkFactory()
    NetworkFactory()
    html = client.get("/").content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert title.strip() == "Réseaux · Maillage"
    assert html.count("js/autocomplete.js") == 1
