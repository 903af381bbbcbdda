"""profile_snapshot ↔ profile_apply_snapshot: round trip, idempotence, validation, partial parts."""

import datetime

import pytest

from maillage.profiles.errors import ProfileValidationError
from maillage.profiles.models import CapabilityStatus, ChangeSource, ProfileCapability, ProfileChange
from maillage.profiles.selectors import profile_snapshot
from maillage.profiles.services import (
    profile_apply_snapshot,
    profile_capability_set,
    profile_equipment_add,
    profile_infer_from_naf,
)
from maillage.profiles.snapshot import (
    CertificationEntry,
    EquipmentEntry,
    ProfileSnapshot,
    ReferenceEntry,
    SpecValue,
)
from tests.accounts.factories import UserFactory
from tests.directory.factories import EstablishmentFactory
from tests.referential.factories import NafCodeFactory

SHEET = ChangeSource.SPREADSHEET

FULL = ProfileSnapshot(
    description="Usinage de précision pour l'aéronautique.",
    capabilities=("proc.machining.milling.5axis", "mat.titanium", "svc.design.cad"),
    certifications=(
        CertificationEntry(
            "cert.en9100", "Bureau Veritas", "FR-9100-1", datetime.date(2022, 1, 1), datetime.date(2025, 1, 1)
        ),
        CertificationEntry("cert.iso9001"),
    ),
    equipment=(
        EquipmentEntry(
            "equip.press.hydraulic",
            "Presse Schuler",
            2,
            (SpecValue("force", 300.0, "tf"), SpecValue("stroke", 800.0, "mm")),
        ),
        EquipmentEntry("equip.machine_tool.machining_centre", "DMG Mori DMU 65"),
    ),
    sectors=("sector.aeronautics", "sector.space"),
    references=(ReferenceEntry("Safran", "Carters", "public"), ReferenceEntry("Airbus")),
)


@pytest.fixture
def site(taxonomy):
    return EstablishmentFactory(naf=NafCodeFactory(code="25.62B"))


def test_apply_then_snapshot_gives_the_same_snapshot(site):
    user = UserFactory()
    diff = profile_apply_snapshot(establishment=site, snapshot=FULL, actor=user, source=SHEET)
    assert profile_snapshot(site) == FULL
    counts = diff.counts()
    assert counts[("capability", "added")] == 3 and counts[("equipment", "added")] == 2
    assert counts[("certification", "added")] == 2 and counts[("sector", "added")] == 2
    assert counts[("reference", "added")] == 2 and counts[("profile", "updated")] == 1
    assert {(c.actor, c.source) for c in ProfileChange.objects.all()} == {(user, SHEET)}


def test_applying_the_same_snapshot_twice_changes_nothing(site):
    profile_apply_snapshot(establishment=site, snapshot=FULL, actor=None, source=SHEET)
    before = ProfileChange.objects.count()
    assert not profile_apply_snapshot(establishment=site, snapshot=FULL, actor=None, source=SHEET)
    assert ProfileChange.objects.count() == before


def test_snapshot_of_a_profile_built_by_services_round_trips(site):
    profile_capability_set(establishment=site, code="proc.joining.welding.tig", actor=None, source="member")
    profile_equipment_add(
        establishment=site,
        code="equip.press",
        label="Presse",
        specs={"force": (2942, "kN")},
        actor=None,
        source="member",
    )
    exported = profile_snapshot(site)
    assert not profile_apply_snapshot(establishment=site, snapshot=exported, actor=None, source=SHEET)


def test_apply_adds_updates_and_removes(site):
    profile_apply_snapshot(establishment=site, snapshot=FULL, actor=None, source=SHEET)
    changed = ProfileSnapshot(
        description=FULL.description,
        capabilities=("proc.machining.milling.5axis", "mat.aluminium.7xxx"),
        certifications=(
            CertificationEntry(
                "cert.en9100",
                "Bureau Veritas",
                "FR-9100-1",
                datetime.date(2022, 1, 1),
                datetime.date(2028, 1, 1),
            ),
        ),
        equipment=(
            EquipmentEntry("equip.press.hydraulic", "Presse Schuler", 3, (SpecValue("force", 300.0, "tf"),)),
        ),
        sectors=("sector.aeronautics",),
        references=(ReferenceEntry("Safran", "Carters", "members"),),
    )
    diff = profile_apply_snapshot(establishment=site, snapshot=changed, actor=None, source=SHEET)
    assert profile_snapshot(site) == changed
    counts = diff.counts()
    assert counts[("certification", "updated")] == 1 and counts[("certification", "removed")] == 1
    assert counts[("equipment", "updated")] == 2  # quantity and specs of the same press
    assert counts[("equipment", "removed")] == 1
    assert counts[("reference", "updated")] == 1 and counts[("reference", "removed")] == 1
    # A capability dropped from the sheet is remembered as rejected: inference will not revive it.
    dropped = ProfileCapability.objects.get(node__code="mat.titanium")
    assert dropped.status == CapabilityStatus.REJECTED


