import json
import os
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

TESTS_ROOT = "tests"
# Where each xdist worker leaves the shared scopes of the tests it collected (see below).
SHARED_SCOPES_DIR = "maillage_shared_scopes_dir"


def pytest_report_header(config):
    return f"database: {os.environ.get('DATABASE_URL', 'sqlite (in memory)').split('@')[-1]}"


# --- pytest-xdist: tests sharing a package- or module-scoped fixture go to one worker -------
# docs/decisions/0012-parallel-test-workers.md. A package- or module-scoped fixture of this tree
# (the demo and its index, the real referential, the shipped taxonomy, the CPV…) is built once
# for its scope, committed, and dropped at its end. Spread over two workers it would be built
# by both; so `--dist loadgroup` sends each such scope whole to one worker, and every other
# test to whichever worker is free. xdist's own loadgroup renames the node ids, which pytest
# 9.2 no longer allows (pytest-xdist issue 1386): the workers write the scopes to a file that
# the controller's scheduler reads once all have collected.


def _shared_scope(item) -> str | None:
    marker = item.get_closest_marker("xdist_group")
    if marker is not None:
        return f"group:{marker.args[0] if marker.args else marker.kwargs.get('name', 'default')}"
    scopes = []
    for name in item.fixturenames:
        fixturedefs = item._fixtureinfo.name2fixturedefs.get(name)
        if not fixturedefs:
            continue
        fixturedef = fixturedefs[-1]
        in_tree = fixturedef.baseid.startswith(f"{TESTS_ROOT}/")
        if fixturedef.scope == "package" and in_tree:
            scopes.append(fixturedef.baseid)
        elif fixturedef.scope == "module" and (in_tree or fixturedef.baseid == TESTS_ROOT):
            scopes.append(item.nodeid.split("::")[0])
    return min(scopes, key=len) if scopes else None


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    if not hasattr(node.config, SHARED_SCOPES_DIR):
        setattr(node.config, SHARED_SCOPES_DIR, tempfile.mkdtemp(prefix="maillage-xdist-"))
    node.workerinput[SHARED_SCOPES_DIR] = getattr(node.config, SHARED_SCOPES_DIR)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    # A sweep of pages in the browser checks what the pages show, not what the database does:
    # it runs in the SQLite pass of `make test` only, deselected (not skipped) in the other.
    # Row-lock races need PostgreSQL (``postgres_only``): the SQLite test database lives in
    # memory in shared-cache mode, where a second writer fails at once instead of waiting, no
    # picture of production; they run in the PostgreSQL pass only, deselected in the SQLite one.
    on_postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    left_out = "one_database" if on_postgres else "postgres_only"
    kept = [item for item in items if item.get_closest_marker(left_out) is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept
    workerinput = getattr(config, "workerinput", {})
    if SHARED_SCOPES_DIR not in workerinput:
        return
    scopes = {item.nodeid: scope for item in items if (scope := _shared_scope(item))}
    target = Path(workerinput[SHARED_SCOPES_DIR]) / f"{workerinput['workerid']}.json"
    target.with_suffix(".tmp").write_text(json.dumps(scopes), encoding="utf-8")
    target.with_suffix(".tmp").replace(target)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getoption("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SharedScopeScheduling(LoadScopeScheduling):
        """loadgroup's scheduler, its groups being the shared scopes the workers wrote."""

        scopes: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self.scopes is None:
                files = sorted(Path(getattr(config, SHARED_SCOPES_DIR)).glob("*.json"))
                self.scopes = json.loads(files[0].read_text(encoding="utf-8")) if files else {}
            return self.scopes.get(nodeid, nodeid)

    return SharedScopeScheduling(config, log)


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def on_postgres():
    return connection.vendor == "postgresql"


@pytest.fixture
def emails_at_once(monkeypatch):
    """Run what a service defers to the commit (``transaction.on_commit``: queueing an e-mail)
    at once: a test's transaction never commits. For tests about an e-mail's content and
    recipients; the deferral itself is tested in tests/accounts/test_emails_queued.py."""
    monkeypatch.setattr("django.db.transaction.on_commit", lambda func, using=None, robust=False: func())


@pytest.fixture(autouse=True)
def _default_language():
    """The test client leaves the last request's language active in this thread: reset it."""
    yield
    translation.activate(settings.LANGUAGE_CODE)
