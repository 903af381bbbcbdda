"""Test settings: the database comes from DATABASE_URL (PostgreSQL pass) or a temporary SQLite."""

import os
import tempfile

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
# Tasks run inline (in-memory queue); tests/needs runs one real consumer on a SQLite file.
os.environ.setdefault("HUEY_IMMEDIATE", "true")
# Files a test writes (search index, uploads, task queue) never land in the developer's ./var.
os.environ.setdefault("MAILLAGE_DATA_DIR", tempfile.mkdtemp(prefix="maillage-test-"))
# A pytest-xdist worker inherits the controller's environment, hence its data directory: each
# worker takes one of its own, so that no two processes of a run share an index, a queue file
# or uploads. Its child processes inherit the marker and keep the directory they are given.
_worker = os.environ.get("PYTEST_XDIST_WORKER")
if _worker and os.environ.get("MAILLAGE_TEST_DATA_WORKER") != _worker:
    os.environ["MAILLAGE_TEST_DATA_WORKER"] = _worker
    os.environ["MAILLAGE_DATA_DIR"] = tempfile.mkdtemp(prefix=f"maillage-test-{_worker}-")
# Links in e-mails point where the test client and pages live.
os.environ.setdefault("MAILLAGE_SITE_URL", "http://testserver")

from config.settings.base import *  # noqa: E402, F403
from config.settings.base import DATABASES  # noqa: E402

# Argon2 is deliberately slow; tests create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Each test process counts rate limits in its own memory (tests clear it between tests); the
# shared database/Redis cache of base.py is tested explicitly in tests/accounts/test_throttling_cache.py.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": None}  # in memory
