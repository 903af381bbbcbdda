import pytest

from tests.directory.factories import NetworkFactory
from tests.imports.referential import load_bands, load_communes, load_naf
from tests.taxonomy.shipped import shipped_taxonomy_fixture

_shipped_taxonomy_loaded = shipped_taxonomy_fixture("package")


@pytest.fixture
def taxonomy(_shipped_taxonomy_loaded, db):
    return True


@pytest.fixture
def setting(taxonomy, db):
    """Real taxonomy, NAF, headcount bands and the communes of Alsace, one network."""
    load_naf()
    load_bands()
    load_communes(("67", "68"))
    return NetworkFactory(slug="pole-alsace")
