"""No dead end: when no document meets every requirement, the closest ones (``SearchQuery.relax``).

``Searcher.search`` widens the query step by step and stops at the first that answers:

1. when documents beyond the place (radius, departments, territory) meet every requirement,
   the place is dropped: they come first, nearer first, then the partial answers;
2. otherwise, within the place, a concept asked that no document holds (« découpe jet d'eau »)
   is tried through its nearest ancestor that one holds (« Découpe de tôles »), *beside* it:
   the concept stays asked, so a laser cutter found this way still lacks it and is never
   called complete;
3. if still nothing, the structured requirements (chosen capability, certification, equipment)
   rank by how many each document meets instead of excluding;
4. if still nothing, steps 2–3 again without the place.

Each step taken is reported as a dict in ``SearchResults.relaxed``:
``{"kind": "broader", "asked": code, "phrase": str, "used": code}``, ``{"kind": "requirements"}``,
``{"kind": "place", "radius_km": float | None, "departments": [...], "territory": bool}``.
Relaxing only ever adds candidates and never changes what « complete » means: each hit is
still judged against the query as asked.
"""

from collections.abc import Callable
from dataclasses import replace

from maillage.engine.query import Location, SearchQuery


def has_requirements(query: SearchQuery) -> bool:
    return bool(query.capabilities or query.certifications or query.equipment)


def place_dropped(query: SearchQuery) -> tuple[SearchQuery, list[dict]] | None:
    """The query without its place filters (radius, departments, territory), and that step."""
    location = query.location
    radius = location.radius_km if location is not None else None
    if radius is None and not query.departments and query.territory_doc_keys is None:
        return None
    if radius is not None:
        # Nearer first, beyond the radius: half weight at about 0.7 × the radius asked.
        location = Location(location.lat, location.lon, decay_km=radius, label=location.label)
    step = {
        "kind": "place",
        "radius_km": radius,
        "departments": list(query.departments),
        "territory": query.territory_doc_keys is not None,
    }
    return replace(query, location=location, departments=[], territory_doc_keys=None), [step]


def broader_plan(taxonomy, plan, held: Callable[[str], bool]):
    """The plan with, beside each required concept nobody holds, its nearest held ancestor.

    Returns (plan, steps, soften): ``soften`` when a structured requirement (a capability
    filter) was widened, which must then stop excluding.
    """
    added, steps, soften = [], [], False
    for concept in plan.concepts:
        if not concept.required or concept.broader_of or held(concept.code):
            continue
        for ancestor in taxonomy.ancestors(concept.code):
            if held(ancestor):
                added.append(
                    replace(concept, code=ancestor, structured=False, required=False, broader_of=concept.code)
                )
                steps.append(
                    {"kind": "broader", "asked": concept.code, "phrase": concept.phrase, "used": ancestor}
                )
                soften = soften or concept.structured
                break
    if not added:
        return plan, [], False
    return replace(plan, concepts=[*plan.concepts, *added]), steps, soften
