"""The unsubscribe link: a signed (network, address), with no expiry — a link in an old
message must still work — and no login: whoever holds the message may unsubscribe its address."""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from maillage.emails import absolute_url

_SALT = "maillage.mailings.unsubscribe"


def unsubscribe_token(*, network_id: int, email: str) -> str:
    return signing.dumps([network_id, email.lower()], salt=_SALT, compress=True)


def unsubscribe_target(token: str) -> tuple[int, str] | None:
    """(network id, address) of a token; None when it was tampered with or is not one."""
    try:
        network_id, email = signing.loads(token, salt=_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return network_id, email


def unsubscribe_url(*, network_id: int, email: str) -> str:
    token = unsubscribe_token(network_id=network_id, email=email)
    return absolute_url(reverse("mailings:unsubscribe", args=[token]))
