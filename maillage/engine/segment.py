"""Immutable index segments: numpy arrays saved as .npy files and memory-mapped on load.

Every lookup structure is a *posting table*: string keys → a CSR slice of sorted local doc
ids with optional value columns (impact of a term, strength of a capability claim, validity
of a certificate, value of an equipment specification). Loading with ``mmap_mode="r"`` lets
several web worker processes share the same page cache instead of each holding a copy.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from maillage.engine.errors import IndexFormatError

FORMAT_VERSION = 1


def _save(directory: Path, name: str, array: np.ndarray) -> None:
    np.save(directory / f"{name}.npy", np.ascontiguousarray(array), allow_pickle=False)


def load_array(directory: Path, name: str, mmap: bool) -> np.ndarray:
    path = directory / f"{name}.npy"
    if not path.exists():
        raise IndexFormatError(f"{path} : fichier d'index manquant")
    array = np.load(path, mmap_mode="r" if mmap else None, allow_pickle=False)
    # A plain ndarray view of the mapping: same shared pages, without np.memmap's slow
    # Python-level __getitem__ on every slice.
    return array.view(np.ndarray) if mmap else array


class PostingTable:
    def __init__(self, keys: list[str], indptr: np.ndarray, docs: np.ndarray, cols: dict[str, np.ndarray]):
        self.keys = keys
        self.indptr = indptr
        self.docs = docs
        self.cols = cols
        self.lookup = {key: index for index, key in enumerate(keys)}

    @classmethod
    def from_entries(cls, keys: list[str], key_ids: np.ndarray, docs: np.ndarray, **cols) -> "PostingTable":
        """Entries in any order; sorted here by key then doc."""
        key_ids = np.asarray(key_ids, dtype=np.int64)
        docs = np.asarray(docs, dtype=np.int32)
        order = np.lexsort((docs, key_ids))
        counts = np.bincount(key_ids, minlength=len(keys)) if len(key_ids) else np.zeros(len(keys), np.int64)
        indptr = np.zeros(len(keys) + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        return cls(keys, indptr, docs[order], {name: np.asarray(col)[order] for name, col in cols.items()})

    @classmethod
    def empty(cls, **dtypes) -> "PostingTable":
        return cls(
            [], np.zeros(1, np.int64), np.zeros(0, np.int32), {n: np.zeros(0, d) for n, d in dtypes.items()}
        )

    def span(self, key: str) -> tuple[int, int] | None:
        index = self.lookup.get(key)
        if index is None:
            return None
        return int(self.indptr[index]), int(self.indptr[index + 1])

    def df(self, key: str) -> int:
        span = self.span(key)
        return 0 if span is None else span[1] - span[0]

    def find(self, key: str, doc: int) -> int | None:
        """Position of (key, doc) in the table, or None."""
        span = self.span(key)
        if span is None:
            return None
        start, end = span
        position = start + int(np.searchsorted(self.docs[start:end], doc))
        if position < end and self.docs[position] == doc:
            return position
        return None

    def entries(self) -> tuple[np.ndarray, np.ndarray]:
        """(key id, doc) of every entry, in storage order."""
        key_ids = np.repeat(np.arange(len(self.keys), dtype=np.int64), np.diff(self.indptr))
        return key_ids, np.asarray(self.docs)

    def save(self, directory: Path, name: str) -> None:
        (directory / f"{name}.keys.json").write_text(
            json.dumps(self.keys, ensure_ascii=False), encoding="utf-8"
        )
        _save(directory, f"{name}.indptr", self.indptr)
        _save(directory, f"{name}.docs", self.docs)
        for col, array in self.cols.items():
            _save(directory, f"{name}.{col}", array)

    @classmethod
    def load(cls, directory: Path, name: str, cols: tuple[str, ...], mmap: bool) -> "PostingTable":
        keys_path = directory / f"{name}.keys.json"
        if not keys_path.exists():
            raise IndexFormatError(f"{keys_path} : fichier d'index manquant")
        keys = json.loads(keys_path.read_text(encoding="utf-8"))
        return cls(
            keys,
            load_array(directory, f"{name}.indptr", mmap),
            load_array(directory, f"{name}.docs", mmap),
            {col: load_array(directory, f"{name}.{col}", mmap) for col in cols},
        )


class StringColumn:
    """Many distinct strings (names): one UTF-8 blob and offsets."""

    def __init__(self, blob: np.ndarray, offsets: np.ndarray):
        self.blob, self.offsets = blob, offsets

    @classmethod
    def from_strings(cls, strings: list[str]) -> "StringColumn":
        encoded = [s.encode("utf-8") for s in strings]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(e) for e in encoded], out=offsets[1:])
        return cls(np.frombuffer(b"".join(encoded), dtype=np.uint8).copy(), offsets)

    def __getitem__(self, index: int) -> str:
        return bytes(self.blob[self.offsets[index] : self.offsets[index + 1]]).decode("utf-8")

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def take(self, indices: np.ndarray) -> "StringColumn":
        return StringColumn.from_strings([self[int(i)] for i in indices])


@dataclass
class Segment:
    """One immutable set of documents; local doc ids are 0..n-1."""

    n: int
    doc_key: np.ndarray  # bytes, fixed width
    key_order: np.ndarray  # argsort of doc_key, for lookups without a dict per process
    name: StringColumn
    lat: np.ndarray
    lon: np.ndarray
    headcount_min: np.ndarray  # -1 unknown
    headcount_max: np.ndarray
    quality: np.ndarray  # completeness and share of confirmed claims, 0..1
    naf: np.ndarray  # index into naf_values
    department: np.ndarray  # index into department_values
    commune: np.ndarray  # index into commune_values
    naf_values: list[str]
    department_values: list[str]
    commune_values: list[str]
    text: PostingTable  # term → impact (float32), fields (uint8 bit mask)
    concept: PostingTable  # node code → weight, status, level
    cert: PostingTable  # node code → valid_from, valid_until (days since 1970, int32)
    equip: PostingTable  # node code → docs
    spec: PostingTable  # "node|spec" → value
    network: PostingTable
    geo: PostingTable  # grid cell "i,j" → docs
    fwd_indptr: np.ndarray  # doc → its capability claims (facets, explanations)
    fwd_node: np.ndarray  # taxonomy node id
    fwd_status: np.ndarray
    cfwd_indptr: np.ndarray  # doc → its certificates
    cfwd_node: np.ndarray
    cfwd_until: np.ndarray
    cfwd_from: np.ndarray
    stats: dict = field(default_factory=dict)  # average field lengths, node codes

    ARRAYS = (
        *("doc_key", "key_order", "lat", "lon", "headcount_min", "headcount_max", "quality"),
        *("naf", "department", "commune", "fwd_indptr", "fwd_node", "fwd_status"),
        *("cfwd_indptr", "cfwd_node", "cfwd_until", "cfwd_from"),
    )
    TABLES = {
        "text": ("impact", "fields"),
        "concept": ("weight", "status", "level"),
        "cert": ("valid_from", "valid_until"),
        "equip": (),
        "spec": ("value",),
        "network": (),
        "geo": (),
    }

    def locate(self, doc_key: str) -> int | None:
        if self.n == 0:
            return None
        target = np.array(doc_key.encode("utf-8"), dtype=self.doc_key.dtype)
        position = int(np.searchsorted(self.doc_key, target, sorter=self.key_order))
        if position < self.n:
            local = int(self.key_order[position])
            if self.doc_key[local] == target:
                return local
        return None

    def key(self, local: int) -> str:
        return self.doc_key[local].decode("utf-8")

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        for name in self.ARRAYS:
            _save(directory, name, getattr(self, name))
        _save(directory, "name.blob", self.name.blob)
        _save(directory, "name.offsets", self.name.offsets)
        for name in self.TABLES:
            getattr(self, name).save(directory, name)
        meta = {
            "format": FORMAT_VERSION,
            "n": self.n,
            "naf_values": self.naf_values,
            "department_values": self.department_values,
            "commune_values": self.commune_values,
            "stats": self.stats,
        }
        (directory / "segment.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, *, mmap: bool = True) -> "Segment":
        directory = Path(directory)
        meta_path = directory / "segment.json"
        if not meta_path.exists():
            raise IndexFormatError(f"{meta_path} : segment absent ou incomplet")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT_VERSION:
            raise IndexFormatError(f"{meta_path} : format {meta.get('format')} (attendu {FORMAT_VERSION})")
        arrays = {name: load_array(directory, name, mmap) for name in cls.ARRAYS}
        tables = {name: PostingTable.load(directory, name, cols, mmap) for name, cols in cls.TABLES.items()}
        return cls(
            n=meta["n"],
            name=StringColumn(
                load_array(directory, "name.blob", mmap), load_array(directory, "name.offsets", mmap)
            ),
            naf_values=meta["naf_values"],
            department_values=meta["department_values"],
            commune_values=meta["commune_values"],
            stats=meta["stats"],
            **arrays,
            **tables,
        )
