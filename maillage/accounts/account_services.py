"""Writes of « Mon compte » beyond the name: preferences (language, e-mails turned off) and the
change of e-mail address, confirmed from the new address.

The change: the user gives the new address and their password; a signed link, valid
``EMAIL_CHANGE_VALIDITY``, goes to the new address; the address changes when it is followed
(and confirmed); the old address is then told. The link signs (user, new address, old address):
once the address has changed it no longer matches, so a link serves once. Both e-mails are
``AccountEmail`` rows sent by the queue, each at most once (``maillage.delivery``).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from maillage import delivery
from maillage.accounts.errors import AccountError
from maillage.accounts.models import AccountEmail, EmailKind, User
from maillage.emails import absolute_url, templated_email

EMAIL_CHANGE_VALIDITY = timedelta(days=1)
_EMAIL_CHANGE_SALT = "maillage.accounts.email_change"


def account_language_set(*, user: User, language: str) -> None:
    """The language chosen with the header's switch becomes the user's preference (a wrong
    value is ignored: the switch then changes nothing either)."""
    if language in dict(settings.LANGUAGES) and user.language != language:
        user.language = language
        user.save(update_fields=["language"])


@transaction.atomic
def account_preferences_update(*, user: User, language: str, muted: list[str]) -> User:
    """The user's language (interface after login, e-mails to them) and the e-mails turned off."""
    if language not in dict(settings.LANGUAGES):
        raise AccountError("language", _("Choisissez le français ou l’anglais."))
    unknown = set(muted) - set(EmailKind.values)
    if unknown:
        raise AccountError("muted", _("Nature d’e-mail inconnue."))
    user.language = language
    user.muted_emails = sorted(set(muted))
    user.save(update_fields=["language", "muted_emails"])
    return user


def email_change_token(*, user: User, new_email: str) -> str:
    return signing.dumps([user.pk, new_email, user.email], salt=_EMAIL_CHANGE_SALT, compress=True)


def _queue(email: AccountEmail) -> None:
    from maillage.accounts import tasks

    transaction.on_commit(lambda: tasks.account_email_send_task(email.pk))


@transaction.atomic
def email_change_request(*, user: User, new_email: str, password: str) -> AccountEmail:
    """Send the confirmation link to ``new_email``; nothing changes until it is followed."""
    if not user.check_password(password):
        raise AccountError("password", _("Mot de passe incorrect."))
    new_email = User.objects.normalize_email(new_email.strip())
    try:
        validate_email(new_email)
    except ValidationError as error:
        raise AccountError.from_validation(error, "new_email") from error
    if new_email.lower() == user.email.lower():
        raise AccountError("new_email", _("C’est déjà votre adresse."))
    if User.objects.filter(email__iexact=new_email).exists():
        raise AccountError("new_email", _("Un autre compte utilise déjà cette adresse."))
    email = AccountEmail.objects.create(
        user=user, kind=AccountEmail.Kind.EMAIL_CHANGE_CONFIRM, to=new_email, new_email=new_email
    )
    _queue(email)
    return email


class EmailChangeError(Exception):
    """A confirmation link that cannot be used; ``reason`` is ``invalid``, ``expired`` or ``used``."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def email_change_target(token: str) -> tuple[User, str]:
    """The user and the new address of a link, or ``EmailChangeError`` saying why not."""
    try:
        pk, new_email, old_email = signing.loads(
            token, salt=_EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_VALIDITY
        )
    except signing.SignatureExpired as error:
        raise EmailChangeError("expired") from error
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise EmailChangeError("invalid") from error
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None:
        raise EmailChangeError("invalid")
    if user.email != old_email:
        raise EmailChangeError("used")
    return user, new_email


@transaction.atomic
def email_change_confirm(*, token: str) -> User:
    """Change the address a link designates, then tell the old address."""
    user, new_email = email_change_target(token)
    user = User.objects.select_for_update().get(pk=user.pk)
    if User.objects.filter(email__iexact=new_email).exclude(pk=user.pk).exists():
        raise AccountError("", _("Un autre compte utilise déjà cette adresse."))
    old_email = user.email
    user.email = new_email
    user.save(update_fields=["email", "username"])
    _queue(
        AccountEmail.objects.create(
            user=user, kind=AccountEmail.Kind.EMAIL_CHANGED, to=old_email, new_email=new_email
        )
    )
    return user


def account_email_send(*, email_id: int) -> bool:
    """Send one account e-mail (from the queue), at most once; in the user's language."""
    email = AccountEmail.objects.select_related("user").filter(pk=email_id).first()
    if email is None:  # the account was deleted in between
        return False
    context = {"user": email.user, "new_email": email.new_email}
    if email.kind == AccountEmail.Kind.EMAIL_CHANGE_CONFIRM:
        token = email_change_token(user=email.user, new_email=email.new_email)
        context["confirm_url"] = absolute_url(reverse("accounts:email_change_confirm", args=[token]))
        context["hours"] = int(EMAIL_CHANGE_VALIDITY.total_seconds() // 3600)
        template = "accounts/emails/email_change_confirm"
    else:
        context["account_url"] = absolute_url(reverse("accounts:account"))
        template = "accounts/emails/email_changed"
    message = templated_email(to=[email.to], template=template, context=context, language=email.user.language)
    return delivery.deliver_once(
        rows=AccountEmail.objects.filter(pk=email.pk),
        send=message.send,
        label=f"account e-mail {email.pk} ({email.kind})",
    )
