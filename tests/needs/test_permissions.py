"""Who sees what of a need, as a matrix: one row per role, one column per right."""

import pytest
from django.contrib.auth.models import AnonymousUser

from maillage.directory.models import EstablishmentUser
from maillage.needs import permissions as p
from maillage.needs.models import Answer, NeedStatus, NeedVisibility
from tests.accounts.factories import UserFactory
from tests.directory.factories import EstablishmentFactory, NetworkFactory
from tests.needs.factories import NeedFactory, NeedRecipientFactory, animator, member

pytestmark = pytest.mark.django_db

ROLES = [
    "visitor", "outsider", "member", "member_elsewhere", "chosen", "recipient_a", "recipient_b",
    "author", "colleague", "animator", "animator_elsewhere", "admin",
]  # fmt: skip


@pytest.fixture
def world():
    network, elsewhere = NetworkFactory(), NetworkFactory()
    author, author_establishment = member(network)
    colleague = UserFactory()
    EstablishmentUser.objects.create(user=colleague, establishment=author_establishment)
    need = NeedFactory(
        network=network, author=author, author_establishment=author_establishment, status=NeedStatus.OPEN
    )
    users = {"visitor": AnonymousUser(), "outsider": UserFactory(), "author": author, "colleague": colleague}
    users["member"], _ = member(network)
    users["member_elsewhere"], _ = member(elsewhere)
    users["chosen"], chosen_establishment = member(elsewhere)
    need.chosen_establishments.add(chosen_establishment)
    for name, answer in (("recipient_a", Answer.INTERESTED), ("recipient_b", Answer.NOT_INTERESTED)):
        users[name] = UserFactory()
        establishment = EstablishmentFactory()
        EstablishmentUser.objects.create(user=users[name], establishment=establishment)
        NeedRecipientFactory(need=need, establishment=establishment, answer=answer)
    users["animator"] = animator(network)
    users["animator_elsewhere"] = animator(elsewhere)
    users["admin"] = UserFactory(is_superuser=True)
    return need, users


def _row(user, need):
    seen = p.answers_visible(user, need)
    if seen.count() == need.recipients.count():
        answers = "all"
    elif seen.count() == 1 and seen.get().establishment.user_links.filter(user=user).exists():
        answers = "own"
    else:
        assert seen.count() == 0
        answers = "none"
    return (
        p.can_view_need(user, need),
        p.can_view_need_details(user, need),
        p.can_view_all_answers(user, need),
        p.can_answer_need(user, need),
        p.can_change_need_status(user, need),
        p.can_edit_need(user, need),
        answers,
    )


T, F = True, False
# view, details, all answers, answer, change status, edit, answers seen
MEMBERS_OPEN = {
    "visitor": (F, F, F, F, F, F, "none"),
    "outsider": (F, F, F, F, F, F, "none"),
    "member": (T, F, F, F, F, F, "none"),
    "member_elsewhere": (F, F, F, F, F, F, "none"),
    "chosen": (F, F, F, F, F, F, "none"),
    "recipient_a": (T, T, F, T, F, F, "own"),
    "recipient_b": (T, T, F, T, F, F, "own"),
    "author": (T, T, T, F, T, T, "all"),
    "colleague": (T, T, T, F, T, T, "all"),
    "animator": (T, T, T, F, T, F, "all"),
    "animator_elsewhere": (F, F, F, F, F, F, "none"),
    "admin": (T, T, T, F, T, F, "all"),
}


def _expect(base, **changes):
    return {role: changes.get(role, row) for role, row in base.items()}


PUBLIC_OPEN = _expect(
    MEMBERS_OPEN,
    visitor=(T, F, F, F, F, F, "none"),
    outsider=(T, F, F, F, F, F, "none"),
    member_elsewhere=(T, F, F, F, F, F, "none"),
    chosen=(T, F, F, F, F, F, "none"),
    animator_elsewhere=(T, F, F, F, F, F, "none"),
)
CHOSEN_OPEN = _expect(MEMBERS_OPEN, member=(F, F, F, F, F, F, "none"), chosen=(T, F, F, F, F, F, "none"))
MEMBERS_DRAFT = _expect(
    MEMBERS_OPEN,
    member=(F, F, F, F, F, F, "none"),
    recipient_a=(F, F, F, F, F, F, "none"),
    recipient_b=(F, F, F, F, F, F, "none"),
)
MEMBERS_CLOSED = _expect(
    MEMBERS_OPEN,
    recipient_a=(T, T, F, F, F, F, "own"),
    recipient_b=(T, T, F, F, F, F, "own"),
    author=(T, T, T, F, T, F, "all"),
    colleague=(T, T, T, F, T, F, "all"),
)


@pytest.mark.parametrize(
    ("visibility", "status", "matrix"),
    [
        (NeedVisibility.MEMBERS, NeedStatus.OPEN, MEMBERS_OPEN),
        (NeedVisibility.PUBLIC, NeedStatus.OPEN, PUBLIC_OPEN),
        (NeedVisibility.CHOSEN, NeedStatus.OPEN, CHOSEN_OPEN),
        (NeedVisibility.MEMBERS, NeedStatus.DRAFT, MEMBERS_DRAFT),
        (NeedVisibility.MEMBERS, NeedStatus.CLOSED, MEMBERS_CLOSED),
    ],
)
def test_permission_matrix(world, visibility, status, matrix):
    need, users = world
    need.visibility, need.status = visibility, status
    need.closing = "not_awarded" if status == NeedStatus.CLOSED else ""
    need.save()
    actual = {role: _row(users[role], need) for role in ROLES}
    assert actual == matrix
    # Lists agree with the predicate: a need is listed exactly for those who may see it.
    listed = {role: p.needs_visible(users[role]).filter(pk=need.pk).exists() for role in ROLES}
    assert listed == {role: row[0] for role, row in matrix.items()}
