"""Reaching companies: batches of the best candidates, reminders, outcome requests, answer notices.

These run in the task queue (``tasks.py``), never in a web request. Each is idempotent: a
batch's recipients are chosen once (its rows are the record), every message goes through
``deliver_once``, and the periodic tick claims each due job with a conditional UPDATE before
queuing it. The state lives in the database (``Need.next_batch_at``, ``reminder_sent_at``,
``outcome_requested_at``), so an emptied queue loses nothing the next tick cannot redo.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from maillage.accounts.models import EmailKind, User
from maillage.needs.delivery import deliver_once
from maillage.needs.emails import need_context, need_email_message
from maillage.needs.models import (
    Answer,
    DeliveryKind,
    Need,
    NeedClosing,
    NeedRecipient,
    NeedStatus,
    NeedVisibility,
)
from maillage.needs.selectors import need_interest_count, need_sending_candidates, need_settings

logger = logging.getLogger(__name__)


def _users_of(establishment_id: int) -> list[User]:
    return list(
        User.objects.filter(establishment_links__establishment_id=establishment_id, is_active=True).order_by(
            "pk"
        )
    )


# The preference (« Mon compte ») that turns each kind of message off.
PREFERENCES = {
    DeliveryKind.INVITATION: EmailKind.NEED_RECEIVED,
    DeliveryKind.REMINDER: EmailKind.NEED_REMINDER,
    DeliveryKind.OUTCOME_REQUEST: EmailKind.NEED_OUTCOME,
    DeliveryKind.ANSWER: EmailKind.NEED_ANSWER,
}


def _send(*, need: Need, user: User, kind: DeliveryKind, stage: str, context: dict) -> bool:
    """The message, in the user's language; a user who turned this kind of e-mail off gets the
    in-app notification only (the delivery is recorded all the same, so it is not retried)."""
    if not user.wants_email(PREFERENCES[kind]):
        deliver_once(need=need, user=user, kind=kind, stage=stage, send=lambda: None)
        return False
    message = need_email_message(to=user.email, kind=kind, context=context, language=user.language)
    return deliver_once(need=need, user=user, kind=kind, stage=stage, send=message.send)


@transaction.atomic
def _choose_batch(need_id: int, batch: int) -> list[NeedRecipient]:
    """This batch's recipients: chosen once; a retry finds the rows the first run wrote."""
    need = Need.objects.select_for_update(of=("self",)).select_related("network", "commune").get(pk=need_id)
    existing = list(need.recipients.filter(batch=batch))
    if existing or need.status != NeedStatus.OPEN or need.sending_done:
        return existing
    conf = need_settings(need.network)
    reached = set(need.recipients.values_list("establishment_id", flat=True))
    room = conf.max_recipients - len(reached)
    if need_interest_count(need) >= conf.interest_target or room <= 0:
        need.sending_done, need.next_batch_at = True, None
        need.save(update_fields=["sending_done", "next_batch_at"])
        return []
    size = min(conf.batch_size, room)
    if need.visibility == NeedVisibility.CHOSEN:
        size = room  # a short list the author drew up: all at once
    candidates = need_sending_candidates(need, limit=size, exclude_ids=reached)[:size]
    last = need.visibility == NeedVisibility.CHOSEN
    if not candidates and conf.send_unconfirmed_matches and not last:
        # Nobody left who meets every requirement on evidence: one last batch « à confirmer ».
        candidates = need_sending_candidates(need, limit=size, exclude_ids=reached, unconfirmed=True)[:size]
        last = True
    rank = need.recipients.aggregate(last=Max("rank"))["last"] or 0
    rows = NeedRecipient.objects.bulk_create(
        NeedRecipient(
            need=need,
            establishment_id=candidate.establishment_id,
            batch=batch,
            rank=rank + position,
            score=candidate.score,
            distance_km=candidate.distance_km,
            explanation=candidate.explanation[:2000],
            unconfirmed=candidate.unconfirmed,
            requirements=list(candidate.requirements),
        )
        for position, candidate in enumerate(candidates, 1)
    )
    if last or (len(candidates) < size and not conf.send_unconfirmed_matches):
        need.sending_done, need.next_batch_at = True, None  # nobody left to ask
    else:
        need.next_batch_at = timezone.now() + timedelta(hours=conf.batch_delay_hours)
    need.save(update_fields=["sending_done", "next_batch_at"])
    return rows


