"""Writes of supply relations: declare, confirm, dispute, change confidentiality — with history.

Each service checks that its actor may act and raises ``PermissionDenied`` otherwise, so views,
commands and the API share one set of rules:
- a supplier's users declare relations as supplier, a client's users as client, the animators
  of a network of which either party is a current member (or a platform administrator) as
  animator, on that member's behalf;
- the other side confirms or disputes; for a relation an animator declared, either party does;
- a party narrows or widens the confidentiality of its relation; an animator may only narrow it.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.permissions import (
    _is_active_user,
    can_animate_network,
    is_establishment_user,
    is_platform_admin,
)
from maillage.directory.models import Establishment, Network
from maillage.engine.graph.model import LEVELS
from maillage.relations.errors import RelationError
from maillage.relations.models import (
    Confidentiality,
    PurchaseLine,
    RelationEvent,
    RelationSource,
    RelationStatus,
    SupplierMatchReview,
    SupplyRelation,
    VolumeBand,
    band_of,
)
from maillage.relations.selectors import can_answer, is_party_user, members_spoken_for


def _animates_either(user, *establishments: Establishment | None) -> bool:
    if not _is_active_user(user):
        return False
    if user.is_superuser:
        return True
    ids = [e.pk for e in establishments if e is not None]
    return Network.objects.filter(animators=user, memberships__establishment_id__in=ids).exists()


def _speaks_for_a_member(user, *establishments: Establishment | None) -> bool:
    """An animator declares on behalf of one of ``members_spoken_for`` (either party)."""
    ids = [e.pk for e in establishments if e is not None]
    return members_spoken_for(user).filter(pk__in=ids).exists()


@transaction.atomic
def relation_declare(
    *,
    actor,
    side: str,
    supplier: Establishment | None,
    client: Establishment | None = None,
    client_siren: str = "",
    client_name: str = "",
    client_country: str = "FR",
    category_node=None,
    cpv=None,
    category_text: str = "",
    volume_band: str = VolumeBand.UNKNOWN,
    since: int | None = None,
    confidentiality: str = Confidentiality.PARTIES,
    comment: str = "",
) -> SupplyRelation:
    """A relation declared by one side (``side`` = supplier, client or animator): pending until
    the other side confirms it. ``client`` is an establishment, or an outside entity by SIREN,
    name and country."""
    if supplier is None:
        raise RelationError("supplier", _("fournisseur obligatoire"))
    if client is None and not (client_siren or client_name):
        raise RelationError("client", _("client obligatoire (établissement, ou SIREN et nom)"))
    if client is not None and client.pk == supplier.pk:
        raise RelationError("client", _("un établissement ne se fournit pas chez lui-même"))
    if confidentiality not in LEVELS:
        raise RelationError("confidentiality", _("niveau inconnu « %(value)s »") % {"value": confidentiality})
    if volume_band not in VolumeBand.values:
        raise RelationError("volume_band", _("tranche inconnue « %(value)s »") % {"value": volume_band})
    if client_siren and not (len(client_siren) == 9 and client_siren.isdigit()):
        raise RelationError("client_siren", _("SIREN à 9 chiffres attendu"))
    sources = {
        "supplier": (RelationSource.SUPPLIER, is_establishment_user(actor, supplier)),
        "client": (RelationSource.CLIENT, client is not None and is_establishment_user(actor, client)),
        "animator": (RelationSource.ANIMATOR, _speaks_for_a_member(actor, supplier, client)),
    }
    if side not in sources:
        raise RelationError("side", _("côté inconnu « %(value)s »") % {"value": side})
    source, allowed = sources[side]
    if not allowed:
        raise PermissionDenied(_("vous n’agissez pas pour ce côté de la relation"))
    relation = SupplyRelation.objects.create(
        supplier=supplier,
        client=client,
        client_siren=client.organisation.siren if client is not None else client_siren,
        client_siret=client.siret if client is not None else "",
        client_name=client_name,
        client_country=client_country or "FR",
        category_node=category_node,
        cpv=cpv,
        category_text=category_text,
        volume_band=volume_band,
        since=since,
        source=source,
        confidentiality=confidentiality,
        status=RelationStatus.PENDING,
        declared_by=actor,
    )
    RelationEvent.objects.create(
        relation=relation, kind=RelationEvent.Kind.DECLARED, actor=actor, comment=comment
    )
    return relation


@transaction.atomic
def relation_confirm(*, actor, relation: SupplyRelation, comment: str = "") -> SupplyRelation:
    if not can_answer(actor, relation):
        raise PermissionDenied(_("seule l’autre partie confirme une relation"))
    relation.status = RelationStatus.CONFIRMED
    relation.save(update_fields=["status", "updated_at"])
    RelationEvent.objects.create(
        relation=relation, kind=RelationEvent.Kind.CONFIRMED, actor=actor, comment=comment
    )
    return relation


@transaction.atomic
def relation_dispute(*, actor, relation: SupplyRelation, comment: str) -> SupplyRelation:
    """The other side says the relation is wrong; the declaration is kept, with its history."""
    if not can_answer(actor, relation):
        raise PermissionDenied(_("seule l’autre partie conteste une relation"))
    if not comment.strip():
        raise RelationError("comment", _("dites pourquoi la relation est contestée"))
    relation.status = RelationStatus.DISPUTED
    relation.save(update_fields=["status", "updated_at"])
    RelationEvent.objects.create(
        relation=relation, kind=RelationEvent.Kind.DISPUTED, actor=actor, comment=comment
    )
    return relation


@transaction.atomic
def relation_set_confidentiality(*, actor, relation: SupplyRelation, confidentiality: str) -> SupplyRelation:
    if confidentiality not in LEVELS:
        raise RelationError("confidentiality", _("niveau inconnu « %(value)s »") % {"value": confidentiality})
    narrower = LEVELS.index(confidentiality) >= LEVELS.index(relation.confidentiality)
    party = is_party_user(actor, relation) is not None
    admin = is_platform_admin(actor)
    if not (party or admin or (narrower and _animates_either(actor, relation.supplier, relation.client))):
        raise PermissionDenied(_("les parties choisissent qui voit leur relation"))
    before = relation.confidentiality
    if before == confidentiality:
        return relation
    relation.confidentiality = confidentiality
    relation.save(update_fields=["confidentiality", "updated_at"])
    RelationEvent.objects.create(
        relation=relation,
        kind=RelationEvent.Kind.CHANGED,
        actor=actor,
        changes={"confidentiality": [before, confidentiality]},
    )
    return relation


def relation_refresh_amount(*, relation: SupplyRelation) -> None:
    """Amount and band = the sum of the lines of the relation's latest year (imports call it)."""
    years = list(relation.lines.values_list("year", flat=True).distinct())
    if not years:  # its lines moved to another relation (a supplier match was decided)
        relation.amount = relation.amount_year = None
        relation.save(update_fields=["amount", "amount_year", "updated_at"])
        return
    latest = max(years)
    total = sum((line.amount for line in relation.lines.filter(year=latest)), Decimal(0))
    first = min(years)
    relation.amount, relation.amount_year = total, latest
    relation.volume_band = band_of(total)
    relation.since = min(first, relation.since or first)
    relation.save(update_fields=["amount", "amount_year", "volume_band", "since", "updated_at"])


