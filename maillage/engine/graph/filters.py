"""What a viewer may see of the supply graph: a pure function of the graph and the viewer's rights.

The Django side turns a user into ``allowed_levels`` (and ``parties`` for relations visible
only to the two companies involved); this module never knows who the user is.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

from maillage.engine.graph.errors import GraphInputError
from maillage.engine.graph.model import LEVELS, PARTIES, SupplyGraph


def category_matches(category: str, wanted: str) -> bool:
    """``wanted`` selects itself and its descendants.

    Dotted taxonomy codes descend by segments (``proc.surface`` → ``proc.surface.anodising``);
    all-digit CPV codes by prefix once trailing zeros are dropped (``45000000`` → ``45…``).
    """
    if category == wanted:
        return True
    if wanted.isdigit() and category[:8].isdigit():
        stem = wanted.rstrip("0") or "0"
        return category.startswith(stem)
    return category.startswith(wanted + ".")


def visible_subgraph(
    graph: SupplyGraph,
    *,
    allowed_levels: Collection[str],
    parties: Collection[str] = (),
    categories: Collection[str] | None = None,
    territories: Collection[str] | None = None,
    territory_mode: str = "any",
    show_volumes: bool = True,
) -> SupplyGraph:
    """The relations a viewer may see, restricted to categories and territories.

    - ``allowed_levels``: confidentiality levels the viewer sees in full;
    - ``parties``: node keys the viewer acts for; a relation at the "parties" level is also
      visible when one of its two ends is among them;
    - ``categories``: keep relations whose category matches one of them (None: all);
    - ``territories``: keep relations with one end (``territory_mode="any"``) or both ends
      (``"both"``) in these territories (None: all);
    - ``show_volumes``: False blanks every volume (NaN) of the result.
    """
    unknown = set(allowed_levels) - set(LEVELS)
    if unknown:
        raise GraphInputError("visible_subgraph", "allowed_levels", f"niveaux inconnus {sorted(unknown)}")
    if territory_mode not in ("any", "both"):
        raise GraphInputError("visible_subgraph", "territory_mode", f"« {territory_mode} » : any ou both")
    allowed_codes = [LEVELS.index(level) for level in allowed_levels]
    keep = np.isin(graph.level, allowed_codes)
    if parties:
        party = np.zeros(graph.n_nodes, dtype=bool)
        party[[graph.index[key] for key in parties if key in graph.index]] = True
        own = (graph.level == LEVELS.index(PARTIES)) & (party[graph.src] | party[graph.dst])
        keep |= own
    if categories is not None:
        wanted = list(categories)
        selected = np.array(
            [any(category_matches(code, w) for w in wanted) for code in graph.categories] + [False]
        )
        keep &= selected[graph.edge_category]  # -1 (no category) reads the trailing False
    if territories is not None:
        chosen = set(territories)
        inside = np.fromiter((t in chosen for t in graph.node_territory), dtype=bool, count=graph.n_nodes)
        ends = (inside[graph.src], inside[graph.dst])
        keep &= (ends[0] | ends[1]) if territory_mode == "any" else (ends[0] & ends[1])
    result = graph.edge_subgraph(keep)
    if not show_volumes:
        result.volume_min = np.full(result.n_edges, np.nan)
        result.volume_max = np.full(result.n_edges, np.nan)
    return result
