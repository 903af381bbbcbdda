"""The API's errors: JSON whatever goes wrong, and documented in the OpenAPI schema.

Ninja answers its own errors in JSON (422 for a parameter, 404 for ``Http404`` raised in an
operation), but three answers on ``/api/`` paths come from Django itself: an unknown path
(404, ``maillage.www.errors.not_found``), a known path with the wrong method (405, an empty
``text/html`` body) and an exception (500, the site's HTML page when ``DEBUG`` is false).
``JsonErrorsMiddleware`` turns any such non-JSON error into ``{"detail": "<reason>"}``
without touching its status or headers (``Allow`` stays on a 405), so a client always parses.
"""

from __future__ import annotations

import json
from http import HTTPStatus

from django.utils.translation import gettext_lazy as _

API_PREFIX = "/api/"


class JsonErrorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
            and not getattr(response, "streaming", False)
        ):
            try:
                reason = HTTPStatus(response.status_code).phrase
            except ValueError:
                reason = response.reason_phrase
            response.content = json.dumps({"detail": reason}).encode()
            response["Content-Type"] = "application/json"
        return response


def _error(description, detail_schema: dict) -> dict:
    return {
        "description": str(description),
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {"detail": detail_schema},
                    "required": ["detail"],
                }
            }
        },
    }


_MESSAGE = {"type": "string"}
_PARAMETER_ERRORS = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "loc": {"type": "array", "items": {"type": "string"}},
            "msg": {"type": "string"},
            "type": {"type": "string"},
        },
    },
}
ERRORS = {
    404: _error(_("Ressource introuvable (chemin inconnu, ou réseau inconnu)."), _MESSAGE),
    405: _error(_("Méthode non autorisée : l’API ne se lit qu’en GET."), _MESSAGE),
    422: _error(
        _("Paramètre invalide : « loc » nomme le paramètre en cause, « msg » dit pourquoi."),
        _PARAMETER_ERRORS,
    ),
    503: _error(_("L’index de recherche n’est pas encore construit."), _MESSAGE),
}


def documented_errors(*codes: int) -> dict:
    """``openapi_extra`` of an operation: the errors it may answer, with their JSON shape."""
    return {"responses": {code: ERRORS[code] for code in codes}}
