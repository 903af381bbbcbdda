"""The contact form's rate limit counts every message, even a burst sent at the same instant.

It reuses the login throttle's counters (``throttling.wait`` / ``throttling.record``): a
count read then written back (``cache.incr`` on the database cache) would lose messages
under a burst and let more through than ``RATE_LIMIT_PER_IP`` or ``RATE_LIMIT_PER_SESSION``.
"""

import pytest
from django.core.cache.backends.db import DatabaseCache

from maillage.accounts import throttling
from maillage.www.establishments import contact
from tests.accounts.test_throttling_cache import shared_cache as two_processes  # noqa: F401
from tests.accounts.test_throttling_concurrency import (  # noqa: F401
    THREADS,
    _burst,
    shared_cache,
    sqlite_file_database,
)

IP = "203.0.113.7"


class Session:
    def __init__(self, key):
        self.session_key = key

    def save(self):
        pass


def visitor(rf, session_key, ip=IP):
    request = rf.post("/", REMOTE_ADDR=ip)
    request.session = Session(session_key)
    return request


@pytest.mark.django_db(transaction=True)
def test_a_burst_from_one_address_is_counted_exactly(shared_cache, rf, monkeypatch):  # noqa: F811
    # One above the burst: 40 messages (40 sessions) leave the address open, the 41st closes it.
    monkeypatch.setattr(contact, "RATE_LIMIT_PER_IP", THREADS + 1)
    requests = iter([visitor(rf, f"session{n}") for n in range(THREADS)])
    assert _burst(lambda: contact.count_attempt(next(requests)), THREADS, shared_cache) == []
    newcomer = visitor(rf, "newcomer")
    assert not contact.rate_limited(newcomer)
    contact.count_attempt(newcomer)
    assert contact.rate_limited(visitor(rf, "another"))
    assert not contact.rate_limited(visitor(rf, "another", ip="198.51.100.1"))


@pytest.mark.django_db(transaction=True)
def test_a_burst_from_one_session_is_capped(shared_cache, rf):  # noqa: F811
    request = visitor(rf, "abc")
    assert _burst(lambda: contact.count_attempt(request), THREADS, shared_cache) == []
    assert contact.rate_limited(request)
    assert contact.rate_limited(visitor(rf, "abc", ip="198.51.100.1"))  # the session's own counter
    assert not contact.rate_limited(visitor(rf, "xyz", ip="198.51.100.1"))


@pytest.mark.django_db(transaction=True)
def test_the_session_limit_is_exact(shared_cache, rf):  # noqa: F811
    request = visitor(rf, "abc", ip="")
    for _ in range(contact.RATE_LIMIT_PER_SESSION - 1):
        contact.count_attempt(request)
    assert not contact.rate_limited(request)
    contact.count_attempt(request)
    assert contact.rate_limited(request)


def test_two_cache_instances_share_the_contact_form_counter(two_processes, rf, monkeypatch):  # noqa: F811
    first, second = two_processes(), two_processes()
    assert isinstance(second, DatabaseCache)
    request = visitor(rf, "abc")
    monkeypatch.setattr(throttling, "cache", first)
    for _attempt in range(contact.RATE_LIMIT_PER_SESSION):
        contact.count_attempt(request)
    monkeypatch.setattr(throttling, "cache", second)
    assert contact.rate_limited(request)
    assert not contact.rate_limited(visitor(rf, "xyz", ip="198.51.100.1"))
