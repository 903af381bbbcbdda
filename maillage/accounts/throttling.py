"""Login throttling: a small limiter on Django's cache, keyed by e-mail and by client address.

After ``LOGIN_THROTTLE_FAILURES`` failed attempts within ``LOGIN_THROTTLE_WINDOW`` seconds,
further attempts for that e-mail (from any address) or from that address (for any e-mail)
are refused until the window has passed. See docs/accounts.md for why not django-axes.

The same counters, under the ``reset`` scope, cap password-reset e-mails (a form that sends
mail to any address must not become a way to flood someone's mailbox).
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


def _keys(email: str, ip: str, scope: str = "login") -> list[str]:
    # Hashed so that addresses never sit in the cache in clear.
    digest = lambda value: hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]  # noqa: E731
    keys = [f"{scope}-fail:email:{digest(email)}"]
    if ip:
        keys.append(f"{scope}-fail:ip:{digest(ip)}")
    return keys


def _now() -> float:
    return time.time()


def _recent(key: str, now: float, window: int) -> list[float]:
    return [t for t in cache.get(key, []) if t > now - window]


def retry_after(email: str, ip: str, *, scope: str = "login") -> int:
    """Seconds before a new attempt is allowed; 0 when allowed now."""
    failures, window = _limits(scope)
    now = _now()
    wait = 0
    for key in _keys(email, ip, scope):
        recent = _recent(key, now, window)
        if len(recent) >= failures:
            wait = max(wait, math.ceil(recent[-failures] + window - now))
    return wait


def register_failure(email: str, ip: str, *, scope: str = "login") -> None:
    failures, window = _limits(scope)
    now = _now()
    for key in _keys(email, ip, scope):
        # Bounded list: the IP key of a busy proxy must not grow without limit.
        cache.set(key, [*_recent(key, now, window), now][-failures * 4 :], timeout=window)


def reset(email: str) -> None:
    """A successful login clears the e-mail's failures (not the address's: a shared IP stays watched)."""
    cache.delete(_keys(email, "")[0])


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def create_cache_tables(*, using: str = "default", verbosity: int = 1, **kwargs) -> None:
    """``post_migrate`` receiver: the database cache's table exists as soon as the schema does.

    ``createcachetable`` does nothing for other backends (Redis, memory) and for a table that
    already exists, so running it after every migrate is cheap and idempotent.
    """
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=max(verbosity - 1, 0))
