"""The signing tablet's link (« mode tablette »): the one session's sheet, without an account.

The tablet passed around a training room must not stay logged in as the animator (a trainee
would hold the back-office, contacts and figures included). The animator opens this link on
the tablet instead: it shows only that session's sheet (names and companies of the confirmed
trainees, as the paper sheet does) and accepts only signatures for it, until
``VALID_AFTER_END`` past the session's end. The link is signed (``django.core.signing``): it
cannot be forged nor turned to another session; it is shown only to the event's managers.
"""

from __future__ import annotations

from datetime import timedelta

from django.core import signing
from django.utils import timezone

from maillage.events.models import EventSession, EventStatus

_SALT = "maillage.events.kiosk"
VALID_AFTER_END = timedelta(hours=12)


def kiosk_token(session: EventSession) -> str:
    """The same link every time it is shown (no timestamp: the session's end bounds it)."""
    return signing.Signer(salt=_SALT).sign(str(session.pk))


def kiosk_session(token: str, *, now=None) -> EventSession | None:
    """The session a tablet link opens; None when forged, over or the event cancelled."""
    try:
        pk = int(signing.Signer(salt=_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return None
    session = EventSession.objects.select_related("event__network").filter(pk=pk).first()
    if session is None or session.event.status == EventStatus.CANCELLED:
        return None
    if (now or timezone.now()) > session.ends_at + VALID_AFTER_END:
        return None
    return session
