"""Equipment specifications in units, certificates with validity dates, sectors and references."""

import datetime

import pytest
from django.utils import timezone

from maillage.profiles.errors import ProfileValidationError
from maillage.profiles.models import Certification, ChangeSource, Equipment, EquipmentSpec, ProfileChange
from maillage.profiles.services import (
    profile_certification_add,
    profile_certification_remove,
    profile_certification_update,
    profile_equipment_add,
    profile_equipment_remove,
    profile_equipment_update,
    profile_reference_add,
    profile_reference_update,
    profile_sector_add,
)
from tests.directory.factories import EstablishmentFactory
from tests.profiles.factories import CertificationFactory, ProfileFactory

MEMBER = ChangeSource.MEMBER
TODAY = datetime.date.today


@pytest.fixture
def site(taxonomy):
    return EstablishmentFactory()


def add_press(site, **specs):
    return profile_equipment_add(
        establishment=site,
        code="equip.press.hydraulic",
        label="Presse Schuler",
        specs=specs,
        actor=None,
        source=MEMBER,
    )


def test_a_press_force_in_tonnes_is_stored_in_the_declared_unit_keeping_what_was_typed(site):
    press = add_press(site, force="300 t", bed_length="2,5 m", stroke="800mm")
    specs = {spec.key: spec for spec in press.specs.all()}
    assert (specs["force"].value, specs["force"].unit, specs["force"].entered) == (300, "tf", "300 t")
    assert (specs["bed_length"].value, specs["bed_length"].unit, specs["bed_length"].entered) == (
        2500,
        "mm",
        "2,5 m",
    )
    assert specs["stroke"].value == 800


def test_a_force_in_kilonewtons_is_converted_to_tonnes_force(site):
    press = add_press(site, force=(2942, "kN"))
    assert press.specs.get().value == pytest.approx(300, rel=1e-3)


@pytest.mark.parametrize(
    ("specs", "field", "message"),
    [
        ({"force": "300 kg"}, "specs.force", "unité de masse, pas de force"),
        ({"force": "300"}, "specs.force", "unité manquante"),
        ({"force": "300 parsecs"}, "specs.force", "unité inconnue"),
        ({"force": "beaucoup"}, "specs.force", "n’est pas une mesure"),
        ({"force": "200000 t"}, "specs.force", "hors de la plage plausible"),
        ({"laser_power": "4 kW"}, "specs.laser_power", "caractéristique « laser_power » inconnue"),
    ],
)
def test_bad_specifications_are_refused_naming_the_field(site, specs, field, message):
    with pytest.raises(ProfileValidationError, match=message) as error:
        add_press(site, **specs)
    assert error.value.field == field
    assert not Equipment.objects.exists() and not ProfileChange.objects.exists()


def test_equipment_type_must_be_an_equipment_node(site):
    with pytest.raises(ProfileValidationError, match="de type procédé") as error:
        profile_equipment_add(establishment=site, code="proc.forming.stamping", actor=None, source=MEMBER)
    assert error.value.field == "code"


def test_the_same_machine_twice_is_a_duplicate_and_quantity_must_be_positive(site):
    add_press(site)
    with pytest.raises(ProfileValidationError, match="en double") as error:
        add_press(site)
    assert error.value.field == "label"
    with pytest.raises(ProfileValidationError) as error:
        profile_equipment_add(establishment=site, code="equip.press", quantity=0, actor=None, source=MEMBER)
    assert error.value.field == "quantity"


def test_equipment_update_replaces_specs_and_audits_each_field(site):
    press = add_press(site, force="300 t", stroke="800 mm")
    profile_equipment_update(equipment=press, quantity=2, specs={"force": "400 t"}, actor=None, source=MEMBER)
    assert dict(press.specs.values_list("key", "value")) == {"force": 400}
    changes = {
        c.field: (c.before, c.after) for c in ProfileChange.objects.filter(field__in=["quantity", "specs"])
    }
    assert changes["quantity"] == (1, 2)
    assert changes["specs"] == ({"force": "300 tf", "stroke": "800 mm"}, {"force": "400 tf"})
    profile_equipment_remove(equipment=press, actor=None, source=MEMBER)
    assert not EquipmentSpec.objects.exists()
    assert ProfileChange.objects.filter(object_type="equipment", field="*", after__isnull=True).count() == 1


def test_certificate_with_a_past_start_is_valid_and_an_ended_one_is_kept_but_shown_expired(site):
    current = profile_certification_add(
        establishment=site,
        code="cert.en9100",
        issuer="Bureau Veritas",
        number="FR-123",
        valid_from=datetime.date(2019, 3, 1),
        valid_until=TODAY() + datetime.timedelta(days=400),
        actor=None,
        source=MEMBER,
    )
    ended = profile_certification_add(
        establishment=site,
        code="cert.iso14001",
        valid_from=datetime.date(2018, 1, 1),
        valid_until=datetime.date(2021, 1, 1),
        actor=None,
        source=MEMBER,
    )
    assert not current.is_expired and ended.is_expired
    assert list(Certification.objects.valid_at(TODAY())) == [current]
    assert list(Certification.objects.expired_at(TODAY())) == [ended]
    assert Certification.objects.valid_at(datetime.date(2020, 6, 1)).count() == 2


