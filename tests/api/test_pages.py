"""Issue 14, "API front door": the landing page ``/api/v1/`` and the interactive docs.

Both are pages for people, in the site's layout and the interface language; the docs are
Swagger UI from our own static files, with nothing fetched from another origin.
"""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db
HOME = "/api/v1/"
DOCS = "/api/v1/docs"
SCHEMA = "/api/v1/openapi.json"


def test_the_landing_page_presents_the_api_in_french(client):
    response = client.get(HOME)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert '<html lang="fr">' in html and 'class="site-header"' in html
    assert "<h1>L’API de Maillage</h1>" in html
    assert f'href="{DOCS}"' in html and f'href="{SCHEMA}"' in html
    for heading in ("Ce que l’API offre", "Authentification et droits", "Limites", "Erreurs", "Exemple"):
        assert f"<h2>{heading}</h2>" in html
    assert "curl --get \\\n" in html and "  'http://testserver/api/v1/search'</code>" in html
    assert "1\u00a0000 caractères au plus" in html  # the bound on q, grouped the French way (typography)


def test_the_landing_page_follows_the_interface_language(client):
    client.cookies["django_language"] = "en"
    html = client.get(HOME).content.decode()
    assert '<html lang="en">' in html
    assert "<h1>The Maillage API</h1>" in html
    assert "<h2>Authentication and permissions</h2>" in html
    assert "Search for establishments" in html and "List supplier–client relations" in html
    assert "at most 1,000 characters" in html


def test_the_landing_page_lists_every_operation_of_the_schema(client):
    html = client.get(HOME).content.decode()
    schema = client.get(SCHEMA).json()
    for path, operations in schema["paths"].items():
        for method in operations:
            assert f"{method.upper()} {path}</code>" in html, f"{method} {path} is missing from {HOME}"


def test_the_landing_page_states_the_bounds_the_api_enforces(client):
    from maillage.api.relations import MAX_LIMIT as RELATIONS_MAX
    from maillage.matching.search import MAX_LIMIT as SEARCH_MAX

    html = client.get(HOME).content.decode()
    assert f"de 1 à {SEARCH_MAX} résultats" in html
    assert f"de 1 à {RELATIONS_MAX} relations par page" in html
    assert client.get("/api/v1/relations", {"limit": RELATIONS_MAX + 1}).status_code == 422
    assert client.get("/api/v1/search", {"q": "x", "limit": SEARCH_MAX + 1}).status_code == 422


def test_the_docs_page_runs_swagger_ui_from_our_own_static_files(client):
    response = client.get(DOCS)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="site-header"' in html and "<h1>Documentation interactive de l’API</h1>" in html
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert [re.search(r'src="([^"]+)"', tag).group(1) for tag in scripts if "src=" in tag] == [
        "/static/js/site.js",  # every page's: the folding menu
        "/static/ninja/swagger-ui-bundle.js",
        "/static/js/api-docs.js",
    ]
    # The only script without src is the settings' JSON block, which the CSP does not run.
    assert [tag for tag in scripts if "src=" not in tag] == [
        '<script id="swagger-settings" type="application/json">'
    ]
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert url.startswith(("/", "#")) and not url.startswith("//"), f"{url}: another origin"
    settings = json.loads(re.search(r'id="swagger-settings"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert settings["url"] == SCHEMA
    assert settings["validatorUrl"] is None  # no call to validator.swagger.io
    assert settings["supportedSubmitMethods"] == ["get"]


def test_the_swagger_ui_assets_come_from_an_installed_package():
    for asset in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui.css", "js/api-docs.js"):
        assert finders.find(asset), f"{asset} is not found by the static files finders"
    with open(finders.find("ninja/swagger-ui-bundle.js"), encoding="utf-8") as bundle:
        version = re.search(r'PACKAGE_VERSION:"(\d+)\.\d+\.\d+"', bundle.read())
    assert version and int(version.group(1)) >= 5, "Swagger UI 5 or later expected"


def test_the_docs_page_without_javascript_links_the_schema(client):
    html = client.get(DOCS).content.decode()
    box = re.search(r'<div id="swagger-ui"[^>]*>(.*?)</div>', html, re.S).group(1)
    assert f'<a href="{SCHEMA}">' in box


@pytest.mark.parametrize("path", [HOME, DOCS, SCHEMA])
@pytest.mark.parametrize("method", ["post", "put", "delete"])
@override_settings(DEBUG=False)
def test_the_front_door_answers_get_only_with_a_json_405(path, method):
    response = getattr(Client(enforce_csrf_checks=True), method)(path)
    assert response.status_code == 405 and response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Method Not Allowed"}
    assert "GET" in response["Allow"]


def test_head_is_answered_like_get(client):
    for path in (HOME, DOCS, SCHEMA):
        assert client.head(path).status_code == 200
