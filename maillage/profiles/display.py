"""Reads behind the establishment and organisation pages: the profile as shown, similar companies.

Cross-model selectors (directory, profiles, taxonomy) shaped for display: specification
labels, members-only filtering. Views call them; they never write.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models import Prefetch

from maillage.directory.models import Establishment, Membership
from maillage.engine.geo import haversine_km
from maillage.profiles.models import (
    CapabilityStatus,
    Certification,
    Equipment,
    EquipmentSpec,
    Profile,
    ProfileCapability,
    ProfileReference,
    ProfileSector,
    ReferenceVisibility,
)
from maillage.taxonomy.labels import node_label
from maillage.taxonomy.models import TaxonomyNode

# A node's JSON and text columns the page never shows: decoding them for every capability,
# machine and certification cost more than the SQL.
NODE_UNSHOWN = tuple(
    f"node__{name}"
    for name in (
        "synonyms_fr",
        "synonyms_en",
        "animator_synonyms_fr",
        "animator_synonyms_en",
        "description_fr",
        "description_en",
        "specs",
        "attributes",
    )
)
NEARBY_RADIUS_KM = 30.0
NEARBY_LIMIT = 6


@dataclass(frozen=True)
class SpecShown:
    label: str
    text: str  # as the member typed it (« 20000 rpm »), else the reference value and unit
    value: float  # in the reference unit: pages show it by language (« 20 000 tr/min », "20,000 rpm")
    unit: str


@dataclass(frozen=True)
class EquipmentShown:
    equipment: Equipment
    specs: list[SpecShown]


@dataclass
class ProfileShown:
    """What the establishment page shows of a profile, already filtered for the reader."""

    profile: Profile | None = None
    confirmed: list[ProfileCapability] = field(default_factory=list)
    suggested: list[ProfileCapability] = field(default_factory=list)  # inferred or proposed
    equipment: list[EquipmentShown] = field(default_factory=list)
    certifications: list[Certification] = field(default_factory=list)
    sectors: list[TaxonomyNode] = field(default_factory=list)
    references: list[ProfileReference] = field(default_factory=list)
    hidden_references: int = 0

    @property
    def is_empty(self) -> bool:
        return not (
            (self.profile and (self.profile.description_fr or self.profile.products))
            or self.confirmed
            or self.suggested
            or self.equipment
            or self.certifications
            or self.sectors
            or self.references
        )


def establishment_for_page(siret: str) -> Establishment | None:
    return (
        Establishment.objects.select_related(
            "organisation", "organisation__legal_category", "naf", "headcount_band", "commune"
        )
        .filter(siret=siret)
        .first()
    )


def _spec_chains(paths: dict[int, str]) -> dict[int, list[list[dict]]]:
    """Each node's specification lists from its root down to itself, in one query for all;
    ``paths``: node id → its ``tree_path``."""
    chains = {pk: TaxonomyNode.path_ids(path) for pk, path in paths.items()}
    ancestor_ids = {pk for chain in chains.values() for pk in chain}
    specs = (
        dict(TaxonomyNode.objects.filter(pk__in=ancestor_ids).values_list("pk", "specs"))
        if ancestor_ids
        else {}
    )
    return {pk: [specs[a] for a in chain if a in specs] for pk, chain in chains.items()}


def spec_definitions(nodes: list[TaxonomyNode]) -> dict[int, dict[str, dict]]:
    """Effective specifications of each equipment node, read in one query for all of them.

    ``TaxonomyNode.effective_specs`` reads the ancestors of one node; a page with ten machines
    would pay ten queries.
    """
    result = {}
    for pk, chain in _spec_chains({node.pk: node.tree_path for node in nodes}).items():
        merged: dict[str, dict] = {}
        for specs in chain:
            for spec in specs:
                merged[spec["key"]] = spec
        result[pk] = merged
    return result


def telling_specs(paths: dict[int, str]) -> dict[int, list[dict]]:
    """Each equipment node's effective specifications (``paths``: node id → ``tree_path``), the
    most telling first: its own, in the file's order, then its parent's… (a 5-axis machining
    centre: X travel before the part mass that every machine tool declares). The nearest
    declaration wins, as in ``spec_definitions``."""
    result = {}
    for pk, chain in _spec_chains(paths).items():
        ordered: dict[str, dict] = {}
        for specs in reversed(chain):
            for spec in specs:
                ordered.setdefault(spec["key"], spec)
        result[pk] = list(ordered.values())
    return result


def profile_shown(establishment: Establishment, *, members_only: bool) -> ProfileShown:
    """The profile for the page; members-only references only when ``members_only``."""
    profile = (
        Profile.objects.filter(establishment=establishment)
        .prefetch_related(
            Prefetch(
                "capabilities",
                queryset=ProfileCapability.objects.shown()
                .select_related("node")
                .defer(*NODE_UNSHOWN)
                .order_by("level", "node__label_fr"),
            ),
            Prefetch(
                "equipment",
                queryset=Equipment.objects.select_related("node")
                .defer(*NODE_UNSHOWN)
                .prefetch_related("specs"),
            ),
            Prefetch(
                "certifications", queryset=Certification.objects.select_related("node").defer(*NODE_UNSHOWN)
            ),
            # One query for sectors and their nodes ("sectors__node" would take two).
            Prefetch("sectors", queryset=ProfileSector.objects.select_related("node").defer(*NODE_UNSHOWN)),
            "references",
        )
        .first()
    )
    if profile is None:
        return ProfileShown()
    capabilities = list(profile.capabilities.all())
    machines = list(profile.equipment.all())
    definitions = spec_definitions([machine.node for machine in machines])
    references = list(profile.references.all())
    visible = [r for r in references if members_only or r.visibility == ReferenceVisibility.PUBLIC]
    return ProfileShown(
        profile=profile,
        confirmed=[c for c in capabilities if c.status == CapabilityStatus.CONFIRMED],
        suggested=[c for c in capabilities if c.status != CapabilityStatus.CONFIRMED],
        equipment=[
            EquipmentShown(
                equipment=machine,
                specs=[
                    SpecShown(
                        label=node_label(definitions[machine.node_id].get(spec.key, {"key": spec.key})),
                        text=spec.entered or spec.canonical_text(),
                        value=spec.value,
                        unit=spec.unit,
                    )
                    for spec in machine.specs.all()
                ],
            )
            for machine in machines
        ],
        certifications=list(profile.certifications.all()),
        sectors=[sector.node for sector in profile.sectors.all()],
        references=visible,
        hidden_references=len(references) - len(visible),
    )


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance, the engine's own formula so that page and search agree."""
    return float(haversine_km(lat1, lon1, lat2, lon2))


