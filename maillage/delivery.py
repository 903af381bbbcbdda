"""Send each message at most once, even when the task that sends it is retried.

The queue retries a task that raised, and a task may raise after some of its e-mails left
(the fifth recipient's SMTP error, a worker killed). So every message is *claimed* before it
is sent, on a row of a delivery table that stands for that one message: ``NeedDelivery``
(need, user, kind, stage), ``DuesMessage`` (dues, address, kind, stage), ``MailingRecipient``
(a network's e-mail to one contact), ``AccountEmail`` (an e-mail change), ``EmailDelivery``
(the sign-up and join-request messages, by key). The row has the fields of
``ClaimedDelivery``: ``state`` (the values below), ``attempts``, ``claimed_at``, ``sent_at``,
``error``.

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

Two ways in: ``deliver_keyed`` when the row is written by the claim itself (a need's message,
a dues call: the key names it and a unique constraint refuses a second row), ``deliver_once``
over rows written beforehand in state PENDING (a mailing's recipients, an account e-mail).

Imported by the models modules of several apps, so it imports nothing from ``maillage``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import IntegrityError, models, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# The values of a delivery row's ``state`` (a table may add its own, e.g. « not sent »).
PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
CLAIMABLE = (PENDING, FAILED)


class DeliveryState(models.TextChoices):
    PENDING = PENDING, _("En attente")
    SENDING = SENDING, _("En cours d'envoi")
    SENT = SENT, _("Envoyé")
    FAILED = FAILED, _("Échec, sera retenté")


class ClaimedDelivery(models.Model):
    """One message, claimed before it is sent; subclasses add the fields that name the message
    and a unique constraint over them."""

    state = models.CharField(max_length=8, choices=DeliveryState.choices, default=DeliveryState.SENDING)
    attempts = models.PositiveSmallIntegerField(default=1)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        abstract = True


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
        logger.warning("%s failed: %r", label or rows.model.__name__, error)
        raise
    rows.update(state=SENT, sent_at=timezone.now(), error="")
    return True


def deliver_keyed(
    model: type[models.Model],
    *,
    key: dict,
    send: Callable[[], object],
    on_claim: Callable[[], object] | None = None,
) -> bool:
    """``deliver_once`` for a message whose row the claim writes: ``key`` names it in ``model``."""
    return deliver_once(
        rows=model.objects.filter(**key),
        create=lambda: model.objects.create(**key),
        send=send,
        on_claim=on_claim,
        label=f"{model.__name__} {key}",
    )
