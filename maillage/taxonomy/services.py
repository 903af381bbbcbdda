"""Writes to the taxonomy: loading the data files, animator additions from the admin, and the
animators' proposals from the back-office (synonyms, new nodes) decided by an administrator."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.referential.models import CpvCode, NafCode, RomeCode
from maillage.taxonomy.errors import TaxonomyError
from maillage.taxonomy.loader import NodeRecord, TaxonomyData
from maillage.taxonomy.mapping import COLUMN_TYPES
from maillage.taxonomy.models import (
    CODE_PREFIXES,
    NafCapabilityHint,
    NodeCpvLink,
    NodeRomeLink,
    NodeSource,
    NodeType,
    TaxonomyNode,
    TaxonomyProposal,
    TaxonomyVersion,
    normalise_term,
)

# What a load owns on a file node; animator synonyms, created_by... are never overwritten.
FILE_FIELDS = (
    "type",
    "label_fr",
    "label_en",
    "synonyms_fr",
    "synonyms_en",
    "description_fr",
    "description_en",
    "specs",
    "attributes",
    "source_file",
    "position",
    "is_active",
    "source",
    "parent_id",
)
REPORTED_MISSING = 10


class TaxonomyLoadError(Exception):
    def __init__(self, problems):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


@dataclass
class LoadReport:
    version: str
    content_hash: str
    dry_run: bool
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    adopted: list[str] = field(default_factory=list)
    unchanged: int = 0
    hints: dict[str, int] = field(default_factory=lambda: {"created": 0, "updated": 0, "deleted": 0})
    links: dict[str, int] = field(default_factory=lambda: {"created": 0, "deleted": 0})
    missing: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    new_version: bool = False

    @property
    def changed(self) -> bool:
        return bool(
            self.created
            or self.updated
            or self.deactivated
            or any(self.hints.values())
            or any(self.links.values())
            or self.new_version
        )

    def summary(self) -> dict:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "deactivated": len(self.deactivated),
            "adopted": len(self.adopted),
            "unchanged": self.unchanged,
            "hints": self.hints,
            "links": self.links,
        }


def _desired(record: NodeRecord, parent_id: int | None) -> dict:
    return {
        "type": record.type,
        "label_fr": record.label_fr,
        "label_en": record.label_en,
        "synonyms_fr": record.synonyms_fr,
        "synonyms_en": record.synonyms_en,
        "description_fr": record.description_fr,
        "description_en": record.description_en,
        "specs": record.specs,
        "attributes": record.attributes,
        "source_file": record.file,
        "position": record.position,
        "is_active": True,
        "source": NodeSource.FILE,
        "parent_id": parent_id,
    }


def _tree_paths(rows: list[tuple[int, int | None]]) -> dict[int, tuple[str, int]]:
    parents = dict(rows)
    paths: dict[int, tuple[str, int]] = {}

    def path_of(node_id: int, guard: int = 0) -> tuple[str, int]:
        if node_id in paths:
            return paths[node_id]
        parent_id = parents[node_id]
        if parent_id is None or guard > 50:
            result = (f"/{node_id}/", 0)
        else:
            parent_path, parent_depth = path_of(parent_id, guard + 1)
            result = (f"{parent_path}{node_id}/", parent_depth + 1)
        paths[node_id] = result
        return result

    for node_id in parents:
        path_of(node_id)
    return paths


def taxonomy_refresh_tree_paths() -> int:
    """Recompute every materialised path; returns how many changed."""
    nodes = list(TaxonomyNode.objects.only("id", "parent_id", "tree_path", "depth"))
    paths = _tree_paths([(node.id, node.parent_id) for node in nodes])
    changed = []
    for node in nodes:
        path, depth = paths[node.id]
        if (node.tree_path, node.depth) != (path, depth):
            node.tree_path, node.depth = path, depth
            changed.append(node)
    TaxonomyNode.objects.bulk_update(changed, ["tree_path", "depth"], batch_size=500)
    return len(changed)


def _sync_nodes(data: TaxonomyData, report: LoadReport) -> list[int]:
    existing = {node.code: node for node in TaxonomyNode.objects.all()}
    touched: list[int] = []
    for code, record in data.nodes.items():
        if code not in existing:
            node = TaxonomyNode(code=code, **_desired(record, None))
            node.save()
            existing[code] = node
            report.created.append(code)
            touched.append(node.pk)
        elif existing[code].source == NodeSource.ANIMATOR:
            report.adopted.append(code)
    created = set(report.created)
    changed_nodes = []
    for code, record in data.nodes.items():
        node = existing[code]
        desired = _desired(record, existing[record.parent].pk if record.parent else None)
        differences = [name for name, value in desired.items() if getattr(node, name) != value]
        if not differences:
            if code not in created:
                report.unchanged += 1
            continue
        for name in differences:
            setattr(node, name, desired[name])
        node.search_text = node.compute_search_text()
        changed_nodes.append(node)
        if code not in created:
            report.updated.append(code)
            touched.append(node.pk)
    TaxonomyNode.objects.bulk_update(changed_nodes, [*FILE_FIELDS, "search_text"], batch_size=200)
    for code, node in existing.items():
        if node.source == NodeSource.FILE and code not in data.nodes and node.is_active:
            node.is_active = False
            node.save(update_fields=["is_active", "updated_at"])
            report.deactivated.append(code)
            touched.append(node.pk)
    return touched


def _sync_links(data: TaxonomyData, ids: dict[str, int], report: LoadReport) -> None:
    file_ids = set(ids.values())
    for model, attribute, column in ((NodeRomeLink, "rome", "rome_id"), (NodeCpvLink, "cpv", "cpv_id")):
        wanted = {
            (ids[code], value) for code, record in data.nodes.items() for value in getattr(record, attribute)
        }
        current = {
            (node_id, value): pk
            for pk, node_id, value in model.objects.filter(node_id__in=file_ids).values_list(
                "pk", "node_id", column
            )
        }
        stale = [pk for key, pk in current.items() if key not in wanted]
        model.objects.filter(pk__in=stale).delete()
        model.objects.bulk_create(
            [model(node_id=node_id, **{column: value}) for node_id, value in sorted(wanted - current.keys())]
        )
        report.links["created"] += len(wanted - current.keys())
        report.links["deleted"] += len(stale)


def _sync_hints(data: TaxonomyData, ids: dict[str, int], report: LoadReport) -> None:
    wanted = {(hint.naf, ids[hint.node]): hint.weight for hint in data.hints}
    current = {(hint.naf_id, hint.node_id): hint for hint in NafCapabilityHint.objects.all()}
    stale = [hint.pk for key, hint in current.items() if key not in wanted]
    NafCapabilityHint.objects.filter(pk__in=stale).delete()
    report.hints["deleted"] = len(stale)
    changed = []
    for key, weight in wanted.items():
        hint = current.get(key)
        if hint is not None and hint.weight != weight:
            hint.weight = weight
            changed.append(hint)
    NafCapabilityHint.objects.bulk_update(changed, ["weight"])
    report.hints["updated"] = len(changed)
    new = [
        NafCapabilityHint(naf_id=naf, node_id=node_id, weight=weight)
        for (naf, node_id), weight in wanted.items()
    ]
    new = [hint for hint in new if (hint.naf_id, hint.node_id) not in current]
    NafCapabilityHint.objects.bulk_create(new, batch_size=500)
    report.hints["created"] = len(new)


def _report_missing_referential(data: TaxonomyData, report: LoadReport) -> None:
    for label, model, codes in (
        ("NAF", NafCode, {hint.naf for hint in data.hints}),
        ("ROME", RomeCode, {code for record in data.nodes.values() for code in record.rome}),
        ("CPV", CpvCode, {code for record in data.nodes.values() for code in record.cpv}),
    ):
        known = set(model.objects.filter(pk__in=codes).values_list("pk", flat=True))
        missing = sorted(codes - known)
        if missing:
            report.missing[label] = missing


def _report_orphans(report: LoadReport) -> None:
    orphans = TaxonomyNode.objects.filter(source=NodeSource.ANIMATOR, is_active=True, parent__is_active=False)
    for node in orphans.select_related("parent"):
        report.warnings.append(
            _("%(code)s (ajout d’un animateur) est rattaché à %(parent)s, désactivé par ce chargement")
            % {"code": node.code, "parent": node.parent.code}
        )


@transaction.atomic
def taxonomy_load(*, data: TaxonomyData, dry_run: bool = True) -> LoadReport:
    """Bring the database in line with the files; animator nodes are kept, gone nodes deactivated.

    A dry run performs every write, reports, then rolls back: the counts are exact.
    """
    if data.errors:
        raise TaxonomyLoadError(data.errors)
    report = LoadReport(version=data.version, content_hash=data.content_hash, dry_run=dry_run)
    touched = _sync_nodes(data, report)
    ids = dict(TaxonomyNode.objects.filter(code__in=list(data.nodes)).values_list("code", "pk"))
    taxonomy_refresh_tree_paths()
    _sync_links(data, ids, report)
    _sync_hints(data, ids, report)
    _report_missing_referential(data, report)
    _report_orphans(report)
    latest = TaxonomyVersion.objects.order_by("-loaded_at", "-pk").first()
    report.new_version = latest is None or latest.content_hash != data.content_hash
    if report.changed:
        version = TaxonomyVersion.objects.create(
            label=data.version, content_hash=data.content_hash, summary=report.summary()
        )
        TaxonomyNode.objects.filter(pk__in=touched).update(version=version)
    if dry_run:
        transaction.set_rollback(True)
    return report


@transaction.atomic
def taxonomy_node_save(*, node: TaxonomyNode, user) -> TaxonomyNode:
    """Save a node edited in the admin: new nodes are the animator's, file nodes keep their file data."""
    if node.pk is None:
        node.source = NodeSource.ANIMATOR
        node.created_by = user
        node.version = None
    elif node.source == NodeSource.FILE:
        stored = TaxonomyNode.objects.get(pk=node.pk)
        edited = [name for name in (*FILE_FIELDS, "code") if getattr(stored, name) != getattr(node, name)]
        if edited:
            raise TaxonomyError(
                edited[0],
                _(
                    "Ce nœud vient des fichiers de la taxonomie : proposez la modification "
                    "de %(fields)s dans les fichiers."
                )
                % {"fields": ", ".join(edited)},
            )
    try:
        node.full_clean()
    except ValidationError as error:
        raise TaxonomyError.from_validation(error) from error
    node.save()
    taxonomy_refresh_tree_paths()
    node.refresh_from_db()
    return node


