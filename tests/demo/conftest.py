from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command


@pytest.fixture(scope="module")
def data_dir() -> Path:
    return Path(settings.MAILLAGE_REFERENTIAL_SOURCE)


@pytest.fixture(scope="module")
def demo_outputs(django_db_setup, django_db_blocker):
    """The demo built once for the module (referential included), and flushed afterwards.

    Building takes seconds; every test reads the same committed data, each inside its own
    rolled-back transaction.
    """
    outputs = []
    with django_db_blocker.unblock():
        for _run in range(2):
            out = StringIO()
            call_command("demo", stdout=out)
            outputs.append(out.getvalue())
        yield outputs
        call_command("flush", interactive=False, verbosity=0)
