"""Events and trainings of a network: the calendar, registrations with a waitlist, attendance
(with the trainees' and trainer's signatures of the French « feuille d'émargement »),
certificates, and the private calendar feeds.

Every write goes through ``maillage.events.services``. The model answers four questions the
later modules (workshops, surveys, bulletins, the activity report) ask:
- what happens, when, where, for whom (``Event``, its ``EventSession`` rows);
- who is coming (``Registration``: one person, from one company or none, in one status);
- who came, and for how long (``Attendance``: one row per registration × session);
- what was sent to them (``RegistrationMessage``, an at-most-once delivery row).

Times are aware datetimes (UTC in the database, Europe/Paris on screen). An event's
``starts_at`` / ``ends_at`` are its first session's start and last session's end, kept by the
services so that calendars and feeds filter on the event alone.

``uid`` and ``sequence`` are the iCalendar identity of the event (RFC 5545): the UID never
changes, SEQUENCE is bumped by the services on every change an attendee should see (time,
place, cancellation), so that a calendar client updates the copy it already has.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from maillage.delivery import ClaimedDelivery
from maillage.directory.models import Contact, Establishment, Network
from maillage.referential.models import Commune, RomeCode
from maillage.taxonomy.models import TaxonomyNode


class EventKind(models.TextChoices):
    TRAINING = "training", _("Formation")
    WORKSHOP = "workshop", _("Atelier")
    BUSINESS_CORNER = "business_corner", _("Business corner")
    VISIT = "visit", _("Visite d’entreprise")
    WEBINAR = "webinar", _("Webinaire")
    GENERAL_ASSEMBLY = "general_assembly", _("Assemblée générale")
    MEMBERS_EVENT = "members_event", _("Événement réservé aux adhérents")


class Audience(models.TextChoices):
    """Who sees the event and may register: everyone, the network's members (invisible to
    visitors), or only the people the organiser invited."""

    PUBLIC = "public", _("Ouvert à tous")
    MEMBERS = "members", _("Réservé aux adhérents")
    INVITATION = "invitation", _("Sur invitation")


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PUBLISHED = "published", _("Publié")
    CANCELLED = "cancelled", _("Annulé")


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=EventStatus.PUBLISHED)

    def upcoming(self, now):
        """Events not yet over at ``now``, the soonest first."""
        return self.filter(ends_at__gte=now).order_by("starts_at", "pk")

    def of_network(self, network):
        return self.filter(network=network)


class Event(models.Model):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="events")
    slug = models.SlugField(_("identifiant"), max_length=80)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)

    title = models.CharField(_("titre"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=EventKind.choices)
    audience = models.CharField(_("public"), max_length=12, choices=Audience.choices, default=Audience.PUBLIC)
    status = models.CharField(
        _("état"), max_length=10, choices=EventStatus.choices, default=EventStatus.DRAFT
    )
    summary = models.CharField(_("en bref"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)

    # When: kept from the sessions by the services (first start, last end).
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))

    # Where: a commune of the referential and an address, and/or a link for online events.
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("commune")
    )
    venue = models.CharField(_("lieu"), max_length=200, blank=True, help_text=_("Nom du lieu, salle."))
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    online_url = models.URLField(_("lien de connexion"), blank=True)

    # Seats: no capacity = unlimited; the per-company cap bounds the confirmed seats of one company.
    capacity = models.PositiveIntegerField(_("nombre de places"), null=True, blank=True)
    per_company_cap = models.PositiveSmallIntegerField(_("places par entreprise"), null=True, blank=True)
    registration_opens_at = models.DateTimeField(_("ouverture des inscriptions"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("clôture des inscriptions"), null=True, blank=True)
    moderated = models.BooleanField(
        _("inscriptions validées par l’organisateur"),
        default=False,
        help_text=_("Chaque inscription attend votre accord avant d’être confirmée."),
    )
    offer_hours = models.PositiveSmallIntegerField(
        _("délai pour accepter une place libérée (heures)"), default=48
    )
    reminder_days = models.JSONField(
        _("rappels (jours avant)"), default=list, blank=True, help_text=_("Par exemple 7 et 1.")
    )

    # Who organises: the network, a member company hosting a visit, and/or an expert by name.
    host = models.ForeignKey(
        Establishment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_events",
        verbose_name=_("entreprise d’accueil"),
    )
    organiser_name = models.CharField(_("intervenant ou organisme"), max_length=200, blank=True)
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="organised_events",
        verbose_name=_("organisateurs"),
        help_text=_("Comptes qui gèrent les inscriptions et l’émargement, en plus des animateurs."),
    )
    topics = models.ManyToManyField(TaxonomyNode, blank=True, related_name="events", verbose_name=_("thèmes"))

    # Trainings (information shown on the page; prices are information, Maillage takes no payment).
    rome_codes = models.ManyToManyField(
        RomeCode, blank=True, related_name="events", verbose_name=_("métiers")
    )
    objectives = models.TextField(_("objectifs"), blank=True)
    programme = models.TextField(_("programme"), blank=True)
    prerequisites = models.TextField(_("prérequis"), blank=True)
    trainer = models.CharField(_("formateur"), max_length=200, blank=True)
    price_member = models.DecimalField(
        _("tarif adhérent (€ HT)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    price_non_member = models.DecimalField(
        _("tarif non-adhérent (€ HT)"), max_digits=8, decimal_places=2, null=True, blank=True
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["network", "slug"], name="unique_event_slug"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"),
        ]
        indexes = [models.Index(fields=["network", "status", "starts_at"])]

    def __str__(self):
        return self.title

    @property
    def is_training(self) -> bool:
        return self.kind == EventKind.TRAINING


class EventSession(models.Model):
    """One sitting of an event: a half-day of a training, the afternoon of a visit. Attendance
    and signatures are per session; an event has at least one."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    label = models.CharField(_("intitulé"), max_length=120, blank=True)
    # The trainer's signature of this session's sheet (the trainees sign their Attendance row).
    trainer_signature = models.TextField(blank=True)
    trainer_signed_at = models.DateTimeField(null=True, blank=True)
    trainer_signature_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("séance")
        verbose_name_plural = _("séances")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"),
        ]

    def __str__(self):
        return self.label or f"{self.event} — {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def hours(self) -> Decimal:
        return Decimal((self.ends_at - self.starts_at).total_seconds() / 3600).quantize(Decimal("0.01"))


