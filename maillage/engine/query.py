"""What a search asks for, validated into QueryErrors that name the field."""

import math
from dataclasses import dataclass, field
from datetime import date

from maillage.engine.errors import QueryError

MAX_QUERY_CHARS = 1000
MAX_RADIUS_KM = 1500.0  # mainland France fits in 1,000 km; overseas is searched by department
MAX_PAGE_SIZE = 200
MAX_PAGE = 500


@dataclass(frozen=True)
class EquipmentConstraint:
    """A machine type, optionally with bounds on one of its specifications.

    Values are in the unit the taxonomy declares for the specification (press force in tf):
    ``EquipmentConstraint("equip.press", "force", minimum=300)`` is "a press of 300 t or more".
    """

    node_code: str
    spec: str | None = None
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class Location:
    lat: float
    lon: float
    radius_km: float | None = None  # a hard limit
    decay_km: float | None = None  # no limit, nearer ranks higher (half weight at ~0.7 × decay_km)
    label: str = ""  # "Haguenau", for the explanations


@dataclass
class SearchQuery:
    text: str = ""
    capabilities: list[str] = field(default_factory=list)  # a parent matches its subtree
    wished_capabilities: list[str] = field(default_factory=list)  # ranked like capabilities, never required
    certifications: list[str] = field(default_factory=list)  # valid at certification_date
    certification_date: date | None = None  # default: today
    equipment: list[EquipmentConstraint] = field(default_factory=list)
    headcount_min: int | None = None
    headcount_max: int | None = None
    naf_codes: list[str] = field(default_factory=list)  # "25.62A" or a prefix such as "25.6"
    departments: list[str] = field(default_factory=list)
    networks: list[str] = field(default_factory=list)
    exclude_doc_keys: list[str] = field(default_factory=list)
    exclude_capabilities: list[str] = field(default_factory=list)
    # Only these documents: a territory (a network's, read by the Django side) as a place.
    territory_doc_keys: list[str] | None = None
    location: Location | None = None
    # strict: every structured requirement must hold; otherwise they rank by coverage.
    strict: bool = True
    confirmed_only: bool = False
    # Capability requirements met on evidence only (declared, proposed by the network, named in
    # the description): a claim inferred from the NAF code alone does not meet one. Filter only.
    evidenced_only: bool = False
    page: int = 1
    page_size: int = 20
    facets: bool = False
    # Correct a word absent from the index to a close indexed one (« anodistion »); False
    # searches the text as typed (the unknown word is then ignored, and reported).
    correct_typos: bool = True
    # When no result meets every requirement, answer the closest ones (relax.py): a concept
    # nobody holds widened to its nearest held ancestor, structured requirements ranked by
    # coverage, then the place dropped. Off by default: a need is never sent to a company that
    # misses a requirement. Each step taken is reported (``SearchResults.relaxed``).
    relax: bool = False


def validate(query: SearchQuery, taxonomy) -> None:
    """Raise ``QueryError`` (field, message) at the first invalid part of ``query``."""
    _validate_text(query)
    _validate_codes(query, taxonomy)
    _validate_equipment(query, taxonomy)
    _validate_headcount(query)
    _validate_location(query)
    _validate_page(query)


def _validate_text(query: SearchQuery) -> None:
    text = query.text or ""
    if not isinstance(text, str):
        raise QueryError("text", "le texte de la recherche doit être une chaîne", reason="text_type")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            "text",
            f"recherche trop longue ({len(text)} caractères, {MAX_QUERY_CHARS} au plus)",
            reason="text_too_long",
            n=len(text),
            max=MAX_QUERY_CHARS,
        )
    has_filter = any(
        (
            query.capabilities,
            query.certifications,
            query.equipment,
            query.headcount_min is not None,
            query.headcount_max is not None,
            query.naf_codes,
            query.departments,
            query.networks,
            query.territory_doc_keys is not None,
            query.location is not None and query.location.radius_km is not None,
        )
    )
    if not text.strip() and not has_filter:
        raise QueryError(
            "text", "recherche vide : saisissez un besoin ou choisissez au moins un critère", reason="empty"
        )


