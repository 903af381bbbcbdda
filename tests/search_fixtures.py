"""Search index fixtures shared by the API and matching test packages (each builds its own)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from maillage.matching.index import index_build, reader


@pytest.fixture(scope="package")
def demo_index(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo territory (with its profiles) and its search index, built once for the package.

    The index lives in a temporary directory (``SEARCH_INDEX_DIR``), never in ``var/``; the
    database is flushed afterwards, as the demo tests do.
    """
    settings_override = override_settings(SEARCH_INDEX_DIR=tmp_path_factory.mktemp("search") / "index")
    settings_override.enable()
    reader.reset()
    with django_db_blocker.unblock():
        outputs = []
        for _run in range(2):
            out = StringIO()
            call_command("demo", stdout=out)
            outputs.append(out.getvalue())
        report = index_build()
        yield {"outputs": outputs, "build": report}
        call_command("flush", interactive=False, verbosity=0)
    reader.reset()
    settings_override.disable()


@pytest.fixture
def private_index(demo_index, settings, tmp_path):
    """A fresh index of its own for a test that writes to it (the package index stays clean)."""
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    reader.reset()
    index_build()
    yield settings.SEARCH_INDEX_DIR
    reader.reset()
