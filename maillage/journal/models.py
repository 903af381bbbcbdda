"""The animator's journal: the visits, meetings, calls and e-mails of a network's team with a company.

One ``JournalEntry`` per interaction, written by an animator of the network through
``maillage.journal.services``. An entry may carry a follow-up (a date, an animator who owns it,
a done mark); the follow-ups not done are the team's « Relances à faire ». The entries are the
network's activity figures (companies met, visits, meetings, calls) that funders ask for.

Confidentiality: by default an entry is for the network's animators only; « partagée avec
l'entreprise » marks one the company's own users may read once a member-side page shows it
(none does yet: every journal page is back-office only).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.directory.models import Contact, Establishment, Network
from maillage.taxonomy.models import TaxonomyNode


class EntryKind(models.TextChoices):
    VISIT = "visit", _("Visite d’entreprise")
    MEETING = "meeting", _("Rendez-vous ou réunion")
    CALL = "call", _("Appel")
    EMAIL = "email", _("E-mail")
    EVENT = "event", _("Événement")
    OTHER = "other", _("Autre")


class Theme(models.TextChoices):
    LEAN = "lean", _("Lean")
    DIGITAL = "digital", _("Numérique")
    ENERGY = "energy", _("Énergie")
    SKILLS = "skills", _("RH et compétences")
    QUALITY = "quality", _("Qualité")
    PURCHASING = "purchasing", _("Achats")
    INNOVATION = "innovation", _("Innovation")
    FUNDING = "funding", _("Financement")
    OTHER = "other", _("Autre thème")


class Confidentiality(models.TextChoices):
    ANIMATORS = "animators", _("Animateurs du réseau seulement")
    COMPANY = "company", _("Partagée avec l’entreprise")


class JournalEntryQuerySet(models.QuerySet):
    def of_network(self, network: Network):
        return self.filter(network=network)

    def follow_ups_to_do(self):
        """Entries whose follow-up is set and not done, the oldest date (most overdue) first."""
        return self.filter(follow_up_on__isnull=False, follow_up_done_at__isnull=True).order_by(
            "follow_up_on", "pk"
        )


class JournalEntry(models.Model):
    network = models.ForeignKey(
        Network, verbose_name=_("réseau"), on_delete=models.PROTECT, related_name="journal_entries"
    )
    establishment = models.ForeignKey(
        Establishment, verbose_name=_("entreprise"), on_delete=models.PROTECT, related_name="journal_entries"
    )
    occurred_on = models.DateField(_("date"))
    kind = models.CharField(_("nature"), max_length=8, choices=EntryKind.choices)
    # The company's contacts in the network's CRM that took part, plus free text for the others
    # (a workshop foreman met once is not worth a contact record). Deleting a contact — a real
    # deletion, GDPR — removes its link and keeps the entry: the meeting still happened.
    contacts = models.ManyToManyField(
        Contact, verbose_name=_("contacts rencontrés"), blank=True, related_name="journal_entries"
    )
    people_met = models.CharField(_("personnes rencontrées"), max_length=300, blank=True)
    capabilities = models.ManyToManyField(
        TaxonomyNode, verbose_name=_("savoir-faire abordés"), blank=True, related_name="+"
    )
    theme = models.CharField(_("thème"), max_length=12, choices=Theme.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    follow_up_on = models.DateField(_("relance le"), null=True, blank=True)
    follow_up_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("relance confiée à"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The done flag as a date: « relances faites » over a period is a funder's figure.
    follow_up_done_at = models.DateTimeField(_("relance faite le"), null=True, blank=True)
    confidentiality = models.CharField(
        _("confidentialité"), max_length=9, choices=Confidentiality.choices, default=Confidentiality.ANIMATORS
    )
    # SET_NULL: an animator's account may be deleted, the network's history stays.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modifié par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = JournalEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("entrée du journal")
        verbose_name_plural = _("journal d’animation")
        ordering = ["-occurred_on", "-pk"]
        indexes = [
            # The list's order (date, then id, which SQLite's index entries end with).
            models.Index(fields=["network", "occurred_on"]),
            # Covers the figures of a period (counts by kind, distinct companies met) without
            # reading the rows: 85 ms → a few at 50,000 entries (bench/web.py --scale backoffice).
            models.Index(
                fields=["network", "occurred_on", "kind", "establishment"], name="journal_period_figures"
            ),
            # A company's timeline, newest first. Without the date, SQLite walked the period
            # index above over all the network's entries to find one company's dozen: 4 ms of
            # SQL at 50,000 entries instead of 0.2 (bench/backoffice_pages.py).
            models.Index(fields=["network", "establishment", "occurred_on"], name="journal_company_timeline"),
            models.Index(fields=["network", "follow_up_done_at", "follow_up_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(follow_up_on__isnull=False) | Q(follow_up_done_at__isnull=True),
                name="journal_follow_up_done_needs_a_date",
            ),
        ]

    def __str__(self):
        return f"{self.occurred_on} {self.kind} {self.establishment_id}"

    @property
    def people(self) -> list[str]:
        """Who was met, for display: the linked contacts (name, role), then the free text."""
        names = [f"{contact} ({contact.get_role_display()})" for contact in self.contacts.all()]
        return names + ([self.people_met] if self.people_met else [])

    @property
    def follow_up_done(self) -> bool:
        return self.follow_up_done_at is not None
