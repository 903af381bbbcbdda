"""One search as the CLI and the API ask it: resolve the place, build the query, run, shape.

Errors are ``SearchQueryError(field, message)`` (the one application error) whose ``field``
is the *parameter name* the caller typed (``q``, ``near``, ``radius_km``, ``capability``,
``certification``, ``limit``), so the command line and the API can name it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from maillage.engine import Location, QueryError, SearchQuery, SearchResults
from maillage.engine.query import MAX_QUERY_CHARS
from maillage.matching.errors import SearchQueryError
from maillage.matching.index import searcher
from maillage.referential.selectors import CommuneResolution, commune_resolve

DEFAULT_LIMIT = 10
MAX_LIMIT = 100
# Without a radius, a place ranks nearer suppliers higher (half weight at ~20 km) but drops none.
DEFAULT_DECAY_KM = 30.0
MAX_PLACE_CHARS = 200
_LAT_LON = re.compile(r"\s*(-?\d+(?:[.,]\d+)?)\s*[,;\s]\s*(-?\d+(?:[.,]\d+)?)\s*")

# Engine field → the parameter the caller typed.
PARAMETER_OF = {
    "text": "q",
    "capabilities": "capability",
    "exclude_capabilities": "capability",
    "certifications": "certification",
    "radius_km": "radius_km",
    "decay_km": "radius_km",
    "location.lat": "near",
    "location.lon": "near",
    "page_size": "limit",
    "page": "limit",
}


@dataclass
class SearchRequest:
    q: str = ""
    near: str | None = None
    radius_km: float | None = None
    capability: list[str] = field(default_factory=list)
    certification: list[str] = field(default_factory=list)
    limit: int = DEFAULT_LIMIT


@dataclass(frozen=True)
class Place:
    lat: float
    lon: float
    label: str


def place_resolve(text: str, *, resolution: CommuneResolution | None = None) -> Place:
    """An INSEE code, a postal code, a commune name (« Haguenau », « Saint-Denis (93) ») or LAT,LON.

    ``resolution``: ``commune_resolve(text)`` when the caller already has it (the search page
    also lists an ambiguous name's candidates), to read the communes once.
    """
    text = (text or "").strip()
    if not text:
        raise SearchQueryError("near", _("lieu vide"))
    if len(text) > MAX_PLACE_CHARS:
        raise SearchQueryError("near", _("lieu trop long (%(n)d caractères)") % {"n": len(text)})
    if match := _LAT_LON.fullmatch(text):
        lat, lon = (float(value.replace(",", ".")) for value in match.groups())
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise SearchQueryError(
                "near", _("coordonnées invalides : « %(text)s » (LAT,LON attendu)") % {"text": text}
            )
        return Place(lat, lon, f"{lat:.4f}, {lon:.4f}")
    if resolution is None:
        resolution = commune_resolve(text)
    if resolution.commune is not None:
        commune = resolution.commune
        if commune.latitude is None or commune.longitude is None:
            raise SearchQueryError(
                "near", _("la commune %(name)s n'a pas de coordonnées") % {"name": commune.name}
            )
        return Place(commune.latitude, commune.longitude, commune.name)
    if resolution.is_ambiguous:
        candidates = "; ".join(
            f"{c.name} ({c.department_id or '?'}, INSEE {c.insee_code})" for c in resolution.candidates[:10]
        )
        more = len(resolution.candidates) - 10
        suffix = _(" et %(n)d autres") % {"n": more} if more > 0 else ""
        raise SearchQueryError(
            "near",
            _(
                "lieu ambigu « %(text)s » : %(candidates)s%(suffix)s — "
                "précisez le code INSEE ou le département"
            )
            % {"text": text, "candidates": candidates, "suffix": suffix},
        )
    raise SearchQueryError(
        "near",
        _("lieu inconnu : « %(text)s » (commune, code postal, code INSEE ou LAT,LON)") % {"text": text},
    )


def search_query(request: SearchRequest, *, resolution: CommuneResolution | None = None) -> SearchQuery:
    """Validate what the engine does not know about (place, limit) and build its query."""
    if len(request.q or "") > MAX_QUERY_CHARS:
        raise SearchQueryError(
            "q",
            _("recherche trop longue (%(n)d caractères, %(max)d au plus)")
            % {"n": len(request.q), "max": MAX_QUERY_CHARS},
        )
    limit = request.limit
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise SearchQueryError(
            "limit", _("nombre de résultats entre 1 et %(max)d attendu") % {"max": MAX_LIMIT}
        )
    radius = request.radius_km
    if radius is not None and (not math.isfinite(radius) or radius <= 0):
        raise SearchQueryError(
            "radius_km", _("rayon positif attendu, en kilomètres (reçu %(value)s)") % {"value": radius}
        )
    location = None
    if request.near:
        place = place_resolve(request.near, resolution=resolution)
        location = Location(
            place.lat,
            place.lon,
            radius_km=radius,
            decay_km=None if radius is not None else DEFAULT_DECAY_KM,
            label=place.label,
        )
    elif radius is not None:
        raise SearchQueryError("near", _("un rayon demande un lieu (paramètre near)"))
    return SearchQuery(
        text=request.q or "",
        capabilities=list(request.capability),
        certifications=list(request.certification),
        location=location,
        page_size=limit,
    )


def search_run(request: SearchRequest) -> SearchResults:
    query = search_query(request)
    try:
        return searcher().search(query)
    except QueryError as error:
        raise SearchQueryError(PARAMETER_OF.get(error.field, error.field), error.message) from error


def results_public(results: SearchResults) -> dict:
    """The public shape shared by ``maillage search --json`` and ``GET /api/v1/search``."""
    return {
        "total": int(results.total),
        "results": [
            {
                "siret": hit.doc_key,
                "name": hit.name,
                "score": round(float(hit.score), 4),
                "distance_km": None if hit.distance_km is None else round(float(hit.distance_km), 1),
                "explanation": hit.explanation,
            }
            for hit in results.hits
        ],
    }
