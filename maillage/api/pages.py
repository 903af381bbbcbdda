"""The API's two pages for people: the landing page ``/api/v1/`` and the interactive docs.

Both are server-rendered in the site's layout (French, or English by the interface language).
They live here rather than under ``maillage/www/`` because they read the API's own bounds and
routes, and ``www`` and ``api`` are independent layers.

The interactive docs are Swagger UI from django-ninja's own static files (``ninja`` is an
installed app for that; docs/decisions/0011): no CDN, no inline script — the settings travel
in a ``json_script`` block and ``static/js/api-docs.js`` starts Swagger UI, so the page runs
under the site's Content-Security-Policy.
"""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from ninja.openapi.docs import Swagger

from maillage.api import relations
from maillage.emails import absolute_url
from maillage.engine.query import MAX_QUERY_CHARS
from maillage.matching.search import DEFAULT_LIMIT, MAX_LIMIT, MAX_PLACE_CHARS

NAMESPACE = "api-v1"

# Every operation of the schema, as the landing page presents it (a test checks none is missing).
OPERATIONS = [
    {
        "method": "GET",
        "path": "search",
        "title": _("Chercher des établissements"),
        "text": _(
            "Les établissements capables de répondre à un besoin écrit en français ou en anglais, "
            "avec savoir-faire et certifications exigés, lieu et rayon ; chaque résultat dit "
            "pourquoi il est proposé. Champs publics des fiches seulement, les mêmes pour tous."
        ),
    },
    {
        "method": "GET",
        "path": "relations",
        "title": _("Lister les relations fournisseur–client"),
        "text": _(
            "Qui travaille pour qui : les relations que vous avez le droit de voir, filtrées par "
            "réseau ou par niveau de confidentialité, page par page ; le montant exact seulement "
            "quand vous pouvez le voir."
        ),
    },
]


# The bounds a request must keep (beyond them: 422 naming the parameter), as the API enforces them.
LIMITS = {
    "q_chars": MAX_QUERY_CHARS,
    "near_chars": MAX_PLACE_CHARS,
    "search_max": MAX_LIMIT,
    "search_default": DEFAULT_LIMIT,
    "relations_max": relations.MAX_LIMIT,
    "relations_default": relations.DEFAULT_LIMIT,
    "offset_max": relations.MAX_OFFSET,
}


# A GET-only page: any other method answers 405 (in JSON, as every /api/ error), not a CSRF 403.
@csrf_exempt
@require_safe
def home(request):
    base = reverse(f"{NAMESPACE}:api-root")
    return render(
        request,
        "api/home.html",
        {
            "operations": [{**operation, "url": base + operation["path"]} for operation in OPERATIONS],
            "limits": LIMITS,
            "docs_url": reverse(f"{NAMESPACE}:openapi-view"),
            "openapi_url": reverse(f"{NAMESPACE}:openapi-json"),
            "example_url": absolute_url(base + "search"),
        },
    )


def docs_view(view):
    """ninja's ``docs_decorator``: the schema and the docs page answer GET and HEAD only."""
    return csrf_exempt(require_safe(view))


class SwaggerDocs(Swagger):
    """Swagger UI in the site's layout, from our own origin, with no call to a third party."""

    template = "api/docs.html"
    default_settings = {
        **Swagger.default_settings,
        # Swagger UI would ask validator.swagger.io about the schema: no third party at run time.
        "validatorUrl": None,
        # Read-only API: "Try it out" sends GETs only.
        "supportedSubmitMethods": ["get"],
        # A deep link is an <a> inside each operation's toggle button: a nested control that
        # screen readers cannot reach (axe "nested-interactive"). Accessibility first.
        "deepLinking": False,
    }

    def render_page(self, request, api, **kwargs):
        swagger_settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        return render(
            request,
            self.template,
            {
                "swagger_settings": swagger_settings,
                "home_url": reverse(f"{NAMESPACE}:api-root"),
                "openapi_url": swagger_settings["url"],
            },
        )
