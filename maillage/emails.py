"""Templated e-mails: the one way to write an e-mail, and to link back to the site from it.

An e-mail is ``<template>_subject.txt``, ``<template>.txt`` and, when it exists,
``<template>.html``. The subject and the text part are plain text, rendered with autoescape
off (a name with ``&`` or ``<`` reads as typed); the HTML part is escaped as any page. Links
are absolute on ``settings.MAILLAGE_SITE_URL`` (the task queue has no request, and a link
must not depend on the Host header of whoever triggered the e-mail): build them with
``absolute_url`` and pass them in the context. E-mails go out in the recipient's language
(``language``: a user's ``User.language``), in French when it is not known (a contact, an
address outside the platform), never in the language of the request that triggered them: the
recipient is rarely that person.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import translation


def absolute_url(path: str) -> str:
    """``path`` on the public site, with exactly one slash between the site and the path."""
    return f"{settings.MAILLAGE_SITE_URL.rstrip('/')}/{path.lstrip('/')}"


def _render_text(name: str, context: dict) -> str:
    # The Django backend's wrapper always escapes; its inner template takes a Context whose
    # autoescape is off (inherited by {% extends %} and {% include %}).
    return get_template(name).template.render(Context(context, autoescape=False))


def templated_email(
    *,
    to: list[str],
    template: str,
    context: dict,
    reply_to: list[str] | None = None,
    language: str | None = None,
) -> EmailMultiAlternatives:
    """The rendered message, ready to ``send()``; ``template`` is a path without extension;
    ``language`` the recipient's (French by default)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = _render_text(f"{template}_subject.txt", context)
        text = _render_text(f"{template}.txt", context)
        try:
            html_template = get_template(f"{template}.html")
        except TemplateDoesNotExist:
            html_template = None
        html = html_template.render(context) if html_template else None
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        reply_to=reply_to,
    )
    if html is not None:
        message.attach_alternative(html, "text/html")
    return message
