"""The e-mails to registered people (confirmation, waitlist, offer, reminder, update,
cancellation, refusal, certificate), sent from the task queue (``tasks.py``), each claimed
before it is sent (``maillage.delivery``): a retried task sends what it did not, nothing twice.

One function, ``registration_send``; ``attach`` gives the attachments of a kind (the ``.ics`` of
a confirmation or an update, the certificate's PDF). The templates live under
``maillage/templates/events/emails/<kind>`` (``_subject.txt``, ``.txt``, ``.html``).
"""

from __future__ import annotations

from collections.abc import Callable

from maillage import delivery
from maillage.emails import templated_email
from maillage.events.models import Registration, RegistrationMessage

# Extra context and attachments of a kind: kind -> f(registration, key) -> (context, [(name, bytes, type)]).
# Filled by the modules that own each kind (registrations: .ics; certificates: the PDF).
EXTRAS: dict[str, Callable[[Registration, str], tuple[dict, list[tuple[str, bytes, str]]]]] = {}


def registration_send(*, registration_id: int, kind: str, key: str = "") -> bool:
    """Send message ``kind`` (``RegistrationMessage.kind``) to registration ``registration_id``;
    True when this call sent it, False when it was sent before."""
    registration = Registration.objects.select_related("event__network", "establishment", "user").get(
        pk=registration_id
    )
    event = registration.event
    context = {"registration": registration, "event": event, "network": event.network, "key": key}
    attachments: list[tuple[str, bytes, str]] = []
    if kind in EXTRAS:
        extra_context, attachments = EXTRAS[kind](registration, key)
        context |= extra_context
    message = templated_email(
        to=[registration.email],
        template=f"events/emails/{kind}",
        context=context,
        reply_to=[event.network.contact_email] if event.network.contact_email else None,
        language=registration.user.language if registration.user_id else None,
    )
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    return delivery.deliver_keyed(
        RegistrationMessage,
        key={"registration": registration, "kind": kind, "key": key},
        send=message.send,
    )
