"""The real taxonomy as a fixture: loaded once for a scope (a load takes seconds), wiped after it.

Tests run in transactions rolled back at their end, so within the scope they all see it as
loaded; the wipe keeps other tests, which build their own small taxonomies, on an empty one.
Test packages that only read it take the package scope; a module inside a package whose other
modules create nodes of their own takes the module scope.
"""

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


def shipped_taxonomy_load() -> None:
    taxonomy_load(data=read_taxonomy(), dry_run=False)


def shipped_taxonomy_wipe() -> None:
    """Every node, link and version gone (parents first unlinked: the tree protects itself)."""
    for model in (NafCapabilityHint, NodeRomeLink, NodeCpvLink):
        model.objects.all().delete()
    TaxonomyNode.objects.update(parent=None)
    TaxonomyNode.objects.all().delete()
    TaxonomyVersion.objects.all().delete()


def shipped_taxonomy_fixture(scope: str):
    @pytest.fixture(scope=scope, name="_shipped_taxonomy_loaded")
    def loaded(django_db_setup, django_db_blocker):
        with django_db_blocker.unblock():
            shipped_taxonomy_load()
        yield
        with django_db_blocker.unblock():
            shipped_taxonomy_wipe()

    return loaded
