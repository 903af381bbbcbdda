import pytest

from maillage.taxonomy.models import TaxonomyNode
from tests.taxonomy.shipped import shipped_taxonomy_fixture

_shipped_taxonomy_loaded = shipped_taxonomy_fixture("package")


@pytest.fixture
def taxonomy(_shipped_taxonomy_loaded, db):
    return {node.code: node for node in TaxonomyNode.objects.all()}
