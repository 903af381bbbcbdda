"""The network's plain e-mails to its companies' contacts, their recipients, and unsubscriptions.

A message is written once with its recipients (``MailingRecipient``, each PENDING), then sent
by the task queue, each recipient claimed before it is sent (``maillage.delivery``).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage import delivery
from maillage.directory.models import Contact, Network


class Mailing(models.Model):
    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="mailings", verbose_name=_("réseau")
    )
    subject = models.CharField(_("objet"), max_length=200)
    body = models.TextField(_("message"))
    role = models.CharField(
        _("fonction des destinataires"), max_length=12, blank=True, choices=Contact.Role.choices
    )
    # The member list's filters when it was written (MemberFilterForm's query string), for the record.
    filters = models.JSONField(_("filtres de la liste"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("écrit par"),
    )
    created_at = models.DateTimeField(_("envoyé le"), default=timezone.now)

    class Meta:
        verbose_name = _("message aux contacts")
        verbose_name_plural = _("messages aux contacts")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.subject


class RecipientState(models.TextChoices):
    PENDING = delivery.PENDING, _("En attente")
    SENDING = delivery.SENDING, _("En cours d'envoi")
    SENT = delivery.SENT, _("Envoyé")
    # Retried by the queue a few times; the state stays FAILED after the last retry.
    FAILED = delivery.FAILED, _("Échec")
    SKIPPED = "skipped", _("Non envoyé : désabonné entre-temps")


class MailingRecipient(models.Model):
    """One contact's copy of a message; its row is the at-most-once claim of ``maillage.delivery``.

    Deleted with the contact (a real deletion): the history counts the copies that remain."""

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="recipients")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="mailings_received")
    email = models.EmailField(_("adresse e-mail"))  # the address it was sent to
    state = models.CharField(
        _("état"), max_length=8, choices=RecipientState.choices, default=RecipientState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("destinataire")
        verbose_name_plural = _("destinataires")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["mailing", "email"], name="mailing_recipient_once"),
        ]

    def __str__(self):
        return f"{self.mailing_id} → {self.email} ({self.state})"


class Unsubscription(models.Model):
    """An address that asked not to receive the network's messages any more, by the link of one.

    Kept by address (lower case) rather than on the contact, so that a contact deleted and
    added again, or the same person at two companies, stays unsubscribed."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="unsubscriptions", verbose_name=_("réseau")
    )
    email = models.EmailField(_("adresse e-mail"))
    created_at = models.DateTimeField(_("désabonné le"), default=timezone.now)

    class Meta:
        verbose_name = _("désabonnement")
        verbose_name_plural = _("désabonnements")
        constraints = [
            models.UniqueConstraint(fields=["network", "email"], name="unsubscription_once"),
        ]

    def __str__(self):
        return f"{self.email} ({self.network_id})"
