from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from maillage.matching.index import reader


@pytest.fixture(scope="package")
def data_dir() -> Path:
    return Path(settings.MAILLAGE_REFERENTIAL_SOURCE)


@pytest.fixture(scope="package")
def demo_outputs(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo built once for the package (referential included), and flushed afterwards.

    Building takes seconds; every test reads the same committed data, each inside its own
    rolled-back transaction. Its search index and ledger files go to this package's own
    directories, so that no other test finds them.
    """
    outputs = []
    paths = override_settings(
        DATA_DIR=tmp_path_factory.mktemp("demo-data"), SEARCH_INDEX_DIR=tmp_path_factory.mktemp("demo-index")
    )
    with django_db_blocker.unblock(), paths:
        reader.reset()
        for _run in range(2):
            out = StringIO()
            call_command("demo", stdout=out)
            outputs.append(out.getvalue())
        yield outputs
        call_command("flush", interactive=False, verbosity=0)
        reader.reset()
