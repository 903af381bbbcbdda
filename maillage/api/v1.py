"""``/api/v1/``: the public, read-only API (django-ninja; schema at ``/api/v1/openapi.json``).

``/api/v1/`` itself is a page for people (``maillage.api.pages.home``, routed before this API
in ``config/urls.py``), and ``/api/v1/docs`` is Swagger UI from our own static files.

Errors name the parameter at fault: a value of the wrong type is refused by ninja (422, its
own ``detail`` list); a value a service refuses (any ``MaillageError``: unknown place or code,
absurd radius, empty request…) gets the same shape from one handler,
``{"detail": [{"loc": ["query", "near"], "msg": "…", "type": "value_error"}]}``.
"""

from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI

from maillage.api.pages import SwaggerDocs, docs_view
from maillage.api.relations import router as relations_router
from maillage.api.search import router as search_router
from maillage.errors import MaillageError
from maillage.matching.index import IndexMissingError

api = NinjaAPI(
    title="Maillage",
    version="1",
    description=str(
        _(
            "API publique de Maillage : recherche des établissements industriels capables de "
            "répondre à un besoin (savoir-faire, certifications, équipements, proximité), et "
            "relations fournisseur–client selon les droits de qui demande."
        )
    ),
    urls_namespace="api-v1",
    docs=SwaggerDocs(),
    docs_decorator=docs_view,
    openapi_extra={
        "tags": [
            {
                "name": "recherche",
                "description": str(_("Trouver les établissements capables de répondre à un besoin.")),
            },
            {
                "name": "relations",
                "description": str(_("Qui travaille pour qui, selon les droits de qui demande.")),
            },
        ]
    },
)
api.add_router("/", search_router)
api.add_router("/", relations_router)


@api.exception_handler(MaillageError)
def refused(request, error: MaillageError):
    """Every service refusal, in ninja's own 422 shape: the field is a query parameter of a GET,
    a member of the body otherwise."""
    where = "query" if request.method in ("GET", "HEAD") else "body"
    return api.create_response(
        request,
        {"detail": [{"loc": [where, error.field], "msg": error.message, "type": "value_error"}]},
        status=422,
    )


@api.exception_handler(IndexMissingError)
def index_missing(request, error: IndexMissingError):
    return api.create_response(
        request, {"detail": str(_("L’index de recherche n’est pas encore construit."))}, status=503
    )
