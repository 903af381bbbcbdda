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
from tests.imports.referential import load_bands, load_communes, load_naf
from tests.www.factories import NetworkFactory


@pytest.fixture(scope="package")
def _shipped_taxonomy_loaded(django_db_setup, django_db_blocker):
    """The real taxonomy, loaded once for the package and wiped after it (see tests/profiles)."""
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
    return True


@pytest.fixture
def setting(taxonomy, db):
    """Real taxonomy, NAF, headcount bands and the communes of Alsace, one network."""
    load_naf()
    load_bands()
    load_communes(("67", "68"))
    return NetworkFactory(slug="pole-alsace")
