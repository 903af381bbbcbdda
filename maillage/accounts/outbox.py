"""Send an e-mail that is not about a need at most once, even when its task is retried.

The protocol of ``maillage.needs.delivery`` (read its docstring), keyed by a string rather than
by (need, user, kind, stage): the caller names each message once (« signup-confirm:<uuid> »,
« join-received:<id> »), and ``EmailDelivery``'s unique key admits one row for it.

1. claim — insert the row in state SENDING, or take back a FAILED one with a conditional
   UPDATE (two workers never both win); a row SENT or SENDING means it is done or under way.
2. send — outside any transaction.
3. mark — SENT, or FAILED with the error and re-raise so that the queue retries.

A worker that dies between the SMTP server's acceptance and step 3 leaves a SENDING row that
nobody resends: a rare missed e-mail rather than a duplicate on every retry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from maillage.accounts.models import EmailDelivery

logger = logging.getLogger(__name__)
State = EmailDelivery.State


def _claim(key: str) -> bool:
    try:
        with transaction.atomic():
            EmailDelivery.objects.create(key=key)
        return True
    except IntegrityError:
        return bool(
            EmailDelivery.objects.filter(key=key, state=State.FAILED).update(
                state=State.SENDING, attempts=F("attempts") + 1, claimed_at=timezone.now()
            )
        )


def deliver_once(*, key: str, send: Callable[[], None]) -> bool:
    """Claim ``key``, send, mark; True when this call sent the message, False when done before."""
    if not _claim(key):
        return False
    rows = EmailDelivery.objects.filter(key=key)
    try:
        send()
    except Exception as error:
        rows.update(state=State.FAILED, error=repr(error)[:2000])
        logger.warning("e-mail %s failed: %r", key, error)
        raise
    rows.update(state=State.SENT, sent_at=timezone.now(), error="")
    return True
