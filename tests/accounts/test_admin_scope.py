"""The Django admin gives an animator her networks' objects only (issue 12, finding 1).

Each test replays one step of the reported attack: an animator of network B, staff with the
demo group « Animation de réseau » (and, to show that the scope does not rest on the group, with
every permission), works through the admin on network A.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission

from maillage.demo.accounts import ANIMATOR_GROUP, ANIMATOR_PERMISSIONS
from maillage.demo.services import demo_group_ensure
from maillage.directory.models import EstablishmentUser, Membership
from tests.accounts.test_permission_matrix import _relation_values, need_values  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["demo_group", "every_permission"])
def staff_animators(request, world):
    if request.param == "demo_group":
        group, _ = demo_group_ensure(name=ANIMATOR_GROUP, permissions=ANIMATOR_PERMISSIONS)
    else:
        group = Group.objects.create(name="Tout")
        group.permissions.set(Permission.objects.all())
    for role in ("animator_a", "animator_b"):
        world[role].is_staff = True
        world[role].save()
        world[role].groups.add(group)
    return world


def _network_post(network, **changes):
    data = {"slug": network.slug, "name": network.name, "description": "", "description_en": ""}
    data["contact_email"] = ""
    return {**data, **changes}


def test_animator_cannot_open_another_networks_admin_page(client, staff_animators):
    world = staff_animators
    client.force_login(world["animator_b"])
    response = client.get(f"/admin/directory/network/{world['a'].pk}/change/")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    listing = client.get("/admin/directory/network/").content.decode()
    assert "Réseau B" in listing and "Réseau A" not in listing


def test_animator_cannot_add_herself_to_another_networks_animators(client, staff_animators):
    world = staff_animators
    client.force_login(world["animator_b"])
    data = _network_post(world["a"], animators=[world["animator_b"].pk, world["animator_a"].pk])
    client.post(f"/admin/directory/network/{world['a'].pk}/change/", data)
    assert list(world["a"].animators.all()) == [world["animator_a"]]


def test_animator_cannot_change_the_animators_of_her_own_network(client, staff_animators):
    world = staff_animators
    client.force_login(world["animator_a"])
    data = _network_post(world["a"], animators=[world["animator_a"].pk, world["member"].pk])
    response = client.post(f"/admin/directory/network/{world['a'].pk}/change/", data)
    assert response.status_code == 302
    assert list(world["a"].animators.all()) == [world["animator_a"]]


def test_malformed_network_post_never_empties_animators_or_territory(client, staff_animators):
    world = staff_animators
    epcis = set(world["a"].epcis.all())
    for role in ("animator_b", "animator_a"):
        client.force_login(world[role])
        client.post(
            f"/admin/directory/network/{world['a'].pk}/change/", {"name": "Réseau A", "slug": "reseau-a"}
        )
        assert list(world["a"].animators.all()) == [world["animator_a"]], role
        assert set(world["a"].epcis.all()) == epcis, role


def test_animator_edits_her_own_network_settings_in_the_admin(client, staff_animators):
    world = staff_animators
    client.force_login(world["animator_a"])
    response = client.post(
        f"/admin/directory/network/{world['a'].pk}/change/", _network_post(world["a"], name="Réseau A bis")
    )
    assert response.status_code == 302
    world["a"].refresh_from_db()
    assert world["a"].name == "Réseau A bis"


def test_animator_cannot_link_herself_to_an_establishment(client, staff_animators):
    world = staff_animators
    client.force_login(world["animator_b"])
    for target in ("peer", "elsewhere"):
        data = {"user": world["animator_b"].pk, "establishment": world[target].pk}
        client.post("/admin/directory/establishmentuser/add/", data)
    assert not EstablishmentUser.objects.filter(user=world["animator_b"]).exists()


def test_animator_cannot_add_a_membership_for_another_networks_establishment(client, staff_animators):
    world = staff_animators
    client.force_login(world["animator_b"])
    data = {"establishment": world["peer"].pk, "network": world["b"].pk, "status": "prospect"}
    data["dues_status"] = Membership._meta.get_field("dues_status").default
    client.post("/admin/directory/membership/add/", data)
    assert not Membership.objects.filter(establishment=world["peer"], network=world["b"]).exists()
    # Nor in network A, through the establishment's page.
    client.post(f"/admin/directory/establishment/{world['peer'].pk}/change/", {"name": "Pris"})
    world["peer"].refresh_from_db()
    assert world["peer"].name == "Fonderie Roth"


def test_animator_autocompletes_only_her_networks_objects(client, staff_animators):
    world = staff_animators
    client.force_login(world["animator_b"])
    query = "app_label=directory&model_name=membership&field_name="
    establishments = client.get(f"/admin/autocomplete/?{query}establishment").json()["results"]
    networks = client.get(f"/admin/autocomplete/?{query}network").json()["results"]
    assert [row["text"] for row in networks] == ["Réseau B"]
    assert {row["id"] for row in establishments} == {str(world["elsewhere"].pk)}


def test_animator_cannot_list_users(client, staff_animators):
    world = staff_animators
    client.force_login(world["animator_b"])
    assert client.get("/admin/accounts/user/").status_code == 403
    assert client.get(f"/admin/accounts/user/{world['member'].pk}/change/").status_code == 403
    assert world["member"].email not in client.get("/admin/").content.decode()


def test_after_the_admin_attack_network_a_stays_closed(client, staff_animators, need_values):  # noqa: F811
    """Every step of the report, then what it led to: all of it stays refused."""
    world = staff_animators
    relations = _relation_values(world)
    test_animator_cannot_add_herself_to_another_networks_animators(client, world)
    test_animator_cannot_link_herself_to_an_establishment(client, world)
    test_animator_cannot_add_a_membership_for_another_networks_establishment(client, world)
    client.force_login(world["animator_b"])
    for level in ("animators", "parties"):
        assert client.get(f"/relations/{relations[f'relation_{level}']}/").status_code == 404
    need, attachment = need_values["need_private"], need_values["need_attachment"]
    assert client.get(f"/besoins/{need_values['need_own']}/").status_code == 403
    assert client.get(f"/besoins/{need}/pieces/{attachment}/").status_code == 403
    assert client.get("/animation/reseau-a/membres/").status_code == 403
    assert client.get("/relations/fuite/reseau-a/?format=pdf").status_code == 403


def test_platform_admin_keeps_the_full_admin(client, world):
    client.force_login(world["admin"])
    data = _network_post(world["a"], animators=[world["animator_a"].pk, world["animator_b"].pk])
    data["epcis"] = [epci.pk for epci in world["a"].epcis.all()]
    assert client.post(f"/admin/directory/network/{world['a'].pk}/change/", data).status_code == 302
    assert set(world["a"].animators.all()) == {world["animator_a"], world["animator_b"]}
    assert client.get("/admin/accounts/user/").status_code == 200
    assert world["member"].email in client.get("/admin/accounts/user/").content.decode()


def _change_form_data(response) -> dict:
    """The change page's form and inline formsets as the browser would post them back."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()})
        forms.extend(formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or (isinstance(value, bool) and not value):
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    return data


@pytest.fixture
def shared(staff_animators):
    """Network A's ``peer`` is also a prospect of network B."""
    world = staff_animators
    Membership.objects.create(network=world["b"], establishment=world["peer"], status="prospect")
    return world


def test_shared_establishment_shows_and_posts_only_her_networks_memberships(client, shared):
    world = shared
    client.force_login(world["animator_b"])
    url = f"/admin/directory/establishment/{world['peer'].pk}/change/"
    response = client.get(url)
    assert response.status_code == 200
    formsets = {inline.formset.model: inline.formset for inline in response.context["inline_admin_formsets"]}
    assert [form.instance.network for form in formsets[Membership].forms] == [world["b"]]
    # Smuggling network A's membership into the formset (its id, deleted) is refused.
    data = _change_form_data(response)
    prefix = formsets[Membership].prefix
    a_membership = Membership.objects.get(network=world["a"], establishment=world["peer"])
    data.update({f"{prefix}-0-id": a_membership.pk, f"{prefix}-0-DELETE": "on"})
    client.post(url, data)
    assert Membership.objects.filter(pk=a_membership.pk).exists()
    client.post(f"/admin/directory/membership/{a_membership.pk}/delete/", {"post": "yes"})
    assert Membership.objects.filter(pk=a_membership.pk).exists()


def test_malformed_establishment_post_never_empties_memberships(client, shared):
    world = shared
    before = set(Membership.objects.filter(establishment=world["peer"]))
    for role in ("animator_b", "animator_a"):
        client.force_login(world[role])
        client.post(
            f"/admin/directory/establishment/{world['peer'].pk}/change/", {"siret": world["peer"].siret}
        )
        assert set(Membership.objects.filter(establishment=world["peer"])) == before, role


def test_animator_manages_her_networks_memberships(client, shared):
    world = shared
    client.force_login(world["animator_b"])
    url = f"/admin/directory/establishment/{world['peer'].pk}/change/"
    response = client.get(url)
    data = _change_form_data(response)
    inlines = response.context["inline_admin_formsets"]
    prefix = next(inline.formset.prefix for inline in inlines if inline.formset.model is Membership)
    data[f"{prefix}-0-status"] = "member"
    assert client.post(url, data).status_code == 302
    assert Membership.objects.get(network=world["b"], establishment=world["peer"]).status == "member"
    assert Membership.objects.get(network=world["a"], establishment=world["peer"]).status == "member"


def test_admin_scope_is_the_back_office_predicate(rf, staff_animators):
    """An animator's establishments in the admin are exactly those she may edit (can_edit_establishment)."""
    from django.contrib import admin

    from maillage.accounts.permissions import can_edit_establishment
    from maillage.directory.models import Establishment

    world = staff_animators
    establishment_admin = admin.site._registry[Establishment]
    for role in ("animator_a", "animator_b", "admin"):
        request = rf.get("/admin/")
        request.user = world[role]
        scoped = set(establishment_admin.get_queryset(request))
        editable = {e for e in Establishment.objects.all() if can_edit_establishment(world[role], e)}
        assert scoped == editable, role


def test_demo_group_holds_exactly_the_admin_rights_of_an_animator(db):
    group, _ = demo_group_ensure(name=ANIMATOR_GROUP, permissions=[("accounts", "view_user")])
    group, written = demo_group_ensure(name=ANIMATOR_GROUP, permissions=ANIMATOR_PERMISSIONS)
    held = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert written == 1 and held == set(ANIMATOR_PERMISSIONS)
    assert demo_group_ensure(name=ANIMATOR_GROUP, permissions=ANIMATOR_PERMISSIONS)[1] == 0


def test_animator_cannot_move_her_membership_to_another_networks_establishment(client, staff_animators):
    world = staff_animators
    client.force_login(world["animator_b"])
    membership = Membership.objects.get(network=world["b"], establishment=world["elsewhere"])
    data = {
        "establishment": world["peer"].pk,
        "network": world["b"].pk,
        "status": "member",
        "dues_status": "paid",
    }
    response = client.post(f"/admin/directory/membership/{membership.pk}/change/", data)
    assert response.status_code == 200  # the form again, with the refused choice
    membership.refresh_from_db()
    assert membership.establishment == world["elsewhere"]
    data = {**data, "establishment": world["elsewhere"].pk, "network": world["a"].pk}
    client.post(f"/admin/directory/membership/{membership.pk}/change/", data)
    membership.refresh_from_db()
    assert membership.network == world["b"]
