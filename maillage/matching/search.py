"""One search as the CLI and the API ask it: resolve the place, build the query, run, shape.

Errors are ``SearchQueryError(field, message)`` (the one application error) whose ``field``
is the *parameter name* the caller typed (``q``, ``near``, ``radius_km``, ``capability``,
``certification``, ``limit``), so the command line and the API can name it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from maillage.directory.models import Network
from maillage.directory.selectors import network_territory_establishments
from maillage.engine import Location, QueryError, SearchQuery, SearchResults
from maillage.engine.query import MAX_QUERY_CHARS
from maillage.engine.text import fold, tokenize
from maillage.matching.errors import SearchQueryError
from maillage.matching.index import IndexMissingError, searcher
from maillage.matching.places import PlaceReading, place_extract
from maillage.referential.selectors import CommuneResolution, commune_resolve
from maillage.taxonomy.labels import node_label

DEFAULT_LIMIT = 10
MAX_LIMIT = 100
# Without a radius, a place ranks nearer suppliers higher (half weight at ~20 km) but drops none.
DEFAULT_DECAY_KM = 30.0
# A text that is only a place (« Haguenau ») lists the suppliers there: a radius, not a decay.
PLACE_ONLY_RADIUS_KM = 30.0
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
    # Read a place written in ``q`` (« près de Haguenau ») when ``near`` is not given.
    read_place: bool = True
    # Search the words as typed: no spelling correction (« anodistion » stays unknown).
    as_typed: bool = False
    # Whose territory « sur notre territoire » means (None: that phrase is not read).
    network: Network | None = None
    # When nobody meets every requirement, answer the closest (engine/relax.py), said so.
    relax: bool = True


@dataclass(frozen=True)
class SearchPlan:
    """The engine's query, and the place read in the text (shown as understood, undoable)."""

    query: SearchQuery
    place: PlaceReading | None = None


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
                "near", _("la commune %(name)s n’a pas de coordonnées") % {"name": commune.name}
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


def _is_vocabulary(word: str) -> bool:
    """A word of the capability taxonomy (« forges », « dure ») or filler: never a commune."""
    try:
        engine = searcher()
    except IndexMissingError:  # no index: nothing to protect, the search itself fails next
        return False
    analyzer, folded = engine.taxonomy.analyzer, fold(word)
    if folded in analyzer.stop_words or folded in analyzer.query_noise:
        return True
    return any(analyzer.stem(token) in engine.taxonomy_stems for token in tokenize(word))


def search_query(request: SearchRequest, *, resolution: CommuneResolution | None = None) -> SearchQuery:
    """Validate what the engine does not know about (place, limit) and build its query."""
    return search_plan(request, resolution=resolution).query


def search_plan(request: SearchRequest, *, resolution: CommuneResolution | None = None) -> SearchPlan:
    """The engine's query; without ``near``, a place written in ``q`` becomes the location."""
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
    text, departments, reading, territory = request.q or "", [], None, None
    if not request.near and request.read_place and text.strip():
        reading = place_extract(text, is_vocabulary=_is_vocabulary, network=request.network)
    if reading is not None:
        text = reading.text
        if reading.network:
            territory = list(
                network_territory_establishments(request.network).values_list("siret", flat=True)
            )
        elif reading.department:
            departments = [reading.department]
        else:
            written = reading.radius_km
            if written is None and not text.strip() and not request.capability and not request.certification:
                written = PLACE_ONLY_RADIUS_KM
            location = Location(
                reading.lat,
                reading.lon,
                radius_km=written,
                decay_km=None if written is not None else DEFAULT_DECAY_KM,
                label=reading.label,
            )
            reading = PlaceReading(**{**reading.__dict__, "radius_km": written})
    query = SearchQuery(
        text=text,
        capabilities=list(request.capability),
        certifications=list(request.certification),
        departments=departments,
        territory_doc_keys=territory,
        location=location,
        page_size=limit,
        correct_typos=not request.as_typed,
        relax=request.relax,
    )
    return SearchPlan(query, reading)


def network_meant(slug: str | None = None) -> Network | None:
    """The network whose territory « sur notre territoire » means for a caller without a page
    or an account (API, command line): the one named by ``slug``, else the platform's network
    when it holds only one; None when several could be meant (the phrase is then not read)."""
    if slug:
        return Network.objects.filter(slug=slug).first()
    networks = list(Network.objects.all()[:2])
    return networks[0] if len(networks) == 1 else None


def search_run_with_place(request: SearchRequest) -> tuple[SearchResults, PlaceReading | None]:
    """The results, and the place read in ``q`` (None when ``near`` was given or none was written)."""
    plan = search_plan(request)
    try:
        return searcher().search(plan.query), plan.place
    except QueryError as error:
        raise search_query_error(error) from error


