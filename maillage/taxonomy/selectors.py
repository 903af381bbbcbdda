"""Reads across taxonomy models, for profiles and imports."""

from maillage.taxonomy.models import NafCapabilityHint, TaxonomyNode


def naf_capability_hints(naf_code: str, *, min_weight: float = 0.0) -> list[tuple[TaxonomyNode, float]]:
    """Active nodes a NAF sub-class makes likely, most likely first: a new profile's *inferred* part."""
    hints = (
        NafCapabilityHint.objects.filter(naf_id=naf_code, weight__gte=min_weight, node__is_active=True)
        .select_related("node")
        .order_by("-weight", "node__code")
    )
    return [(hint.node, hint.weight) for hint in hints]


def node_by_code(code: str) -> TaxonomyNode | None:
    return TaxonomyNode.objects.filter(code=code).first()
