"""Send each message about a need at most once, even when the task that sends it is retried:
the claim–send–mark of ``maillage.delivery`` on ``NeedDelivery`` (need, user, kind, stage),
with the in-app notification written with the claim."""

from __future__ import annotations

from collections.abc import Callable

from maillage import delivery
from maillage.needs.models import DeliveryKind, Need, NeedDelivery, Notification


def deliver_once(*, need: Need, user, kind: DeliveryKind, stage: str = "", send: Callable[[], None]) -> bool:
    """Claim, send, mark; True when this call sent the message, False when it was already done."""
    return delivery.deliver_once(
        NeedDelivery,
        key={"need": need, "user": user, "kind": kind, "stage": stage},
        send=send,
        on_claim=lambda: Notification.objects.get_or_create(user=user, need=need, kind=kind, stage=stage),
    )
