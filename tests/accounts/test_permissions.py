"""The permission predicates, role by role."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from maillage.accounts import permissions as perms
from tests.accounts.factories import EstablishmentUserFactory
from tests.directory.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db


def test_visitor_has_no_rights(world):
    visitor = AnonymousUser()
    assert not perms.is_platform_admin(visitor)
    assert not perms.is_member_user(visitor)
    assert not perms.is_animator_of(visitor, world["a"])
    assert not perms.animated_networks(visitor).exists()
    assert not perms.can_view_members_only(visitor, world["own"])
    assert not perms.can_edit_establishment(visitor, world["own"])


def test_member_user_sees_members_of_their_network_and_edits_only_their_own(world):
    member = world["member"]
    assert perms.is_member_user(member)
    assert perms.can_view_members_only(member, world["own"])
    assert perms.can_view_members_only(member, world["peer"])
    assert not perms.can_view_members_only(member, world["prospect"])
    assert not perms.can_view_members_only(member, world["elsewhere"])
    assert perms.can_edit_establishment(member, world["own"])
    assert not perms.can_edit_establishment(member, world["peer"])
    assert not perms.can_edit_establishment(member, world["elsewhere"])


def test_user_of_a_prospect_is_not_a_member_user_but_edits_their_establishment(world):
    user = EstablishmentUserFactory(establishment=world["prospect"]).user
    assert not perms.is_member_user(user)
    assert perms.can_edit_establishment(user, world["prospect"])
    assert not perms.can_view_members_only(user, world["peer"])


def test_animator_acts_within_their_network_only(world):
    animator = world["animator_a"]
    assert perms.is_animator_of(animator, world["a"])
    assert not perms.is_animator_of(animator, world["b"])
    assert list(perms.animated_networks(animator)) == [world["a"]]
    for name in ("own", "peer", "prospect"):
        assert perms.can_view_members_only(animator, world[name])
        assert perms.can_edit_establishment(animator, world[name])
    assert not perms.can_view_members_only(animator, world["elsewhere"])
    assert not perms.can_edit_establishment(animator, world["elsewhere"])


def test_platform_admin_sees_and_edits_everything(world):
    admin = world["admin"]
    assert perms.is_platform_admin(admin)
    assert set(perms.animated_networks(admin)) == {world["a"], world["b"]}
    assert perms.can_view_members_only(admin, world["elsewhere"])
    assert perms.can_edit_establishment(admin, EstablishmentFactory(commune=world["own"].commune))


def test_inactive_accounts_lose_every_right(world):
    member = world["member"]
    member.is_active = False
    member.save()
    assert not perms.is_member_user(member)
    assert not perms.can_edit_establishment(member, world["own"])


def test_require_raises_permission_denied():
    perms.require(True)
    with pytest.raises(PermissionDenied):
        perms.require(False)
