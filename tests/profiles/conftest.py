import pytest

from maillage.taxonomy.loader import read_taxonomy
from maillage.taxonomy.models import (
    NafCapabilityHint,
    NodeCpvLink,
    NodeRomeLink,
    TaxonomyNode,
    TaxonomyVersion,
)
from maillage.taxonomy.services import taxonomy_load


@pytest.fixture(scope="package")
def _shipped_taxonomy_loaded(django_db_setup, django_db_blocker):
    """The real taxonomy, loaded once for the package (a load takes seconds) and wiped after it.

    Tests run in transactions rolled back at their end, so they all see it as loaded; the
    wipe keeps the other test packages on an empty taxonomy.
    """
    with django_db_blocker.unblock():
        taxonomy_load(data=read_taxonomy(), dry_run=False)
    yield
    with django_db_blocker.unblock():
        for model in (NafCapabilityHint, NodeRomeLink, NodeCpvLink):
            model.objects.all().delete()
        TaxonomyNode.objects.update(parent=None)
        TaxonomyNode.objects.all().delete()
        TaxonomyVersion.objects.all().delete()


@pytest.fixture
def taxonomy(_shipped_taxonomy_loaded, db):
    return {node.code: node for node in TaxonomyNode.objects.all()}
