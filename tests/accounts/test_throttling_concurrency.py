"""Failed logins are counted exactly, even when many arrive at the same instant.

The counters live in the shared cache (Redis or the database cache in production): a count
that is read then written would lose failures under a burst and grant an attacker more
attempts than ``LOGIN_THROTTLE_FAILURES``.
"""

import copy
import threading

import pytest
from django.core.cache import cache
from django.db import connection, connections

from maillage.accounts import throttling

DATABASE_CACHE = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "maillage_cache",
    "KEY_PREFIX": "maillage",
}
LOCAL_MEMORY_CACHE = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "burst"}
THREADS = 40

# Committed rows only: the threads' own connections cannot see a test's open transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def _burst(call, count: int, connect) -> list[BaseException]:
    """Run ``call`` in ``count`` threads released at the same moment; the errors they raised."""
    barrier = threading.Barrier(count)
    errors = []

    def run():
        close = connect()
        try:
            barrier.wait()
            call()
        except BaseException as error:  # reported to the test below
            errors.append(error)
        finally:
            close()  # each thread opened its own connections
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


class CacheTableRouter:
    """Sends the database cache's reads and writes to the ``burst`` database."""

    def db_for_read(self, model, **hints):
        return "burst" if model._meta.app_label == "django_cache" else None

    db_for_write = db_for_read

    def allow_migrate(self, db, app_label, **hints):
        return True if db == "burst" and app_label == "django_cache" else None


@pytest.fixture
def sqlite_file_database(settings, tmp_path):
    """A SQLite file configured like production's (WAL, busy timeout), for the cache table.

    The test database itself lives in memory in shared-cache mode, where a writer that meets
    another's lock fails at once ("database table is locked") instead of waiting: that is no
    picture of production. A file database waits for the lock like the real one. Its
    connection is opened in each thread (``connect``), outside the configured databases.
    """
    burst = {**copy.deepcopy(connections.settings["default"]), "NAME": str(tmp_path / "cache.sqlite3")}
    connection_class = type(connections["default"])

    def connect():
        connections["burst"] = connection_class(burst, alias="burst")
        return connections["burst"].close

    settings.DATABASE_ROUTERS = [f"{__name__}.CacheTableRouter"]
    close = connect()
    yield connect
    close()
    del connections["burst"]


@pytest.fixture(params=["database", "local-memory"])
def shared_cache(request, settings):
    """The cache under test, and what a thread must do before using it."""
    connect = lambda: lambda: None  # noqa: E731
    if request.param == "database":
        settings.CACHES = {"default": DATABASE_CACHE}
        using = "default"
        if connection.vendor == "sqlite":
            connect, using = request.getfixturevalue("sqlite_file_database"), "burst"
        # PostgreSQL (the DATABASE_URL pass) holds the table in the test database itself.
        throttling.create_cache_tables(using=using, verbosity=0)
        assert "maillage_cache" in connections[using].introspection.table_names()
    else:
        settings.CACHES = {"default": LOCAL_MEMORY_CACHE}
    cache.clear()
    yield connect
    cache.clear()


def test_a_burst_of_failures_is_counted_exactly(shared_cache, settings):
    # One above the burst on each counter: 40 failures must leave everything open, the 41st
    # must lock the pair and the address, and start the account's delay.
    settings.LOGIN_THROTTLE_FAILURES = THREADS + 1
    settings.LOGIN_THROTTLE_CLIENT_FAILURES = THREADS + 1
    settings.LOGIN_THROTTLE_ACCOUNT_FAILURES = THREADS + 1
    email, ip = "chef@usine.example", "203.0.113.9"
    errors = _burst(lambda: throttling.register_failure(email, ip), THREADS, shared_cache)
    assert errors == []
    # Each call counts at most once: open after 40 and locked after 41 means exactly 40 counted.
    assert throttling.retry_after(email, ip) == 0
    throttling.register_failure(email, ip)
    assert throttling.retry_after(email, ip) > 0
    assert throttling.retry_after(email, "198.51.100.1") > 0  # the account's own counter (a delay)
    assert throttling.retry_after("autre@usine.example", ip) > 0  # the address's own counter


def test_a_burst_beyond_the_limit_locks(shared_cache, settings):
    settings.LOGIN_THROTTLE_FAILURES = 5
    email = "chef@usine.example"
    assert _burst(lambda: throttling.register_failure(email, ""), THREADS, shared_cache) == []
    assert throttling.retry_after(email, "") > 0
    throttling.reset(email)
    assert throttling.retry_after(email, "") == 0
