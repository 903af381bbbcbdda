"""Writes of the mapping review: values waiting for an animator, and the decisions taken.

A decision is remembered (``MappingDecision``, keyed by normalised text and node type) and
used by every later import; it is also applied at once to the profiles whose values were
waiting for it, through ``profile_apply_snapshot``.

While a value waits, the search index shows it as the company's own words
(``selectors.pending_own_words``): queuing and deciding re-index the establishment once the
transaction commits, as a profile edit does (``matching.services.index_refresh_on_commit``).
"""

from __future__ import annotations

from dataclasses import replace

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.directory.models import Membership
from maillage.imports.errors import MappingReviewError
from maillage.imports.models import ImportRun, MappingDecision, MappingReview
from maillage.imports.profiles.cells import CellError, CellReader
from maillage.matching.services import index_refresh_on_commit
from maillage.profiles.selectors import profile_snapshot
from maillage.profiles.services import profile_apply_snapshot
from maillage.relations.services import ledger_category_apply
from maillage.taxonomy.mapping import COLUMN_KIND, COLUMN_TYPES, TaxonomyMapper, normalise
from maillage.taxonomy.models import TaxonomyNode


@transaction.atomic
def mapping_review_submit(*, item, establishment, import_run: ImportRun | None, file_name: str, line: int):
    """Queue a value the mapper did not accept; the same pending value is not queued twice.

    ``item.column`` is where the value is filed, ``item.written_in`` the spreadsheet column it
    was written in, when another (« ISO 9001 en cours » among the capabilities).
    """
    result = item.result
    node_type = COLUMN_KIND[item.column]
    review, created = MappingReview.objects.get_or_create(
        node_type=node_type,
        normalised_text=result.normalised[:500],
        establishment=establishment,
        status=MappingReview.Status.PENDING,
        defaults={
            "column": item.column,
            "written_column": item.written_in if item.written_in != item.column else "",
            "raw_text": result.text[:500],
            "item": item.item,
            "proposals": [{"code": c.code, "score": c.score} for c in result.candidates],
            "confidence": result.confidence,
            "import_run": import_run,
            "file_name": file_name,
            "line": line,
        },
    )
    if created:
        index_refresh_on_commit(establishment_id=establishment.pk)
    return review


@transaction.atomic
def mapping_review_decide(*, review: MappingReview, code: str | None, actor, network=None) -> MappingDecision:
    """Record the animator's choice (``code`` None: the text names nothing) and apply it.

    Every pending review of the same text and node type is settled with it, and the value is
    added to the profiles that were waiting for it. With ``network`` (the back-office), only
    the reviews of that network's establishments (and its purchase-ledger categories) are
    settled: an animator never writes into another network's profiles; the remembered decision
    still serves every later import. A settled ledger category gives its node to the relations
    waiting for it (``relations.services.ledger_category_apply``).
    """
    node = None
    if code:
        node = TaxonomyNode.objects.active().filter(code=code).first()
        if node is None:
            raise MappingReviewError("code", _("code inconnu « %(code)s »") % {"code": code})
        if node.type not in COLUMN_TYPES[review.column]:
            raise MappingReviewError(
                "code",
                _("« %(code)s » est de type %(type)s, la colonne %(column)s ne l’accepte pas")
                % {"code": code, "type": node.type, "column": review.column},
            )
    decision, _created = MappingDecision.objects.update_or_create(
        normalised_text=review.normalised_text,
        node_type=review.node_type,
        defaults={"node": node, "decided_by": actor, "example": review.raw_text},
    )
    pending = MappingReview.objects.select_for_update(of=("self",)).filter(
        node_type=review.node_type,
        normalised_text=review.normalised_text,
        status=MappingReview.Status.PENDING,
    )
    if network is not None:
        members = Membership.objects.filter(network=network).values("establishment_id")
        pending = pending.filter(
            Q(establishment_id__in=members) | Q(origin=MappingReview.Origin.LEDGER, network=network)
        )
    pending = list(pending.select_related("establishment"))
    now = timezone.now()
    mapper = TaxonomyMapper.from_database() if node is not None else None
    for waiting in pending:
        waiting.status = MappingReview.Status.MAPPED if node else MappingReview.Status.DISMISSED
        waiting.decided_node, waiting.decided_by, waiting.decided_at = node, actor, now
        waiting.save(update_fields=["status", "decided_node", "decided_by", "decided_at"])
        if waiting.origin == MappingReview.Origin.LEDGER:
            ledger_category_apply(review=waiting, node=node, actor=actor)
            continue
        if node is not None and waiting.establishment_id:
            _apply(waiting, mapper, actor)
        if waiting.establishment_id:
            # Its own words leave the index: as a claim when mapped, for good when dismissed.
            index_refresh_on_commit(establishment_id=waiting.establishment_id)
    return decision


def _apply(review: MappingReview, mapper: TaxonomyMapper, actor) -> None:
    cells = CellReader(mapper)
    column = review.column
    try:
        if column == "certifications":
            added = [entry for item in cells.certifications(review.item) for entry in (item.entry or [])]
        elif column == "equipment":
            added = [item.entry for item in cells.equipment(review.item) if item.entry is not None]
        else:
            added = [code for item in cells.codes(review.item, column) for code in (item.entry or ())]
    except CellError as exc:  # « presse 300 kg » decided as a press: its figures do not fit
        raise MappingReviewError("code", exc.message) from exc
    snapshot = profile_snapshot(review.establishment)
    current = getattr(snapshot, column)
    profile_apply_snapshot(
        establishment=review.establishment,
        snapshot=replace(snapshot, **{column: (*current, *added)}),
        actor=actor,
        source="animator",
        parts=[column],
    )


def decision_key(text: str, column: str) -> tuple[str, str]:
    return normalise(text), COLUMN_KIND[column]
