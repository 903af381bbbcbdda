"""Maillage's search engine: pure Python + numpy, no Django (see docs/engine.md).

taxonomy = EngineTaxonomy.from_records(data.nodes.values(), data.hints)
index = EngineIndex.build(path, taxonomy, documents)       # documents: EngineDocument
results = Searcher(EngineIndex(path)).search(SearchQuery(text="anodisation dure"))
"""

from maillage.engine.documents import (
    CapabilityClaim,
    CertificationClaim,
    EngineDocument,
    EquipmentClaim,
)
from maillage.engine.errors import IndexFormatError, QueryError
from maillage.engine.query import EquipmentConstraint, Location, SearchQuery
from maillage.engine.search import Searcher, SearchHit, SearchResults
from maillage.engine.store import EngineIndex
from maillage.engine.taxonomy import EngineNode, EngineTaxonomy, SpecDef

__all__ = [
    "CapabilityClaim",
    "CertificationClaim",
    "EngineDocument",
    "EngineIndex",
    "EngineNode",
    "EngineTaxonomy",
    "EquipmentClaim",
    "EquipmentConstraint",
    "IndexFormatError",
    "Location",
    "QueryError",
    "SearchHit",
    "SearchQuery",
    "SearchResults",
    "Searcher",
    "SpecDef",
]
