"""Scalar profile fields (capacity, envelope, batches, languages) and the completeness score."""

import datetime

import pytest
from django.utils import timezone

from maillage.profiles.errors import ProfileValidationError
from maillage.profiles.models import ChangeSource, Profile, ProfileChange
from maillage.profiles.selectors import COMPLETENESS_WEIGHTS, profile_completeness
from maillage.profiles.services import (
    profile_apply_snapshot,
    profile_capability_set,
    profile_certification_add,
    profile_equipment_add,
    profile_infer_from_naf,
    profile_update,
)
from maillage.profiles.snapshot import ProfileSnapshot, ReferenceEntry
from maillage.profiles.validation import language_name_fr
from tests.accounts.factories import UserFactory
from tests.directory.factories import EstablishmentFactory
from tests.referential.factories import NafCodeFactory

MEMBER = ChangeSource.MEMBER


@pytest.fixture
def site(taxonomy):
    return EstablishmentFactory(naf=NafCodeFactory(code="25.62B"))


def test_update_writes_given_fields_only_and_audits_before_and_after(site):
    user = UserFactory()
    profile_update(
        establishment=site, description_fr="Atelier", languages=["FR", "en", "de"], actor=user, source=MEMBER
    )
    profile_update(establishment=site, batch_min=10, batch_max=5000, actor=user, source="animator")
    profile = Profile.objects.get(establishment=site)
    assert profile.description_fr == "Atelier" and profile.languages == ["de", "en", "fr"]
    assert (profile.batch_min, profile.batch_max) == (10, 5000)
    change = ProfileChange.objects.get(field="languages")
    assert (change.before, change.after, change.actor, change.source) == (
        [],
        ["de", "en", "fr"],
        user,
        MEMBER,
    )
    assert ProfileChange.objects.get(field="batch_max").source == "animator"
    assert not profile_update(establishment=site, description_fr="Atelier ", actor=user, source=MEMBER)


def test_capacity_is_dated_when_stated(site):
    profile_update(
        establishment=site,
        capacity_text="Deux équipes, 5 axes libre le vendredi",
        capacity_percent=20,
        actor=None,
        source=MEMBER,
    )
    profile = Profile.objects.get(establishment=site)
    assert profile.capacity_stated_on == timezone.localdate()
    stated = datetime.date(2025, 3, 1)
    profile_update(
        establishment=site, capacity_hours_per_week=35.0, capacity_stated_on=stated, actor=None, source=MEMBER
    )
    profile.refresh_from_db()
    assert (profile.capacity_hours_per_week, profile.capacity_stated_on) == (35.0, stated)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"capacity_percent": 120}, "capacity_percent"),
        ({"capacity_hours_per_week": 200}, "capacity_hours_per_week"),
        ({"capacity_stated_on": datetime.date.today() + datetime.timedelta(days=3)}, "capacity_stated_on"),
        ({"max_part_length_mm": -5}, "max_part_length_mm"),
        ({"max_part_mass_kg": "lourd"}, "max_part_mass_kg"),
        ({"batch_min": 100, "batch_max": 10}, "batch_max"),
        ({"batch_min": 1.5}, "batch_min"),
        ({"languages": ["fr", "xx"]}, "languages"),
        ({"languages": ["fra"]}, "languages"),
    ],
)
def test_bad_profile_values_are_refused_naming_the_field(site, fields, field):
    with pytest.raises(ProfileValidationError) as error:
        profile_update(establishment=site, actor=None, source=MEMBER, **fields)
    assert error.value.field == field
    assert not ProfileChange.objects.exists()


def test_a_batch_max_below_the_stored_min_is_refused(site):
    profile_update(establishment=site, batch_min=100, actor=None, source=MEMBER)
    with pytest.raises(ProfileValidationError, match="inférieure"):
        profile_update(establishment=site, batch_max=50, actor=None, source=MEMBER)


def test_language_names_are_given_in_french():
    assert language_name_fr("de") == "Allemand"


def test_completeness_weights_sum_to_100():
    assert sum(COMPLETENESS_WEIGHTS.values()) == 100


def test_an_empty_profile_scores_zero_and_lists_everything_largest_gain_first(site):
    result = profile_completeness(site)
    assert result.score == 0
    assert [item.key for item in result.missing][:2] == ["capabilities", "description"]
    assert len(result.missing) == len(COMPLETENESS_WEIGHTS)


def test_inferred_capabilities_do_not_count_until_confirmed(site):
    profile_infer_from_naf(establishment=site)
    result = profile_completeness(site)
    assert "capabilities" in {item.key for item in result.missing}
    assert result.inferred_to_confirm > 0
    profile_capability_set(establishment=site, code="proc.machining.milling", actor=None, source=MEMBER)
    assert profile_completeness(site).score == COMPLETENESS_WEIGHTS["capabilities"]


def test_a_complete_profile_scores_100_and_an_expired_certificate_or_old_capacity_lose_points(site):
    today = timezone.localdate()
    profile_apply_snapshot(
        establishment=site,
        snapshot=ProfileSnapshot(
            description=(
                "Usinage 5 axes de pièces aéronautiques en titane et aluminium, "
                "de la pièce prototype à la série."
            ),
            capabilities=("proc.machining.milling.5axis", "mat.titanium"),
            sectors=("sector.aeronautics",),
            references=(ReferenceEntry("Safran"),),
        ),
        actor=None,
        source=MEMBER,
    )
    profile_equipment_add(
        establishment=site, code="equip.press", specs={"force": "100 t"}, actor=None, source=MEMBER
    )
    certification = profile_certification_add(
        establishment=site,
        code="cert.en9100",
        valid_until=today + datetime.timedelta(days=10),
        actor=None,
        source=MEMBER,
    )
    profile_update(
        establishment=site,
        products=["carters", "supports moteur"],
        capacity_percent=15,
        max_part_length_mm=1200.0,
        batch_min=1,
        languages=["fr", "en"],
        actor=None,
        source=MEMBER,
    )
    assert profile_completeness(site).score == 100
    later = today + datetime.timedelta(days=95)
    result = profile_completeness(site, today=later)
    assert {item.key for item in result.missing} == {"certifications", "capacity"}
    assert result.score == 100 - COMPLETENESS_WEIGHTS["certifications"] - COMPLETENESS_WEIGHTS["capacity"]
    assert certification.is_valid_at(today)
