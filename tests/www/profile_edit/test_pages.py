"""Member self-service: who may edit, the forms round trip, service refusals next to fields."""

from datetime import date

import pytest
from django.urls import reverse

from maillage.directory.models import EstablishmentUser
from maillage.profiles import services
from maillage.profiles.models import (
    CapabilityStatus,
    Certification,
    ChangeSource,
    Equipment,
    Profile,
    ProfileCapability,
    ProfileChange,
    ProfileReference,
)
from tests.accounts.factories import UserFactory
from tests.directory.factories import EstablishmentFactory, MembershipFactory, NetworkFactory
from tests.profiles import conftest as profiles_conftest
from tests.taxonomy.shipped import shipped_taxonomy_fixture

pytestmark = pytest.mark.django_db
_shipped_taxonomy_loaded = shipped_taxonomy_fixture("module")
taxonomy = profiles_conftest.taxonomy


@pytest.fixture
def network():
    return NetworkFactory()


@pytest.fixture
def establishment(taxonomy, network):
    establishment = EstablishmentFactory(name="Mécanique Weber")
    MembershipFactory(network=network, establishment=establishment)
    return establishment


@pytest.fixture
def owner(client, establishment):
    user = UserFactory()
    EstablishmentUser.objects.create(user=user, establishment=establishment)
    client.force_login(user)
    return user


def edit_url(establishment):
    return reverse("profile_edit:edit", args=[establishment.siret])


def post(client, establishment, action, data):
    return client.post(edit_url(establishment), {"action": action, **data})


def test_visitor_is_sent_to_login(client, establishment):
    response = client.get(edit_url(establishment))
    assert response.status_code == 302
    assert "next=" in response["Location"]


def test_member_cannot_open_another_company_edit_page(client, owner, taxonomy):
    other = MembershipFactory().establishment
    assert client.get(edit_url(other)).status_code == 403
    response = post(
        client, other, "reference-add", {"reference-client": "Airbus", "reference-visibility": "public"}
    )
    assert response.status_code == 403
    assert not ProfileReference.objects.exists()


def test_animator_of_the_network_may_edit_and_proposes(client, establishment, network):
    animator = UserFactory()
    network.animators.add(animator)
    client.force_login(animator)
    assert client.get(edit_url(establishment)).status_code == 200
    post(client, establishment, "capability-add", {"capability-node": "Fraisage", "capability-level": "core"})
    capability = ProfileCapability.objects.get(profile__establishment=establishment)
    assert capability.status == CapabilityStatus.PROPOSED
    assert ProfileChange.objects.filter(actor=animator, source=ChangeSource.ANIMATOR).exists()


def test_unknown_siret_is_404(client, owner):
    assert client.get("/mon-entreprise/12345678900011/profil/").status_code == 404


def test_add_capability_by_label_without_accents_round_trip(client, establishment, owner):
    response = post(
        client,
        establishment,
        "capability-add",
        {"capability-node": "decolletage", "capability-level": "core"},
    )
    assert response.status_code == 302 and response["Location"].endswith("#savoir-faire")
    capability = ProfileCapability.objects.get(profile__establishment=establishment)
    assert capability.node.code == "proc.machining.bar_turning"
    assert capability.status == CapabilityStatus.CONFIRMED
    change = ProfileChange.objects.get(profile__establishment=establishment)
    assert change.actor == owner and change.source == ChangeSource.MEMBER
    page = client.get(response["Location"]).content.decode()
    assert "Savoir-faire ajouté." in page and "Décolletage" in page


def test_unknown_capability_text_is_shown_next_to_the_field(client, establishment, owner):
    response = post(
        client, establishment, "capability-add", {"capability-node": "xyzzy", "capability-level": "core"}
    )
    assert response.status_code == 200
    assert "ne correspond à aucun élément" in response.content.decode()
    assert not ProfileCapability.objects.exists()


def test_confirm_and_reject_inferred_capabilities(client, establishment, owner):
    services.profile_infer_from_naf(establishment=establishment, naf_code="25.62B")
    page = client.get(edit_url(establishment)).content.decode()
    assert "À confirmer" in page
    post(client, establishment, "capability-confirm", {"code": "proc.machining.milling"})
    post(client, establishment, "capability-reject", {"code": "proc.machining.edm"})
    statuses = dict(
        ProfileCapability.objects.filter(profile__establishment=establishment).values_list(
            "node__code", "status"
        )
    )
    assert statuses["proc.machining.milling"] == CapabilityStatus.CONFIRMED
    assert statuses["proc.machining.edm"] == CapabilityStatus.REJECTED
    assert statuses["proc.machining.turning"] == CapabilityStatus.INFERRED


def test_equipment_with_specs_in_units_and_refused_unit_next_to_field(client, establishment, owner):
    refused = post(
        client,
        establishment,
        "equipment-add",
        {
            "equipment-node": "Presse hydraulique",
            "equipment-label": "Presse 1",
            "equipment-quantity": "1",
            "equipment-spec_force": "300 kg",
        },
    )
    assert refused.status_code == 200
    html = refused.content.decode()
    assert 'id="id_equipment-spec_force_error"' in html
    assert not Equipment.objects.exists()
    accepted = post(
        client,
        establishment,
        "equipment-add",
        {
            "equipment-node": "Presse hydraulique",
            "equipment-label": "Presse 1",
            "equipment-quantity": "2",
            "equipment-spec_force": "300 t",
        },
    )
    assert accepted.status_code == 302
    machine = Equipment.objects.get()
    assert machine.quantity == 2
    assert machine.specs.get().entered == "300 t"
    updated = post(
        client,
        establishment,
        "equipment-update",
        {
            "pk": machine.pk,
            f"equipment-{machine.pk}-label": "Presse 1",
            f"equipment-{machine.pk}-quantity": "3",
            f"equipment-{machine.pk}-spec_force": "500 tonnes",
        },
    )
    assert updated.status_code == 302
    machine.refresh_from_db()
    assert machine.quantity == 3 and machine.specs.get().entered == "500 tonnes"
    # The edit form shows the figure as a French workshop writes it, not the unit's code « tf ».
    page = client.get(reverse("profile_edit:edit", args=[establishment.siret])).content.decode()
    assert f'name="equipment-{machine.pk}-spec_force" value="500 t"' in page
    post(client, establishment, "equipment-remove", {"pk": machine.pk})
    assert not Equipment.objects.exists()


