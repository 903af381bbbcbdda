"""Reads of the import review queue, scoped to a network for the animators' back-office."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from maillage.directory.models import Membership, Network
from maillage.imports.models import ImportRun, ImportUpload, MappingColumn, MappingDecision, MappingReview
from maillage.taxonomy.models import TaxonomyNode


def _of_network(network: Network) -> Q:
    """Values imported for establishments of ``network`` (member or prospect), and the
    purchase-ledger categories imported for it."""
    members = Membership.objects.filter(network=network).values("establishment_id")
    return Q(establishment_id__in=members) | Q(origin=MappingReview.Origin.LEDGER, network=network)


def network_mapping_reviews(
    network: Network, *, status: str = "", column: str = ""
) -> QuerySet[MappingReview]:
    """Reviews of values imported for establishments of ``network`` (member or prospect).

    Reviews without an establishment belong to no network, except purchase-ledger categories
    (origin ledger), which name the network of their import: the others only the Django admin
    shows.
    """
    reviews = MappingReview.objects.filter(_of_network(network)).select_related(
        "establishment", "import_run", "decided_node", "decided_by"
    )
    if status:
        reviews = reviews.filter(status=status)
    if column:
        reviews = reviews.filter(column=column)
    return reviews.order_by("status", "-created_at", "-pk")


def network_mapping_review_counts(network: Network) -> dict[str, int]:
    rows = (
        MappingReview.objects.filter(_of_network(network)).values("status").annotate(n=Count("pk")).order_by()
    )
    counts = dict.fromkeys(MappingReview.Status.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def proposal_nodes(reviews) -> dict[str, TaxonomyNode]:
    """The nodes named by the proposals of ``reviews``, by code, in one query."""
    codes = {proposal["code"] for review in reviews for proposal in review.proposals}
    return {node.code: node for node in TaxonomyNode.objects.filter(code__in=codes)}


def mapping_decisions() -> dict[tuple[str, str], str]:
    """(normalised text, node type) → the code the animators chose, or "" for "maps to nothing";
    ``TaxonomyMapper.from_database`` applies them (registered in ``ImportsConfig.ready``)."""
    return {
        (d.normalised_text, d.node_type): (d.node.code if d.node_id else "")
        for d in MappingDecision.objects.select_related("node")
    }


def pending_own_words(where: dict) -> dict[int, list[str]]:
    """Establishment id → the values of its imported profile still waiting for a review, as the
    member wrote them; the search index shows them as its own words
    (``matching.documents.DocumentMapper.own_words_reader``, registered in ``ImportsConfig.ready``).

    ``where`` filters on ``establishment_id`` (a build chunk's key range, a refresh's ids). Only
    profile values, which the member wrote for its public profile: purchase-ledger categories
    (origin ledger) belong to a network's private data and have no establishment. A
    certification is given without its details (issuer, certificate number, dates).
    """
    words: dict[int, list[str]] = {}
    rows = (
        MappingReview.objects.filter(
            origin=MappingReview.Origin.PROFILE, status=MappingReview.Status.PENDING, **where
        )
        .order_by("establishment_id", "pk")
        .values_list("establishment_id", "column", "raw_text", "item")
    )
    for establishment_id, column, raw_text, item in rows:
        text = raw_text if column == MappingColumn.CERTIFICATIONS or not item else item
        texts = words.setdefault(establishment_id, [])
        if text not in texts:
            texts.append(text)
    return words


def network_import_uploads(network: Network) -> QuerySet[ImportUpload]:
    """The files imported from the back-office for ``network``, the latest first."""
    return ImportUpload.objects.filter(network=network).select_related("created_by", "imported_by")


def _upload_run(upload: ImportUpload) -> ImportRun | None:
    run = upload.import_run
    if run is None and upload.queued_at is not None:
        runs = ImportRun.objects.filter(
            kind=upload.kind, file_fingerprint=upload.file_fingerprint, updated_at__gte=upload.queued_at
        )
        run = runs.order_by("-updated_at").first()
    return run


def import_upload_stalled(upload: ImportUpload, *, minutes: int) -> bool:
    """Queued or running, and nothing committed for ``minutes``: its worker is gone (a restart,
    a killed process), so it may be queued again; the claim keeps it from running twice."""
    waiting = (ImportUpload.Status.QUEUED, ImportUpload.Status.RUNNING)
    if upload.status not in waiting or upload.queued_at is None:
        return False
    run = _upload_run(upload)
    last = max(upload.queued_at, run.updated_at) if run is not None else upload.queued_at
    return last < timezone.now() - timedelta(minutes=minutes)


def import_upload_progress(upload: ImportUpload) -> dict:
    """Records done of the wet run of ``upload`` (its committed batches), its total, its batches.

    While it runs, its ``ImportRun`` is the latest of its kind for the same file content updated
    since it was queued (a resumed run keeps its row, whichever upload started it).
    """
    run = _upload_run(upload)
    done = run.records_done if run is not None else 0
    total = max(upload.total, done)
    return {
        "done": done,
        "total": total,
        "batches": run.batches_committed if run is not None else 0,
        "percent": round(100 * done / total) if total else (100 if upload.finished_at else 0),
    }
