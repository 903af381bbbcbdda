"""Capabilities: declare, propose, confirm, reject; NAF inference never overrides a decision."""

import pytest

from maillage.profiles.errors import ProfileValidationError
from maillage.profiles.models import (
    CapabilityLevel,
    CapabilityStatus,
    ChangeSource,
    ProfileCapability,
    ProfileChange,
)
from maillage.profiles.services import (
    profile_capability_confirm,
    profile_capability_reject,
    profile_capability_set,
    profile_infer_from_naf,
)
from tests.accounts.factories import UserFactory
from tests.directory.factories import EstablishmentFactory
from tests.referential.factories import NafCodeFactory

MEMBER = ChangeSource.MEMBER
ANIMATOR = ChangeSource.ANIMATOR


@pytest.fixture
def site(taxonomy):
    return EstablishmentFactory(naf=NafCodeFactory(code="25.62B"))


def statuses(site):
    return dict(
        ProfileCapability.objects.filter(profile__establishment=site).values_list("node__code", "status")
    )


def test_member_declares_a_confirmed_capability_and_the_change_is_audited(site):
    user = UserFactory()
    capability = profile_capability_set(
        establishment=site, code="proc.machining.milling.5axis", level="core", actor=user, source=MEMBER
    )
    assert (capability.status, capability.level) == (CapabilityStatus.CONFIRMED, CapabilityLevel.CORE)
    change = ProfileChange.objects.get()
    assert (change.actor, change.source, change.object_type, change.object_key) == (
        user,
        MEMBER,
        "capability",
        "proc.machining.milling.5axis",
    )
    assert change.before is None and change.after == {"status": "confirmed", "level": "core"}


def test_animator_proposes_and_a_proposal_never_downgrades_a_confirmed_capability(site):
    proposed = profile_capability_set(establishment=site, code="mat.aluminium", actor=None, source=ANIMATOR)
    assert proposed.status == CapabilityStatus.PROPOSED
    profile_capability_set(establishment=site, code="proc.machining.turning", actor=None, source=MEMBER)
    again = profile_capability_set(
        establishment=site, code="proc.machining.turning", actor=None, source=ANIMATOR
    )
    assert again.status == CapabilityStatus.CONFIRMED
    assert ProfileChange.objects.count() == 2


def test_setting_the_same_capability_twice_records_one_change(site):
    for _ in range(2):
        profile_capability_set(establishment=site, code="svc.design.cad", actor=None, source=MEMBER)
    assert ProfileChange.objects.count() == 1


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("proc.machining.milling.7axis", "code inconnu"),
        ("cert.en9100", "attendu : procédé, matériau, service"),
        ("sector.aeronautics", "de type secteur servi"),
        ("", "code manquant"),
    ],
)
def test_capability_codes_are_checked_and_the_field_named(site, code, message):
    with pytest.raises(ProfileValidationError, match=message) as error:
        profile_capability_set(establishment=site, code=code, actor=None, source=MEMBER)
    assert error.value.field == "code"
    assert not ProfileCapability.objects.exists() and not ProfileChange.objects.exists()


def test_unknown_level_status_or_source_is_refused(site):
    with pytest.raises(ProfileValidationError) as error:
        profile_capability_set(establishment=site, code="mat.steel", level="main", actor=None, source=MEMBER)
    assert error.value.field == "level"
    with pytest.raises(ProfileValidationError) as error:
        profile_capability_set(
            establishment=site, code="mat.steel", status="inferred", actor=None, source=MEMBER
        )
    assert error.value.field == "status"
    with pytest.raises(ProfileValidationError) as error:
        profile_capability_set(establishment=site, code="mat.steel", actor=None, source="email")
    assert error.value.field == "source"


