"""Send each message at most once, even when the task that sends it is retried.

The queue retries a task that raised, and a task may raise after some of its e-mails left
(the fifth recipient's SMTP error, a worker killed). So every message is *claimed* before it
is sent, in a row of a ``ClaimedDelivery`` model whose unique constraint admits one row per
message (a need's: need, user, kind, stage; a dues call's: dues, address, kind, stage):

1. claim — insert the row in state SENDING (or take back a FAILED row with a conditional
   UPDATE, so that two workers never both win); a row already SENT or SENDING means someone
   else sent or is sending it: skip. What must accompany the claim (an in-app notification,
   which needs no SMTP) is written in the same transaction (``on_claim``).
2. send — outside any transaction (an SMTP call must not hold database locks).
3. mark — SENT on success; FAILED with the error when the backend raised, then re-raise so
   the queue retries: the retry takes the FAILED row back and sends again, nothing else.

What remains: a worker that dies *between* the SMTP server's acceptance and step 3 leaves a
SENDING row that nobody resends. We prefer that (a rare missed e-mail, visible in the admin
as a delivery stuck in SENDING) to the opposite (a duplicate on every retry).

Imported by the models modules of several apps, so it imports nothing from ``maillage``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class DeliveryState(models.TextChoices):
    SENDING = "sending", _("En cours d'envoi")
    SENT = "sent", _("Envoyé")
    FAILED = "failed", _("Échec, sera retenté")


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


def _claim(model: type[ClaimedDelivery], key: dict, on_claim: Callable[[], None] | None) -> bool:
    with transaction.atomic():
        try:
            with transaction.atomic():
                model.objects.create(**key)
            claimed = True
        except IntegrityError:
            claimed = bool(
                model.objects.filter(**key, state=DeliveryState.FAILED).update(
                    state=DeliveryState.SENDING, attempts=F("attempts") + 1, claimed_at=timezone.now()
                )
            )
        if claimed and on_claim is not None:
            on_claim()
    return claimed


def deliver_once(
    model: type[ClaimedDelivery],
    *,
    key: dict,
    send: Callable[[], None],
    on_claim: Callable[[], None] | None = None,
) -> bool:
    """Claim the message ``key`` names in ``model``, send, mark; True when this call sent it,
    False when it was already sent (or is being sent)."""
    if not _claim(model, key, on_claim):
        return False
    rows = model.objects.filter(**key)
    try:
        send()
    except Exception as error:
        rows.update(state=DeliveryState.FAILED, error=repr(error)[:2000])
        logger.warning("%s %s failed: %r", model.__name__, key, error)
        raise
    rows.update(state=DeliveryState.SENT, sent_at=timezone.now(), error="")
    return True