def test_certificate_starting_in_the_future_is_pending(site):
    soon = profile_certification_add(
        establishment=site,
        code="cert.iso9001",
        valid_from=TODAY() + datetime.timedelta(days=30),
        actor=None,
        source=MEMBER,
    )
    assert soon.is_pending and not soon.is_expired and not soon.is_valid_at(TODAY())


@pytest.mark.parametrize(
    ("dates", "field", "message"),
    [
        (
            {"valid_from": datetime.date(2024, 5, 1), "valid_until": datetime.date(2024, 4, 30)},
            "valid_until",
            "précède",
        ),
        ({"valid_from": datetime.date(1900, 1, 1)}, "valid_from", "invraisemblable"),
        ({"valid_until": datetime.date(202, 1, 1)}, "valid_until", "invraisemblable"),
    ],
)
def test_impossible_certificate_dates_are_refused(site, dates, field, message):
    with pytest.raises(ProfileValidationError, match=message) as error:
        profile_certification_add(establishment=site, code="cert.iso9001", actor=None, source=MEMBER, **dates)
    assert error.value.field == field


def test_certificate_codes_and_duplicates_are_checked(site):
    with pytest.raises(ProfileValidationError, match="code inconnu") as error:
        profile_certification_add(establishment=site, code="cert.iso9002", actor=None, source=MEMBER)
    assert error.value.field == "code"
    profile_certification_add(establishment=site, code="cert.iso9001", number="A1", actor=None, source=MEMBER)
    with pytest.raises(ProfileValidationError, match="en double") as error:
        profile_certification_add(
            establishment=site, code="cert.iso9001", number="A1", actor=None, source=MEMBER
        )
    assert error.value.field == "number"


def test_certificate_renewal_updates_dates_and_is_audited(taxonomy):
    certification = CertificationFactory(valid_until=datetime.date(2024, 1, 1))
    renewed = datetime.date(2027, 1, 1)
    profile_certification_update(certification=certification, valid_until=renewed, actor=None, source=MEMBER)
    change = ProfileChange.objects.get()
    assert (change.field, change.before, change.after) == ("valid_until", "2024-01-01", "2027-01-01")
    with pytest.raises(ProfileValidationError) as error:
        profile_certification_update(
            certification=certification, valid_from=datetime.date(2028, 1, 1), actor=None, source=MEMBER
        )
    assert error.value.field == "valid_until"
    profile_certification_remove(certification=certification, actor=None, source=MEMBER)
    assert not Certification.objects.exists()


def test_sectors_and_references(site):
    profile_sector_add(establishment=site, code="sector.aeronautics", actor=None, source=MEMBER)
    with pytest.raises(ProfileValidationError, match="en double"):
        profile_sector_add(establishment=site, code="sector.aeronautics", actor=None, source=MEMBER)
    with pytest.raises(ProfileValidationError, match="de type procédé"):
        profile_sector_add(establishment=site, code="proc.machining", actor=None, source=MEMBER)
    reference = profile_reference_add(
        establishment=site, client="Safran", project="Carters A320", actor=None, source=MEMBER
    )
    assert reference.visibility == "members"
    profile_reference_update(reference=reference, visibility="public", actor=None, source=MEMBER)
    with pytest.raises(ProfileValidationError) as error:
        profile_reference_update(reference=reference, visibility="secret", actor=None, source=MEMBER)
    assert error.value.field == "visibility"
    with pytest.raises(ProfileValidationError) as error:
        profile_reference_add(establishment=site, client="  ", actor=None, source=MEMBER)
    assert error.value.field == "client"
    with pytest.raises(ProfileValidationError, match="en double"):
        profile_reference_add(
            establishment=site, client="Safran", project="Carters  A320", actor=None, source=MEMBER
        )


def test_expired_flag_follows_the_clock(taxonomy):
    profile = ProfileFactory()
    today = timezone.localdate()
    certification = CertificationFactory(profile=profile, valid_until=today)
    assert not certification.is_expired and certification.is_valid_at(today)
    assert not certification.is_valid_at(today + datetime.timedelta(days=1))


@pytest.mark.parametrize("typed", ["6", "6 axes", "6 nb"])
def test_a_count_takes_a_plain_number_or_its_noun(site, typed):
    lathe = profile_equipment_add(
        establishment=site, code="equip.machine_tool.lathe", specs={"axes": typed}, actor=None, source=MEMBER
    )
    spec = lathe.specs.get()
    assert (spec.key, spec.value, spec.unit) == ("axes", 6, "count")


def test_a_count_still_refuses_a_unit_of_another_quantity(site):
    with pytest.raises(ProfileValidationError, match="unité de longueur"):
        profile_equipment_add(
            establishment=site,
            code="equip.machine_tool.lathe",
            specs={"axes": "6 mm"},
            actor=None,
            source=MEMBER,
        )
