"""``GET /api/v1/relations``: supply relations as the asker may see them.

Unlike the search, the answer depends on who asks (the session's user; anonymous callers get
public relations): the list comes from ``relations_visible`` and the exact amount only when
``displayed_amount`` allows it, exactly as on the pages and exports.
"""

from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema

from maillage.api.errors import documented_errors
from maillage.directory.models import Network
from maillage.relations.models import Confidentiality
from maillage.relations.selectors import displayed_amount, relations_visible

router = Router(tags=["relations"])
DEFAULT_LIMIT = 100
MAX_LIMIT = 500
# Far below the 64-bit integers the databases take for OFFSET (2**63 answered 500).
MAX_OFFSET = 1_000_000_000


class PartyOut(Schema):
    identifier: str = Field(
        description=str(_("SIRET, ou SIREN, ou autre identifiant ; vide s’il est inconnu."))
    )
    name: str = Field(description=str(_("Nom de l’entreprise, tel que déclaré.")))
    country: str = Field(description=str(_("Pays, code ISO 3166 à deux lettres (FR).")))


class RelationOut(Schema):
    id: int = Field(description=str(_("Identifiant de la relation.")))
    supplier: PartyOut = Field(description=str(_("Le fournisseur (qui vend).")))
    client: PartyOut = Field(description=str(_("Le client (qui achète).")))
    category: str = Field(
        description=str(_("Catégorie : savoir-faire de la taxonomie, ou code CPV, ou texte."))
    )
    cpv: str | None = Field(description=str(_("Code CPV de la commande publique, s’il est connu.")))
    volume_band: str = Field(description=str(_("Tranche de volume annuel déclarée (vide si inconnue).")))
    amount: Decimal | None = Field(
        description=str(_("Montant exact, seulement si vous avez le droit de le voir ; sinon null."))
    )
    amount_year: int | None = Field(
        description=str(_("Année du montant (null quand le montant n’est pas montré)."))
    )
    since: int | None = Field(description=str(_("Année de début de la relation, si elle est connue.")))
    source: str = Field(
        description=str(
            _("Origine : supplier, client (déclarée par une partie), procurement (DECP) ou animator.")
        )
    )
    confidentiality: str = Field(
        description=str(_("Qui peut la voir : public, network, animators ou parties."))
    )
    status: str = Field(
        description=str(_("État : pending (à confirmer par l’autre partie), confirmed ou disputed."))
    )


class RelationsOut(Schema):
    total: int = Field(description=str(_("Nombre total de relations visibles qui répondent aux filtres.")))
    results: list[RelationOut] = Field(
        description=str(_("La page demandée (limit, offset), par identifiant croissant."))
    )


class RelationParams(Schema):
    network: str | None = Field(
        None, description=str(_("Identifiant (slug) d’un réseau : ses adhérents seulement."))
    )
    confidentiality: Confidentiality | None = Field(
        None,
        description=str(_("Seulement les relations de ce niveau (parmi celles que vous pouvez voir).")),
    )
    limit: int = Field(
        DEFAULT_LIMIT,
        ge=1,
        le=MAX_LIMIT,
        description=str(_("Nombre de relations par page, de 1 à %(max)d.") % {"max": MAX_LIMIT}),
    )
    offset: int = Field(
        0,
        ge=0,
        le=MAX_OFFSET,
        description=str(_("Nombre de relations à sauter avant la page (0 pour la première).")),
    )


def _party(siret: str, identifier: str, name: str, country: str) -> dict:
    return {"identifier": siret or identifier, "name": name, "country": country}


@router.get(
    "/relations",
    response=RelationsOut,
    url_name="relations",
    openapi_extra=documented_errors(404, 405, 422),
    summary=str(_("Lister les relations fournisseur–client")),
    description=str(
        _(
            "Liste les relations « qui travaille pour qui » que la personne qui demande a le droit de "
            "voir : les relations publiques sans connexion ; avec la session du site, aussi celles de "
            "ses réseaux et de son entreprise, comme sur les pages. Le montant exact n’est donné "
            "qu’à qui peut le voir. Un réseau inconnu reçoit une réponse 404."
        )
    ),
)
def relations(request, params: Query[RelationParams]):
    network = get_object_or_404(Network, slug=params.network) if params.network else None
    visible = relations_visible(request.user, network=network).order_by("pk")
    if params.confidentiality:
        visible = visible.filter(confidentiality=params.confidentiality)
    page = visible[params.offset : params.offset + params.limit]
    results = []
    for relation in page:
        amount = displayed_amount(relation)
        results.append(
            {
                "id": relation.pk,
                "supplier": _party(
                    relation.supplier.siret if relation.supplier_id else relation.supplier_siret,
                    relation.supplier_identifier,
                    relation.supplier_label,
                    relation.supplier_country,
                ),
                "client": _party(
                    relation.client.siret if relation.client_id else relation.client_siret,
                    relation.client_siren,
                    relation.client_label,
                    relation.client_country,
                ),
                "category": relation.category_label,
                "cpv": relation.cpv_id,
                "volume_band": relation.volume_band,
                "amount": amount,
                "amount_year": relation.amount_year if amount is not None else None,
                "since": relation.since,
                "source": relation.source,
                "confidentiality": relation.confidentiality,
                "status": relation.status,
            }
        )
    return {"total": visible.count(), "results": results}