@dataclass(frozen=True)
class Neighbour:
    establishment: Establishment
    distance_km: float
    shared: int


def similar_nearby(
    establishment: Establishment,
    *,
    radius_km: float = NEARBY_RADIUS_KM,
    limit: int = NEARBY_LIMIT,
    shown: ProfileShown | None = None,
) -> list[Neighbour]:
    """Active establishments within ``radius_km`` sharing capabilities, most shared first.

    A bounding box narrows the candidates in SQL (latitude/longitude are plain floats, no
    GIS); the exact distance is computed on those few in Python. ``shown``: the page's
    ``profile_shown``, whose capabilities are the ones compared (saves reading them again).
    """
    if establishment.latitude is None or establishment.longitude is None:
        return []
    if shown is not None:
        node_ids = [capability.node_id for capability in (*shown.confirmed, *shown.suggested)]
    else:
        node_ids = list(
            ProfileCapability.objects.shown()
            .filter(profile__establishment=establishment)
            .values_list("node_id", flat=True)
        )
    if not node_ids:
        return []
    lat, lon = establishment.latitude, establishment.longitude
    dlat = radius_km / 111.2
    dlon = radius_km / (111.2 * max(math.cos(math.radians(lat)), 0.01))
    # The candidates' positions come with their counts; whole rows are read only for the few
    # shown. Plain SQL: the same query built through the ORM (six chained clones, three joins
    # resolved) cost ~2.5 ms of CPU per page for 0.4 ms of SQLite.
    capability, profile = ProfileCapability._meta.db_table, Profile._meta.db_table
    table = Establishment._meta.db_table
    placeholders = ", ".join(["%s"] * len(node_ids))
    sql = (
        f'SELECT p."establishment_id", e."latitude", e."longitude", e."siret", '
        f'COUNT(DISTINCT c."node_id") AS shared FROM "{capability}" c '
        f'INNER JOIN "{profile}" p ON c."profile_id" = p."id" '
        f'INNER JOIN "{table}" e ON p."establishment_id" = e."id" '
        f'WHERE c."status" <> %s AND c."node_id" IN ({placeholders}) AND e."is_active" = %s '
        f'AND e."latitude" BETWEEN %s AND %s AND e."longitude" BETWEEN %s AND %s '
        f'AND p."establishment_id" <> %s '
        f"GROUP BY 1, 2, 3, 4 ORDER BY 5 DESC, 1 ASC LIMIT 500"
    )
    params = [
        CapabilityStatus.REJECTED.value,
        *node_ids,
        True,
        lat - dlat,
        lat + dlat,
        lon - dlon,
        lon + dlon,
        establishment.pk,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        candidates = cursor.fetchall()
    if not candidates:
        return []
    distances = haversine_km(lat, lon, [c[1] for c in candidates], [c[2] for c in candidates])
    ranked = sorted(
        (-shared, float(distance), siret, pk)
        for (pk, _lat, _lon, siret, shared), distance in zip(candidates, distances, strict=True)
        if distance <= radius_km
    )[:limit]
    loaded = Establishment.objects.select_related("organisation", "commune").in_bulk([r[3] for r in ranked])
    return [Neighbour(loaded[pk], distance, -minus_shared) for minus_shared, distance, _s, pk in ranked]


def organisation_establishments(organisation):
    """Its establishments, open ones first, for the organisation page."""
    return (
        Establishment.objects.filter(organisation=organisation)
        .select_related("organisation", "commune", "naf", "headcount_band")
        .order_by("-is_active", "-is_head_office", "siret")
    )


@dataclass(frozen=True)
class CardNode:
    """A taxonomy node as a card names it."""

    code: str
    label_fr: str
    label_en: str


@dataclass(frozen=True)
class CardNetwork:
    slug: str
    name: str


@dataclass(frozen=True)
class Figure:
    """One measured specification of a machine: its definition (key, labels, unit) and value."""

    definition: dict
    value: float
    unit: str  # the taxonomy's unit, in which the value is stored


@dataclass(frozen=True)
class CardMachine:
    node: CardNode
    quantity: int
    figures: list[Figure]  # the most telling first (``telling_specs``)


@dataclass(frozen=True)
class ResultCard:
    """What a search result card shows beyond the engine's hit: public facts only."""

    establishment: Establishment  # with commune, NAF and headcount band
    networks: list[CardNetwork]  # current memberships
    certifications: list[CardNode]  # valid on the day asked, one per scheme
    machines: list[CardMachine]


def result_cards(sirets: Iterable[str], *, day: date) -> dict[str, ResultCard]:
    """The cards of a page of results, by SIRET, in six queries whatever their number:
    establishments (with commune, NAF and band), memberships, valid certifications, machines,
    their specifications, and the specifications' definitions.

    Only the establishments become model instances; the rest is read as value tuples: twenty
    cards hold some two hundred rows, whose instances cost more than the SQL."""
    establishments = list(
        Establishment.objects.filter(siret__in=list(sirets))
        .select_related("commune", "naf", "headcount_band")
        .only(
            "siret", "name", "trade_name", "postal_code", "city", "latitude", "longitude",
            "commune__name", "naf__label", "naf__short_label", "headcount_band__label",
            "headcount_band__min_employees", "headcount_band__max_employees",
        )
    )  # fmt: skip
    ids = [establishment.pk for establishment in establishments]
    networks: dict[int, list[CardNetwork]] = {}
    for establishment_id, slug, name in (
        Membership.objects.current()
        .filter(establishment_id__in=ids)
        .order_by("network__name")
        .values_list("establishment_id", "network__slug", "network__name")
    ):
        networks.setdefault(establishment_id, []).append(CardNetwork(slug, name))
    node = ("node__code", "node__label_fr", "node__label_en")
    certifications: dict[int, dict[str, CardNode]] = {}
    for establishment_id, *labels in (
        Certification.objects.valid_at(day)
        .filter(profile__establishment_id__in=ids)
        .order_by("node__label_fr", "pk")
        .values_list("profile__establishment_id", *node)
    ):
        certifications.setdefault(establishment_id, {}).setdefault(labels[0], CardNode(*labels))
    machines = list(
        Equipment.objects.filter(profile__establishment_id__in=ids)
        .order_by("pk")
        .values_list("pk", "profile__establishment_id", "quantity", "node_id", "node__tree_path", *node)
    )
    specs: dict[int, dict[str, tuple[float, str]]] = {}
    for equipment_id, key, value, unit in EquipmentSpec.objects.filter(
        equipment_id__in=[machine[0] for machine in machines]
    ).values_list("equipment_id", "key", "value", "unit"):
        specs.setdefault(equipment_id, {})[key] = (value, unit)
    telling = telling_specs({machine[3]: machine[4] for machine in machines})
    by_establishment: dict[int, list[CardMachine]] = {}
    for pk, establishment_id, quantity, node_id, _path, *labels in machines:
        values = specs.get(pk, {})
        figures = [
            Figure(definition, *values[definition["key"]])
            for definition in telling.get(node_id, [])
            if definition["key"] in values
        ]
        by_establishment.setdefault(establishment_id, []).append(
            CardMachine(CardNode(*labels), quantity, figures)
        )
    return {
        establishment.siret: ResultCard(
            establishment=establishment,
            networks=networks.get(establishment.pk, []),
            certifications=list(certifications.get(establishment.pk, {}).values()),
            machines=by_establishment.get(establishment.pk, []),
        )
        for establishment in establishments
    }
