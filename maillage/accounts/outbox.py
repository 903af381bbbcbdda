"""Send an e-mail that is not about a need at most once, even when its task is retried: the
claim–send–mark of ``maillage.delivery`` (read its docstring), keyed by a string — the caller
names each message once (« signup-confirm:<uuid> », « join-received:<id> ») and
``EmailDelivery``'s unique key admits one row for it."""

from __future__ import annotations

from collections.abc import Callable

from maillage import delivery
from maillage.accounts.models import EmailDelivery


def deliver_once(*, key: str, send: Callable[[], None]) -> bool:
    """Claim ``key``, send, mark; True when this call sent the message, False when done before."""
    return delivery.deliver_keyed(EmailDelivery, key={"key": key}, send=send)
