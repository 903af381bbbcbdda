"""Every page of the permission matrix, in Chromium, on a 390 × 844 phone and a 1280 px screen:
no horizontal scroll and no serious or critical axe-core violation (issue 14).

The pages are the GET rows of ``tests/accounts/test_permission_matrix.py`` (a URL added there is
visited here), each opened once by the first role that may see it, in the world of that test;
plus a search with results, the 404 and 410 pages, Django's admin index and every changelist.
Each page's screenshot is kept under ``test-results/pages/<width>/`` as a test artefact (the
ones of a green run too: they are what the reviewer looks at).
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from tests.accounts import conftest as accounts
from tests.accounts import test_permission_matrix as matrix
from tests.accounts.test_permission_matrix import CASES, ROLES, _format
from tests.browser.conftest import RESULTS

# The matrix's world and objects, as fixtures of this module too.
world = accounts.world
need_values = matrix.need_values
values = matrix.values
search_index = matrix.search_index

# Two tests per width run on both workers; the PostgreSQL pass does not repeat them (conftest).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.one_database]

# Rows that are no page: fragments for htmx or scripts, files, redirects.
NOT_PAGES = {
    "profile_edit:spec_fields",  # an htmx fragment of the profile form
    "profile_edit:taxonomy_suggest",  # autocomplete JSON
    "search:suggestions",  # autocomplete fragment
    "claims:companies",  # the company picker's datalist options (htmx fragment)
    "needs:attachment",  # a file
    "events:event_ics",  # an .ics download
    "backoffice:index",  # redirects to the animator's network
    "supply_graph:data",  # JSON for the graph
    "home:theme",  # CSS
    "home:network_logo",  # an image
    "accounts:account_export",  # a JSON download
    "backoffice:import_rejects",  # a CSV download
    "backoffice:import_report",  # a CSV download
    "backoffice:import_progress",  # the progress bar's htmx fragment
    "backoffice:journal_contacts",  # the journal form's contacts checkboxes (htmx fragment)
    "events:sheet_pdf",  # a PDF (the feuille d'émargement)
    "events:certificate_pdf",  # a PDF
    "events:registration_certificate",  # a PDF download
    "events:registrations_csv",  # a CSV download (the organiser's registrations)
    "events:network_feed",  # an iCalendar file
    "events:person_feed",  # an iCalendar file
}
# One row per URL name is enough, except where the variants render different templates.
VARIANTS = {"needs:detail", "needs:consortium"}
# The role that sees the most of a page opens it first (an animator sees more than a member).
PREFERENCE = ["animator_a", "member", "animator_b", "admin", "visitor"]
EXTRAS = [
    ("search results", "visitor", "/recherche/?q=tôlerie près de Bischwiller", 200),
    ("search results, animator", "animator_a", "/recherche/?q=fonderie", 200),
    ("404", "visitor", "/pas-une-page/", 404),
    ("410", "visitor", "/compte/invitation/pas-un-jeton/", 410),
]
WIDTHS = [(390, 844), (1280, 800)]
# The widest elements when a page scrolls sideways: what to fix, named.
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const past = (el) => el.getBoundingClientRect().right > width + 1;
  const classes = (el) =>
    typeof el.className === "string" ? el.className.trim().split(/\\s+/).filter(Boolean) : [];
  const name = (el) => [el.tagName.toLowerCase() + (el.id ? "#" + el.id : ""), ...classes(el)].join(".");
  if (document.documentElement.scrollWidth <= width) return [];
  return [...document.querySelectorAll("body *")]
    .filter((el) => past(el) && !el.closest(".table-wrapper, .leaflet-container"))
    .filter((el) => ![...el.children].some(past))
    .slice(0, 8)
    .map((el) => `${name(el)} (right ${Math.round(el.getBoundingClientRect().right)} px)`);
}"""


def _pages() -> list[tuple[str, str, str, int]]:
    """(label, role, path template, status) of every page row, first allowed role by preference."""
    pages, seen = [], set()
    for case in CASES:
        if case.method != "GET" or case.name in NOT_PAGES or "format=" in case.path:
            continue
        key = (case.name, case.label) if case.name in VARIANTS else case.name
        if key in seen:
            continue
        role = next((r for r in PREFERENCE if case.expected.get(r) == 200), None)
        if role is None:
            continue
        seen.add(key)
        pages.append((case.id, role, case.path, 200))
    return pages + EXTRAS


def _session_cookie(user, live_server_url) -> dict:
    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server_url,
    }


def _check(page, axe, path, status, shot) -> list[str]:
    response = page.goto(path)
    problems = []
    if response is None or response.status != status:
        return [f"answered {response.status if response else 'nothing'}, expected {status}"]
    page.wait_for_load_state("networkidle")
    too_wide = page.evaluate(OVERFLOW_JS)
    if too_wide:
        problems.append("scrolls sideways: " + ", ".join(too_wide))
    problems += [f"axe {v['id']} ({v['impact']}) on {v['nodes']}" for v in axe(page)]
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    return problems


@pytest.mark.parametrize("width,height", WIDTHS, ids=[f"{w}px" for w, _ in WIDTHS])
def test_every_page_fits_and_passes_axe(
    browser, live_server, axe, world, values, search_index, width, height
):
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    failures = []
    by_role: dict[str, list] = {}
    for label, role, path, status in _pages():
        by_role.setdefault(role, []).append((label, _format(path, values), status))
    for role in ROLES:
        if role not in by_role:
            continue
        context = browser.new_context(
            base_url=live_server.url, locale="fr-FR", viewport={"width": width, "height": height}
        )
        if world[role] is not None:
            context.add_cookies([_session_cookie(world[role], live_server.url)])
        page = context.new_page()
        for label, path, status in by_role[role]:
            shot = RESULTS / "pages" / str(width) / (re.sub(r"[^\w.-]+", "_", f"{label} {role}") + ".png")
            problems = _check(page, axe, path, status, shot)
            failures += [f"{label} ({path}) as {role}: {problem}" for problem in problems]
        context.close()
    assert not failures, f"{len(failures)} problems at {width} px:\n" + "\n".join(failures)


@pytest.mark.parametrize("width,height", WIDTHS, ids=[f"{w}px" for w, _ in WIDTHS])
def test_admin_pages_fit_and_pass_axe(browser, live_server, axe, world, values, width, height):
    settings.SESSION_COOKIE_SECURE = False
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": width, "height": height}
    )
    context.add_cookies([_session_cookie(world["admin"], live_server.url)])
    page = context.new_page()
    paths = [reverse("admin:index")] + [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in sorted(admin.site._registry, key=lambda m: m._meta.label)
    ]
    failures = []
    for path in paths:
        shot = RESULTS / "pages" / str(width) / ("admin" + re.sub(r"[^\w.-]+", "_", path) + ".png")
        failures += [f"{path}: {problem}" for problem in _check(page, axe, path, 200, shot)]
    context.close()
    assert not failures, f"{len(failures)} problems at {width} px:\n" + "\n".join(failures)
