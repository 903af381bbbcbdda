"""An index directory: a main segment, an optional delta segment and tombstones.

    manifest.json     {"format", "generation", "main", "delta", "tombstones"}
    taxonomy.json     the taxonomy the segments were built with
    typo.*            the typo-tolerance dictionary of the main segment
    naf_prior.json    the activity prior the main segment was built with, if any (prior.py)
    seg-<g>/          segments (arrays, memory-mapped by readers)
    tomb-<g>.npy      main-segment documents replaced or deleted since the main build

One writer (the process that rebuilds or updates), any number of readers. The writer writes
new files first and replaces manifest.json atomically last, so a reader sees either the old
or the new state; readers call ``refresh()`` (cheap: one stat) before searching. Files of the
previous generation are kept one generation longer for readers caught in between.
"""

import json
import os
import shutil
import time
from collections.abc import Iterable
from dataclasses import asdict
from datetime import date
from pathlib import Path

import numpy as np

from maillage.engine import prior
from maillage.engine.build import SegmentBuilder, typo_arrays
from maillage.engine.documents import EngineDocument
from maillage.engine.errors import IndexFormatError
from maillage.engine.merge import merge_segments
from maillage.engine.segment import FORMAT_VERSION, Segment, load_array
from maillage.engine.taxonomy import EngineTaxonomy

MERGE_AT = 50_000  # delta documents; the delta is rebuilt in full at every update
REFRESH_EVERY_S = 0.5


def document_to_json(doc: EngineDocument) -> dict:
    data = asdict(doc)
    for claim in data["certifications"]:
        if isinstance(claim, dict):
            for key in ("valid_from", "valid_until"):
                if isinstance(claim.get(key), date):
                    claim[key] = claim[key].isoformat()
    return data


def document_from_json(data: dict) -> EngineDocument:
    from maillage.engine.documents import CapabilityClaim, CertificationClaim, EquipmentClaim

    data = dict(data)
    data["capabilities"] = [
        CapabilityClaim(**c) if isinstance(c, dict) else tuple(c) for c in data["capabilities"]
    ]
    certifications = []
    for claim in data["certifications"]:
        if isinstance(claim, dict):
            claim = {
                k: (date.fromisoformat(v) if k.startswith("valid") and v else v) for k, v in claim.items()
            }
            certifications.append(CertificationClaim(**claim))
        else:
            certifications.append(tuple(claim))
    data["certifications"] = certifications
    data["equipment"] = [EquipmentClaim(**e) if isinstance(e, dict) else tuple(e) for e in data["equipment"]]
    return EngineDocument(**data)


