"""Playwright driving Debian's Chromium against pytest-django's live server.

The browser is never downloaded (no ``playwright install``): ``/usr/bin/chromium`` comes
from the distribution (``.ci/run`` installs it). axe-core comes from its npm package,
installed by ``make install`` under ``var/node``. A failing test leaves a screenshot in
``test-results/``.

The site's Content-Security-Policy stays on: a violation (inline script or handler, a blocked
image or style…) fails the test. An init script forwards every ``securitypolicyviolation``
event to ``csp_violations``, and Chromium's console message is caught too; a test expecting
one asserts it and clears the list.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("MAILLAGE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_JS = Path(
    os.environ.get("MAILLAGE_AXE_JS", settings.BASE_DIR / "var/node/node_modules/axe-core/axe.min.js")
)
RESULTS = settings.BASE_DIR / "test-results"
# Served from the site's own origin by a route, so that axe-core loads under script-src 'self'.
AXE_PATH = "/__tests__/axe.min.js"
CSP_WATCH = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__maillageCspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"}` +
      ` at ${event.sourceFile}:${event.lineNumber} (${event.sample})`
  );
});
"""


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (see .ci/run)")
    # Playwright's sync API keeps an asyncio loop in this thread; Django's ORM then refuses to
    # run ("async unsafe") although every call here is synchronous. Allowed for these tests only.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def csp_violations() -> list[str]:
    """The Content-Security-Policy violations the page met; the ``page`` fixture fails on any."""
    return []


@pytest.fixture
def page(request, browser, live_server, settings, csp_violations):
    # The live server speaks plain HTTP: secure-only cookies would never come back.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    context.set_default_timeout(10_000)
    context.expose_binding("__maillageCspViolation", lambda source, text: csp_violations.append(text))
    context.add_init_script(CSP_WATCH)
    page = context.new_page()
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and csp_violations.append(message.text),
    )
    yield page
    call = getattr(request.node, "report_call", None)
    if call is not None and call.failed:
        RESULTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        page.screenshot(path=str(RESULTS / f"{name}.png"), full_page=True)
    context.close()
    if csp_violations and (call is None or call.passed):
        pytest.fail("Content-Security-Policy violated:\n" + "\n".join(csp_violations))


@pytest.fixture
def axe():
    """Run axe-core on a page; returns the serious and critical violations."""
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `make install` (npm install axe-core under var/node)")

    def check(page) -> list[dict]:
        page.route(
            f"**{AXE_PATH}",
            lambda route: route.fulfill(path=str(AXE_JS), content_type="text/javascript; charset=utf-8"),
        )
        page.add_script_tag(url=AXE_PATH)
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        return [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    return check


def login(page, email: str, password: str) -> None:
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
