import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from maillage.referential.services import referential_load
from tests.shared_data import shared_path

SHARED_DATA = shared_path("data")


@pytest.fixture(scope="session")
def data_dir() -> Path:
    assert (SHARED_DATA / "SOURCES.md").exists(), f"real reference data expected in {SHARED_DATA}"
    return SHARED_DATA


@pytest.fixture(scope="package")
def loaded(django_db_setup, django_db_blocker, data_dir):
    """The real files loaded once for the package (committed), flushed afterwards.

    Tests read (and may change, inside their rolled-back transaction) the same rows.
    """
    with django_db_blocker.unblock():
        report = referential_load(source=str(data_dir), wet_run=True)
        yield report
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def source_copy(tmp_path, data_dir):
    """A source folder laid out like shared/data whose files are links to the real ones.

    ``source_copy.write(relative, data)`` replaces one file by a real (broken) copy.
    """

    class SourceCopy:
        root = tmp_path / "source"

        def write(self, relative: str, data: bytes | str) -> Path:
            target = self.root / relative
            target.unlink()
            if isinstance(data, str):
                data = data.encode()
            target.write_bytes(data)
            return target

        def remove(self, relative: str) -> None:
            (self.root / relative).unlink()

        def original(self, relative: str) -> bytes:
            return (data_dir / relative).read_bytes()

    for path in data_dir.rglob("*"):
        if path.is_file():
            link = SourceCopy.root / path.relative_to(data_dir)
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(path)
    yield SourceCopy()
    shutil.rmtree(SourceCopy.root, ignore_errors=True)
