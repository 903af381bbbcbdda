"""The profile admin: inlines on one page, writes through the services (journaled), log read-only."""

import datetime

import pytest
from django.urls import reverse

from maillage.profiles.models import Equipment, Profile, ProfileChange
from maillage.profiles.services import profile_capability_set, profile_certification_add, profile_update
from maillage.taxonomy.models import TaxonomyNode
from tests.accounts.factories import UserFactory
from tests.directory.factories import EstablishmentFactory


@pytest.fixture
def animator(client, taxonomy):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


@pytest.fixture
def profile(taxonomy):
    site = EstablishmentFactory()
    profile_update(establishment=site, description_fr="Atelier", actor=None, source="member")
    profile_capability_set(establishment=site, code="proc.machining.milling", actor=None, source="member")
    return Profile.objects.get(establishment=site)


def form_data(response) -> dict:
    """What the browser would post back unchanged, main form and inlines."""
    data = {}

    def add(form):
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, field in formset.management_form.fields.items():
            data[f"{formset.prefix}-{name}"] = formset.management_form[name].value() or field.initial or 0
        for form in formset.forms:
            add(form)
    return data


def add_inline_row(data, prefix, **values):
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = index + 1
    for name, value in values.items():
        data[f"{prefix}-{index}-{name}"] = value


def node_pk(code):
    return TaxonomyNode.objects.get(code=code).pk


def test_animator_adds_a_machine_with_specs_and_the_change_is_journaled(client, animator, profile):
    url = reverse("admin:profiles_profile_change", args=[profile.pk])
    data = form_data(client.get(url))
    data["languages"] = "fr, de"
    add_inline_row(
        data,
        "equipment",
        node=node_pk("equip.press.hydraulic"),
        label="Presse",
        quantity=2,
        specs_input="force = 300 t",
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    press = Equipment.objects.get(profile=profile)
    assert (press.quantity, press.specs.get().value, press.specs.get().unit) == (2, 300, "tf")
    journal = ProfileChange.objects.filter(actor=animator)
    assert {(c.object_type, c.source) for c in journal} == {
        ("equipment", "animator"),
        ("profile", "animator"),
    }
    profile.refresh_from_db()
    assert profile.languages == ["de", "fr"]


def test_a_press_force_in_kilograms_is_shown_as_a_form_error_and_nothing_is_written(
    client, animator, profile
):
    url = reverse("admin:profiles_profile_change", args=[profile.pk])
    data = form_data(client.get(url))
    add_inline_row(
        data,
        "equipment",
        node=node_pk("equip.press"),
        label="Presse",
        quantity=1,
        specs_input="force = 300 kg",
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "unité de masse" in response.content.decode()
    assert not Equipment.objects.exists()


def test_an_unknown_language_and_an_inverted_batch_are_form_errors(client, animator, profile):
    url = reverse("admin:profiles_profile_change", args=[profile.pk])
    data = form_data(client.get(url))
    data.update(languages="fr, klingon", batch_min=10, batch_max=5)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "languages" in response.context["adminform"].form.errors
    assert not ProfileChange.objects.filter(actor=animator).exists()


def test_audit_log_is_read_only(client, animator, profile):
    change = ProfileChange.objects.first()
    assert client.get(reverse("admin:profiles_profilechange_changelist")).status_code == 200
    assert client.get(reverse("admin:profiles_profilechange_add")).status_code == 403
    detail = client.get(reverse("admin:profiles_profilechange_change", args=[change.pk]))
    assert detail.status_code == 200 and b'name="_save"' not in detail.content
    assert client.post(reverse("admin:profiles_profilechange_delete", args=[change.pk])).status_code == 403


def test_profile_pages_render_and_show_expired_certificates(client, animator, profile):
    profile_certification_add(
        establishment=profile.establishment,
        code="cert.iso9001",
        valid_until=datetime.date(2021, 1, 1),
        actor=None,
        source="member",
    )
    assert client.get(reverse("admin:profiles_profile_add")).status_code == 200
    page = client.get(reverse("admin:profiles_profile_change", args=[profile.pk])).content.decode()
    assert "Expirée" in page
