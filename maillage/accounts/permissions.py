"""Who may see or do what: pure predicates over a user (possibly anonymous) and objects.

Views call these and hand booleans to templates; templates never decide. Nothing here writes.
Roles: visitor, member user (acts for an establishment that is a MEMBER of a network),
animator (``Network.animators``), platform administrator (superuser).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from maillage.directory.models import Establishment, EstablishmentUser, Network, current_member


def _is_active_user(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_platform_admin(user) -> bool:
    return _is_active_user(user) and user.is_superuser


def is_staff(user) -> bool:
    """Staff: may open Django's admin and the living style guide (platform administrators are)."""
    return _is_active_user(user) and (user.is_staff or user.is_superuser)


def animated_networks(user) -> QuerySet[Network]:
    """Networks ``user`` animates; every network for a platform administrator."""
    if not _is_active_user(user):
        return Network.objects.none()
    if user.is_superuser:
        return Network.objects.all()
    return Network.objects.filter(animators=user)


def animated_scope(user, queryset: QuerySet, network_path: str) -> QuerySet:
    """The rows of ``queryset`` that reach, through ``network_path`` (a lookup from its model to
    ``Network``, ``"pk"`` for networks), a network of ``animated_networks(user)``: every row for
    a platform administrator, none for a visitor. The admin's scope for animators."""
    if is_platform_admin(user):
        return queryset
    reachable = queryset.model._default_manager.filter(**{f"{network_path}__in": animated_networks(user)})
    return queryset.filter(pk__in=reachable.values("pk"))


def is_animator_of(user, network: Network) -> bool:
    if not _is_active_user(user) or network is None:
        return False
    return network.animators.filter(pk=user.pk).exists()


def can_animate_network(user, network: Network | None) -> bool:
    """The network animator's rights: its animators, and platform administrators."""
    return is_platform_admin(user) or is_animator_of(user, network)


def is_animator(user) -> bool:
    """Animates at least one network (platform administrators excepted)."""
    return _is_active_user(user) and Network.objects.filter(animators=user).exists()


def is_member_user(user) -> bool:
    """Acts for at least one establishment that is a current member of some network."""
    if not _is_active_user(user):
        return False
    return EstablishmentUser.objects.filter(
        current_member("establishment__memberships__"), user=user
    ).exists()


def is_establishment_user(user, establishment: Establishment) -> bool:
    """``user`` acts for ``establishment`` itself (owner-level rights on its profile)."""
    if not _is_active_user(user) or establishment is None:
        return False
    return EstablishmentUser.objects.filter(user=user, establishment=establishment).exists()


def member_networks(user) -> QuerySet[Network]:
    """Networks in which ``user`` acts for a current member establishment."""
    if not _is_active_user(user):
        return Network.objects.none()
    return Network.objects.filter(
        current_member("memberships__", establishment__user_links__user=user)
    ).distinct()


def can_view_members_only(user, establishment: Establishment) -> bool:
    """Members-only fields: admins, the establishment's own users, animators of one of its
    networks (any membership status), and member users of a network where it is a member."""
    if not _is_active_user(user) or establishment is None:
        return False
    if user.is_superuser or is_establishment_user(user, establishment):
        return True
    if Network.objects.filter(animators=user, memberships__establishment=establishment).exists():
        return True
    # A prospect or former member is not part of the members' circle: its fields stay private.
    return member_networks(user).filter(current_member("memberships__", establishment=establishment)).exists()


def can_edit_establishment(user, establishment: Establishment) -> bool:
    """Its own users, animators of one of its networks, platform administrators."""
    if not _is_active_user(user) or establishment is None:
        return False
    if user.is_superuser or is_establishment_user(user, establishment):
        return True
    return Network.objects.filter(animators=user, memberships__establishment=establishment).exists()


def require(predicate_result: bool) -> None:
    """Turn a refused predicate into a 403."""
    if not predicate_result:
        raise PermissionDenied
