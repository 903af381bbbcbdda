"""Taxonomy look-ups for the self-service forms: suggestions while typing, typed text → node."""

from __future__ import annotations

from collections.abc import Sequence

from maillage.taxonomy.labels import node_synonyms
from maillage.taxonomy.models import NodeType, TaxonomyNode, normalise_term

KINDS: dict[str, tuple[str, ...]] = {
    "capability": (NodeType.PROCESS, NodeType.MATERIAL, NodeType.SERVICE),
    "equipment": (NodeType.EQUIPMENT,),
    "certification": (NodeType.CERTIFICATION,),
    "sector": (NodeType.SECTOR,),
}
# What the search page's text box may suggest: everything a buyer may ask for by name.
SEARCH_BOX_TYPES: tuple[str, ...] = (
    *KINDS["capability"],
    NodeType.EQUIPMENT,
    NodeType.CERTIFICATION,
    NodeType.SECTOR,
)
MIN_QUERY_LENGTH = 2


def _rank(node: TaxonomyNode, query: str) -> tuple:
    terms = node.search_text.split("|")
    label = normalise_term(node.label)  # the label the reader sees, in the active language
    if query in terms:
        first = 0
    elif label.startswith(query):
        first = 1
    elif any(term.startswith(query) for term in terms):
        first = 2
    else:
        first = 3
    return (first, node.depth, node.label)


def taxonomy_suggestions(text: str, types: Sequence[str], *, limit: int = 12) -> list[TaxonomyNode]:
    """Active nodes of ``types`` whose code, label or a synonym contains ``text``.

    Compared without case or accents (``search_text`` is stored normalised), so "decolletage"
    finds "Décolletage" on SQLite and PostgreSQL alike.
    """
    query = normalise_term(text or "")
    if len(query) < MIN_QUERY_LENGTH:
        return []
    candidates = (
        TaxonomyNode.objects.active()
        .filter(type__in=types, search_text__contains=query)
        .select_related("parent")[:300]  # the parent's label tells two alike options apart
    )
    return sorted(candidates, key=lambda node: _rank(node, query))[:limit]


def matched_term(node: TaxonomyNode, text: str) -> str:
    """The synonym or other-language label that ``text`` found ``node`` by, as written in the
    taxonomy, the reader's language first; ``""`` when the label shown (``node.label``, in the
    active language) matched (nothing more to show)."""
    query = normalise_term(text or "")
    if not query or query in normalise_term(node.label):
        return ""
    own = node_synonyms(node)
    terms = [*own, node.label_fr, node.label_en, *(t for t in node.all_synonyms() if t not in own)]
    for prefix_only in (True, False):
        for term in terms:
            normalised = normalise_term(term)
            if normalised.startswith(query) if prefix_only else query in normalised:
                return term
    return ""


def resolve_typed_node(text: str, types: Sequence[str]) -> tuple[TaxonomyNode | None, list[TaxonomyNode]]:
    """The node a member meant by ``text`` (a code, a label or a synonym), else suggestions.

    Without JavaScript the member types a label; it is taken when exactly one node of the
    expected types bears it, otherwise the closest nodes are offered.
    """
    text = (text or "").strip()
    node = TaxonomyNode.objects.active().filter(code=text, type__in=types).first()
    if node is not None:
        return node, []
    suggestions = taxonomy_suggestions(text, types)
    query = normalise_term(text)
    exact = [n for n in suggestions if query in n.search_text.split("|")]
    if len(exact) == 1:
        return exact[0], []
    labelled = [n for n in exact if query in (normalise_term(n.label_fr), normalise_term(n.label_en))]
    if len(labelled) == 1:
        return labelled[0], []
    return None, exact or suggestions
