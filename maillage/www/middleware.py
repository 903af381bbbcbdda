"""The Content-Security-Policy of every response, its image sources following the tile server;
French typography on every French page.

The policy itself is ``CONTENT_SECURITY_POLICY`` in the settings (django-csp). Map tiles come
from ``MAILLAGE_TILE_URL``, read at each response rather than once at start-up, so that
``img-src`` always names the server the maps actually ask.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings

from maillage.www.typography import french_html

_PLACEHOLDER = re.compile(r"\{[^}]*\}")


def tile_source(url: str) -> str | None:
    """The CSP source of an XYZ tile URL: its origin, Leaflet's ``{s}`` subdomain as ``*``.

    ``None`` for no tile server, or a relative URL (then served by our own origin).
    """
    parts = urlsplit(url)
    if not url or not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{_PLACEHOLDER.sub('*', parts.netloc)}"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        source = tile_source(settings.MAILLAGE_TILE_URL)
        if source:
            update = dict(parts.update or {})
            update["img-src"] = [*update.get("img-src", []), source]
            parts.update = update
        return parts


class FrenchTypographyMiddleware:
    """French typography on every French HTML page (``typography.french_html``): templates,
    messages and data alike, so that no page depends on each template remembering a filter.

    Last in ``MIDDLEWARE``: it sees the response before any middleware that measures it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        language = getattr(request, "LANGUAGE_CODE", "") or ""
        if (
            language.startswith("fr")
            and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and not response.has_header("Content-Encoding")
        ):
            charset = response.charset or "utf-8"
            response.content = french_html(response.content.decode(charset)).encode(charset)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response
