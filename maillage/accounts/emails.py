"""French e-mails of the accounts app, each an HTML and a plain-text template."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def send_templated_email(*, to: list[str], template: str, context: dict) -> None:
    """Render ``accounts/emails/<template>_subject.txt``, ``.txt`` and ``.html`` and send them.

    E-mails go out in French whatever the language of the request that triggered them: the
    recipient is often not the person who clicked.
    """
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"accounts/emails/{template}_subject.txt", context).strip()
        text = render_to_string(f"accounts/emails/{template}.txt", context)
        html = render_to_string(f"accounts/emails/{template}.html", context)
    message = EmailMultiAlternatives(subject=" ".join(subject.split()), body=text, to=to)
    message.attach_alternative(html, "text/html")
    message.send()
