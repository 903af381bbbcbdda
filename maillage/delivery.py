"""Send each message at most once, even when the task that sends it is retried.

The queue retries a task that raised, and a task may raise after some of its e-mails left
(the fifth recipient's SMTP error, a worker killed). So every message is *claimed* before it
is sent, on a row of a delivery table that stands for that one message (needs:
``NeedDelivery``; the network's e-mails to contacts: ``MailingRecipient``). The row has the
fields ``state`` (the values below), ``attempts``, ``claimed_at``, ``sent_at`` and ``error``:

1. claim — insert the row in state SENDING, or take back a PENDING or FAILED row with a
   conditional UPDATE, so that two workers never both win; a row already SENT or SENDING
   means someone else sent or is sending it: skip. ``on_claim`` runs in the claim's
   transaction (the in-app notification of a need: it needs no SMTP).
2. send — outside any transaction (an SMTP call must not hold database locks).
3. mark — SENT on success; FAILED with the error when the backend raised, then re-raise so
   the queue retries: the retry takes the FAILED row back and sends again, nothing else.

What remains: a worker that dies *between* the SMTP server's acceptance and step 3 leaves a
SENDING row that nobody resends. We prefer that (a rare missed e-mail, visible as a delivery
stuck in SENDING) to the opposite (a duplicate on every retry).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

logger = logging.getLogger(__name__)

# The values of a delivery row's ``state`` (each table declares them as its choices).
PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
CLAIMABLE = (PENDING, FAILED)


def _claim(
    rows: QuerySet, create: Callable[[], object] | None, on_claim: Callable[[], object] | None
) -> bool:
    with transaction.atomic():
        claimed = False
        if create is not None:
            try:
                with transaction.atomic():
                    create()
                claimed = True
            except IntegrityError:
                pass  # the row exists: take it back below if it may be
        if not claimed:
            claimed = bool(
                rows.filter(state__in=CLAIMABLE).update(
                    state=SENDING, attempts=F("attempts") + 1, claimed_at=timezone.now()
                )
            )
        if claimed and on_claim is not None:
            on_claim()
    return claimed


def deliver_once(
    *,
    rows: QuerySet,
    send: Callable[[], object],
    create: Callable[[], object] | None = None,
    on_claim: Callable[[], object] | None = None,
    label: str = "",
) -> bool:
    """Claim, send, mark; True when this call sent the message, False when it was already done.

    ``rows`` selects the message's one row (by its unique key); ``create`` inserts it in state
    SENDING when the row is not written beforehand (a unique constraint refuses a second one).
    """
    if not _claim(rows, create, on_claim):
        return False
    try:
        send()
    except Exception as error:
        rows.update(state=FAILED, error=repr(error)[:2000])
        logger.warning("%s failed: %r", label, error)
        raise
    rows.update(state=SENT, sent_at=timezone.now(), error="")
    return True