def test_spec_fields_follow_the_equipment_type(client, establishment, owner):
    url = reverse("profile_edit:spec_fields", args=[establishment.siret])
    html = client.get(url, {"equipment-node": "Presse hydraulique"}).content.decode()
    assert "Force nominale" in html and 'name="equipment-spec_force"' in html


def test_certification_dates_and_expired_marking(client, establishment, owner):
    refused = post(
        client,
        establishment,
        "certification-add",
        {
            "certification-node": "cert.iso9001",
            "certification-number": "A1",
            "certification-valid_from": "2024-01-01",
            "certification-valid_until": "2023-01-01",
        },
    )
    assert refused.status_code == 200
    assert 'id="id_certification-valid_until_error"' in refused.content.decode()
    post(
        client,
        establishment,
        "certification-add",
        {
            "certification-node": "cert.iso9001",
            "certification-number": "A1",
            "certification-valid_from": "2019-01-01",
            "certification-valid_until": "2021-01-01",
        },
    )
    certification = Certification.objects.get()
    assert certification.valid_until == date(2021, 1, 1)
    assert "expirée" in client.get(edit_url(establishment)).content.decode()


def test_references_with_visibility(client, establishment, owner):
    post(
        client,
        establishment,
        "reference-add",
        {"reference-client": "Safran", "reference-project": "Brides", "reference-visibility": "members"},
    )
    reference = ProfileReference.objects.get()
    post(client, establishment, "reference-visibility", {"pk": reference.pk, "visibility": "public"})
    reference.refresh_from_db()
    assert reference.visibility == "public"
    duplicate = post(
        client,
        establishment,
        "reference-add",
        {"reference-client": "Safran", "reference-project": "Brides", "reference-visibility": "public"},
    )
    assert duplicate.status_code == 200 and "en double" in duplicate.content.decode()


def test_description_and_completeness_rise(client, establishment, owner):
    before = client.get(edit_url(establishment)).context["completeness"].score
    text = "Usinage de précision de pièces mécaniques en petites et moyennes séries pour l'aéronautique."
    post(
        client,
        establishment,
        "description",
        {
            "description-description_fr": text,
            "description-products": "Carters\nBrides",
            "description-languages": "fr, de",
        },
    )
    profile = Profile.objects.get(establishment=establishment)
    assert profile.products == ["Carters", "Brides"] and profile.languages == ["de", "fr"]
    response = client.get(edit_url(establishment))
    assert response.context["completeness"].score == before + 15 + 5 + 2
    bad = post(
        client,
        establishment,
        "description",
        {"description-description_fr": text, "description-languages": "zz"},
    )
    assert bad.status_code == 200 and 'id="id_description-languages_error"' in bad.content.decode()


def test_row_of_another_company_cannot_be_removed(client, establishment, owner, taxonomy):
    other = EstablishmentFactory()
    reference = services.profile_reference_add(
        establishment=other, client="X", actor=None, source="spreadsheet"
    )
    assert post(client, establishment, "reference-remove", {"pk": reference.pk}).status_code == 404
    assert ProfileReference.objects.filter(pk=reference.pk).exists()


def test_taxonomy_suggestions_are_accent_insensitive(client, taxonomy):
    url = reverse("profile_edit:taxonomy_suggest")
    html = client.get(url, {"kind": "capability", "capability-node": "decollet"}).content.decode()
    assert 'value="Décolletage"' in html
    equipment = client.get(url, {"kind": "equipment", "q": "presse hydrau"}).content.decode()
    assert 'value="Presse hydraulique"' in equipment
    assert client.get(url, {"kind": "nope", "q": "x"}).status_code == 404


def test_certification_renewal_updates_dates_and_refuses_end_before_start(client, establishment, owner):
    certification = services.profile_certification_add(
        establishment=establishment, code="cert.iso9001", number="A1", valid_until=date(2021, 1, 1),
        actor=None, source=ChangeSource.SPREADSHEET,
    )  # fmt: skip
    prefix = f"certification-{certification.pk}"
    refused = post(
        client, establishment, "certification-dates",
        {"pk": certification.pk, f"{prefix}-valid_from": "2025-01-01", f"{prefix}-valid_until": "2024-01-01"},
    )  # fmt: skip
    assert refused.status_code == 200
    assert f'id="id_{prefix}-valid_until_error"' in refused.content.decode()
    renewed = post(
        client, establishment, "certification-dates",
        {"pk": certification.pk, f"{prefix}-valid_from": "2024-01-01", f"{prefix}-valid_until": "2030-01-01"},
    )  # fmt: skip
    assert renewed.status_code == 302
    certification.refresh_from_db()
    assert (certification.valid_from, certification.valid_until) == (date(2024, 1, 1), date(2030, 1, 1))
