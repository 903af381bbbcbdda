"""Demo profiles: seeded, written through the profile services, honest about real companies."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from maillage.demo.builder import DEFAULT_SEED
from maillage.demo.profiles import (
    COVERED_HINT_WEIGHT,
    DECLARED_SHARE,
    Size,
    _ancestors,
    _Vocabulary,
    declared_snapshot,
    establishment_rng,
)
from maillage.directory.models import Establishment
from maillage.profiles.models import (
    CapabilityStatus,
    Certification,
    Equipment,
    EquipmentSpec,
    Profile,
    ProfileCapability,
    ProfileChange,
    ProfileReference,
    ProfileSector,
)

pytestmark = pytest.mark.django_db


def fictitious():
    return Establishment.objects.filter(is_generated=True, organisation__is_generated=True)


def test_every_demo_establishment_gets_the_naf_inference(demo_index):
    demo = Establishment.objects.filter(source="demo").exclude(naf=None)
    inferred = set(
        ProfileCapability.objects.filter(status=CapabilityStatus.INFERRED).values_list(
            "profile__establishment_id", flat=True
        )
    )
    with_hints = [e for e in demo if e.naf_id and _Vocabulary().hints.get(e.naf_id)]
    assert with_hints
    assert sum(e.pk in inferred or e.profile.capabilities.exists() for e in with_hints) == len(with_hints)


def test_about_seventy_percent_of_fictitious_companies_declare_a_profile(demo_index):
    total = fictitious().count()
    declared = (
        Profile.objects.filter(
            establishment__in=fictitious(), capabilities__status=CapabilityStatus.CONFIRMED
        )
        .distinct()
        .count()
    )
    assert abs(declared / total - DECLARED_SHARE) < 0.08


def test_real_companies_get_inferred_capabilities_only(demo_index):
    real = Establishment.objects.filter(organisation__is_generated=False)
    assert real.exists()
    assert not ProfileCapability.objects.filter(
        profile__establishment__in=real, status=CapabilityStatus.CONFIRMED
    ).exists()
    for model in (Certification, Equipment, ProfileSector, ProfileReference):
        assert not model.objects.filter(profile__establishment__in=real).exists(), model.__name__
    assert not Profile.objects.filter(establishment__in=real).exclude(description_fr="").exists()


def test_declared_profiles_hold_machines_certificates_sectors_and_member_style_descriptions(demo_index):
    assert EquipmentSpec.objects.filter(equipment__profile__establishment__in=fictitious()).count() > 50
    today = date.today()
    assert Certification.objects.valid_at(today).count() > 50
    assert Certification.objects.expired_at(today).count() > 10
    assert ProfileSector.objects.count() > 100
    assert ProfileReference.objects.filter(visibility="members").exists()
    assert ProfileReference.objects.filter(visibility="public").exists()
    descriptions = " ".join(
        Profile.objects.exclude(description_fr="").values_list("description_fr", flat=True)
    )
    for jargon in ("Certif", "Parc :", "séries"):
        assert jargon in descriptions


def test_profiles_are_reproducible_from_the_seed(demo_index):
    vocabulary = _Vocabulary()
    establishment = fictitious().exclude(naf=None).order_by("siret").first()
    first, second = (
        declared_snapshot(
            vocabulary,
            establishment.naf_id,
            establishment_rng(DEFAULT_SEED, establishment.siret),
            size=Size(min_employees=3, max_employees=5, created=date(2001, 5, 1)),
        )
        for _ in range(2)
    )
    assert first == second


def test_second_demo_run_changes_no_profile(demo_index):
    assert "aucune modification" in demo_index["outputs"][1]
    before = ProfileChange.objects.count()
    call_command("demo", stdout=StringIO())
    assert ProfileChange.objects.count() == before


def test_each_trade_hinted_for_a_declaring_member_is_declared_by_someone(demo_index):
    vocabulary = _Vocabulary()
    members = ProfileCapability.objects.filter(status=CapabilityStatus.CONFIRMED)
    declared = set()
    for code in members.values_list("node__code", flat=True):
        declared |= _ancestors(vocabulary, code)
    nafs = set(members.values_list("profile__establishment__naf_id", flat=True))
    hinted = {
        code
        for naf in nafs
        for code, weight in vocabulary.hints.get(naf, [])
        if weight >= COVERED_HINT_WEIGHT and vocabulary.kind(code) in ("process", "service")
    }
    assert "proc.surface.polishing" in declared
    assert hinted - declared == set()
