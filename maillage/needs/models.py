"""Needs posted by members and animators, the companies they reach, their answers and outcomes.

A need moves draft → open → closed (awarded, not awarded or cancelled); every move is a
``NeedStatusChange`` row. Opening a need sends it in batches to the engine's best candidates
(``NeedRecipient``, one row per establishment reached); every e-mail or notification that
goes out is first claimed in ``NeedDelivery`` (unique per need, user, kind and stage) so that a
retried task never sends it twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.delivery import ClaimedDelivery, DeliveryState  # noqa: F401  (DeliveryState: re-exported)
from maillage.directory.models import Establishment, Network
from maillage.referential.models import Commune
from maillage.taxonomy.models import TaxonomyNode


class NeedKind(models.TextChoices):
    PART = "part", _("Pièce ou sous-traitance")
    TENDER = "tender", _("Appel d'offres à plusieurs")
    RESEARCH = "research", _("Projet de R&D")
    LOGISTICS = "logistics", _("Mutualisation logistique")
    STAFF = "staff", _("Mutualisation recrutement ou formation")


class NeedVisibility(models.TextChoices):
    PUBLIC = "public", _("Publique")
    MEMBERS = "members", _("Adhérents du réseau")
    CHOSEN = "chosen", _("Entreprises choisies")


class NeedStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    OPEN = "open", _("Ouvert")
    CLOSED = "closed", _("Clos")


class NeedClosing(models.TextChoices):
    AWARDED = "awarded", _("Attribué")
    NOT_AWARDED = "not_awarded", _("Non attribué")
    CANCELLED = "cancelled", _("Annulé")


class NeedQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=NeedStatus.OPEN)

    def of_network(self, network: Network):
        return self.filter(network=network)


class Need(models.Model):
    network = models.ForeignKey(
        Network, verbose_name=_("réseau"), on_delete=models.PROTECT, related_name="needs"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("auteur"), on_delete=models.PROTECT, related_name="needs"
    )
    # Empty when an animator posts for the network itself.
    author_establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("établissement auteur"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="needs",
    )
    kind = models.CharField(_("nature"), max_length=12, choices=NeedKind.choices)
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    certifications = models.ManyToManyField(
        TaxonomyNode, verbose_name=_("certifications exigées"), blank=True, related_name="+"
    )
    commune = models.ForeignKey(
        Commune, verbose_name=_("lieu"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    max_distance_km = models.PositiveIntegerField(_("distance maximale (km)"), null=True, blank=True)
    deadline = models.DateField(_("date limite de réponse"))
    budget_min = models.DecimalField(
        _("budget minimal (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    budget_max = models.DecimalField(
        _("budget maximal (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    visibility = models.CharField(
        _("visibilité"), max_length=8, choices=NeedVisibility.choices, default=NeedVisibility.MEMBERS
    )
    chosen_establishments = models.ManyToManyField(
        Establishment, verbose_name=_("entreprises choisies"), blank=True, related_name="chosen_for_needs"
    )
    status = models.CharField(_("statut"), max_length=8, choices=NeedStatus.choices, default=NeedStatus.DRAFT)
    closing = models.CharField(_("issue"), max_length=12, choices=NeedClosing.choices, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    opened_at = models.DateTimeField(_("ouvert le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)
    # The outcome survey, asked after the deadline: kept in the territory? for how much?
    outcome_requested_at = models.DateTimeField(_("bilan demandé le"), null=True, blank=True)
    outcome_recorded_at = models.DateTimeField(_("bilan saisi le"), null=True, blank=True)
    outcome_contracted_local = models.BooleanField(_("confié dans le territoire"), null=True, blank=True)
    outcome_amount = models.DecimalField(
        _("montant confié (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    outcome_note = models.TextField(_("commentaire du bilan"), blank=True)
    # Sending state, kept in the database so that a lost queue loses nothing: the periodic
    # tick sends the next batch once ``next_batch_at`` has passed, and the reminder once.
    next_batch_at = models.DateTimeField(_("prochain envoi le"), null=True, blank=True)
    sending_done = models.BooleanField(_("envois terminés"), default=False)
    reminder_sent_at = models.DateTimeField(_("relance envoyée le"), null=True, blank=True)

    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("besoin")
        verbose_name_plural = _("besoins")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["network", "status"]), models.Index(fields=["status", "deadline"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_min__isnull=True)
                | Q(budget_max__isnull=True)
                | Q(budget_min__lte=models.F("budget_max")),
                name="need_budget_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(status=NeedStatus.CLOSED) | Q(closing=""), name="need_closing_only_when_closed"
            ),
        ]

    def __str__(self):
        return self.title


class NeedCapability(models.Model):
    """A required capability, optionally with a quantity or capacity (« 5 000 pièces / an »)."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="capabilities")
    node = models.ForeignKey(
        TaxonomyNode, verbose_name=_("savoir-faire"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.DecimalField(
        _("quantité ou capacité"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    unit = models.CharField(_("unité"), max_length=30, blank=True)
    # Required: a company without it (on evidence, not its NAF code alone) is not sent the need.
    # Wished (« souhaité »): it only ranks the companies.
    required = models.BooleanField(_("exigé"), default=True)

    class Meta:
        verbose_name = _("savoir-faire demandé")
        verbose_name_plural = _("savoir-faire demandés")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["need", "node"], name="need_capability_unique")]

    def __str__(self):
        return f"{self.node.code} ({self.need_id})"


class NeedEquipment(models.Model):
    """A machine type the work needs, optionally with bounds on one specification (a press ≥ 300 t)."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="equipment")
    node = models.ForeignKey(
        TaxonomyNode, verbose_name=_("équipement"), on_delete=models.PROTECT, related_name="+"
    )
    spec = models.CharField(_("caractéristique"), max_length=50, blank=True)
    minimum = models.FloatField(_("minimum"), null=True, blank=True)
    maximum = models.FloatField(_("maximum"), null=True, blank=True)

    class Meta:
        verbose_name = _("contrainte d'équipement")
        verbose_name_plural = _("contraintes d'équipement")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.node.code} ({self.need_id})"


class AttachmentType(models.TextChoices):
    PDF = "pdf", _("PDF")
    PNG = "png", _("Image PNG")
    JPEG = "jpeg", _("Image JPEG")
    STEP = "step", _("Plan STEP")
    DXF = "dxf", _("Plan DXF")


def _attachment_path(instance: NeedAttachment, filename: str) -> str:
    # The stored name never comes from the user: the original one is kept in ``name``.
    return f"needs/{instance.need_id}/{instance.sha256[:16]}.{instance.file_type}"


class NeedAttachment(models.Model):
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("fichier"), upload_to=_attachment_path, max_length=200)
    name = models.CharField(_("nom du fichier"), max_length=200)
    file_type = models.CharField(_("type"), max_length=5, choices=AttachmentType.choices)
    size = models.PositiveIntegerField(_("taille (octets)"))
    sha256 = models.CharField(max_length=64, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["pk"]

    def __str__(self):
        return self.name


class NeedStatusChange(models.Model):
    """History of the workflow: who moved the need, when, from which status to which."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="history")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("le"), default=timezone.now)
    from_status = models.CharField(_("de"), max_length=8, choices=NeedStatus.choices, blank=True)
    to_status = models.CharField(_("vers"), max_length=8, choices=NeedStatus.choices)
    closing = models.CharField(_("issue"), max_length=12, choices=NeedClosing.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    # A group invited from the consortium page: how many companies. A figure, not a sentence,
    # so that the history reads in each reader's language.
    group_size = models.PositiveSmallIntegerField(
        _("entreprises invitées en groupement"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("changement de statut")
        verbose_name_plural = _("historique des besoins")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.need_id}: {self.from_status or '-'} → {self.to_status}"


class NetworkNeedSettings(models.Model):
    """How a network sends its needs; a network without a row uses the defaults below."""

    network = models.OneToOneField(Network, on_delete=models.CASCADE, related_name="need_settings")
    batch_size = models.PositiveSmallIntegerField(_("entreprises par envoi"), default=10)
    batch_delay_hours = models.PositiveSmallIntegerField(_("délai entre deux envois (heures)"), default=48)
    interest_target = models.PositiveSmallIntegerField(
        _("intérêts attendus avant d'arrêter les envois"), default=3
    )
    max_recipients = models.PositiveSmallIntegerField(_("entreprises sollicitées au plus"), default=50)
    reminder_days = models.PositiveSmallIntegerField(_("relance (jours avant la date limite)"), default=3)
    attachment_max_mb = models.PositiveSmallIntegerField(
        _("taille maximale d'une pièce jointe (Mo)"), default=10
    )
    send_unconfirmed_matches = models.BooleanField(
        _(
            "Envoyer aussi, en dernier lot « à confirmer », aux entreprises dont le savoir-faire "
            "n'est que déduit de leur code NAF"
        ),
        default=False,
    )

    class Meta:
        verbose_name = _("réglages des besoins du réseau")
        verbose_name_plural = _("réglages des besoins des réseaux")

    def __str__(self):
        return str(self.network)


class Answer(models.TextChoices):
    PENDING = "pending", _("Sans réponse")
    INTERESTED = "interested", _("Intéressée")
    NOT_INTERESTED = "declined", _("Pas intéressée")
    QUESTION = "question", _("Question")


class DeclineReason(models.TextChoices):
    NOT_OUR_TRADE = "trade", _("Hors de notre métier")
    NO_CAPACITY = "capacity", _("Pas de capacité disponible")
    TOO_FAR = "distance", _("Trop loin")
    DEADLINE = "deadline", _("Délai trop court")
    OTHER = "other", _("Autre raison")


class NeedRecipient(models.Model):
    """An establishment the need was sent to, in which batch and rank, and its answer."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="recipients")
    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="received_needs")
    batch = models.PositiveSmallIntegerField(_("envoi n°"))
    rank = models.PositiveSmallIntegerField(_("rang"))
    score = models.FloatField(_("pertinence"), default=0.0)
    distance_km = models.FloatField(_("distance (km)"), null=True, blank=True)
    explanation = models.TextField(_("pourquoi"), blank=True)
    # Reached in the last batch « à confirmer »: a required capability known from its NAF code only.
    unconfirmed = models.BooleanField(_("à confirmer"), default=False)
    # Per requirement of the need, the evidence found when it was chosen (``needs.evidence``).
    requirements = models.JSONField(_("exigences"), default=list, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), default=timezone.now)
    answer = models.CharField(_("réponse"), max_length=10, choices=Answer.choices, default=Answer.PENDING)
    decline_reason = models.CharField(_("raison"), max_length=10, choices=DeclineReason.choices, blank=True)
    message = models.TextField(_("message"), blank=True)
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("entreprise sollicitée")
        verbose_name_plural = _("entreprises sollicitées")
        ordering = ["batch", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["need", "establishment"], name="need_recipient_unique"),
        ]

    def __str__(self):
        return f"{self.need_id} → {self.establishment_id}"


class DeliveryKind(models.TextChoices):
    INVITATION = "invitation", _("Besoin reçu")
    REMINDER = "reminder", _("Relance avant la date limite")
    OUTCOME_REQUEST = "outcome", _("Demande de bilan")
    ANSWER = "answer", _("Réponse reçue")


class NeedDelivery(ClaimedDelivery):
    """One message to one user about one need, claimed before it is sent.

    ``stage`` tells apart messages of the same kind that are meant to go out more than once
    (the answer notice for each answering company). See ``maillage.needs.delivery``.
    """

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=DeliveryKind.choices)
    stage = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name = _("envoi")
        verbose_name_plural = _("envois")
        constraints = [
            models.UniqueConstraint(fields=["need", "user", "kind", "stage"], name="need_delivery_once"),
        ]

    def __str__(self):
        return f"{self.kind} {self.need_id} → {self.user_id} ({self.state})"


class Notification(models.Model):
    """In-app notice; ``read_at`` empty while unread."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("nature"), max_length=10, choices=DeliveryKind.choices)
    stage = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(_("le"), default=timezone.now)
    read_at = models.DateTimeField(_("lu le"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]
        constraints = [
            models.UniqueConstraint(fields=["user", "need", "kind", "stage"], name="notification_once"),
        ]

    def __str__(self):
        return f"{self.kind} {self.need_id} → {self.user_id}"