class Question(models.Model):
    """A question the organiser asks on the registration form (diet, T-shirt size, what the
    trainee expects); the answers are kept on the registration."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="questions")
    label = models.CharField(_("question"), max_length=300)
    required = models.BooleanField(_("obligatoire"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.label


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("En attente de validation")
    CONFIRMED = "confirmed", _("Confirmée")
    WAITLISTED = "waitlisted", _("Liste d’attente")
    OFFERED = "offered", _("Place proposée")
    CANCELLED = "cancelled", _("Annulée")
    DECLINED = "declined", _("Refusée")


# Statuses that hold or claim a seat: a second registration of the same address is refused.
ACTIVE_STATUSES = (
    RegistrationStatus.PENDING,
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.OFFERED,
)


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)

    def confirmed(self):
        return self.filter(status=RegistrationStatus.CONFIRMED)


class Registration(models.Model):
    """One person registered to one event, for a company of the directory (a member or not) or
    for none. ``priority`` is the waitlist class taken when registering (0 = member of the
    network, 1 = others): members are promoted first, in order of ``queued_at`` within a class.

    ``token`` is the secret of the self-service link in the person's e-mails (cancel, hand the
    seat to a colleague, accept an offered seat); it is never shown to anyone else."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    establishment = models.ForeignKey(
        Establishment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_registrations",
        verbose_name=_("entreprise"),
    )
    company_name = models.CharField(
        _("entreprise (saisie libre)"),
        max_length=200,
        blank=True,
        help_text=_("Quand elle n’est pas dans l’annuaire."),
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="event_registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_registrations",
    )
    first_name = models.CharField(_("prénom"), max_length=150)
    last_name = models.CharField(_("nom"), max_length=150)
    email = models.EmailField(_("adresse e-mail"))
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    job_title = models.CharField(_("fonction"), max_length=150, blank=True)
    answers = models.JSONField(default=dict, blank=True)  # {str(question.pk): answer}

    status = models.CharField(
        _("état"), max_length=10, choices=RegistrationStatus.choices, default=RegistrationStatus.PENDING
    )
    priority = models.PositiveSmallIntegerField(default=1)
    queued_at = models.DateTimeField(_("inscrit le"))
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    token = models.CharField(max_length=43, unique=True, editable=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set when the person came in the place of a colleague (« se faire remplacer »).
    replaces = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replaced_by"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["priority", "queued_at", "pk"]
        constraints = [
            # The same person (by address, lower-cased by the services) holds at most one live
            # registration per event: the database refuses the second even under concurrency.
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="unique_active_registration",
            ),
        ]
        indexes = [models.Index(fields=["event", "status", "priority", "queued_at"])]

    def __str__(self):
        return f"{self.first_name} {self.last_name} — {self.event}"

    @property
    def company_label(self) -> str:
        return self.establishment.display_name if self.establishment_id else self.company_name


