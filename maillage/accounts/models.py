from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage import delivery
from maillage.directory.models import Contact


class EmailUserManager(UserManager):
    """People log in with their email address; ``username`` is kept equal to it."""

    def _create_user(self, username, email, password, **extra_fields):
        email = self.normalize_email(email or username)
        return super()._create_user(email, email, password, **extra_fields)

    def create_user(self, email=None, password=None, **extra_fields):
        return super().create_user(email, email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        return super().create_superuser(email, email, password, **extra_fields)


class EmailKind(models.TextChoices):
    """The e-mails to users that they may turn off (« Mon compte », préférences); every sender
    asks ``User.wants_email`` first. The others are essential and always sent: password reset,
    e-mail change, invitations, the decision on one's own claim, a visitor's message relayed to
    the company."""

    NEED_RECEIVED = "need_received", _("Un besoin qui peut intéresser votre entreprise")
    NEED_REMINDER = "need_reminder", _("La relance avant la date limite d’un besoin reçu")
    NEED_ANSWER = "need_answer", _("Les réponses des entreprises à vos besoins")
    NEED_OUTCOME = "need_outcome", _("La demande de bilan de vos besoins")
    CLAIM_RECEIVED = "claim_received", _("Les demandes de rattachement à valider (animation)")


class User(AbstractUser):
    email = models.EmailField(_("adresse e-mail"), unique=True)
    # Empty until chosen in « Mon compte »: the interface then follows the browser or the header's
    # switcher, and e-mails go out in French; once chosen, it applies at login and to e-mails.
    language = models.CharField(_("langue"), max_length=5, choices=settings.LANGUAGES, blank=True)
    # The EmailKind values the user turned off (a list: few values, read with the user).
    muted_emails = models.JSONField(_("e-mails désactivés"), default=list, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = EmailUserManager()

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")

    def save(self, *args, **kwargs):
        self.username = self.email
        super().save(*args, **kwargs)

    def wants_email(self, kind: str) -> bool:
        """False when the user turned this kind of e-mail off (the essential ones have no kind)."""
        return kind not in (self.muted_emails or [])


class AnimatorDecision(models.Model):
    """What a request an animator decides on records of the decision (a claim, a join
    request): who decided, when, why — the same fields on both."""

    decided_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("décidée par"),
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    decision_note = models.TextField(_("motif"), blank=True)
    created_at = models.DateTimeField(_("demandée le"), auto_now_add=True)

    class Meta:
        abstract = True


class Claim(AnimatorDecision):
    """A user asks to act for an establishment; an animator of the network decides."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        APPROVED = "approved", _("Acceptée")
        REJECTED = "rejected", _("Refusée")

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="claims", verbose_name=_("demandeur")
    )
    establishment = models.ForeignKey(
        "directory.Establishment",
        on_delete=models.CASCADE,
        related_name="claims",
        verbose_name=_("établissement"),
    )
    network = models.ForeignKey(
        "directory.Network", on_delete=models.CASCADE, related_name="claims", verbose_name=_("réseau")
    )
    status = models.CharField(_("statut"), max_length=8, choices=Status.choices, default=Status.PENDING)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("revendication")
        verbose_name_plural = _("revendications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "establishment"],
                condition=models.Q(status="pending"),
                name="unique_pending_claim",
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.establishment} ({self.get_status_display()})"


class Invitation(models.Model):
    """An e-mail invited by an animator, as a member user of an establishment or as co-animator.

    The link carries a signed, timestamped id: expiry comes from the signature, single use
    from ``accepted_at``.
    """

    class Role(models.TextChoices):
        MEMBER = "member", _("Utilisateur d'un établissement adhérent")
        ANIMATOR = "animator", _("Co-animateur du réseau")

    email = models.EmailField(_("adresse e-mail"))
    network = models.ForeignKey(
        "directory.Network", on_delete=models.CASCADE, related_name="invitations", verbose_name=_("réseau")
    )
    establishment = models.ForeignKey(
        "directory.Establishment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("établissement"),
    )
    role = models.CharField(_("rôle"), max_length=8, choices=Role.choices, default=Role.MEMBER)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("invitée par")
    )
    created_at = models.DateTimeField(_("envoyée le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expire le"))
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acceptée par"),
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="animator") | models.Q(establishment__isnull=False),
                name="member_invitation_has_establishment",
            )
        ]

    def __str__(self):
        return f"{self.email} → {self.network}"


class JoinRequest(AnimatorDecision):
    """« Adhérer au réseau »: a company asks to join a network, through the person who will be
    its contact; an animator of the network accepts (the company becomes a member, the person
    its contact) or declines with a reason sent to the person."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        ACCEPTED = "accepted", _("Acceptée")
        DECLINED = "declined", _("Refusée")

    network = models.ForeignKey(
        "directory.Network", on_delete=models.CASCADE, related_name="join_requests", verbose_name=_("réseau")
    )
    establishment = models.ForeignKey(
        "directory.Establishment",
        on_delete=models.CASCADE,
        related_name="join_requests",
        verbose_name=_("établissement"),
    )
    # The account that asked, when logged in; the request stands without one.
    user = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="join_requests",
        verbose_name=_("compte du demandeur"),
    )
    first_name = models.CharField(_("prénom"), max_length=150)
    last_name = models.CharField(_("nom"), max_length=150)
    role = models.CharField(_("fonction"), max_length=12, choices=Contact.Role.choices)
    email = models.EmailField(_("adresse e-mail"))
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    consent_on = models.DateField(_("accord pour recevoir les messages du réseau, le"), null=True, blank=True)
    motivation = models.TextField(_("motivation"))
    status = models.CharField(_("statut"), max_length=8, choices=Status.choices, default=Status.PENDING)

    class Meta:
        verbose_name = _("demande d’adhésion")
        verbose_name_plural = _("demandes d’adhésion")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "establishment"],
                condition=models.Q(status="pending"),
                name="unique_pending_join_request",
            )
        ]

    def __str__(self):
        return f"{self.establishment} → {self.network} ({self.get_status_display()})"


class EmailDelivery(delivery.ClaimedDelivery):
    """One e-mail that is not about a need, claimed before it is sent so that a retried task
    never sends it twice (``maillage.accounts.outbox``): the delivery row of
    ``maillage.delivery``, named by a string key."""

    State = delivery.DeliveryState

    key = models.CharField(_("clé"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("envoi d’e-mail")
        verbose_name_plural = _("envois d’e-mails")

    def __str__(self):
        return f"{self.key} ({self.get_state_display()})"


class AccountEmail(models.Model):
    """An e-mail about a user's own account, written by a service and sent by the task queue;
    its row is the at-most-once claim of ``maillage.delivery``."""

    class Kind(models.TextChoices):
        EMAIL_CHANGE_CONFIRM = "email_confirm", _("Confirmation d’une nouvelle adresse")
        EMAIL_CHANGED = "email_changed", _("Avis de changement d’adresse")

    class State(models.TextChoices):
        PENDING = delivery.PENDING, _("En attente")
        SENDING = delivery.SENDING, _("En cours d'envoi")
        SENT = delivery.SENT, _("Envoyé")
        FAILED = delivery.FAILED, _("Échec, sera retenté")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="account_emails")
    kind = models.CharField(_("nature"), max_length=14, choices=Kind.choices)
    to = models.EmailField(_("destinataire"))
    new_email = models.EmailField(_("nouvelle adresse"))
    created_at = models.DateTimeField(_("le"), default=timezone.now)
    state = models.CharField(_("état"), max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("e-mail de compte")
        verbose_name_plural = _("e-mails de compte")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.kind} → {self.to} ({self.state})"