@transaction.atomic
def supplier_match_decide(*, actor, review, establishment: Establishment | None) -> int:
    """An animator settles a doubtful ledger match: the establishment, or none (outside supplier).

    The decision is remembered (the review keeps it) and re-links the relations waiting on it;
    returns how many relations changed.
    """
    if not can_animate_network(actor, review.network):
        raise PermissionDenied(_("seuls les animateurs du réseau de l’import décident"))
    review.status = (
        SupplierMatchReview.Status.MATCHED if establishment else SupplierMatchReview.Status.NO_MATCH
    )
    review.establishment = establishment
    review.decided_by = actor
    review.decided_at = timezone.now()
    review.save()
    relations = SupplyRelation.objects.filter(match_review=review)
    changed = 0
    for relation in relations:
        relation.supplier = establishment
        relation.match_review = None
        relation.save(update_fields=["supplier", "match_review", "updated_at"])
        RelationEvent.objects.create(
            relation=relation,
            kind=RelationEvent.Kind.CHANGED,
            actor=actor,
            changes={"supplier": [None, establishment.siret if establishment else None]},
        )
        changed += 1
    return changed


def ledger_category_apply(*, review, node, actor) -> int:
    """A ledger category settled in the import review queue (``mapping_review_decide``).

    The relations waiting on ``review`` get ``node`` as their category (``None``: the text names
    nothing, they keep it as written) and stop waiting; returns how many relations changed. The
    permission is the caller's: the back-office page (animators of the review's network) or the
    Django admin.
    """
    changed = 0
    for relation in SupplyRelation.objects.select_for_update().filter(category_review=review):
        relation.category_review = None
        fields = ["category_review", "updated_at"]
        if node is not None and relation.category_node_id is None:
            relation.category_node = node
            fields.append("category_node")
            RelationEvent.objects.create(
                relation=relation,
                kind=RelationEvent.Kind.CHANGED,
                actor=actor,
                comment=f"catégorie « {relation.category_text} »",
                changes={"category_node": [None, node.code]},
            )
            changed += 1
        relation.save(update_fields=fields)
    return changed


def relations_refresh_amounts(*, relation_ids) -> None:
    """``relation_refresh_amount`` for many relations in three queries (import batches)."""
    ids = set(relation_ids)
    if not ids:
        return
    sums: dict[int, dict[int, Decimal]] = {}
    rows = (
        PurchaseLine.objects.filter(relation_id__in=ids)
        .values("relation_id", "year")
        .annotate(total=Sum("amount"))
    )
    for row in rows.order_by():
        sums.setdefault(row["relation_id"], {})[row["year"]] = row["total"]
    now = timezone.now()
    # One UPDATE per relation: bulk_update's CASE expressions are slower on a thousand rows.
    for pk, since in SupplyRelation.objects.filter(pk__in=ids).values_list("pk", "since"):
        years = sums.get(pk)
        if not years:
            SupplyRelation.objects.filter(pk=pk).update(amount=None, amount_year=None, updated_at=now)
            continue
        latest, first = max(years), min(years)
        SupplyRelation.objects.filter(pk=pk).update(
            amount=years[latest],
            amount_year=latest,
            volume_band=band_of(years[latest]),
            since=min(first, since or first),
            updated_at=now,
        )
