"""Within ``taxonomy_reads_cached()`` a bulk job reads each node once; outside, every call reads."""

import pytest

from maillage.taxonomy.selectors import node_by_code, taxonomy_reads_cached
from tests.taxonomy.factories import TaxonomyNodeFactory

pytestmark = pytest.mark.django_db


def test_a_bulk_job_reads_each_node_once(django_assert_num_queries):
    node = TaxonomyNodeFactory()
    with django_assert_num_queries(2), taxonomy_reads_cached():
        for _ in range(5):
            assert node_by_code(node.code) == node
            assert node_by_code("proc.unknown") is None
    with django_assert_num_queries(2):
        node_by_code(node.code)
        node_by_code(node.code)