# --- Animators' proposals (back-office), decided by a platform administrator --------------


def _bearers(term: str, types) -> list[TaxonomyNode]:
    """Active nodes of ``types`` that already have ``term`` as code, label or synonym."""
    key = normalise_term(term)
    candidates = TaxonomyNode.objects.active().filter(type__in=types, search_text__contains=key)
    return [node for node in candidates if key in node.search_text.split("|")]


def _column_types(node_type: str) -> tuple[str, ...]:
    # The mapper compares a term with every node its column accepts: process, material and
    # service share the capabilities column, so a term must be unique across the three.
    for types in COLUMN_TYPES.values():
        if node_type in types:
            return types
    return (node_type,)


@transaction.atomic
def taxonomy_proposal_create(
    *,
    network,
    proposed_by,
    kind: str,
    node: TaxonomyNode | None = None,
    synonym: str = "",
    language: str = TaxonomyProposal.Language.FR,
    parent: TaxonomyNode | None = None,
    node_type: str = "",
    label_fr: str = "",
    label_en: str = "",
    rationale: str = "",
) -> TaxonomyProposal:
    """Record a pending proposal; refuses terms the taxonomy already knows, naming the node."""
    synonym, label_fr, label_en = synonym.strip(), label_fr.strip(), label_en.strip()
    proposal = TaxonomyProposal(
        network=network,
        proposed_by=proposed_by,
        kind=kind,
        language=language,
        rationale=rationale.strip(),
    )
    if kind == TaxonomyProposal.Kind.SYNONYM:
        if node is None or not synonym:
            raise TaxonomyError(
                "node" if node is None else "synonym", _("Indiquez le nœud et le synonyme proposé.")
            )
        bearers = _bearers(synonym, _column_types(node.type))
        if bearers:
            raise TaxonomyError(
                "synonym", _("« %(term)s » désigne déjà %(node)s.") % {"term": synonym, "node": bearers[0]}
            )
        duplicate = TaxonomyProposal.objects.filter(
            kind=kind, node=node, status=TaxonomyProposal.Status.PENDING, synonym__iexact=synonym
        )
        if duplicate.exists():
            raise TaxonomyError("synonym", _("Ce synonyme est déjà proposé et attend une décision."))
        proposal.node, proposal.synonym = node, synonym
    elif kind == TaxonomyProposal.Kind.NODE:
        node_type = parent.type if parent is not None else node_type
        if not (label_fr and label_en and node_type):
            raise TaxonomyError("", _("Indiquez les libellés français et anglais, et le parent ou le type."))
        if node_type not in NodeType.values:
            raise TaxonomyError("node_type", _("Type de nœud inconnu."))
        for name, label in (("label_fr", label_fr), ("label_en", label_en)):
            bearers = _bearers(label, _column_types(node_type))
            if bearers:
                raise TaxonomyError(
                    name,
                    _("« %(term)s » désigne déjà %(node)s : proposez plutôt un synonyme.")
                    % {"term": label, "node": bearers[0]},
                )
        proposal.parent, proposal.node_type = parent, node_type
        proposal.label_fr, proposal.label_en = label_fr, label_en
    else:
        raise TaxonomyError("kind", _("Nature de proposition inconnue."))
    proposal.save()
    return proposal


