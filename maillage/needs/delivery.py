"""Send each message about a need at most once, even when the task that sends it is retried.

The queue retries a task that raised, and a task may raise after some of its e-mails left
(the fifth recipient's SMTP error, a worker killed). So every message is *claimed* before it
is sent, in ``NeedDelivery`` whose unique constraint (need, user, kind, stage) admits one row:

1. claim — insert the row in state SENDING (or take back a FAILED row with a conditional
   UPDATE, so that two workers never both win); a row already SENT or SENDING means someone
   else sent or is sending it: skip. The in-app notification is written in the same
   transaction (it needs no SMTP).
2. send — outside any transaction (an SMTP call must not hold database locks).
3. mark — SENT on success; FAILED with the error when the backend raised, then re-raise so
   the queue retries: the retry takes the FAILED row back and sends again, nothing else.

What remains: a worker that dies *between* the SMTP server's acceptance and step 3 leaves a
SENDING row that nobody resends. We prefer that (a rare missed e-mail, visible in the admin
as a delivery stuck in SENDING) to the opposite (a duplicate on every retry).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from maillage.needs.models import DeliveryKind, DeliveryState, Need, NeedDelivery, Notification

logger = logging.getLogger(__name__)


def _claim(*, need: Need, user, kind: DeliveryKind, stage: str) -> bool:
    with transaction.atomic():
        try:
            with transaction.atomic():
                NeedDelivery.objects.create(need=need, user=user, kind=kind, stage=stage)
            claimed = True
        except IntegrityError:
            claimed = bool(
                NeedDelivery.objects.filter(
                    need=need, user=user, kind=kind, stage=stage, state=DeliveryState.FAILED
                ).update(state=DeliveryState.SENDING, attempts=F("attempts") + 1, claimed_at=timezone.now())
            )
        if claimed:
            Notification.objects.get_or_create(user=user, need=need, kind=kind, stage=stage)
    return claimed


def deliver_once(*, need: Need, user, kind: DeliveryKind, stage: str = "", send: Callable[[], None]) -> bool:
    """Claim, send, mark; True when this call sent the message, False when it was already done."""
    if not _claim(need=need, user=user, kind=kind, stage=stage):
        return False
    rows = NeedDelivery.objects.filter(need=need, user=user, kind=kind, stage=stage)
    try:
        send()
    except Exception as error:
        rows.update(state=DeliveryState.FAILED, error=repr(error)[:2000])
        logger.warning("need %s: %s to %s failed: %r", need.pk, kind, user.email, error)
        raise
    rows.update(state=DeliveryState.SENT, sent_at=timezone.now(), error="")
    return True
