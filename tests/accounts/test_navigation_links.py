"""Navigation shows only what the user may do (issue 14): no shown link answers 403 (nor 404,
405 or a server error).

For each role of the permission matrix's world, every page of the matrix that role may open is
fetched, its ``<a href>`` links are followed (and the links of the pages they open, one level
more), and a link that answers 403 to that same role is a dead end: the page must not show it
(404, 405 and 5xx too: a broken link is no better).
Logout and other POST forms are not links; downloads, media, the admin (Django's own) and
external links are skipped.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest

from tests.accounts.test_permission_matrix import CASES, ROLES, _format, _user, need_values, values  # noqa: F401

pytestmark = pytest.mark.django_db

SKIPPED_PREFIXES = ("/static/", "/media/", "/admin/", "/compte/deconnexion/", "/api/v1/openapi.json")
DOWNLOAD_MARKS = ("format=", "/pieces/", ".json", ".csv", ".xlsx", ".pdf")
# Pages reached by links, beyond the matrix's: enough to walk the world, bounded for speed.
MAX_PAGES = 300


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _internal_links(page_path: str, html: str) -> set[str]:
    parser = _Links()
    parser.feed(html)
    links = set()
    for href in parser.hrefs:
        href = urldefrag(href).url
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or href.startswith(("mailto:", "tel:", "javascript:")):
            continue
        if not href:
            continue
        if href.startswith("?"):
            href = urlsplit(page_path).path + href
        elif not href.startswith("/"):
            continue  # relative paths: none in our templates
        if href.startswith(SKIPPED_PREFIXES) or any(mark in href for mark in DOWNLOAD_MARKS):
            continue
        links.add(href)
    return links


def _start_pages(role, world_values) -> list[str]:
    return sorted(
        {
            _format(case.path, world_values)
            for case in CASES
            if case.method == "GET"
            and case.expected[role] == 200
            and not any(mark in case.path for mark in DOWNLOAD_MARKS)
        }
    )


@pytest.mark.parametrize("role", ROLES)
def test_no_shown_link_is_a_dead_end(client, world, values, role):  # noqa: F811
    user = _user(world, role)
    if user is not None:
        client.force_login(user)
    status: dict[str, int] = {}
    found_on: dict[str, str] = {}
    frontier = [(path, 0) for path in _start_pages(role, values)]
    while frontier and len(status) < MAX_PAGES:
        path, depth = frontier.pop(0)
        if path in status:
            continue
        response = client.get(path)
        status[path] = response.status_code
        if response.status_code != 200 or depth >= 2 or "text/html" not in response.get("Content-Type", ""):
            continue
        for link in _internal_links(path, response.content.decode()):
            if link not in status:
                found_on.setdefault(link, path)
                frontier.append((link, depth + 1))
    dead = sorted(
        f"{link}: {code} (shown on {found_on[link]})"
        for link, code in status.items()
        if (code in (403, 404, 405) or code >= 500) and link in found_on
    )
    assert not dead, f"dead-end links for {role}:\n" + "\n".join(dead)
    assert len(status) > 10, "the crawl must reach the world's pages"