# The engine's refusals (``QueryError.reason``) in the reader's language; its own French
# ``message`` stays for a reason not listed here.
QUERY_ERROR_WORDS = {
    "text_type": lambda f: _("le texte de la recherche doit être une chaîne"),
    "text_too_long": lambda f: _("recherche trop longue (%(n)d caractères, %(max)d au plus)") % f,
    "empty": lambda f: _("recherche vide : saisissez un besoin ou choisissez au moins un critère"),
    "unknown_code": lambda f: _("code inconnu de la taxonomie « %(code)s »") % f,
    "not_certification": lambda f: _("« %(code)s » n’est pas une certification") % f,
    "unknown_equipment": lambda f: _("type d’équipement inconnu : « %(code)s »") % f,
    "unknown_spec": lambda f: (
        _("caractéristique « %(spec)s » inconnue pour ce type d’équipement (connues : %(known)s)")
        % {**f, "known": ", ".join(f["known"]) or "—"}
    ),
    "spec_without_bound": lambda f: _("une borne minimum ou maximum est attendue"),
    "not_a_number": lambda f: _("un nombre fini est attendu"),
    "headcount_invalid": lambda f: _("un effectif entier positif est attendu"),
    "headcount_order": lambda f: _("l’effectif maximum est inférieur au minimum"),
    "coordinate": lambda f: _("coordonnée invalide : %(value)s") % f,
    "distance_invalid": lambda f: _("distance positive attendue (reçu %(value)s)") % f,
    "distance_too_large": lambda f: (
        _("distance trop grande (%(value)s km, %(max)s km au plus)")
        % {"value": _figure(f["value"]), "max": _figure(f["max"])}
    ),
    "page": lambda f: _("numéro de page entre 1 et %(max)d attendu") % f,
    "page_size": lambda f: _("taille de page entre 1 et %(max)d attendue") % f,
}


def _figure(value: float) -> str:
    """« 1 500 », "1,500": a figure of an engine's refusal in the active language."""
    return number_format(
        int(value) if float(value).is_integer() else value, use_l10n=True, force_grouping=True
    )


def search_query_error(error: QueryError) -> SearchQueryError:
    """The engine's refusal as the application's error: the caller's parameter name and the
    reason worded in the active language."""
    words = QUERY_ERROR_WORDS.get(error.reason)
    message = words(error.figures) if words else error.message
    return SearchQueryError(PARAMETER_OF.get(error.field, error.field), message)


def search_run(request: SearchRequest) -> SearchResults:
    return search_run_with_place(request)[0]


def place_public(place: PlaceReading | None) -> dict | None:
    if place is None:
        return None
    return {
        "label": place.label,
        "phrase": place.phrase,
        "radius_km": place.radius_km,
        "department": place.department,
        "network": place.network,
        "text": place.text,
    }


def taxonomy_label(code: str) -> str:
    """A taxonomy node's label in the active language (French unless English is active)."""
    node = searcher().taxonomy.nodes.get(code)
    if node is None:
        return code
    return node_label(node)


def lacking_labels(lacking: list[dict]) -> list[str]:
    """What a result lacks, in words: « anodisation dure », « certification EN 9100 », « « panels » »."""
    labels = []
    for item in lacking:
        if item["kind"] == "word":
            labels.append(_("« %(word)s »") % {"word": item["word"]})
        elif item["kind"] == "certification":
            labels.append(_("certification %(label)s") % {"label": taxonomy_label(item["code"])})
        else:
            label = taxonomy_label(item["code"])
            labels.append(label[:1].lower() + label[1:] if label[1:2].islower() else label)
    return labels


def relaxed_messages(results: SearchResults) -> list[str]:
    """How the search was widened when nobody met every requirement, one sentence a step."""
    messages = []
    for step in results.relaxed:
        if step["kind"] == "broader":
            messages.append(
                _(
                    "Aucune entreprise ne déclare « %(asked)s » : recherche élargie à « %(used)s » "
                    "pour trouver les plus proches."
                )
                % {"asked": taxonomy_label(step["asked"]), "used": taxonomy_label(step["used"])}
            )
        elif step["kind"] == "requirements":
            messages.append(
                _(
                    "Aucune entreprise ne remplit tous les critères choisis : elles sont classées "
                    "selon le nombre de critères remplis."
                )
            )
        elif step["radius_km"]:
            km = step["radius_km"]
            messages.append(
                _(
                    "Aucune entreprise ne répond à tout dans le rayon de %(km)s km : "
                    "la recherche va au-delà, les plus proches d’abord."
                )
                % {"km": _figure(km)}
            )
        elif step["territory"]:
            messages.append(
                _("Aucune entreprise ne répond à tout sur le territoire du réseau : la recherche va au-delà.")
            )
        else:
            messages.append(
                _("Aucune entreprise ne répond à tout dans ce département : la recherche va au-delà.")
            )
    return messages


def results_public(results: SearchResults, place: PlaceReading | None = None) -> dict:
    """The public shape shared by ``maillage search --json`` and ``GET /api/v1/search``."""
    plan = results.interpretation
    return {
        "total": int(results.total),
        "complete_total": int(results.complete_total),
        "place": place_public(place),
        "corrections": [{"written": k, "corrected": v} for k, v in plan.corrections.items()],
        "unknown_words": list(plan.unknown),
        "suggestions": [{"written": k, "suggested": v} for k, v in plan.suggestions.items()],
        "relaxed": [
            {**step, "message": message}
            for step, message in zip(results.relaxed, relaxed_messages(results), strict=True)
        ],
        "results": [
            {
                "siret": hit.doc_key,
                "name": hit.name,
                "score": round(float(hit.score), 4),
                "distance_km": None if hit.distance_km is None else round(float(hit.distance_km), 1),
                "explanation": hit.explanation,
                "complete": bool(hit.complete),
                "lacking": [
                    {
                        "kind": item["kind"],
                        "code": item.get("code"),
                        "word": item.get("word"),
                        "label": label,
                    }
                    for item, label in zip(hit.lacking, lacking_labels(hit.lacking), strict=True)
                ],
            }
            for hit in results.hits
        ],
    }
