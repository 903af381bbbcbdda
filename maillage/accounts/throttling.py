"""Login throttling: a small limiter on Django's cache, keyed by account, by client, and both.

Three counters of failed logins over ``LOGIN_THROTTLE_WINDOW`` seconds (docs/accounts.md):

- per account *and* client address: ``LOGIN_THROTTLE_FAILURES`` failures lock that pair only,
  so whoever guesses a password from one address cannot lock the owner out of another;
- per client address, whatever the accounts: ``LOGIN_THROTTLE_CLIENT_FAILURES`` failures lock
  the address (one client spraying a common password over many accounts);
- per account, whatever the clients: never a lock but a delay. Past
  ``LOGIN_THROTTLE_ACCOUNT_FAILURES`` failures, the next attempt waits 1 s after the latest
  failure, then 2, 4… up to ``LOGIN_THROTTLE_ACCOUNT_MAX_DELAY`` s: guessing from many
  addresses slows to a crawl while the owner waits a minute at most.

A successful login clears the pair's and the account's failures, not the address's (a shared
address stays watched).

The same counters, under the ``reset`` scope, cap password-reset e-mails (a form that sends
mail to any address must not become a way to flood someone's mailbox), and, through
``counter``, ``wait`` and ``record`` with limits of their own, the establishment contact form
(``maillage/www/establishments/contact.py``: per address and per session), the sign-up and
the « Adhérer au réseau » form (``signup_*``, ``join_*``).

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
# Sign-up and « Adhérer au réseau » (issue 15): forms open to visitors that create rows and send
# e-mail. Per client address over an hour, and per e-mail address for the sign-up's messages.
SIGNUP_PER_CLIENT = 5
SIGNUP_PER_ADDRESS = 3
JOIN_PER_CLIENT = 5
FORM_WINDOW = 3600


def _account_slots() -> int:
    """Failures the account counter holds: the free ones, then one per doubling of the delay."""
    return (
        settings.LOGIN_THROTTLE_ACCOUNT_FAILURES
        + max(1, settings.LOGIN_THROTTLE_ACCOUNT_MAX_DELAY).bit_length()
    )


def counter(scope: str, kind: str, value: str) -> str:
    """The key stem of one counter: ``kind`` (email, ip, session…) ``value`` under ``scope``."""
    # Hashed so that addresses never sit in the cache in clear.
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"{scope}-fail:{kind}:{digest}"


def _reset_keys(email: str, ip: str) -> list[str]:
    """The password-reset counters' key stems: the e-mail's, then the address's when known."""
    keys = [counter("reset", "email", email)]
    if ip:
        keys.append(counter("reset", "ip", ip))
    return keys


def _pair(email: str, ip: str) -> tuple[str, int]:
    return counter("login", "email-ip", f"{email.strip()}|{ip}"), settings.LOGIN_THROTTLE_FAILURES


def _account(email: str) -> tuple[str, int]:
    return counter("login", "email", email), _account_slots()


def _login_counters(email: str, ip: str) -> list[tuple[str, int]]:
    """The counters that lock: the (account, address) pair's, then the address's when known."""
    counters = [_pair(email, ip)]
    if ip:
        counters.append((counter("login", "ip", ip), settings.LOGIN_THROTTLE_CLIENT_FAILURES))
    return counters


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


def _account_delay(email: str, window: int) -> int:
    """Seconds the account still waits after its latest failure (0 below the free failures)."""
    now = _now()
    stem, slots = _account(email)
    keys = _window_slots(stem, now, slots, window)
    stored = cache.get_many(keys)
    recent = sorted(stored[key] for key in keys if key in stored and stored[key] > now - window)
    beyond = len(recent) - settings.LOGIN_THROTTLE_ACCOUNT_FAILURES
    if beyond < 0:
        return 0
    delay = min(2**beyond, settings.LOGIN_THROTTLE_ACCOUNT_MAX_DELAY)
    return max(0, math.ceil(recent[-1] + delay - now))


def retry_after(email: str, ip: str, *, scope: str = "login") -> int:
    """Seconds before a new attempt is allowed; 0 when allowed now, at least 1 while refused."""
    if scope == "reset":
        return wait([(stem, RESET_REQUESTS) for stem in _reset_keys(email, ip)], RESET_WINDOW)
    window = settings.LOGIN_THROTTLE_WINDOW
    return max(wait(_login_counters(email, ip), window), _account_delay(email, window))


def register_failure(email: str, ip: str, *, scope: str = "login") -> None:
    if scope == "reset":
        record([(stem, RESET_REQUESTS) for stem in _reset_keys(email, ip)], RESET_WINDOW)
        return
    record([*_login_counters(email, ip), _account(email)], settings.LOGIN_THROTTLE_WINDOW)


def reset(email: str, ip: str = "") -> None:
    """A successful login clears the pair's and the account's failures, not the address's."""
    window, now = settings.LOGIN_THROTTLE_WINDOW, _now()
    keys = []
    for stem, slots in (_pair(email, ip), _account(email)):
        keys += _window_slots(stem, now, slots, window)
    cache.delete_many(keys)


def signup_retry_after(ip: str) -> int:
    """Seconds before this client may ask for another account (0: now)."""
    return wait([(counter("signup", "ip", ip), SIGNUP_PER_CLIENT)], FORM_WINDOW) if ip else 0


def signup_address_allowed(email: str) -> bool:
    """Whether one more sign-up e-mail may go to ``email``: refused silently past the limit, so
    that the page never tells whether an account exists or a limit was reached."""
    return not wait([(counter("signup", "email", email), SIGNUP_PER_ADDRESS)], FORM_WINDOW)


def signup_record(email: str, ip: str) -> None:
    counters = [(counter("signup", "email", email), SIGNUP_PER_ADDRESS)]
    if ip:
        counters.append((counter("signup", "ip", ip), SIGNUP_PER_CLIENT))
    record(counters, FORM_WINDOW)


def join_retry_after(ip: str) -> int:
    """Seconds before this client may send another join request (0: now)."""
    return wait([(counter("join", "ip", ip), JOIN_PER_CLIENT)], FORM_WINDOW) if ip else 0


def join_record(ip: str) -> None:
    if ip:
        record([(counter("join", "ip", ip), JOIN_PER_CLIENT)], FORM_WINDOW)


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def create_cache_tables(*, using: str = "default", verbosity: int = 1, **kwargs) -> None:
    """``post_migrate`` receiver: the database cache's table exists as soon as the schema does.

    ``createcachetable`` does nothing for other backends (Redis, memory) and for a table that
    already exists, so running it after every migrate is cheap and idempotent.
    """
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=max(verbosity - 1, 0))
