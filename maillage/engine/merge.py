"""Fold a delta segment and tombstones into a new main segment, array by array.

No document is re-analysed: postings are concatenated with renumbered doc ids. The text
impacts of the delta were computed with the main segment's average field lengths, so the
merged segment scores exactly as the two did side by side.
"""

import numpy as np

from maillage.engine.segment import PostingTable, Segment, StringColumn


def _values(main: list[str], delta: list[str]) -> tuple[list[str], np.ndarray]:
    values = list(main)
    index = {value: i for i, value in enumerate(values)}
    remap = []
    for value in delta:
        if value not in index:
            index[value] = len(values)
            values.append(value)
        remap.append(index[value])
    return values, np.array(remap, dtype=np.int64)


def _table(main: PostingTable, delta: PostingTable | None, doc_map: np.ndarray, offset: int) -> PostingTable:
    keys = list(main.keys)
    index = {key: i for i, key in enumerate(keys)}
    key_ids, docs = main.entries()
    new_docs = doc_map[docs] if len(docs) else docs.astype(np.int64)
    alive = new_docs >= 0
    parts_keys, parts_docs = [key_ids[alive]], [new_docs[alive]]
    parts_cols = {name: [np.asarray(col)[alive]] for name, col in main.cols.items()}
    if delta is not None and len(delta.docs):
        remap = []
        for key in delta.keys:
            if key not in index:
                index[key] = len(keys)
                keys.append(key)
            remap.append(index[key])
        d_keys, d_docs = delta.entries()
        parts_keys.append(np.array(remap, dtype=np.int64)[d_keys])
        parts_docs.append(d_docs.astype(np.int64) + offset)
        for name, col in delta.cols.items():
            parts_cols[name].append(np.asarray(col))
    return PostingTable.from_entries(
        keys,
        np.concatenate(parts_keys),
        np.concatenate(parts_docs),
        **{name: np.concatenate(cols) for name, cols in parts_cols.items()},
    )


def _forward(main: Segment, delta: Segment | None, keep: np.ndarray, doc_map: np.ndarray, prefix: str, cols):
    indptr = getattr(main, f"{prefix}_indptr")
    owners = np.repeat(np.arange(main.n), np.diff(indptr))
    alive = keep[owners] if len(owners) else np.zeros(0, bool)
    docs = [doc_map[owners[alive]]]
    values = {col: [np.asarray(getattr(main, f"{prefix}_{col}"))[alive]] for col in cols}
    offset = int(keep.sum())
    if delta is not None:
        d_indptr = getattr(delta, f"{prefix}_indptr")
        docs.append(np.repeat(np.arange(delta.n), np.diff(d_indptr)) + offset)
        for col in cols:
            values[col].append(np.asarray(getattr(delta, f"{prefix}_{col}")))
    total = offset + (delta.n if delta is not None else 0)
    new_indptr = np.zeros(total + 1, np.int64)
    all_docs = np.concatenate(docs)
    np.cumsum(np.bincount(all_docs, minlength=total), out=new_indptr[1:])
    return new_indptr, {col: np.concatenate(parts) for col, parts in values.items()}


def merge_segments(main: Segment, tombstones: np.ndarray, delta: Segment | None) -> Segment:
    keep = ~np.asarray(tombstones, dtype=bool)
    doc_map = np.full(main.n, -1, dtype=np.int64)
    doc_map[keep] = np.arange(int(keep.sum()))
    offset = int(keep.sum())
    kept = np.flatnonzero(keep)

    def column(name: str) -> np.ndarray:
        parts = [np.asarray(getattr(main, name))[kept]]
        if delta is not None:
            parts.append(np.asarray(getattr(delta, name)))
        return np.concatenate(parts)

    values = {}
    for kind in ("naf", "department", "commune"):
        main_values = getattr(main, f"{kind}_values")
        delta_values = getattr(delta, f"{kind}_values") if delta is not None else []
        merged_values, remap = _values(main_values, delta_values)
        parts = [np.asarray(getattr(main, kind))[kept].astype(np.int64)]
        if delta is not None and delta.n:
            parts.append(remap[np.asarray(getattr(delta, kind)).astype(np.int64)])
        values[kind] = (merged_values, np.concatenate(parts))
    keys = [main.key(int(i)) for i in kept] + ([delta.key(i) for i in range(delta.n)] if delta else [])
    width = max([len(k.encode()) for k in keys] + [14])
    doc_key = np.array([k.encode() for k in keys], dtype=f"S{width}")
    names = [main.name[int(i)] for i in kept] + ([delta.name[i] for i in range(delta.n)] if delta else [])
    fwd_indptr, fwd = _forward(main, delta, keep, doc_map, "fwd", ("node", "status"))
    cfwd_indptr, cfwd = _forward(main, delta, keep, doc_map, "cfwd", ("node", "until", "from"))
    unknown = dict(main.stats.get("unknown_codes", {}))
    for code, count in (delta.stats.get("unknown_codes", {}) if delta else {}).items():
        unknown[code] = unknown.get(code, 0) + count
    return Segment(
        n=len(keys),
        doc_key=doc_key,
        key_order=np.argsort(doc_key, kind="stable").astype(np.int32),
        name=StringColumn.from_strings(names),
        lat=column("lat"),
        lon=column("lon"),
        headcount_min=column("headcount_min"),
        headcount_max=column("headcount_max"),
        quality=column("quality"),
        naf=values["naf"][1].astype(np.int16),
        department=values["department"][1].astype(np.int16),
        commune=values["commune"][1].astype(np.int32),
        naf_values=values["naf"][0],
        department_values=values["department"][0],
        commune_values=values["commune"][0],
        **{
            name: _table(getattr(main, name), getattr(delta, name) if delta else None, doc_map, offset)
            for name in Segment.TABLES
        },
        fwd_indptr=fwd_indptr,
        fwd_node=fwd["node"],
        fwd_status=fwd["status"],
        cfwd_indptr=cfwd_indptr,
        cfwd_node=cfwd["node"],
        cfwd_until=cfwd["until"],
        cfwd_from=cfwd["from"],
        stats={"avg_lengths": main.stats["avg_lengths"], "unknown_codes": unknown},
    )
