"""Login throttling: a small limiter on Django's cache, keyed by e-mail and by client address.

After ``LOGIN_THROTTLE_FAILURES`` failed attempts within ``LOGIN_THROTTLE_WINDOW`` seconds,
further attempts for that e-mail (from any address) or from that address (for any e-mail)
are refused until the window has passed. See docs/accounts.md for why not django-axes.

The same counters, under the ``reset`` scope, cap password-reset e-mails (a form that sends
mail to any address must not become a way to flood someone's mailbox), and, through
``counter``, ``wait`` and ``record`` with limits of their own, the establishment contact form
(``maillage/www/establishments/contact.py``: per address and per session).

Counting is atomic on every cache the project uses, so a burst of simultaneous failures is
counted in full: each failure claims a key of its own, a *slot*, with ``cache.add`` (set if
absent: ``SET NX`` on Redis, an ``INSERT`` on the table's primary key for the database cache,
a dict under a lock for the local-memory cache) and stores its time there; whoever loses the
race for a slot takes the next one. ``cache.incr`` would not do: the database cache inherits
Django's generic ``incr``, a read then a write, which loses counts exactly like a list read
then written back.

Slots are grouped by time bucket (one bucket per window length), ``failures`` slots a bucket,
so the keys to read are known in advance: the current bucket and the previous one cover the
window, read in one ``get_many``. Each slot holds its failure's time, so the window slides
exactly (no bucket rounding) and "retry in N seconds" is exact. A bucket holds at most
``failures`` failures: a full current bucket already locks, so failures it turns away could
only lengthen a lock in progress (they arrive only in a burst that passed the check together).
"""

from __future__ import annotations

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache

RESET_REQUESTS = 3
RESET_WINDOW = 3600


def _limits(scope: str) -> tuple[int, int]:
    if scope == "reset":
        return RESET_REQUESTS, RESET_WINDOW
    return settings.LOGIN_THROTTLE_FAILURES, settings.LOGIN_THROTTLE_WINDOW


def counter(scope: str, kind: str, value: str) -> str:
    """The key stem of one counter: ``kind`` (email, ip, session…) ``value`` under ``scope``."""
    # Hashed so that addresses never sit in the cache in clear.
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"{scope}-fail:{kind}:{digest}"


def _keys(email: str, ip: str, scope: str = "login") -> list[str]:
    """The counters' key stems: the e-mail's, then the address's when known."""
    keys = [counter(scope, "email", email)]
    if ip:
        keys.append(counter(scope, "ip", ip))
    return keys


def _now() -> float:
    return time.time()


def _slots(stem: str, bucket: int, failures: int) -> list[str]:
    return [f"{stem}:{bucket}:{slot}" for slot in range(failures)]


def _window_slots(stem: str, now: float, failures: int, window: int) -> list[str]:
    """Every slot that may hold a failure of the last ``window`` seconds."""
    bucket = int(now // window)
    return _slots(stem, bucket - 1, failures) + _slots(stem, bucket, failures)


def wait(counters: list[tuple[str, int]], window: int) -> int:
    """Seconds before the next event is allowed, for ``(stem, limit)`` counters over ``window``.

    0 when every counter holds fewer than its limit of events in the last ``window`` seconds;
    at least 1 while one is full. One ``get_many`` for all the counters.
    """
    now = _now()
    slots = [(_window_slots(stem, now, limit, window), limit) for stem, limit in counters]
    stored = cache.get_many([key for keys, _limit in slots for key in keys])
    delay = 0
    for keys, limit in slots:
        recent = sorted(stored[key] for key in keys if key in stored and stored[key] > now - window)
        if len(recent) >= limit:
            # The lock lifts when the event that completed the count leaves the window;
            # it is inside the window, so the wait is positive and ceil() never gives 0.
            delay = max(delay, math.ceil(recent[-limit] + window - now))
    return delay


def record(counters: list[tuple[str, int]], window: int) -> None:
    """Counts one event in each ``(stem, limit)`` counter: one slot claimed with ``cache.add``."""
    now = _now()
    bucket = int(now // window)
    # A slot must outlive its bucket (one window) plus the window it is counted in.
    timeout = 2 * window + 1
    for stem, limit in counters:
        slots = _slots(stem, bucket, limit)
        taken = cache.get_many(slots)  # start at the first free slot; add() settles races
        for key in slots:
            if key not in taken and cache.add(key, now, timeout=timeout):
                break


def retry_after(email: str, ip: str, *, scope: str = "login") -> int:
    """Seconds before a new attempt is allowed; 0 when allowed now, at least 1 while locked."""
    failures, window = _limits(scope)
    return wait([(stem, failures) for stem in _keys(email, ip, scope)], window)


def register_failure(email: str, ip: str, *, scope: str = "login") -> None:
    failures, window = _limits(scope)
    record([(stem, failures) for stem in _keys(email, ip, scope)], window)


def reset(email: str) -> None:
    """A successful login clears the e-mail's failures (not the address's: a shared IP stays watched)."""
    failures, window = _limits("login")
    cache.delete_many(_window_slots(_keys(email, "")[0], _now(), failures, window))


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def create_cache_tables(*, using: str = "default", verbosity: int = 1, **kwargs) -> None:
    """``post_migrate`` receiver: the database cache's table exists as soon as the schema does.

    ``createcachetable`` does nothing for other backends (Redis, memory) and for a table that
    already exists, so running it after every migrate is cheap and idempotent.
    """
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=max(verbosity - 1, 0))