class EngineIndex:
    def __init__(self, path: Path, *, mmap: bool = True):
        self.path = Path(path)
        self.mmap = mmap
        self._manifest_stat: tuple | None = None
        self._checked_at = 0.0
        self.taxonomy = EngineTaxonomy.load(self._file("taxonomy.json"))
        self._reload()

    def _file(self, name: str) -> Path:
        path = self.path / name
        if not path.exists():
            raise IndexFormatError(f"{path} : index absent ou incomplet (lancez la construction de l'index)")
        return path

    def _reload(self) -> None:
        manifest_path = self._file("manifest.json")
        for attempt in range(3):
            stat = manifest_path.stat()
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            try:
                self._open(manifest)
                break
            except (IndexFormatError, FileNotFoundError):
                # A writer replaced the generation between our two reads: read again.
                if attempt == 2:
                    raise
                time.sleep(0.05)
        self._manifest_stat = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        self._checked_at = time.monotonic()

    def _open(self, manifest: dict) -> None:
        if manifest.get("format") != FORMAT_VERSION:
            raise IndexFormatError(
                f"{self.path} : format d'index {manifest.get('format')} non pris en charge"
            )
        self.manifest = manifest
        self.generation = manifest["generation"]
        self.main = Segment.load(self.path / manifest["main"], mmap=self.mmap)
        self.delta = (
            Segment.load(self.path / manifest["delta"], mmap=False) if manifest.get("delta") else None
        )
        if manifest.get("tombstones"):
            self.tombstones = np.load(
                self.path / manifest["tombstones"], mmap_mode="r" if self.mmap else None
            )
        else:
            self.tombstones = np.zeros(self.main.n, dtype=bool)
        typo_dir = self.path / manifest["main"]
        self.typo_words = json.loads((typo_dir / "typo.words.json").read_text(encoding="utf-8"))
        self.typo_hash = load_array(typo_dir, "typo.hash", self.mmap)
        self.typo_owner = load_array(typo_dir, "typo.owner", self.mmap)
        self.naf_prior = prior.load(typo_dir / "naf_prior.json")
        self._df_cache: dict[str, int] = {}

    def refresh(self, *, force: bool = False) -> bool:
        """Reload if a writer published a new generation; True when it did."""
        now = time.monotonic()
        if not force and now - self._checked_at < REFRESH_EVERY_S:
            return False
        self._checked_at = now
        stat = (self.path / "manifest.json").stat()
        if (stat.st_mtime_ns, stat.st_size, stat.st_ino) == self._manifest_stat:
            return False
        self._reload()
        return True

    # -- reading helpers used by the searcher ----------------------------------------------
    def segments(self) -> list[tuple[Segment, np.ndarray | None]]:
        pairs = [(self.main, self.tombstones if self.manifest.get("tombstones") else None)]
        if self.delta is not None and self.delta.n:
            pairs.append((self.delta, None))
        return pairs

    @property
    def size(self) -> int:
        live = (
            self.main.n - int(np.count_nonzero(self.tombstones))
            if self.manifest.get("tombstones")
            else self.main.n
        )
        return live + (self.delta.n if self.delta is not None else 0)

    def df(self, stem: str) -> int:
        cached = self._df_cache.get(stem)
        if cached is None:
            cached = sum(segment.text.df(stem) for segment, _ in self.segments())
            self._df_cache[stem] = cached
        return cached

    # -- writing ------------------------------------------------------------------------
    @classmethod
    def build(
        cls,
        path: Path,
        taxonomy: EngineTaxonomy,
        documents: Iterable[EngineDocument],
        *,
        naf_prior: dict | None = None,
    ) -> "EngineIndex":
        """Full build into ``path`` (created if needed); readers switch at the next refresh.
        ``naf_prior``: the activity prior (``prior.learn``), kept with the main segment."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        previous = _read_manifest(path)
        generation = (previous or {}).get("generation", 0) + 1
        segment = SegmentBuilder(taxonomy).add_all(documents).finish()
        name = f"seg-{generation:06d}"
        _save_main(path / name, segment, segment.typo_words, naf_prior)
        taxonomy.save(path / "taxonomy.json.tmp")
        os.replace(path / "taxonomy.json.tmp", path / "taxonomy.json")
        _write_manifest(path, {"format": FORMAT_VERSION, "generation": generation, "main": name})
        _collect(path, previous)
        return cls(path)

    def delta_documents(self) -> dict[str, EngineDocument]:
        if not self.manifest.get("delta"):
            return {}
        raw = json.loads((self.path / self.manifest["delta"] / "documents.json").read_text(encoding="utf-8"))
        return {item["doc_key"]: document_from_json(item) for item in raw}

    def update(self, documents: Iterable[EngineDocument] = (), *, delete: Iterable[str] = ()) -> None:
        """Add or replace documents and delete others without a full rebuild.

        The changed documents go to the delta segment (rebuilt whole: it is small); their
        old versions in the main segment are tombstoned. Past MERGE_AT delta documents the
        delta is merged into a new main segment.
        """
        self.refresh(force=True)
        previous = dict(self.manifest)
        pending = self.delta_documents()
        tombstones = np.array(self.tombstones, dtype=bool, copy=True)
        for doc in documents:
            pending[doc.doc_key] = doc
            local = self.main.locate(doc.doc_key)
            if local is not None:
                tombstones[local] = True
        for key in delete:
            pending.pop(key, None)
            local = self.main.locate(key)
            if local is not None:
                tombstones[local] = True
        generation = self.generation + 1
        manifest = {"format": FORMAT_VERSION, "generation": generation, "main": previous["main"]}
        builder = SegmentBuilder(self.taxonomy, avg_lengths=self.main.stats["avg_lengths"], typo=False)
        delta = builder.add_all(pending.values()).finish()
        if delta.n >= MERGE_AT:
            merged = merge_segments(self.main, tombstones, delta)
            name = f"seg-{generation:06d}"
            _save_main(self.path / name, merged, self.typo_words, self.naf_prior)
            manifest["main"] = name
        else:
            if delta.n:
                name = f"seg-{generation:06d}-delta"
                delta.save(self.path / name)
                (self.path / name / "documents.json").write_text(
                    json.dumps([document_to_json(d) for d in pending.values()], ensure_ascii=False),
                    encoding="utf-8",
                )
                manifest["delta"] = name
            if tombstones.any():
                tomb_name = f"tomb-{generation:06d}.npy"
                np.save(self.path / tomb_name, tombstones)
                manifest["tombstones"] = tomb_name
        _write_manifest(self.path, manifest)
        _collect(self.path, previous)
        self._reload()

    def merge(self) -> None:
        """Fold the delta and tombstones into a new main segment now."""
        self.refresh(force=True)
        if not self.manifest.get("delta") and not self.manifest.get("tombstones"):
            return
        previous = dict(self.manifest)
        generation = self.generation + 1
        merged = merge_segments(self.main, np.asarray(self.tombstones, dtype=bool), self.delta)
        name = f"seg-{generation:06d}"
        _save_main(self.path / name, merged, self.typo_words, self.naf_prior)
        _write_manifest(self.path, {"format": FORMAT_VERSION, "generation": generation, "main": name})
        _collect(self.path, previous)
        self._reload()


def _save_main(directory: Path, segment: Segment, words: list, naf_prior: dict | None = None) -> None:
    segment.save(directory)
    if naf_prior:
        prior.save(naf_prior, directory / "naf_prior.json")
    words = [list(w) for w in words]
    hashes, owners = typo_arrays(words)
    (directory / "typo.words.json").write_text(json.dumps(words, ensure_ascii=False), encoding="utf-8")
    np.save(directory / "typo.hash.npy", hashes)
    np.save(directory / "typo.owner.npy", owners)


def _read_manifest(path: Path) -> dict | None:
    manifest = path / "manifest.json"
    if not manifest.exists():
        return None
    return json.loads(manifest.read_text(encoding="utf-8"))


def _write_manifest(path: Path, manifest: dict) -> None:
    temporary = path / "manifest.json.tmp"
    temporary.write_text(json.dumps(manifest), encoding="utf-8")
    os.replace(temporary, path / "manifest.json")


def _collect(path: Path, previous: dict | None) -> None:
    """Delete files older than the previous generation (kept for readers in between)."""
    current = _read_manifest(path) or {}
    keep = {current.get(k) for k in ("main", "delta", "tombstones")}
    keep |= {(previous or {}).get(k) for k in ("main", "delta", "tombstones")}
    for entry in path.iterdir():
        if (entry.name.startswith("seg-") or entry.name.startswith("tomb-")) and entry.name not in keep:
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
