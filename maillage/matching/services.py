"""Keep the search index in step with profile edits.

Choice (docs/search.md): the profile journal (``maillage.profiles.journal.Journal.save``, which
every profile service calls once) sends ``profiles.signals.profile_changed``, whose receiver
(connected in ``MatchingConfig.ready``: profiles sits below matching and never imports it) calls
``index_refresh_on_commit``. The refresh runs in ``transaction.on_commit``, so a rolled-back
edit never reaches the index and the write itself never waits on the index inside its
transaction. Edits made while no callback could run (another process
crashed after its commit, a raw SQL fix) are caught up from the journal by the next
``maillage build-index --changes`` or full build.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction

from maillage.matching.index import index_refresh

logger = logging.getLogger(__name__)
_state = threading.local()


def _pending() -> set[int]:
    if not hasattr(_state, "ids"):
        _state.ids, _state.deferred = set(), 0
    return _state.ids


def index_refresh_on_commit(*, establishment_id: int) -> None:
    """Re-index this establishment once the current transaction commits (now in autocommit)."""
    _pending().add(establishment_id)
    if not _state.deferred:
        transaction.on_commit(_flush)


def index_refresh_on_profile_change(sender, *, establishment_id: int, **kwargs) -> None:
    """Receiver of ``profiles.signals.profile_changed`` (connected in ``MatchingConfig.ready``)."""
    index_refresh_on_commit(establishment_id=establishment_id)


def _flush() -> None:
    # Several callbacks of one transaction share the set: the first takes everything.
    ids, _state.ids = _pending(), set()
    if not ids:
        return
    try:
        index_refresh(establishment_ids=ids)
    except Exception:  # the edit is committed; the journal catch-up repairs the index later
        logger.exception("index refresh failed for %d establishments", len(ids))


@contextmanager
def index_refresh_deferred() -> Iterator[None]:
    """Collect profile edits of a bulk job and refresh the index once at the end."""
    _pending()
    _state.deferred += 1
    try:
        yield
    finally:
        _state.deferred -= 1
        if not _state.deferred:
            transaction.on_commit(_flush)
