"""``GET /api/v1/search``: the same search as ``maillage search``, public fields only."""

from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema

from maillage.api.errors import documented_errors
from maillage.matching.places import mentions_territory
from maillage.matching.search import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    SearchRequest,
    network_meant,
    results_public,
    search_run_with_place,
)

router = Router(tags=["recherche"])


class SearchLackOut(Schema):
    kind: str = Field(description=str(_("capability, certification, equipment ou word (un mot du texte).")))
    code: str | None = Field(description=str(_("Code de la taxonomie (absent pour un mot).")))
    word: str | None = Field(description=str(_("Le mot du texte non trouvé (pour kind = word).")))
    label: str = Field(description=str(_("Ce qui manque, en clair.")))


class SearchWordOut(Schema):
    written: str = Field(description=str(_("Le mot tel qu’écrit (sans accents ni majuscules).")))
    corrected: str = Field(description=str(_("Le mot de l’index cherché à sa place.")))


class SearchSuggestionOut(Schema):
    written: str = Field(description=str(_("Le mot tel qu’écrit, absent de toutes les fiches.")))
    suggested: str = Field(
        description=str(_("Un mot proche présent dans l’index (« Vouliez-vous dire… ? »)."))
    )


class SearchRelaxedOut(Schema):
    kind: str = Field(
        description=str(
            _(
                "broader (un savoir-faire que personne ne déclare, cherché par son parent), "
                "requirements (critères classés selon leur nombre remplis) ou place (lieu élargi)."
            )
        )
    )
    message: str = Field(description=str(_("Ce qui a été élargi, en clair.")))
    asked: str | None = Field(None, description=str(_("broader : le code demandé.")))
    used: str | None = Field(None, description=str(_("broader : le code plus large cherché.")))
    radius_km: float | None = Field(None, description=str(_("place : le rayon demandé, dépassé.")))
    departments: list[str] | None = Field(
        None, description=str(_("place : les départements demandés, dépassés."))
    )
    territory: bool | None = Field(
        None, description=str(_("place : vrai si le territoire du réseau est dépassé."))
    )


class SearchHitOut(Schema):
    siret: str = Field(description=str(_("SIRET de l’établissement (14 chiffres).")))
    name: str = Field(description=str(_("Nom de l’établissement (enseigne ou dénomination).")))
    score: float = Field(description=str(_("Pertinence, de 0 à 1 : plus haut est meilleur.")))
    distance_km: float | None = Field(
        description=str(_("Distance au lieu demandé, en kilomètres (absente sans lieu)."))
    )
    explanation: str = Field(
        description=str(_("Pourquoi ce résultat : ce qui correspond à la demande, et à quelle distance."))
    )
    complete: bool = Field(
        description=str(
            _(
                "Vrai si l’établissement répond à toute la demande : chaque savoir-faire, matière ou "
                "certification nommé, chaque critère choisi, et, si le texte ne nomme aucun savoir-faire, "
                "chacun de ses mots. Les résultats complets viennent en premier."
            )
        )
    )
    lacking: list[SearchLackOut] = Field(
        description=str(_("Ce qui lui manque de la demande (vide s’il est complet)."))
    )


class SearchPlaceOut(Schema):
    label: str = Field(description=str(_("Le lieu compris (« Haguenau (67) », « Bas-Rhin (67) »).")))
    phrase: str = Field(description=str(_("Les mots du texte lus comme un lieu, retirés de la recherche.")))
    radius_km: float | None = Field(description=str(_("Rayon écrit dans le texte (« à 30 km de »), en km.")))
    department: str | None = Field(description=str(_("Code du département, quand le lieu en est un.")))
    network: str | None = Field(
        description=str(
            _("Identifiant du réseau, quand le lieu est son territoire (« sur notre territoire »).")
        )
    )
    text: str = Field(description=str(_("Le texte cherché, sans le lieu.")))


