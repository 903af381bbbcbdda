"""Rate limits live in a cache shared by every worker process (database table or Redis)."""

import runpy
from pathlib import Path

import pytest
from django.core.cache.backends.db import DatabaseCache
from django.db import connection

from maillage.accounts import throttling

BASE_SETTINGS = Path(__file__).resolve().parents[2] / "config" / "settings" / "base.py"
DATABASE_CACHE = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "maillage_cache",
    "KEY_PREFIX": "maillage",
}


def _settings_with(monkeypatch, **environ) -> dict:
    for name in ("REDIS_URL",):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(BASE_SETTINGS))


def test_production_settings_use_the_database_cache_without_redis(monkeypatch):
    caches = _settings_with(monkeypatch)["CACHES"]
    assert caches["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert caches["default"]["LOCATION"] == "maillage_cache"


def test_production_settings_use_redis_when_redis_url_is_set(monkeypatch):
    import redis  # the package the RedisCache backend needs is installed

    caches = _settings_with(monkeypatch, REDIS_URL="redis://cache.internal:6379/1")["CACHES"]
    assert caches["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert caches["default"]["LOCATION"] == "redis://cache.internal:6379/1"
    assert redis.Redis


@pytest.fixture
def shared_cache(db, settings):
    settings.CACHES = {"default": DATABASE_CACHE}
    throttling.create_cache_tables(using="default", verbosity=0)
    assert "maillage_cache" in connection.introspection.table_names()

    def another_process():
        # A second worker builds its own cache object from the same settings.
        return DatabaseCache("maillage_cache", {"KEY_PREFIX": "maillage"})

    return another_process


def test_migrate_creates_the_cache_table(db, settings):
    from django.core.management.sql import emit_post_migrate_signal

    settings.CACHES = {"default": DATABASE_CACHE}
    assert "maillage_cache" not in connection.introspection.table_names()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert "maillage_cache" in connection.introspection.table_names()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")  # idempotent


def test_two_cache_instances_see_the_same_login_failures(shared_cache, settings, monkeypatch):
    settings.LOGIN_THROTTLE_CLIENT_FAILURES = settings.LOGIN_THROTTLE_FAILURES
    first, second = shared_cache(), shared_cache()
    assert first is not second
    monkeypatch.setattr(throttling, "cache", first)
    for _attempt in range(settings.LOGIN_THROTTLE_FAILURES):
        throttling.register_failure("chef@usine.example", "203.0.113.9")
    monkeypatch.setattr(throttling, "cache", second)
    assert throttling.retry_after("chef@usine.example", "203.0.113.9") > 0
    assert throttling.retry_after("autre@usine.example", "203.0.113.9") > 0
    assert throttling.retry_after("chef@usine.example", "198.51.100.1") == 0  # the owner, elsewhere
