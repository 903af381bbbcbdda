"""Facet counts of a result set: capability, valid certification, department, headcount band.

Counted as the filters select: a node counts each document holding it or one of its
descendants once, so a facet's count is exactly what its filter returns.
"""

import numpy as np

HEADCOUNT_BANDS = (
    (0, "0"),
    (1, "1-9"),
    (10, "10-19"),
    (20, "20-49"),
    (50, "50-99"),
    (100, "100-249"),
    (250, "250-499"),
    (500, "500-999"),
    (1000, "1000+"),
)
BAND_EDGES = np.array([edge for edge, _ in HEADCOUNT_BANDS[1:]])


def _closure(taxonomy) -> list[tuple[int, int]]:
    """(child id, parent id) pairs, deepest children first: OR-ing each child's row into
    its parent's in this order gives every node its whole subtree (cached per taxonomy)."""
    cached = getattr(taxonomy, "_closure", None)
    if cached is None:
        ids = taxonomy.node_id
        pairs = [
            (len(taxonomy.ancestors(code)), ids[code], ids[node.parent])
            for code, node in taxonomy.nodes.items()
            if node.parent in ids
        ]
        cached = [(child, parent) for _depth, child, parent in sorted(pairs, reverse=True)]
        taxonomy._closure = cached
    return cached


def _certification_ids(taxonomy) -> np.ndarray:
    """Which node ids are certifications (cached per taxonomy)."""
    cached = getattr(taxonomy, "_certification_ids", None)
    if cached is None:
        cached = np.array([code.startswith("cert.") for code in taxonomy.codes], bool)
        taxonomy._certification_ids = cached
    return cached


def facet_counts(taxonomy, sets, day: int, *, confirmed_only: bool = False) -> dict:
    codes = taxonomy.codes
    capability = np.zeros(len(codes), np.int64)
    certification = np.zeros(len(codes), np.int64)
    departments: dict[str, int] = {}
    bands = np.zeros(len(HEADCOUNT_BANDS) + 1, np.int64)
    closure = _closure(taxonomy)
    for segment, candidates in sets:
        if not len(candidates):
            continue
        # Counted as the filters select: a node counts each document holding it or one
        # of its descendants once, in any status (mentions included), certifications
        # only while valid. A facet's count is then exactly what its filter returns.
        entries, owners = _gather(segment.fwd_indptr, candidates, owners=True)
        keep = None
        if confirmed_only:
            keep = np.asarray(segment.fwd_status)[entries] == 0
        capability += _subtree_counts(
            np.asarray(segment.fwd_node)[entries], owners, keep, closure, len(candidates), len(codes)
        )
        c_entries, c_owners = _gather(segment.cfwd_indptr, candidates, owners=True)
        valid = (np.asarray(segment.cfwd_from)[c_entries] <= day) & (
            np.asarray(segment.cfwd_until)[c_entries] >= day
        )
        certification += _subtree_counts(
            np.asarray(segment.cfwd_node)[c_entries],
            c_owners,
            valid,
            closure,
            len(candidates),
            len(codes),
        )
        counts = np.bincount(np.asarray(segment.department)[candidates].astype(np.int64))
        for index in np.flatnonzero(counts):
            value = segment.department_values[index] or "?"
            departments[value] = departments.get(value, 0) + int(counts[index])
        hmin = np.asarray(segment.headcount_min)[candidates]
        band = np.where(hmin < 0, len(HEADCOUNT_BANDS), np.searchsorted(BAND_EDGES, hmin, side="right"))
        bands += np.bincount(band, minlength=len(HEADCOUNT_BANDS) + 1)
    is_certification = _certification_ids(taxonomy)
    certification[~is_certification] = 0
    capability[is_certification] = 0

    def top(counts, limit=30):
        order = np.argsort(-counts, kind="stable")[:limit]
        return [
            {"code": codes[i], "label": taxonomy.label(codes[i]), "count": int(counts[i])}
            for i in order
            if counts[i]
        ]

    band_labels = [label for _, label in HEADCOUNT_BANDS] + ["inconnu"]
    return {
        "capability": top(capability),
        "certification": top(certification),
        "department": [
            {"code": k, "count": v} for k, v in sorted(departments.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        "headcount_band": [
            {"code": band_labels[i], "count": int(bands[i])} for i in range(len(bands)) if bands[i]
        ],
    }


def _gather(indptr, docs: np.ndarray, *, owners: bool = False):
    """Positions of every entry of the given rows of a CSR structure (and, with ``owners``,
    the position in ``docs`` of the row each entry belongs to)."""
    docs = np.asarray(docs, np.int64)
    starts = np.asarray(indptr)[docs]
    lengths = np.asarray(indptr)[docs + 1] - starts
    total = int(lengths.sum())
    if total == 0:
        positions = np.zeros(0, np.int64)
    else:
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
        positions = offsets + np.arange(total)
    if not owners:
        return positions
    return positions, np.repeat(np.arange(len(docs), dtype=np.int64), lengths)


OWNERS_PER_BLOCK = 1 << 14


def _subtree_counts(nodes, owners, keep, closure, n_owners: int, size: int) -> np.ndarray:
    """Per node id, how many distinct owners hold it or one of its descendants.

    A boolean block, one row per node concerned (held, or ancestor of a held one) and one
    column per owner (16,384 at most, a few MB), marks what each owner holds; each child's row
    is OR-ed into its parent's, deepest first, and the rows are summed: linear in the owners,
    no sort, and an owner holding a node twice (a renewed certificate) or several nodes of one
    subtree counts once.
    """
    counts = np.zeros(size, np.int64)
    nodes = np.asarray(nodes, np.int64)
    if keep is not None:
        nodes, owners = nodes[keep], owners[keep]
    if not len(nodes):
        return counts
    # Plain lists: 728 look-ups twice per call cost less than on numpy scalars.
    marked = (np.bincount(nodes, minlength=size) > 0).tolist()
    for child, parent in closure:  # deepest first: a held node marks its whole chain
        if marked[child]:
            marked[parent] = True
    concerned = np.flatnonzero(marked)
    row = np.full(size, -1, np.int64)
    row[concerned] = np.arange(len(concerned))
    rows = row.tolist()
    pairs = [(rows[child], rows[parent]) for child, parent in closure if marked[child]]
    bounds = np.searchsorted(owners, np.arange(0, n_owners + OWNERS_PER_BLOCK, OWNERS_PER_BLOCK))
    held = np.zeros((len(concerned), min(n_owners, OWNERS_PER_BLOCK)), bool)
    for number, (start, end) in enumerate(zip(bounds[:-1], bounds[1:], strict=True)):
        if start == end:
            continue
        held[:] = False
        held[row[nodes[start:end]], owners[start:end] - number * OWNERS_PER_BLOCK] = True
        for child, parent in pairs:
            np.logical_or(held[parent], held[child], out=held[parent])
        counts[concerned] += np.add.reduce(held.view(np.uint8), axis=1, dtype=np.int32)
    return counts
