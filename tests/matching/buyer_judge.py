"""Judge buyer requests on the demo territory from the database, never from a search engine.

``buyer_requests.toml`` holds requests as a buyer writes them, each with *rules*: an
establishment's grade is the highest ``grade`` of the rules it satisfies. A rule's conditions
all have to hold; each is read from the profile rows the demo wrote:

* ``capability`` (a code or a list, all required) / ``any_capability`` (a list, one enough):
  the establishment holds that node **or a descendant** with a status in ``status``
  (default ``["confirmed"]``; materials are capabilities too);
* ``certification``: a certificate of that node or a descendant valid today;
* ``equipment`` (+ ``spec``, ``min``, ``max`` in the taxonomy's unit): a machine of that node
  or a descendant, with the specification within the bounds;
* ``sector``: a sector served (subtree).

With ``near`` and ``radius_km`` the request's place is resolved like the search does and an
establishment farther than the radius gets 0 whatever it holds.
"""

from __future__ import annotations

import math
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone

from maillage.directory.models import Establishment
from maillage.engine.geo import haversine_km
from maillage.matching.search import place_resolve
from maillage.profiles.models import Certification, Equipment, EquipmentSpec, ProfileCapability, ProfileSector
from maillage.taxonomy.models import TaxonomyNode

REQUESTS = Path(__file__).with_name("buyer_requests.toml")


@dataclass
class Holdings:
    capabilities: set[tuple[str, str]] = field(default_factory=set)  # (code, status)
    certifications: set[str] = field(default_factory=set)
    equipment: list[tuple[str, dict[str, float]]] = field(default_factory=list)
    sectors: set[str] = field(default_factory=set)
    lat: float | None = None
    lon: float | None = None


def read_requests(path: Path = REQUESTS) -> list[dict]:
    return tomllib.loads(path.read_text(encoding="utf-8"))["request"]


def _ancestry() -> dict[str, set[str]]:
    parents = dict(TaxonomyNode.objects.values_list("code", "parent__code"))
    chains = {}
    for code in parents:
        chain, node = set(), code
        while node:
            chain.add(node)
            node = parents.get(node)
        chains[code] = chain
    return chains


def load_holdings() -> dict[str, Holdings]:
    ancestry = _ancestry()
    today = timezone.localdate()
    holdings: dict[str, Holdings] = defaultdict(Holdings)
    for siret, lat, lon in Establishment.objects.filter(is_active=True).values_list(
        "siret", "latitude", "longitude"
    ):
        holdings[siret].lat, holdings[siret].lon = lat, lon
    for siret, code, status in ProfileCapability.objects.values_list(
        "profile__establishment__siret", "node__code", "status"
    ):
        holdings[siret].capabilities |= {(a, status) for a in ancestry[code]}
    for siret, code in Certification.objects.valid_at(today).values_list(
        "profile__establishment__siret", "node__code"
    ):
        holdings[siret].certifications |= ancestry[code]
    machines: dict[tuple[str, int], tuple[str, dict]] = {}
    for siret, pk, code in Equipment.objects.values_list("profile__establishment__siret", "pk", "node__code"):
        machines[(siret, pk)] = (code, {})
    for siret, pk, key, value in EquipmentSpec.objects.values_list(
        "equipment__profile__establishment__siret", "equipment_id", "key", "value"
    ):
        machines[(siret, pk)][1][key] = value
    for (siret, _pk), (code, specs) in machines.items():
        holdings[siret].equipment += [(ancestor, specs) for ancestor in ancestry[code]]
    for siret, code in ProfileSector.objects.values_list("profile__establishment__siret", "node__code"):
        holdings[siret].sectors |= ancestry[code]
    return dict(holdings)


def _listed(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def _satisfies(rule: dict, held: Holdings) -> bool:
    statuses = rule.get("status", ["confirmed"])
    if not all(
        any((code, s) in held.capabilities for s in statuses) for code in _listed(rule.get("capability"))
    ):
        return False
    if "any_capability" in rule and not any(
        (code, s) in held.capabilities for code in rule["any_capability"] for s in statuses
    ):
        return False
    if not all(code in held.certifications for code in _listed(rule.get("certification"))):
        return False
    if not all(code in held.sectors for code in _listed(rule.get("sector"))):
        return False
    if "equipment" in rule:
        spec, low, high = rule.get("spec"), rule.get("min"), rule.get("max")

        def fits(specs: dict) -> bool:
            if spec is None:
                return True
            value = specs.get(spec)
            return value is not None and (low is None or value >= low) and (high is None or value <= high)

        if not any(code == rule["equipment"] and fits(specs) for code, specs in held.equipment):
            return False
    return True


def _km(lat1, lon1, lat2, lon2) -> float:
    return float(haversine_km(lat1, lon1, lat2, lon2))


def judge(request: dict, holdings: dict[str, Holdings]) -> dict[str, int]:
    """SIRET → grade (> 0 only) for one request."""
    place = place_resolve(request["near"]) if request.get("near") else None
    radius = request.get("radius_km")
    grades = {}
    for siret, held in holdings.items():
        if (
            place is not None
            and radius is not None
            and (held.lat is None or _km(place.lat, place.lon, held.lat, held.lon) > radius)
        ):
            continue
        grade = max((rule["grade"] for rule in request["rules"] if _satisfies(rule, held)), default=0)
        if grade:
            grades[siret] = grade
    return grades


def ndcg_at(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    def dcg(gains):
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains[:k]))

    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg([grades.get(siret, 0) for siret in ranked]) / ideal if ideal else 0.0


def evaluate(run) -> dict:
    """``run(request) → ranked SIRETs``; returns the mean nDCG@10 and the per-request figures."""
    holdings = load_holdings()
    rows = []
    for request in read_requests():
        grades = judge(request, holdings)
        ranked = run(request)
        rows.append(
            {"id": request["id"], "relevant": len(grades), "ndcg10": round(ndcg_at(ranked, grades), 4)}
        )
    mean = sum(r["ndcg10"] for r in rows) / len(rows)
    return {"requests": len(rows), "ndcg10": round(mean, 4), "per_request": rows}
