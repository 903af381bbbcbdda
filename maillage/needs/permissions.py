"""Who may see or do what with a need: pure predicates, nothing here writes.

Three circles:
- the *public part* (title, kind, place, deadline, capabilities): by visibility — anyone for a
  public need, member users of the need's network for a members need, the chosen companies
  for a chosen-companies need; always the inner circle below; never a draft outside it;
- the *private details* (description, budget, attachments, the author's contact): the author
  side (the author, the users of the author's establishment), the companies the need was sent
  to, the network's animators and platform administrators;
- the *answers*: all of them for the author side and the animators; a company sees its own.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from maillage.accounts.permissions import can_animate_network, member_networks
from maillage.directory.models import EstablishmentUser
from maillage.needs.models import Need, NeedClosing, NeedRecipient, NeedStatus, NeedVisibility


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _establishment_ids(user) -> set[int]:
    if not _active(user):
        return set()
    return set(EstablishmentUser.objects.filter(user=user).values_list("establishment_id", flat=True))


def is_need_author(user, need: Need) -> bool:
    if not _active(user):
        return False
    if need.author_id == user.pk:
        return True
    return need.author_establishment_id is not None and need.author_establishment_id in _establishment_ids(
        user
    )


def is_need_moderator(user, need: Need) -> bool:
    """Animators of the need's network and platform administrators."""
    return _active(user) and can_animate_network(user, need.network)


def need_recipient_of(user, need: Need) -> NeedRecipient | None:
    """The recipient row of a company ``user`` acts for (the first one if several)."""
    ids = _establishment_ids(user)
    if not ids:
        return None
    return need.recipients.filter(establishment_id__in=ids).order_by("pk").first()


def can_view_need_details(user, need: Need) -> bool:
    if is_need_author(user, need) or is_need_moderator(user, need):
        return True
    return need.status != NeedStatus.DRAFT and need_recipient_of(user, need) is not None


def can_view_need(user, need: Need) -> bool:
    """The public part."""
    if can_view_need_details(user, need):
        return True
    if need.status == NeedStatus.DRAFT:
        return False
    if need.visibility == NeedVisibility.PUBLIC:
        return True
    if need.visibility == NeedVisibility.MEMBERS:
        return member_networks(user).filter(pk=need.network_id).exists()
    ids = _establishment_ids(user)
    return bool(ids) and need.chosen_establishments.filter(pk__in=ids).exists()


def can_view_all_answers(user, need: Need) -> bool:
    return is_need_author(user, need) or is_need_moderator(user, need)


def can_edit_need(user, need: Need) -> bool:
    """Change the content: the author side, while the need is a draft or open."""
    return need.status != NeedStatus.CLOSED and is_need_author(user, need)


def can_change_need_status(user, need: Need) -> bool:
    """Open, close, cancel, record the outcome: the author side and the animators."""
    return is_need_author(user, need) or is_need_moderator(user, need)


def can_record_outcome(user, need: Need) -> bool:
    """« What became of it? » is asked once the need is closed (an open one is closed first, which
    says whether it was awarded); a draft or a cancelled need has no outcome."""
    closed = need.status == NeedStatus.CLOSED and need.closing != NeedClosing.CANCELLED
    return closed and can_change_need_status(user, need)


def can_answer_need(user, need: Need) -> bool:
    return need.status == NeedStatus.OPEN and need_recipient_of(user, need) is not None


def answers_visible(user, need: Need) -> QuerySet[NeedRecipient]:
    """The answers ``user`` may read: all, its own company's, or none."""
    rows = need.recipients.select_related("establishment")
    if can_view_all_answers(user, need):
        return rows
    ids = _establishment_ids(user)
    if not ids or need.status == NeedStatus.DRAFT:
        return rows.none()
    return rows.filter(establishment_id__in=ids)


def needs_visible(user) -> QuerySet[Need]:
    """Needs whose public part ``user`` may see (for lists; each row still passes the rules above)."""
    public = Q(visibility=NeedVisibility.PUBLIC) & ~Q(status=NeedStatus.DRAFT)
    if not _active(user):
        return Need.objects.filter(public)
    if user.is_superuser:
        return Need.objects.all()
    ids = _establishment_ids(user)
    published = ~Q(status=NeedStatus.DRAFT)
    rule = (
        public
        | Q(author=user)
        | Q(author_establishment_id__in=ids)
        | Q(network__animators=user)
        | (published & Q(recipients__establishment_id__in=ids))
        | (published & Q(visibility=NeedVisibility.CHOSEN, chosen_establishments__in=ids))
        | (published & Q(visibility=NeedVisibility.MEMBERS, network__in=member_networks(user).values("pk")))
    )
    return Need.objects.filter(pk__in=Need.objects.filter(rule).values("pk"))
