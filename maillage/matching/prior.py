"""The activity prior the index is built with (maillage/engine/prior.py): learned, at every
full index build, from the examples its sources give — pairs (text of what was bought, NAF code
of the establishment that won it). Without a source or an example the table is empty and the
search runs without the prior.

The public contracts the platform imported (``import_decp``) are such a source, but they live in
``relations``, a layer above this one: ``relations`` registers its source here when it loads
(``RelationsConfig.ready``), so that matching never imports it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from maillage.engine import prior
from maillage.engine.taxonomy import EngineTaxonomy

PriorSource = Callable[[], Iterable[tuple[str, str]]]
_sources: list[PriorSource] = []


def register_prior_source(source: PriorSource) -> None:
    """Add a source of (bought text, winner's NAF code) examples; registering twice is harmless."""
    if source not in _sources:
        _sources.append(source)


def naf_prior_examples() -> Iterator[tuple[str, str]]:
    """Every registered source's examples, in registration order."""
    for source in _sources:
        yield from source()


def naf_prior_learn(taxonomy: EngineTaxonomy) -> dict:
    return prior.learn(naf_prior_examples(), taxonomy.analyzer)
