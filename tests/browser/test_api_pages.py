"""Issue 14, "API front door", in a browser: the landing page and Swagger UI.

The docs page must list the operations under the site's Content-Security-Policy (the ``page``
fixture fails on any violation) and ask nothing of any other origin: every request the page
makes is recorded, and only the live server's own origin may appear.
"""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def requests_made(page):
    urls = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def foreign(urls, live_server):
    return [url for url in urls if not url.startswith((live_server.url + "/", "data:", "blob:"))]


def test_the_docs_list_every_operation_from_our_own_origin(page, live_server, requests_made):
    page.goto("/api/v1/docs")
    operations = page.locator("#swagger-ui .opblock")
    expect(operations).to_have_count(2)
    expect(page.locator("#swagger-ui .title")).to_contain_text("Maillage")
    expect(page.locator("#swagger-ui .opblock-summary-path").nth(0)).to_have_text("/api/v1/search")
    expect(page.locator("#swagger-ui .opblock-summary-path").nth(1)).to_have_text("/api/v1/relations")
    expect(page.locator("#swagger-ui .opblock-summary-description").nth(0)).to_have_text(
        "Chercher des établissements"
    )
    page.wait_for_load_state("networkidle")
    assert any(url.endswith("/static/ninja/swagger-ui-bundle.js") for url in requests_made)
    assert any(url.endswith("/api/v1/openapi.json") for url in requests_made)
    assert foreign(requests_made, live_server) == []


def test_try_it_out_sends_a_get_to_our_api_and_shows_the_json(page, live_server, requests_made):
    page.goto("/api/v1/docs")
    relations = page.locator("#swagger-ui .opblock").nth(1)
    relations.locator(".opblock-summary").click()
    # The parameters are documented on the page: no "no description" left for limit/offset.
    expect(relations.locator(".parameters")).to_contain_text("Nombre de relations par page")
    relations.get_by_role("button", name="Try it out").click()
    relations.get_by_role("button", name="Execute").click()
    expect(relations.locator(".live-responses-table tbody .response-col_status").first).to_have_text("200")
    expect(relations.locator(".live-responses-table .microlight").first).to_contain_text('"total": 0')
    page.wait_for_load_state("networkidle")
    assert any("/api/v1/relations?" in url for url in requests_made)
    assert foreign(requests_made, live_server) == []


@pytest.mark.parametrize("width", [390, 1280])
def test_the_landing_page_fits_the_screen(page, live_server, requests_made, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/api/v1/")
    expect(page.get_by_role("heading", level=1)).to_have_text("L’API de Maillage")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_role("link", name="Documentation interactive").click()
    expect(page.locator("#swagger-ui .opblock")).to_have_count(2)
    assert foreign(requests_made, live_server) == []


def test_the_landing_page_has_no_serious_accessibility_violation(page, axe):
    page.goto("/api/v1/")
    assert axe(page) == []


def test_the_docs_have_no_serious_accessibility_violation_even_opened(page, axe):
    """Swagger UI's own colours and unnamed controls are mended by api.css and api-docs.js."""
    page.goto("/api/v1/docs")
    expect(page.locator("#swagger-ui .opblock")).to_have_count(2)
    assert axe(page) == []
    for operation in page.locator("#swagger-ui .opblock").all():
        operation.locator(".opblock-summary").click()
        operation.get_by_role("button", name="Try it out").click()
    relations = page.locator("#swagger-ui .opblock").nth(1)
    relations.get_by_role("button", name="Execute").click()
    expect(relations.locator(".live-responses-table tbody .response-col_status").first).to_have_text("200")
    assert axe(page) == []
