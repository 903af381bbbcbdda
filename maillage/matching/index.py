"""The search index on disk: full builds swapped in atomically, incremental refreshes, readers.

Layout under ``settings.DATA_DIR`` (or ``settings.SEARCH_INDEX_DIR`` when set)::

    index                 a symbolic link to the current build, replaced atomically
    index.builds/<name>/  one directory per full build (the engine's index + maillage.json)
    index.lock            held by writers (full build swap, refresh): one writer at a time

A full build writes a new directory, then replaces the ``index`` link with ``os.replace``
(atomic): a worker that opened the old build keeps reading it (its arrays are memory-mapped)
until it notices the new link and reopens. The previous build is kept for readers caught in
between; older ones are deleted.

``maillage.json`` records the last profile journal row (``ProfileChange.id``) the build has
seen; edits committed while a build was reading the database are re-applied after the swap.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Max

from maillage.engine import EngineIndex, Searcher
from maillage.matching.documents import DocumentMapper, engine_taxonomy
from maillage.matching.prior import naf_prior_learn
from maillage.profiles.models import ProfileChange

META_FILE = "maillage.json"
REOPEN_CHECK_S = 0.5


class IndexMissingError(RuntimeError):
    """No index has been built yet (run ``maillage build-index``)."""


def index_link() -> Path:
    return Path(settings.SEARCH_INDEX_DIR or settings.DATA_DIR / "index")


def _builds_dir() -> Path:
    link = index_link()
    return link.with_name(link.name + ".builds")


@contextmanager
def writer_lock():
    link = index_link()
    link.parent.mkdir(parents=True, exist_ok=True)
    with open(link.with_name(link.name + ".lock"), "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def current_build() -> Path | None:
    link = index_link()
    if not (link / "manifest.json").exists():
        return None
    return Path(os.path.realpath(link))


def _read_meta(build: Path) -> dict:
    path = build / META_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _write_meta(build: Path, meta: dict) -> None:
    temporary = build / (META_FILE + ".tmp")
    temporary.write_text(json.dumps(meta), encoding="utf-8")
    os.replace(temporary, build / META_FILE)


def _journal_head() -> int:
    return ProfileChange.objects.aggregate(head=Max("id"))["head"] or 0


@dataclass
class BuildReport:
    documents: int
    seconds: float
    path: Path
    caught_up: int


def index_build(*, chunk_size: int | None = None, progress=None) -> BuildReport:
    """Build the whole index from the database into a new directory and swap it in."""
    started = time.monotonic()
    journal_head = _journal_head()  # read first: later edits are re-applied after the swap
    builds = _builds_dir()
    builds.mkdir(parents=True, exist_ok=True)
    target = builds / f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
    mapper = DocumentMapper(engine_taxonomy())
    count = 0

    def counted():
        nonlocal count
        for document in mapper.stream(**({"chunk_size": chunk_size} if chunk_size else {})):
            count += 1
            if progress is not None and count % 100_000 == 0:
                progress(count)
            yield document

    try:
        EngineIndex.build(target, mapper.taxonomy, counted(), naf_prior=naf_prior_learn(mapper.taxonomy))
        _write_meta(target, {"journal_id": journal_head, "documents": count})
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    with writer_lock():
        _swap(target)
        caught_up = _catch_up(target)
    _collect(target)
    return BuildReport(count, time.monotonic() - started, target, caught_up)


def _swap(target: Path) -> None:
    link = index_link()
    if link.exists() and not link.is_symlink():
        # An index directory from before builds were swapped: move it aside once.
        link.rename(_builds_dir() / f"legacy-{int(time.time())}")
    temporary = link.with_name(link.name + ".swap")
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(target)
    os.replace(temporary, link)


def _collect(current: Path) -> None:
    """Delete builds older than the previous one (kept for readers still opening it)."""
    builds = sorted(
        (p for p in _builds_dir().iterdir() if p.is_dir() and p != current), key=lambda p: p.stat().st_mtime
    )
    for old in builds[:-1]:
        shutil.rmtree(old, ignore_errors=True)


def _catch_up(build: Path) -> int:
    """Re-index establishments whose profile changed since the build's journal mark."""
    meta = _read_meta(build)
    head = _journal_head()
    since = meta.get("journal_id", 0)
    if head <= since:
        return 0
    ids = set(
        ProfileChange.objects.filter(id__gt=since, id__lte=head).values_list(
            "profile__establishment_id", flat=True
        )
    )
    _update(build, ids)
    _write_meta(build, {**meta, "journal_id": head})
    return len(ids)


def _update(build: Path, establishment_ids: Iterable[int]) -> int:
    index = EngineIndex(build)
    documents, gone = DocumentMapper(index.taxonomy).for_establishments(establishment_ids)
    if documents or gone:
        index.update(documents, delete=gone)
    return len(documents) + len(gone)


def index_refresh(*, establishment_ids: Iterable[int] | None = None) -> int:
    """Re-index the given establishments now (or catch up with the profile journal when None).

    Returns the number of establishments written; 0 when no index has been built.
    """
    with writer_lock():
        build = current_build()
        if build is None:
            return 0
        if establishment_ids is None:
            return _catch_up(build)
        return _update(build, establishment_ids)


# --- readers ------------------------------------------------------------------------------


class _Reader:
    """One Searcher per process, reopened when a full build replaced the index link.

    Within one build the engine itself notices delta updates (``Searcher.search`` refreshes
    at most every 0.5 s with one ``stat``); a new build is a new directory, found here.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._path: Path | None = None
        self._searcher: Searcher | None = None
        self._checked_at = 0.0

    def get(self) -> Searcher:
        now = time.monotonic()
        if self._searcher is not None and now - self._checked_at < REOPEN_CHECK_S:
            return self._searcher
        with self._lock:
            build = current_build()
            if build is None:
                raise IndexMissingError(index_link())
            if build != self._path:
                self._searcher = Searcher(
                    EngineIndex(build),
                    cache_entries=settings.MAILLAGE_SEARCH_CACHE_ENTRIES,
                )
                self._path = build
            self._checked_at = now
            return self._searcher

    def reset(self) -> None:
        with self._lock:
            self._path, self._searcher, self._checked_at = None, None, 0.0


reader = _Reader()


def searcher() -> Searcher:
    return reader.get()
