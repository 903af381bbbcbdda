"""Send each message about a need at most once, even when the task that sends it is retried:
the claim–send–mark of ``maillage.delivery`` on ``NeedDelivery``, whose unique constraint
(need, user, kind, stage) admits one row per message; the in-app notification is written in
the claim's transaction (it needs no SMTP)."""

from __future__ import annotations

from collections.abc import Callable

from maillage import delivery
from maillage.needs.models import DeliveryKind, Need, NeedDelivery, Notification


def deliver_once(*, need: Need, user, kind: DeliveryKind, stage: str = "", send: Callable[[], None]) -> bool:
    """Claim, send, mark; True when this call sent the message, False when it was already done."""
    return delivery.deliver_keyed(
        NeedDelivery,
        key={"need": need, "user": user, "kind": kind, "stage": stage},
        send=send,
        on_claim=lambda: Notification.objects.get_or_create(user=user, need=need, kind=kind, stage=stage),
    )
