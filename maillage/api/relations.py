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
MAX_LIMIT = 500
# Far below the 64-bit integers the databases take for OFFSET (2**63 answered 500).
MAX_OFFSET = 1_000_000_000


class PartyOut(Schema):
    identifier: str = Field(
        description=str(_("SIRET, ou SIREN, ou autre identifiant ; vide s'il est inconnu."))
    )
    name: str
    country: str


class RelationOut(Schema):
    id: int
    supplier: PartyOut
    client: PartyOut
    category: str = Field(
        description=str(_("Catégorie : savoir-faire de la taxonomie, ou code CPV, ou texte."))
    )
    cpv: str | None
    volume_band: str = Field(description=str(_("Tranche de volume annuel déclarée (vide si inconnue).")))
    amount: Decimal | None = Field(
        description=str(_("Montant exact, seulement si vous avez le droit de le voir ; sinon null."))
    )
    amount_year: int | None
    since: int | None
    source: str
    confidentiality: str
    status: str


class RelationsOut(Schema):
    total: int
    results: list[RelationOut]


class RelationParams(Schema):
    network: str | None = Field(
        None, description=str(_("Identifiant (slug) d'un réseau : ses adhérents seulement."))
    )
    confidentiality: Confidentiality | None = None
    limit: int = Field(100, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


def _party(siret: str, identifier: str, name: str, country: str) -> dict:
    return {"identifier": siret or identifier, "name": name, "country": country}


@router.get(
    "/relations", response=RelationsOut, url_name="relations", openapi_extra=documented_errors(404, 405, 422)
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