def _new_code(proposal: TaxonomyProposal) -> str:
    stem = "_".join(normalise_term(proposal.label_fr).split())[:40].strip("_") or "node"
    if not stem[0].isalnum():
        stem = f"n{stem}"
    prefix = proposal.parent.code if proposal.parent_id else CODE_PREFIXES[proposal.node_type]
    code, n = f"{prefix}.{stem}", 1
    while TaxonomyNode.objects.filter(code=code).exists():
        n += 1
        code = f"{prefix}.{stem}_{n}"
    return code


def _pending(proposal: TaxonomyProposal) -> TaxonomyProposal:
    locked = TaxonomyProposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status != TaxonomyProposal.Status.PENDING:
        raise TaxonomyError("", _("Cette proposition a déjà été décidée."))
    return locked


@transaction.atomic
def taxonomy_proposal_accept(*, proposal: TaxonomyProposal, by) -> TaxonomyProposal:
    """Apply the proposal: the synonym joins the node's animator synonyms, or the node is created.

    Both are animator data that ``taxonomy_load`` never overwrites; the import mapper reads
    them at its next run (``TaxonomyMapper.from_database``), the search index at its next build.
    """
    proposal = _pending(proposal)
    if proposal.kind == TaxonomyProposal.Kind.SYNONYM:
        node = TaxonomyNode.objects.select_for_update().get(pk=proposal.node_id)
        field = f"animator_synonyms_{proposal.language}"
        terms = list(getattr(node, field))
        if normalise_term(proposal.synonym) not in {normalise_term(term) for term in terms}:
            setattr(node, field, [*terms, proposal.synonym])
            node.save()
    else:
        node = taxonomy_node_save(
            node=TaxonomyNode(
                code=_new_code(proposal),
                type=proposal.node_type,
                label_fr=proposal.label_fr,
                label_en=proposal.label_en,
                parent=proposal.parent,
            ),
            user=by,
        )
        proposal.created_node = node
    proposal.status = TaxonomyProposal.Status.ACCEPTED
    proposal.decided_by, proposal.decided_at = by, timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at", "created_node"])
    return proposal


@transaction.atomic
def taxonomy_proposal_reject(*, proposal: TaxonomyProposal, by, note: str = "") -> TaxonomyProposal:
    proposal = _pending(proposal)
    proposal.status = TaxonomyProposal.Status.REJECTED
    proposal.decided_by, proposal.decided_at, proposal.decision_note = by, timezone.now(), note.strip()
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return proposal