def _validate_codes(query: SearchQuery, taxonomy) -> None:
    for field_name, codes, prefix in (
        ("capabilities", query.capabilities, None),
        ("wished_capabilities", query.wished_capabilities, None),
        ("exclude_capabilities", query.exclude_capabilities, None),
        ("certifications", query.certifications, "cert."),
    ):
        for code in codes:
            if code not in taxonomy:
                raise QueryError(
                    field_name,
                    f"code inconnu dans la taxonomie : « {code} »",
                    reason="unknown_code",
                    code=code,
                )
            if prefix and not code.startswith(prefix):
                raise QueryError(
                    field_name,
                    f"« {code} » n'est pas une certification",
                    reason="not_certification",
                    code=code,
                )


def _validate_equipment(query: SearchQuery, taxonomy) -> None:
    for index, constraint in enumerate(query.equipment):
        where = f"equipment[{index}]"
        if constraint.node_code not in taxonomy or not constraint.node_code.startswith("equip."):
            raise QueryError(
                where,
                f"type d'équipement inconnu : « {constraint.node_code} »",
                reason="unknown_equipment",
                code=constraint.node_code,
            )
        if constraint.spec is not None:
            specs = taxonomy.effective_specs(constraint.node_code)
            if constraint.spec not in specs:
                known = ", ".join(sorted(specs)) or "aucune"
                raise QueryError(
                    f"{where}.spec",
                    f"caractéristique « {constraint.spec} » inconnue pour {constraint.node_code} "
                    f"(connues : {known})",
                    reason="unknown_spec",
                    spec=constraint.spec,
                    code=constraint.node_code,
                    known=sorted(specs),
                )
            if constraint.minimum is None and constraint.maximum is None:
                raise QueryError(
                    f"{where}.spec", "une borne minimum ou maximum est attendue", reason="spec_without_bound"
                )
        for bound_name in ("minimum", "maximum"):
            bound = getattr(constraint, bound_name)
            if bound is not None and (not isinstance(bound, int | float) or not math.isfinite(bound)):
                raise QueryError(f"{where}.{bound_name}", "un nombre fini est attendu", reason="not_a_number")


def _validate_headcount(query: SearchQuery) -> None:
    for bound_name in ("headcount_min", "headcount_max"):
        bound = getattr(query, bound_name)
        if bound is not None and (isinstance(bound, bool) or not isinstance(bound, int) or bound < 0):
            raise QueryError(bound_name, "un effectif entier positif est attendu", reason="headcount_invalid")
    if (
        query.headcount_min is not None
        and query.headcount_max is not None
        and query.headcount_min > query.headcount_max
    ):
        raise QueryError(
            "headcount_max", "l’effectif maximum est inférieur au minimum", reason="headcount_order"
        )


def _validate_location(query: SearchQuery) -> None:
    location = query.location
    if location is None:
        return
    for name, value, low, high in (("lat", location.lat, -90, 90), ("lon", location.lon, -180, 180)):
        if not isinstance(value, int | float) or not math.isfinite(value) or not low <= value <= high:
            raise QueryError(
                f"location.{name}", f"coordonnée invalide : {value!r}", reason="coordinate", value=value
            )
    for name in ("radius_km", "decay_km"):
        value = getattr(location, name)
        if value is None:
            continue
        if not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
            raise QueryError(
                name, f"distance positive attendue (reçu {value!r})", reason="distance_invalid", value=value
            )
        if value > MAX_RADIUS_KM:
            raise QueryError(
                name,
                f"distance trop grande ({value:g} km, {MAX_RADIUS_KM:g} km au plus)",
                reason="distance_too_large",
                value=value,
                max=MAX_RADIUS_KM,
            )


def _validate_page(query: SearchQuery) -> None:
    if isinstance(query.page, bool) or not isinstance(query.page, int) or not 1 <= query.page <= MAX_PAGE:
        raise QueryError("page", f"numéro de page entre 1 et {MAX_PAGE} attendu", reason="page", max=MAX_PAGE)
    if (
        isinstance(query.page_size, bool)
        or not isinstance(query.page_size, int)
        or not 1 <= query.page_size <= MAX_PAGE_SIZE
    ):
        raise QueryError(
            "page_size",
            f"taille de page entre 1 et {MAX_PAGE_SIZE} attendue",
            reason="page_size",
            max=MAX_PAGE_SIZE,
        )
