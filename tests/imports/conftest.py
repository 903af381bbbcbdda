import pytest

from tests.imports.referential import load_minimal_referential


@pytest.fixture
def referential(db):
    load_minimal_referential()
