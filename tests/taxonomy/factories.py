import factory

from maillage.taxonomy.models import NodeSource, NodeType, TaxonomyNode


class TaxonomyNodeFactory(factory.django.DjangoModelFactory):
    """An animator node; pass ``parent`` to build a subtree (tree paths are refreshed by the service)."""

    class Meta:
        model = TaxonomyNode

    type = NodeType.PROCESS
    code = factory.Sequence(lambda n: f"proc.test.node{n}")
    label_fr = factory.Sequence(lambda n: f"Procédé de test {n}")
    label_en = factory.Sequence(lambda n: f"Test process {n}")
    source = NodeSource.ANIMATOR
