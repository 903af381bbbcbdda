"""Purchase leakage: what a set of buyers spends outside a territory, and what could stay.

For a territory (a network's, or EPCIs and departments) and a set of buyers, spend lines
(ledgers, DECP) are split by category into bought *inside* (the supplier is located in the
territory) and *outside* (located elsewhere, or not located at all: an outside entity known only
by its SIRET counts as outside and is reported as "not located"). *Addressable leakage* is the
outside spend of the categories where at least ``min_local`` companies of the territory hold the
matching capability, confirmed by themselves, within ``radius_km`` of a buyer, with a declared
available capacity when ``require_capacity``.

Statistical disclosure control (``protect``): a figure is shown only when it sums the spend of at
least three buyers and three suppliers, for inside and outside spend alike. Categories that fail
are pooled into "autres catégories"; when the pool itself fails, the smallest shown category
joins it, and so on, so that no figure, nor a difference of figures, isolates fewer than three
buyers or suppliers. When even the pool of everything fails, nothing is shown.

The disclosure part (``SpendRecord`` → ``LeakageResult``) is plain Python, tested without a
database; ``leakage_for`` gathers the records through ``relations_visible``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count, Max, Q
from django.utils.translation import gettext

from maillage.directory.models import Establishment
from maillage.directory.selectors import network_territory_communes
from maillage.engine.geo import haversine_km
from maillage.profiles.models import CapabilityStatus, ProfileCapability
from maillage.referential.models import Commune, CpvCode, Department, Epci
from maillage.relations.models import PurchaseLine
from maillage.relations.selectors import relations_visible
from maillage.taxonomy.models import NodeCpvLink, TaxonomyNode

OTHERS = "__others__"
MIN_CONTRIBUTORS = 3


@dataclass(frozen=True, slots=True)
class SpendRecord:
    buyer: str
    supplier: str
    category: str
    amount: float
    inside: bool
    located: bool = True


@dataclass
class CategoryFigures:
    key: str
    label: str
    inside: float = 0.0
    outside: float = 0.0
    unlocated: float = 0.0  # part of ``outside`` whose supplier has no known location
    addressable: float | None = 0.0  # None: withheld (too few contributors)
    buyers: int = 0
    suppliers: int = 0
    candidates: list = field(default_factory=list)  # local companies (plain dicts)
    merged: int = 0  # categories pooled into "autres catégories"

    @property
    def total(self) -> float:
        return self.inside + self.outside

    @property
    def outside_share(self) -> float:
        return self.outside / self.total if self.total else 0.0


@dataclass
class LeakageResult:
    categories: list[CategoryFigures]  # shown categories, biggest outside spend first, then OTHERS
    withheld: bool = False  # too few buyers or suppliers overall: nothing can be shown
    buyers: int = 0
    suppliers: int = 0
    min_local: int = 3
    radius_km: float = 50.0
    year: int | None = None

    @property
    def inside(self) -> float:
        return sum(c.inside for c in self.categories)

    @property
    def outside(self) -> float:
        return sum(c.outside for c in self.categories)

    @property
    def total(self) -> float:
        return self.inside + self.outside

    @property
    def addressable(self) -> float:
        return sum(c.addressable or 0.0 for c in self.categories)


def _passes(records: list[SpendRecord], minimum: int) -> bool:
    for inside in (True, False):
        part = [r for r in records if r.inside is inside and r.amount]
        if part and (len({r.buyer for r in part}) < minimum or len({r.supplier for r in part}) < minimum):
            return False
    return True


def protect(
    records: Iterable[SpendRecord],
    *,
    labels: dict[str, str],
    addressable: set[str],
    candidates: dict[str, list] | None = None,
    minimum: int = MIN_CONTRIBUTORS,
    others_label: str = "autres catégories",
) -> LeakageResult:
    """Figures by category with the disclosure rule applied (see the module docstring).

    ``addressable``: categories whose outside spend counts as addressable leakage.
    """
    candidates = candidates or {}
    by_category: dict[str, list[SpendRecord]] = defaultdict(list)
    records = [r for r in records if r.amount]
    for record in records:
        by_category[record.category].append(record)
    shown = {key for key, rows in by_category.items() if _passes(rows, minimum)}
    pool = [key for key in by_category if key not in shown]

    def pooled_records():
        return [r for key in pool for r in by_category[key]]

    while pool and not _passes(pooled_records(), minimum):
        if not shown:
            return LeakageResult([], withheld=True)
        smallest = min(shown, key=lambda k: (sum(r.amount for r in by_category[k]), k))
        shown.remove(smallest)
        pool.append(smallest)

    def figures(key: str, label: str, rows: list[SpendRecord], address: list[SpendRecord]) -> CategoryFigures:
        outside = [r for r in rows if not r.inside]
        result = CategoryFigures(
            key=key,
            label=label,
            inside=float(sum(r.amount for r in rows if r.inside)),
            outside=float(sum(r.amount for r in outside)),
            unlocated=float(sum(r.amount for r in outside if not r.located)),
            buyers=len({r.buyer for r in rows}),
            suppliers=len({r.supplier for r in rows}),
        )
        # The addressable part of a pool sums only some of its categories: shown only when
        # that subset passes the rule on its own.
        if not address:
            result.addressable = 0.0
        elif _passes(address, minimum):
            result.addressable = float(sum(r.amount for r in address))
        else:
            result.addressable = None
        return result

    shown_figures = []
    for key in shown:
        rows = by_category[key]
        address = [r for r in rows if not r.inside] if key in addressable else []
        item = figures(key, labels.get(key, key), rows, address)
        item.candidates = candidates.get(key, [])
        shown_figures.append(item)
    shown_figures.sort(key=lambda c: (-c.outside, -c.total, c.key))
    if pool:
        rows = pooled_records()
        address = [r for r in rows if not r.inside and r.category in addressable]
        others = figures(OTHERS, others_label, rows, address)
        others.merged = len(pool)
        shown_figures.append(others)
    return LeakageResult(
        shown_figures,
        buyers=len({r.buyer for r in records}),
        suppliers=len({r.supplier for r in records}),
    )


def within_km(points: np.ndarray, origins: np.ndarray, radius_km: float) -> np.ndarray:
    """For each point (lat, lon), whether some origin is within ``radius_km``."""
    if len(origins) == 0 or len(points) == 0:
        return np.ones(len(points), dtype=bool)
    distances = haversine_km(points[:, None, 0], points[:, None, 1], origins[None, :, 0], origins[None, :, 1])
    return (distances <= radius_km).any(axis=1)


# --- gathering from the database ---------------------------------------------------------------


@dataclass
class Territory:
    """Communes (INSEE codes) of the territory, with a name for reports."""

    name: str
    communes: frozenset[str]

    @classmethod
    def of_network(cls, network) -> Territory:
        return cls(network.name, frozenset(network_territory_communes(network).values_list("pk", flat=True)))

    @classmethod
    def of_codes(cls, *, epcis: Iterable[str] = (), departments: Iterable[str] = ()) -> Territory:
        epcis, departments = list(epcis), list(departments)
        codes = Commune.objects.filter(Q(epci_id__in=epcis) | Q(department_id__in=departments))
        names = [*Epci.objects.filter(pk__in=epcis).values_list("name", flat=True)]
        names += [*Department.objects.filter(pk__in=departments).values_list("name", flat=True)]
        return cls(", ".join(sorted(names)), frozenset(codes.values_list("pk", flat=True)))


def _cpv_nodes() -> dict[str, int]:
    return dict(NodeCpvLink.objects.values_list("cpv_id", "node_id").order_by("cpv_id", "node_id"))


def _category(
    relation, cpv_nodes: dict[str, int], cpv_parents: dict[str, str | None]
) -> tuple[str, int | None]:
    """(category key, taxonomy node id or None): the taxonomy node when the relation has one or
    its CPV code (or a CPV ancestor) is linked to one, else the CPV division, else the text."""
    if relation.category_node_id:
        return f"node:{relation.category_node_id}", relation.category_node_id
    code = relation.cpv_id
    while code:
        if code in cpv_nodes:
            return f"node:{cpv_nodes[code]}", cpv_nodes[code]
        code = cpv_parents.get(code)
    if relation.cpv_id:
        return f"cpv:{relation.cpv_id[:2]}000000", None
    text = " ".join(relation.category_text.lower().split())
    return (f"text:{text}" if text else "none"), None


def leakage_for(
    user,
    *,
    territory: Territory,
    buyers: Iterable[str] | None = None,
    year: int | None = None,
    min_local: int = 3,
    radius_km: float = 50.0,
    require_capacity: bool = True,
) -> LeakageResult:
    """Leakage of the spend lines of relations ``user`` may see (``relations_visible``).

    ``buyers``: client SIRENs (all buyers with spend lines when None). ``year``: the latest year
    with spend lines when None.
    """
    visible = relations_visible(user).values("pk")
    lines = PurchaseLine.objects.filter(relation_id__in=visible)
    buyers = sorted(set(buyers)) if buyers is not None else None
    if buyers is not None:
        lines = lines.filter(relation__client_siren__in=buyers)
    if year is None:
        year = max(lines.values_list("year", flat=True).distinct(), default=None)
    lines = lines.filter(year=year).select_related("relation__supplier", "relation__client")
    cpv_nodes = _cpv_nodes()
    cpv_parents = dict(CpvCode.objects.values_list("code", "parent_id"))
    records, node_of, labels = [], {}, {}
    buyer_points = set()
    for line in lines:
        relation = line.relation
        key, node_id = _category(relation, cpv_nodes, cpv_parents)
        node_of[key] = node_id
        supplier = relation.supplier
        commune = supplier.commune_id if supplier is not None else relation.supplier_commune_id
        supplier_key = (
            f"e{supplier.pk}"
            if supplier is not None
            else relation.supplier_siret or relation.supplier_identifier or relation.supplier_name
        )
        client = relation.client
        if client is not None and client.latitude is not None:
            buyer_points.add((client.latitude, client.longitude))
        records.append(
            SpendRecord(
                buyer=relation.client_siren or f"c{relation.client_id}",
                supplier=supplier_key,
                category=key,
                amount=float(line.amount),
                inside=commune in territory.communes,
                located=commune is not None,
            )
        )
        if key.startswith("cpv:") and key not in labels:
            labels[key] = (
                CpvCode.objects.filter(pk=key[4:]).values_list("label", flat=True).first() or key[4:]
            )
        elif key.startswith("text:"):
            labels[key] = relation.category_text
        elif key == "none":
            labels[key] = gettext("catégorie non renseignée")
    nodes = TaxonomyNode.objects.in_bulk([n for n in node_of.values() if n])
    for key, node_id in node_of.items():
        if node_id:
            labels[key] = nodes[node_id].label
    origins = np.array(sorted(buyer_points), dtype=np.float64).reshape(-1, 2)
    candidates, addressable = {}, set()
    for key, node_id in node_of.items():
        if not node_id:
            continue
        subtree = TaxonomyNode.objects.descendants_of(nodes[node_id]).values("pk")
        holders = (
            ProfileCapability.objects.filter(node_id__in=subtree, status=CapabilityStatus.CONFIRMED)
            .filter(profile__establishment__commune_id__in=territory.communes)
            .filter(profile__establishment__is_active=True)
        )
        if require_capacity:
            holders = holders.filter(
                Q(profile__capacity_percent__gt=0) | Q(profile__capacity_hours_per_week__gt=0)
            )
        found = list(
            Establishment.objects.filter(pk__in=holders.values("profile__establishment_id"))
            .select_related("organisation", "commune")
            .order_by("name", "siret")
        )
        points = np.array(
            [(e.latitude, e.longitude) if e.latitude is not None else (np.nan, np.nan) for e in found],
            dtype=np.float64,
        ).reshape(-1, 2)
        near = within_km(points, origins, radius_km) if len(origins) else np.ones(len(found), dtype=bool)
        local = [
            {"siret": e.siret, "name": e.display_name, "commune": e.commune.name if e.commune_id else ""}
            for e, ok in zip(found, near, strict=True)
            if ok
        ]
        candidates[key] = local
        if len(local) >= min_local:
            addressable.add(key)
    result = protect(
        records,
        labels=labels,
        addressable=addressable,
        candidates=candidates,
        others_label=gettext("autres catégories"),
    )
    result.min_local, result.radius_km, result.year = min_local, radius_km, year
    return result


def leakage_buyers(user) -> list[tuple[str, str, int]]:
    """(SIREN, name, number of spend lines) of the buyers in the relations ``user`` may see."""
    rows = (
        PurchaseLine.objects.filter(relation_id__in=relations_visible(user).values("pk"))
        .exclude(relation__client_siren="")
        .values("relation__client_siren")
        .annotate(lines=Count("pk"), name=Max("relation__client_name"))
        .order_by("-lines", "relation__client_siren")
    )
    return [(row["relation__client_siren"], row["name"], row["lines"]) for row in rows[:200]]
