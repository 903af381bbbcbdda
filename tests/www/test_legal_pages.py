"""The footer's legal pages: what they state comes from the deployment's settings and from the
code that enforces it (retention periods), never from a sentence that could drift."""

import pytest
from django.core.checks import run_checks
from django.test import override_settings

from tests.directory.factories import NetworkFactory

pytestmark = pytest.mark.django_db
PAGES = ["/mentions-legales/", "/donnees-personnelles/", "/accessibilite/", "/contact/"]
LEGAL = {
    "publisher": "Agence de développement d’Alsace du Nord",
    "publisher_address": "84 route de Strasbourg, 67500 Haguenau",
    "publisher_id": "123 456 789 00012",
    "director": "Claire Animatrice",
    "host": "Hébergeur Exemple SAS",
    "host_address": "1 rue du Serveur, 67000 Strasbourg",
    "contact_email": "",
    "accessibility_status": "none",
    "accessibility_audit_date": "",
}


def _text(response) -> str:
    return response.content.decode().replace("\u00a0", " ").replace("\u202f", " ")


def test_every_page_links_the_four_legal_pages(client):
    html = client.get("/").content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    for path in PAGES:
        assert f'href="{path}"' in footer
    assert "Accessibilité : non conforme" in _text(client.get("/"))


@pytest.mark.parametrize(
    "path,french,english",
    [
        ("/mentions-legales/", "<h1>Mentions légales</h1>", "<h1>Legal notice</h1>"),
        ("/donnees-personnelles/", "<h1>Données personnelles</h1>", "<h1>Personal data</h1>"),
        ("/accessibilite/", "<h1>Déclaration d’accessibilité</h1>", "<h1>Accessibility statement</h1>"),
        ("/contact/", "<h1>Contact</h1>", "<h1>Contact</h1>"),
    ],
)
def test_the_pages_answer_in_both_languages(client, path, french, english):
    assert french in _text(client.get(path))
    client.cookies["django_language"] = "en"
    page = _text(client.get(path))
    assert '<html lang="en">' in page and english in page


def test_unset_fields_say_so_rather_than_invent(client):
    assert _text(client.get("/mentions-legales/")).count("non renseigné par l’exploitant de ce site") == 7
    assert "n’a pas encore indiqué d’adresse de contact" in _text(client.get("/contact/"))


@override_settings(MAILLAGE_LEGAL=LEGAL)
def test_the_notice_names_publisher_director_and_host(client):
    NetworkFactory(name="Industries Alsace du Nord", contact_email="contact@ia-nord.fr")
    text = _text(client.get("/mentions-legales/"))
    for value in ("Agence de développement d’Alsace du Nord", "84 route de Strasbourg", "Claire Animatrice",
                  "Hébergeur Exemple SAS", "123 456 789 00012", "contact@ia-nord.fr"):  # fmt: skip
        assert value in text
    assert "non renseigné" not in text
    contact = _text(client.get("/contact/"))
    assert 'href="mailto:contact@ia-nord.fr"' in contact and "Industries Alsace du Nord" in contact


def test_retention_periods_are_those_the_code_enforces(client, settings):
    settings.SESSION_COOKIE_AGE = 3 * 86400
    settings.LOGIN_THROTTLE_WINDOW = 30 * 60
    text = _text(client.get("/donnees-personnelles/"))
    assert "3 jours au plus" in text and "30 minutes" in text
    assert "Le lien expire après 7 jours" in text


@pytest.mark.parametrize(
    "status,footer",
    [("none", "non conforme"), ("partial", "partiellement conforme"), ("full", "totalement conforme")],
)
def test_the_accessibility_status_is_the_one_declared(client, settings, status, footer):
    audit = {"accessibility_status": status, "accessibility_audit_date": "3 mars 2026"}
    settings.MAILLAGE_LEGAL = {**LEGAL, **audit}
    text = _text(client.get("/accessibilite/"))
    assert f"Accessibilité : {footer}" in text
    assert f"<strong>{footer}</strong>" in text
    assert ("3 mars 2026" in text) == (status != "none")


def test_deploy_check_warns_until_the_notice_is_complete(settings):
    settings.MAILLAGE_LEGAL = {**LEGAL, "director": ""}
    warnings = [m for m in run_checks(include_deployment_checks=True) if m.id == "maillage.W010"]
    assert len(warnings) == 1 and "MAILLAGE_LEGAL_DIRECTOR" in warnings[0].hint
    assert "MAILLAGE_CONTACT_EMAIL" in warnings[0].hint
    settings.MAILLAGE_LEGAL = {**LEGAL, "contact_email": "contact@ia-nord.fr"}
    assert not [m for m in run_checks(include_deployment_checks=True) if m.id == "maillage.W010"]