class Attendance(models.Model):
    """Whether one registered person attended one session; for trainings, their signature of
    that half-day's sheet (an SVG path drawn on a phone or tablet), who signed, when, and the
    SHA-256 of (session, registration, signer, time, drawing) so a later change shows."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="attendances")
    session = models.ForeignKey(EventSession, on_delete=models.CASCADE, related_name="attendances")
    present = models.BooleanField(_("présent"), default=False)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signature = models.TextField(blank=True)
    signer_name = models.CharField(max_length=300, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signature_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("présence")
        verbose_name_plural = _("présences")
        constraints = [
            models.UniqueConstraint(fields=["registration", "session"], name="unique_attendance"),
        ]

    def __str__(self):
        return f"{self.registration} — {self.session}"


class CertificateKind(models.TextChoices):
    ATTENDANCE = "attendance", _("Attestation de présence")
    COMPLETION = "completion", _("Certificat de réalisation")


class Certificate(models.Model):
    """A certificate issued to a person who attended: the hours actually attended (sum of the
    sessions marked present) frozen at issue, a public verification code (the URL and QR code
    on the PDF lead to a page that confirms it)."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="certificates")
    kind = models.CharField(max_length=12, choices=CertificateKind.choices)
    hours = models.DecimalField(max_digits=6, decimal_places=2)
    verification_code = models.CharField(max_length=32, unique=True, editable=False)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("attestation")
        verbose_name_plural = _("attestations")
        constraints = [
            models.UniqueConstraint(fields=["registration", "kind"], name="unique_certificate"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.registration}"


class CalendarFeedToken(models.Model):
    """The secret of a person's private calendar feed (the events they are registered to).
    Revoking it sets ``revoked_at``; a new one may then be created."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_tokens"
    )
    token = models.CharField(max_length=43, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("flux d’agenda personnel")
        verbose_name_plural = _("flux d’agenda personnels")

    def __str__(self):
        return f"{self.user} ({'révoqué' if self.revoked_at else 'actif'})"


class RegistrationMessageKind(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmation")
    RECEIVED = "received", _("Inscription reçue")
    WAITLISTED = "waitlisted", _("Liste d’attente")
    OFFER = "offer", _("Place proposée")
    REMINDER = "reminder", _("Rappel")
    UPDATED = "updated", _("Modification")
    CANCELLED = "cancelled", _("Annulation")
    DECLINED = "declined", _("Refus")
    CERTIFICATE = "certificate", _("Attestation")


class RegistrationMessage(ClaimedDelivery):
    """One e-mail to one registered person, claimed before it is sent (``maillage.delivery``).
    ``key`` tells apart messages of the same kind: the reminder's number of days, the
    event's SEQUENCE for an update, the offer's expiry for an offer."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=12, choices=RegistrationMessageKind.choices)
    key = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name = _("message d’inscription")
        verbose_name_plural = _("messages d’inscription")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "kind", "key"], name="unique_registration_message"
            ),
        ]