def test_inference_prefills_process_material_and_service_hints_as_inferred(site):
    diff = profile_infer_from_naf(establishment=site)
    found = statuses(site)
    assert found["proc.machining"] == CapabilityStatus.INFERRED
    assert set(found.values()) == {CapabilityStatus.INFERRED}
    assert not any(code.startswith(("equip.", "cert.", "sector.")) for code in found)
    core = ProfileCapability.objects.get(node__code="proc.machining")
    minor = ProfileCapability.objects.get(node__code="proc.machining.edm")
    assert (core.level, core.inference_weight) == (CapabilityLevel.CORE, 0.95)
    assert minor.level == CapabilityLevel.SECONDARY
    assert len(diff.changes) == len(found)
    assert {change.source for change in diff.changes} == {ChangeSource.INFERENCE}
    assert {change.actor for change in diff.changes} == {None}


def test_inference_never_overrides_a_confirmed_or_rejected_capability(site):
    profile_capability_set(
        establishment=site, code="proc.machining.milling", level="secondary", actor=None, source=MEMBER
    )
    profile_capability_reject(establishment=site, code="proc.machining.edm", actor=None, source=MEMBER)
    profile_infer_from_naf(establishment=site)
    found = statuses(site)
    assert found["proc.machining.milling"] == CapabilityStatus.CONFIRMED
    assert (
        ProfileCapability.objects.get(node__code="proc.machining.milling").level == CapabilityLevel.SECONDARY
    )
    assert found["proc.machining.edm"] == CapabilityStatus.REJECTED


def test_rejected_inferences_stay_rejected_when_the_inference_runs_again(site):
    profile_infer_from_naf(establishment=site)
    profile_capability_reject(establishment=site, code="proc.machining.grinding", actor=None, source=MEMBER)
    diff = profile_infer_from_naf(establishment=site)
    assert not diff
    assert statuses(site)["proc.machining.grinding"] == CapabilityStatus.REJECTED


def test_inference_follows_a_naf_change_but_keeps_decisions(site):
    profile_infer_from_naf(establishment=site)
    profile_capability_confirm(establishment=site, code="proc.machining.turning", actor=None, source=MEMBER)
    profile_infer_from_naf(establishment=site, naf_code="25.62A")
    found = statuses(site)
    assert found["proc.machining.bar_turning"] == CapabilityStatus.INFERRED
    assert "proc.machining.edm" not in found  # a 25.62B hint only, never decided on
    assert found["proc.machining.turning"] == CapabilityStatus.CONFIRMED


def test_confirm_turns_an_inferred_or_proposed_capability_into_a_confirmed_one(site):
    profile_infer_from_naf(establishment=site)
    profile_capability_set(establishment=site, code="mat.titanium", actor=None, source=ANIMATOR)
    for code in ("proc.machining.milling.5axis", "mat.titanium"):
        capability = profile_capability_confirm(
            establishment=site, code=code, level="core", actor=None, source=MEMBER
        )
        assert (capability.status, capability.level) == (CapabilityStatus.CONFIRMED, CapabilityLevel.CORE)
    change = ProfileChange.objects.filter(object_key="mat.titanium", field="status").get()
    assert (change.before, change.after) == ("proposed", "confirmed")


def test_confirming_a_capability_absent_from_the_profile_is_an_error(site):
    with pytest.raises(ProfileValidationError, match="pas dans ce profil") as error:
        profile_capability_confirm(establishment=site, code="mat.titanium", actor=None, source=MEMBER)
    assert error.value.field == "code"


def test_a_code_can_be_ruled_out_before_any_inference(site):
    profile_capability_reject(establishment=site, code="proc.machining", actor=None, source=MEMBER)
    profile_infer_from_naf(establishment=site)
    assert statuses(site)["proc.machining"] == CapabilityStatus.REJECTED


def test_an_establishment_without_naf_gets_no_inference(taxonomy):
    site = EstablishmentFactory(naf=None)
    assert not profile_infer_from_naf(establishment=site)
    assert not ProfileCapability.objects.exists()