class SearchOut(Schema):
    total: int = Field(description=str(_("Nombre total d’établissements qui répondent.")))
    complete_total: int = Field(
        description=str(_("Combien répondent à toute la demande (ils viennent en premier)."))
    )
    corrections: list[SearchWordOut] = Field(
        description=str(_("Les mots corrigés (« anodistion » → « anodisation »)."))
    )
    unknown_words: list[str] = Field(
        description=str(_("Les mots absents de toutes les fiches et non corrigés : ignorés."))
    )
    suggestions: list[SearchSuggestionOut] = Field(description=str(_("Des mots proches des mots ignorés.")))
    relaxed: list[SearchRelaxedOut] = Field(
        description=str(
            _(
                "Quand personne ne répond à tout (et relax est vrai) : comment la recherche a été "
                "élargie pour proposer les plus proches."
            )
        )
    )
    place: SearchPlaceOut | None = Field(
        description=str(
            _("Le lieu lu dans le texte (absent si « near » est donné ou si read_place est faux).")
        )
    )
    results: list[SearchHitOut] = Field(
        description=str(_("Les meilleurs résultats, du plus pertinent au moins pertinent."))
    )


class SearchParams(Schema):
    q: str = Field(
        "",
        description=str(
            _(
                "Le besoin, en français ou en anglais (« anodisation dure près de Haguenau »). "
                "1 000 caractères au plus."
            )
        ),
    )
    near: str | None = Field(
        None,
        description=str(
            _("Lieu : code INSEE (67180), code postal (67500), nom de commune (Haguenau) ou « LAT,LON ».")
        ),
    )
    radius_km: float | None = Field(
        None,
        description=str(
            _(
                "Rayon en kilomètres autour du lieu (0 exclu, 1 500 au plus). "
                "Sans rayon, les plus proches sont favorisés."
            )
        ),
    )
    capability: list[str] = Field(
        [], description=str(_("Code de savoir-faire exigé, répétable (ex. proc.surface.anodising.hard)."))
    )
    certification: list[str] = Field(
        [],
        description=str(
            _("Code de certification exigée et valide aujourd’hui, répétable (ex. cert.en9100).")
        ),
    )
    read_place: bool = Field(
        True,
        description=str(_("Lire un lieu écrit dans le texte (« près de Haguenau ») ; faux pour l’ignorer.")),
    )
    network: str | None = Field(
        None,
        description=str(
            _(
                "Identifiant du réseau dont « sur notre territoire » désigne le territoire ; sans lui, "
                "le seul réseau de la plateforme s’il n’y en a qu’un, sinon la phrase n’est pas lue."
            )
        ),
    )
    relax: bool = Field(
        True,
        description=str(
            _(
                "Quand personne ne répond à tout, proposer les plus proches (recherche élargie, "
                "détaillée dans relaxed) ; faux pour s’en tenir à la demande."
            )
        ),
    )
    as_typed: bool = Field(
        False, description=str(_("Chercher les mots tels qu’écrits, sans corriger l’orthographe."))
    )
    # Bounds checked by search_run (a French message naming the parameter), documented here.
    limit: int = Field(
        DEFAULT_LIMIT,
        description=str(_("Nombre de résultats, de 1 à %(max)d.") % {"max": MAX_LIMIT}),
        json_schema_extra={"minimum": 1, "maximum": MAX_LIMIT},
    )


@router.get(
    "/search",
    response=SearchOut,
    openapi_extra=documented_errors(404, 405, 422, 503),
    summary=str(_("Chercher des établissements")),
    description=str(
        _(
            "Cherche les établissements capables de répondre à un besoin : texte libre, savoir-faire et "
            "certifications exigés, lieu et rayon. Chaque résultat dit pourquoi il est proposé. "
            "Une demande invalide reçoit une réponse 422 qui nomme le paramètre en cause. "
            "Seules les informations publiques des fiches sont renvoyées."
        )
    ),
)
def search(request, params: Query[SearchParams]):
    results, place = search_run_with_place(
        SearchRequest(
            q=params.q,
            near=params.near,
            radius_km=params.radius_km,
            capability=params.capability,
            certification=params.certification,
            limit=params.limit,
            read_place=params.read_place,
            network=network_meant(params.network) if mentions_territory(params.q) else None,
            relax=params.relax,
            as_typed=params.as_typed,
        )
    )
    return results_public(results, place)