def test_apply_leaves_inferred_capabilities_alone(site):
    profile_infer_from_naf(establishment=site)
    inferred = ProfileCapability.objects.filter(status=CapabilityStatus.INFERRED).count()
    profile_apply_snapshot(establishment=site, snapshot=FULL, actor=None, source=SHEET)
    assert ProfileCapability.objects.filter(status=CapabilityStatus.INFERRED).count() == inferred - 1
    assert ProfileCapability.objects.get(node__code="proc.machining.milling.5axis").status == "confirmed"
    profile_apply_snapshot(establishment=site, snapshot=ProfileSnapshot(), actor=None, source=SHEET)
    assert ProfileCapability.objects.filter(status=CapabilityStatus.INFERRED).count() == inferred - 1


def test_parts_limit_what_a_partial_sheet_touches(site):
    profile_apply_snapshot(establishment=site, snapshot=FULL, actor=None, source=SHEET)
    only_sectors = ProfileSnapshot(sectors=("sector.nuclear",))
    profile_apply_snapshot(
        establishment=site, snapshot=only_sectors, actor=None, source=SHEET, parts=["sectors"]
    )
    result = profile_snapshot(site)
    assert result.sectors == ("sector.nuclear",)
    assert result.equipment == FULL.equipment and result.certifications == FULL.certifications
    with pytest.raises(ProfileValidationError) as error:
        profile_apply_snapshot(
            establishment=site, snapshot=FULL, actor=None, source=SHEET, parts=["machines"]
        )
    assert error.value.field == "parts"


@pytest.mark.parametrize(
    ("snapshot", "field", "message"),
    [
        (ProfileSnapshot(capabilities=("mat.titanium", "proc.usinage")), "capabilities[1]", "code inconnu"),
        (ProfileSnapshot(capabilities=("cert.en9100",)), "capabilities[0]", "de type certification"),
        (ProfileSnapshot(sectors=("mat.titanium",)), "sectors[0]", "de type matériau"),
        (
            ProfileSnapshot(
                equipment=(EquipmentEntry("equip.press", specs=(SpecValue("force", 300, "kg"),)),)
            ),
            "equipment[0].specs.force",
            "unité de masse",
        ),
        (
            ProfileSnapshot(equipment=(EquipmentEntry("equip.press", specs=(SpecValue("force", 300, ""),)),)),
            "equipment[0].specs.force",
            "unité manquante",
        ),
        (
            ProfileSnapshot(
                equipment=(EquipmentEntry("equip.press", "P"), EquipmentEntry("equip.press", "P", 2))
            ),
            "equipment[1].label",
            "en double",
        ),
        (
            ProfileSnapshot(
                certifications=(
                    CertificationEntry(
                        "cert.iso9001",
                        valid_from=datetime.date(2024, 2, 1),
                        valid_until=datetime.date(2023, 2, 1),
                    ),
                )
            ),
            "certifications[0].valid_until",
            "précède",
        ),
        (
            ProfileSnapshot(
                certifications=(
                    CertificationEntry("cert.iso9001", "AFNOR", "1"),
                    CertificationEntry("cert.iso9001", "BV", "1"),
                )
            ),
            "certifications[1].number",
            "en double",
        ),
        (
            ProfileSnapshot(references=(ReferenceEntry("Safran", visibility="secret"),)),
            "references[0].visibility",
            "visibilité",
        ),
    ],
)
def test_a_bad_snapshot_writes_nothing_and_names_the_entry(site, snapshot, field, message):
    profile_apply_snapshot(establishment=site, snapshot=FULL, actor=None, source=SHEET)
    before = ProfileChange.objects.count()
    with pytest.raises(ProfileValidationError, match=message) as error:
        profile_apply_snapshot(establishment=site, snapshot=snapshot, actor=None, source=SHEET)
    assert error.value.field == field
    assert ProfileChange.objects.count() == before and profile_snapshot(site) == FULL


def test_snapshots_compare_equal_whatever_the_order_of_their_entries():
    shuffled = ProfileSnapshot(
        description=FULL.description,
        capabilities=tuple(reversed(FULL.capabilities)) + FULL.capabilities[:1],
        certifications=tuple(reversed(FULL.certifications)),
        equipment=tuple(reversed(FULL.equipment)),
        sectors=tuple(reversed(FULL.sectors)),
        references=tuple(reversed(FULL.references)),
    )
    assert shuffled == FULL


def test_an_establishment_without_profile_has_an_empty_snapshot(site):
    assert profile_snapshot(site) == ProfileSnapshot()
