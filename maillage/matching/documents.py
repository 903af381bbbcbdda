"""Database rows → engine inputs (``EngineTaxonomy``, ``EngineDocument``), in bounded queries.

Establishments are read in chunks of consecutive primary keys (keyset pagination), and each
chunk's profile rows are fetched with one query per table, so a national build of 1.2 M
establishments streams in constant memory with a few queries per chunk, never one per row.

What is indexed is what anyone may read: members-only references are left out, so neither a
result nor its explanation can reveal them. Values a member wrote for the public parts of its
profile (capabilities, certifications, machines, sectors) that wait in the review queue are
public words too, not yet reviewed: they are indexed as the company's own words (a text field
of their own, labelled as such, never a claim) — docs/search.md, « Own words ».
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace
from typing import ClassVar

from django.utils import timezone

from maillage.directory.models import Establishment, Membership
from maillage.engine import (
    CapabilityClaim,
    CertificationClaim,
    EngineDocument,
    EngineTaxonomy,
    EquipmentClaim,
)
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
from maillage.profiles.selectors import CAPACITY_FRESHNESS, COMPLETENESS_WEIGHTS, MIN_DESCRIPTION_LENGTH
from maillage.referential.models import Commune, HeadcountBand, NafCode
from maillage.taxonomy.models import NafCapabilityHint, NodeType, TaxonomyNode

CHUNK_SIZE = 5000
CAPABILITY_TYPES = {NodeType.PROCESS, NodeType.MATERIAL, NodeType.SERVICE}


def engine_taxonomy() -> EngineTaxonomy:
    """The active taxonomy as the engine sees it (animators' synonyms included)."""
    records = [
        SimpleNamespace(
            code=code,
            type=kind,
            parent=parent or None,
            label_fr=label_fr,
            label_en=label_en,
            synonyms_fr=[*synonyms_fr, *animator_fr],
            synonyms_en=[*synonyms_en, *animator_en],
            specs=specs,
        )
        for (
            code,
            kind,
            parent,
            label_fr,
            label_en,
            synonyms_fr,
            synonyms_en,
            animator_fr,
            animator_en,
            specs,
        ) in (
            TaxonomyNode.objects.active()
            .order_by("code")
            .values_list(
                "code",
                "type",
                "parent__code",
                "label_fr",
                "label_en",
                "synonyms_fr",
                "synonyms_en",
                "animator_synonyms_fr",
                "animator_synonyms_en",
                "specs",
            )
        )
    ]
    hints = [
        SimpleNamespace(naf=naf, node=code, weight=weight)
        for naf, code, weight in NafCapabilityHint.objects.filter(
            node__is_active=True, node__type__in=CAPABILITY_TYPES
        )
        .order_by("naf_id", "node__code")
        .values_list("naf_id", "node__code", "weight")
    ]
    return EngineTaxonomy.from_records(records, hints)


@dataclass
class _Lookups:
    """Small referential tables held in memory for the whole build (a few thousand rows)."""

    naf_labels: dict[str, str]
    bands: dict[str, tuple[int | None, int | None]]
    communes: dict[str, tuple[str, str]]  # insee → (name, department)

    @classmethod
    def load(cls) -> _Lookups:
        return cls(
            naf_labels=dict(NafCode.objects.values_list("code", "label")),
            bands={
                code: (low, high)
                for code, low, high in HeadcountBand.objects.values_list(
                    "code", "min_employees", "max_employees"
                )
            },
            communes={
                code: (name, department or "")
                for code, name, department in Commune.objects.values_list(
                    "insee_code", "name", "department_id"
                )
            },
        )


@dataclass
class _ProfileParts:
    """One chunk's profile rows, grouped by establishment id."""

    profiles: dict[int, dict] = field(default_factory=dict)
    capabilities: dict[int, list] = field(default_factory=lambda: defaultdict(list))
    capability_rows: set[int] = field(default_factory=set)  # establishments with any row, rejected included
    certifications: dict[int, list] = field(default_factory=lambda: defaultdict(list))
    equipment: dict[int, list] = field(default_factory=lambda: defaultdict(list))
    sectors: dict[int, list] = field(default_factory=lambda: defaultdict(list))
    references: dict[int, list] = field(default_factory=lambda: defaultdict(list))
    has_reference: set[int] = field(default_factory=set)
    networks: dict[int, list] = field(default_factory=lambda: defaultdict(list))


def _scope(prefix: str, ids: Sequence[int], span: tuple[int, int] | None) -> dict:
    # A key range for a build chunk (no thousand-element IN list), the ids for a refresh.
    if span is not None:
        return {f"{prefix}__gte": span[0], f"{prefix}__lte": span[1]}
    return {f"{prefix}__in": list(ids)}


def _profile_parts(ids: Sequence[int], span: tuple[int, int] | None) -> _ProfileParts:
    parts = _ProfileParts()
    fields = (
        "id", "establishment_id", "description_fr", "description_en", "products", "capacity_text",
        "capacity_percent", "capacity_hours_per_week", "capacity_stated_on", "max_part_length_mm",
        "max_part_width_mm", "max_part_height_mm", "max_part_mass_kg", "batch_min", "batch_max", "languages",
    )  # fmt: skip
    owner: dict[int, int] = {}
    for row in Profile.objects.filter(**_scope("establishment_id", ids, span)).values(*fields):
        parts.profiles[row["establishment_id"]] = row
        owner[row["id"]] = row["establishment_id"]
    if not owner:
        return parts
    where = _scope("profile__establishment_id", ids, span)
    for profile_id, code, kind, status, level, weight in ProfileCapability.objects.filter(
        **where
    ).values_list("profile_id", "node__code", "node__type", "status", "level", "inference_weight"):
        establishment = owner[profile_id]
        parts.capability_rows.add(establishment)
        if status != CapabilityStatus.REJECTED:
            parts.capabilities[establishment].append((code, kind, status, level, weight))
    for profile_id, code, valid_from, valid_until in Certification.objects.filter(**where).values_list(
        "profile_id", "node__code", "valid_from", "valid_until"
    ):
        parts.certifications[owner[profile_id]].append((code, valid_from, valid_until))
    specs: dict[int, dict[str, float]] = defaultdict(dict)
    for equipment_id, key, value in EquipmentSpec.objects.filter(
        **_scope("equipment__profile__establishment_id", ids, span)
    ).values_list("equipment_id", "key", "value"):
        specs[equipment_id][key] = value
    for equipment_id, profile_id, code, label in Equipment.objects.filter(**where).values_list(
        "id", "profile_id", "node__code", "label"
    ):
        parts.equipment[owner[profile_id]].append((code, label, specs.get(equipment_id, {})))
    for profile_id, code in ProfileSector.objects.filter(**where).values_list("profile_id", "node__code"):
        parts.sectors[owner[profile_id]].append(code)
    for profile_id, client, project, visibility in ProfileReference.objects.filter(**where).values_list(
        "profile_id", "client", "project", "visibility"
    ):
        parts.has_reference.add(owner[profile_id])
        if visibility == ReferenceVisibility.PUBLIC:
            parts.references[owner[profile_id]].append(f"{client} {project}".strip())
    return parts


def _networks(ids: Sequence[int], span: tuple[int, int] | None) -> dict[int, list[str]]:
    networks: dict[int, list[str]] = defaultdict(list)
    for establishment, slug in (
        Membership.objects.current()
        .filter(**_scope("establishment_id", ids, span))
        .values_list("establishment_id", "network__slug")
    ):
        networks[establishment].append(slug)
    return networks


def _completeness(profile: dict | None, establishment: int, parts: _ProfileParts, today: date) -> float:
    """``profiles.selectors.profile_completeness`` computed from rows already loaded (0–1)."""
    if profile is None:
        return 0.0
    confirmed = {
        kind for _code, kind, status, _level, _w in parts.capabilities[establishment] if status == "confirmed"
    }
    equipment = parts.equipment[establishment]
    stated = profile["capacity_stated_on"]
    done = {
        "description": len(profile["description_fr"].strip()) >= MIN_DESCRIPTION_LENGTH,
        "capabilities": bool(confirmed & {NodeType.PROCESS, NodeType.SERVICE}),
        "materials": NodeType.MATERIAL in confirmed,
        "equipment": bool(equipment),
        "equipment_specs": any(specs for _c, _l, specs in equipment),
        "certifications": any(
            (start is None or start <= today) and (end is None or end >= today)
            for _c, start, end in parts.certifications[establishment]
        ),
        "sectors": bool(parts.sectors[establishment]),
        "references": establishment in parts.has_reference,
        "products": bool(profile["products"]),
        "capacity": stated is not None
        and today - stated <= CAPACITY_FRESHNESS
        and bool(
            profile["capacity_text"]
            or profile["capacity_percent"] is not None
            or profile["capacity_hours_per_week"] is not None
        ),
        "envelope": any(
            profile[name] is not None
            for name in ("max_part_length_mm", "max_part_width_mm", "max_part_height_mm", "max_part_mass_kg")
        ),
        "batch_sizes": profile["batch_min"] is not None or profile["batch_max"] is not None,
        "languages": bool(profile["languages"]),
    }
    return sum(weight for key, weight in COMPLETENESS_WEIGHTS.items() if done[key]) / 100


_ESTABLISHMENT_FIELDS = (
    "id", "siret", "name", "trade_name", "organisation__name", "naf_id", "headcount_band_id",
    "commune_id", "city", "latitude", "longitude",
)  # fmt: skip


# Filter keywords on ``establishment_id`` (a chunk's key range or a refresh's ids) → each
# establishment's words waiting for a review, as written.
OwnWordsReader = Callable[[dict], Mapping[int, Sequence[str]]]


class DocumentMapper:
    """Turns establishment rows into ``EngineDocument``s, chunk by chunk."""

    # Reads the words waiting in the import review queue (``imports.models.MappingReview``), a
    # layer above matching, which registers its reader here in ``ImportsConfig.ready``: matching
    # never imports it (as ``TaxonomyMapper.decision_reader``).
    own_words_reader: ClassVar[OwnWordsReader | None] = None

    def __init__(self, taxonomy: EngineTaxonomy, *, today: date | None = None):
        self.taxonomy = taxonomy
        self.lookups = _Lookups.load()
        self.today = today or timezone.localdate()

    def _inferred_from_naf(self, naf: str | None) -> list[CapabilityClaim]:
        claims = []
        for code, weight in self.taxonomy.naf_hints.get(naf or "", []):
            level = "core" if weight >= 0.9 else "secondary"
            claims.append(CapabilityClaim(code, CapabilityStatus.INFERRED, level, weight))
        return claims

    def _documents(self, rows: list[tuple], span: tuple[int, int] | None) -> list[EngineDocument]:
        ids = [row[0] for row in rows]
        parts = _profile_parts(ids, span)
        networks = _networks(ids, span)
        reader = type(self).own_words_reader
        own_words = reader(_scope("establishment_id", ids, span)) if reader is not None else {}
        documents = []
        for pk, siret, name, trade_name, organisation_name, naf, band, commune, city, lat, lon in rows:
            profile = parts.profiles.get(pk)
            if pk in parts.capability_rows:
                capabilities = [
                    CapabilityClaim(code, status, level, weight if weight is not None else 1.0)
                    for code, _kind, status, level, weight in parts.capabilities[pk]
                ]
            else:
                # No profile yet, or one that never had a capability: the NAF code speaks for it.
                capabilities = self._inferred_from_naf(naf)
            commune_name, department = self.lookups.communes.get(commune or "", (city, ""))
            low, high = self.lookups.bands.get(band or "", (None, None))
            description = "\n".join(
                text for text in (profile["description_fr"], profile["description_en"]) if text
            ) if profile else ""  # fmt: skip
            if profile and profile["products"]:
                description += "\n" + ", ".join(str(p) for p in profile["products"])
            documents.append(
                EngineDocument(
                    doc_key=siret,
                    name=trade_name or name or organisation_name or siret,
                    naf_code=naf or "",
                    naf_label=self.lookups.naf_labels.get(naf or "", ""),
                    description=description,
                    capabilities=capabilities,
                    certifications=[CertificationClaim(*c) for c in parts.certifications[pk]],
                    equipment=[
                        EquipmentClaim(code, dict(specs)) for code, _label, specs in parts.equipment[pk]
                    ],
                    sectors=list(parts.sectors[pk]),
                    references_text="\n".join(
                        [*parts.references[pk], *(label for _c, label, _s in parts.equipment[pk] if label)]
                    ),
                    own_words="\n".join(own_words.get(pk, ())),
                    headcount_min=low,
                    headcount_max=high,
                    department=department,
                    commune=commune_name or city,
                    lat=lat,
                    lon=lon,
                    networks=sorted(networks[pk]),
                    completeness=_completeness(profile, pk, parts, self.today),
                )
            )
        return documents

    def stream(self, *, chunk_size: int = CHUNK_SIZE) -> Iterator[EngineDocument]:
        """Every active establishment, in primary-key order, ``chunk_size`` rows per query."""
        last = 0
        while True:
            rows = list(
                Establishment.objects.filter(is_active=True, pk__gt=last)
                .order_by("pk")
                .values_list(*_ESTABLISHMENT_FIELDS)[:chunk_size]
            )
            if not rows:
                return
            yield from self._documents(rows, (rows[0][0], rows[-1][0]))
            last = rows[-1][0]

    def for_establishments(self, ids: Iterable[int]) -> tuple[list[EngineDocument], list[str]]:
        """Documents of the given establishments, and the SIRETs to delete (inactive ones)."""
        ids = sorted(set(ids))
        documents, gone = [], []
        for start in range(0, len(ids), CHUNK_SIZE):
            batch = ids[start : start + CHUNK_SIZE]
            rows = list(
                Establishment.objects.filter(pk__in=batch)
                .order_by("pk")
                .values_list(*_ESTABLISHMENT_FIELDS, "is_active")
            )
            gone += [row[1] for row in rows if not row[-1]]
            documents += self._documents([row[:-1] for row in rows if row[-1]], None)
        return documents, gone
