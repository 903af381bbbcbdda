"""Reads across taxonomy models, for profiles and imports.

A bulk job that writes hundreds of profiles (``maillage demo``) reads the same nodes and NAF
hints again and again; within ``taxonomy_reads_cached()`` each is read once. Only for a job
that does not change the taxonomy while it runs: the cache lives in the calling thread and
ends with the block.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from maillage.taxonomy.models import NafCapabilityHint, TaxonomyNode

_cache = threading.local()


@contextmanager
def taxonomy_reads_cached() -> Iterator[None]:
    outer = getattr(_cache, "entries", None)
    _cache.entries = {} if outer is None else outer
    try:
        yield
    finally:
        _cache.entries = outer


def _cached(key: tuple, read):
    entries = getattr(_cache, "entries", None)
    if entries is None:
        return read()
    if key not in entries:
        entries[key] = read()
    return entries[key]


def naf_capability_hints(naf_code: str, *, min_weight: float = 0.0) -> list[tuple[TaxonomyNode, float]]:
    """Active nodes a NAF sub-class makes likely, most likely first: a new profile's *inferred* part."""

    def read():
        hints = (
            NafCapabilityHint.objects.filter(naf_id=naf_code, weight__gte=min_weight, node__is_active=True)
            .select_related("node")
            .order_by("-weight", "node__code")
        )
        return [(hint.node, hint.weight) for hint in hints]

    return list(_cached(("hints", naf_code, min_weight), read))


def node_by_code(code: str) -> TaxonomyNode | None:
    return _cached(("node", code), lambda: TaxonomyNode.objects.filter(code=code).first())
