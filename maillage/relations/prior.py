"""The imported public contracts as examples for the search's activity prior
(``maillage.matching.prior``): (CPV label of what was bought, NAF code of the winner).

Only what the product holds is used: the CPV label (a contract's object text is not kept by the
import) and the supplier's registered NAF code; a contract whose supplier is outside the
directory, or has no NAF code, or that is disputed, teaches nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from maillage.relations.models import RelationSource, RelationStatus, SupplyRelation


def procurement_examples() -> Iterator[tuple[str, str]]:
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