def need_send_batch(*, need_id: int, batch: int) -> int:
    """Choose batch ``batch`` (if not yet chosen) and send it; the number of messages sent now."""
    recipients = _choose_batch(need_id, batch)
    if not recipients:
        return 0
    need = Need.objects.select_related("network").get(pk=need_id)
    if need.status != NeedStatus.OPEN:
        return 0
    sent = 0
    for recipient in NeedRecipient.objects.filter(pk__in=[r.pk for r in recipients]).select_related(
        "establishment__organisation"
    ):
        context = need_context(need, recipient)
        for user in _users_of(recipient.establishment_id):
            sent += _send(
                need=need, user=user, kind=DeliveryKind.INVITATION, stage=f"e{recipient.establishment_id}",
                context=context,
            )  # fmt: skip
    return sent


def need_remind(*, need_id: int) -> int:
    """Remind the companies that have not answered yet."""
    need = Need.objects.select_related("network").get(pk=need_id)
    if need.status != NeedStatus.OPEN:
        return 0
    sent = 0
    for recipient in need.recipients.filter(answer=Answer.PENDING).select_related(
        "establishment__organisation"
    ):
        context = need_context(need, recipient)
        for user in _users_of(recipient.establishment_id):
            sent += _send(need=need, user=user, kind=DeliveryKind.REMINDER, stage="", context=context)
    return sent


def need_request_outcome(*, need_id: int) -> int:
    need = Need.objects.select_related("network", "author").get(pk=need_id)
    if need.outcome_recorded_at is not None or not need.author.is_active:
        return 0
    return int(
        _send(
            need=need,
            user=need.author,
            kind=DeliveryKind.OUTCOME_REQUEST,
            stage="",
            context=need_context(need),
        )
    )


def need_notify_answer(*, recipient_id: int, stage: str) -> int:
    recipient = NeedRecipient.objects.select_related(
        "need__author", "need__network", "establishment__organisation"
    ).get(pk=recipient_id)
    need = recipient.need
    if not need.author.is_active:
        return 0
    return int(
        _send(
            need=need,
            user=need.author,
            kind=DeliveryKind.ANSWER,
            stage=stage,
            context=need_context(need, recipient),
        )
    )


def needs_tick(*, now=None) -> dict[str, int]:
    """Queue what is due: next batches, reminders, outcome requests. Run every few minutes."""
    from maillage.needs import tasks

    now = now or timezone.now()
    today = timezone.localdate(now)
    counts = {"batches": 0, "reminders": 0, "outcomes": 0}
    # Reminders first: a company reached by this tick's batch is not reminded at once.
    horizon = today + timedelta(days=366)
    for need in Need.objects.open().filter(
        reminder_sent_at__isnull=True, deadline__gte=today, deadline__lte=horizon
    ):
        if need.deadline - timedelta(days=need_settings(need.network).reminder_days) > today:
            continue
        with transaction.atomic():
            if not Need.objects.filter(pk=need.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            ):
                continue
            transaction.on_commit(lambda n=need.pk: tasks.need_remind_task(n))
        counts["reminders"] += 1
    for need_id, due in (
        Need.objects.open()
        .filter(sending_done=False, next_batch_at__lte=now)
        .values_list("pk", "next_batch_at")
    ):
        with transaction.atomic():
            if not Need.objects.filter(pk=need_id, next_batch_at=due).update(next_batch_at=None):
                continue  # another tick claimed it
            batch = (
                NeedRecipient.objects.filter(need_id=need_id).aggregate(last=Max("batch"))["last"] or 0
            ) + 1
            transaction.on_commit(lambda n=need_id, b=batch: tasks.need_send_batch_task(n, b))
        counts["batches"] += 1
    due_outcomes = (
        Need.objects.filter(status__in=[NeedStatus.OPEN, NeedStatus.CLOSED], deadline__lt=today)
        .exclude(closing=NeedClosing.CANCELLED)
        .filter(outcome_requested_at__isnull=True, outcome_recorded_at__isnull=True)
        .values_list("pk", flat=True)
    )
    for need_id in list(due_outcomes):
        with transaction.atomic():
            if not Need.objects.filter(pk=need_id, outcome_requested_at__isnull=True).update(
                outcome_requested_at=now
            ):
                continue
            transaction.on_commit(lambda n=need_id: tasks.need_request_outcome_task(n))
        counts["outcomes"] += 1
    if any(counts.values()):
        logger.info("needs tick: %s", counts)
    return counts
