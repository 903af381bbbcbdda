"""The activity prior the index is built with (maillage/engine/prior.py): learned, at every
full index build, from the public contracts the platform imported (``import_decp``), as pairs
(CPV label of what was bought, NAF code of the establishment that won it). Without imported
contracts the table is empty and the search runs without the prior.

Only what the product holds is used: the CPV label (a contract's object text is not kept by the
import) and the supplier's registered NAF code; a contract whose supplier is outside the
directory, or has no NAF code, teaches nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from maillage.engine import prior
from maillage.engine.taxonomy import EngineTaxonomy
from maillage.relations.models import RelationSource, RelationStatus, SupplyRelation


def naf_prior_examples() -> Iterator[tuple[str, str]]:
    """(CPV label, winner's NAF code) of every imported public contract whose winner is known."""
    rows = (
        SupplyRelation.objects.filter(
            source=RelationSource.PUBLIC_PROCUREMENT,
            cpv__isnull=False,
            supplier__naf__isnull=False,
        )
        .exclude(status=RelationStatus.DISPUTED)
        .values_list("cpv__label", "supplier__naf_id")
        .order_by("pk")
    )
    yield from rows.iterator(chunk_size=5000)


def naf_prior_learn(taxonomy: EngineTaxonomy) -> dict:
    return prior.learn(naf_prior_examples(), taxonomy.analyzer)
