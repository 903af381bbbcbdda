"""Who is here: organisations (SIREN), their establishments (SIRET), networks and memberships."""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from maillage.delivery import ClaimedDelivery
from maillage.directory.branding import validate_accent_colour, validate_logo
from maillage.directory.validators import validate_siren, validate_siret
from maillage.referential.models import Commune, Department, Epci, HeadcountBand, LegalCategory, NafCode


class Source(models.TextChoices):
    SIRENE = "sirene", _("Répertoire SIRENE")
    SPREADSHEET = "spreadsheet", _("Tableur importé")
    MANUAL = "manual", _("Saisie")
    DEMO = "demo", _("Démonstration")


class Organisation(models.Model):
    class SizeCategory(models.TextChoices):
        PME = "PME", _("PME")
        ETI = "ETI", _("ETI")
        GE = "GE", _("Grande entreprise")

    siren = models.CharField(_("SIREN"), max_length=9, unique=True, validators=[validate_siren])
    name = models.CharField(_("dénomination"), max_length=255, db_index=True)
    acronym = models.CharField(_("sigle"), max_length=50, blank=True)
    legal_category = models.ForeignKey(
        LegalCategory, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("catégorie juridique")
    )
    size_category = models.CharField(
        _("catégorie d'entreprise"), max_length=3, choices=SizeCategory.choices, blank=True
    )
    naf = models.ForeignKey(
        NafCode, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("NAF")
    )
    headcount_band = models.ForeignKey(
        HeadcountBand, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("tranche d'effectifs")
    )
    creation_date = models.DateField(_("date de création"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.MANUAL)
    is_generated = models.BooleanField(
        _("générée"), default=False, help_text=_("Donnée fictive créée pour une démonstration ou un test.")
    )
    last_imported_at = models.DateTimeField(_("dernier import"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("entreprise")
        verbose_name_plural = _("entreprises")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.siren})"


def current_member(through: str = "", **same_membership) -> models.Q:
    """The condition "is a current member" (neither prospect nor former) on the membership reached
    through ``through`` ("memberships__", "establishment__memberships__"…). Further lookups
    (``network=…``) bear on the same membership row: one Q in one ``filter()`` is one join."""
    return models.Q(
        **{f"{through}status": Membership.Status.MEMBER},
        **{f"{through}{lookup}": value for lookup, value in same_membership.items()},
    )


class EstablishmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def in_network(self, network):
        return self.filter(memberships__network=network)

    def current_members(self, network=None):
        """Current members of ``network``, or of some network when None."""
        same_membership = {"network": network} if network is not None else {}
        return self.filter(current_member("memberships__", **same_membership))


class Establishment(models.Model):
    class GeoPrecision(models.TextChoices):
        ADDRESS = "address", _("Adresse")
        COMMUNE = "commune", _("Centre de la commune")
        NONE = "none", _("Non localisé")

    siret = models.CharField(_("SIRET"), max_length=14, unique=True, validators=[validate_siret])
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="establishments", verbose_name=_("entreprise")
    )
    name = models.CharField(_("nom"), max_length=255, blank=True, db_index=True)
    trade_name = models.CharField(_("enseigne"), max_length=255, blank=True)
    naf = models.ForeignKey(
        NafCode, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("NAF")
    )
    headcount_band = models.ForeignKey(
        HeadcountBand, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("tranche d'effectifs")
    )
    street = models.CharField(_("adresse"), max_length=255, blank=True)
    address_complement = models.CharField(_("complément d'adresse"), max_length=255, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    city = models.CharField(_("ville"), max_length=100, blank=True)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("commune")
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    geo_precision = models.CharField(
        _("précision de la localisation"),
        max_length=8,
        choices=GeoPrecision.choices,
        default=GeoPrecision.NONE,
    )
    is_head_office = models.BooleanField(_("siège"), default=False)
    is_active = models.BooleanField(_("actif"), default=True)
    creation_date = models.DateField(_("date de création"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.MANUAL)
    # Fingerprint of the imported SIRENE fields: a re-import skips rows whose hash is unchanged.
    source_hash = models.CharField(max_length=32, blank=True, editable=False)
    is_generated = models.BooleanField(
        _("généré"), default=False, help_text=_("Donnée fictive créée pour une démonstration ou un test.")
    )
    last_imported_at = models.DateTimeField(_("dernier import"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EstablishmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("établissement")
        verbose_name_plural = _("établissements")
        ordering = ["siret"]
        indexes = [models.Index(fields=["commune", "is_active"]), models.Index(fields=["naf", "is_active"])]

    def __str__(self):
        return f"{self.display_name} ({self.siret})"

    @property
    def display_name(self) -> str:
        return self.trade_name or self.name or self.organisation.name


class Network(models.Model):
    slug = models.SlugField(_("identifiant"), unique=True)
    name = models.CharField(_("nom"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description en anglais"), blank=True)
    contact_email = models.EmailField(
        _("adresse de contact"),
        blank=True,
        help_text=_("Affichée sur la page publique du réseau ; laissez vide pour ne pas en afficher."),
    )
    accent_colour = models.CharField(
        _("couleur d'accent"),
        max_length=7,
        blank=True,
        validators=[validate_accent_colour],
        help_text=_("En-tête, liens et boutons ; vide : la couleur de Maillage."),
    )
    logo = models.ImageField(_("logo"), upload_to="networks/logos/", blank=True, validators=[validate_logo])
    communes = models.ManyToManyField(
        Commune, blank=True, related_name="networks", verbose_name=_("communes")
    )
    epcis = models.ManyToManyField(Epci, blank=True, related_name="networks", verbose_name=_("EPCI"))
    departments = models.ManyToManyField(
        Department, blank=True, related_name="networks", verbose_name=_("départements")
    )
    animators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="animated_networks", verbose_name=_("animateurs")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("réseau")
        verbose_name_plural = _("réseaux")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def localised_description(self, language: str) -> str:
        """The description in ``language`` when written, else the French one."""
        return (self.description_en if language == "en" else "") or self.description

    def territory_communes(self):
        """Every commune of the territory, whether listed alone or through its EPCI or department."""
        return Commune.objects.filter(
            models.Q(networks=self) | models.Q(epci__networks=self) | models.Q(department__networks=self)
        ).distinct()


class MembershipQuerySet(models.QuerySet):
    def current(self):
        """Current members: neither prospects nor former members."""
        return self.filter(current_member())


class Membership(models.Model):
    class Status(models.TextChoices):
        PROSPECT = "prospect", _("Prospect")
        MEMBER = "member", _("Adhérent")
        FORMER = "former", _("Ancien adhérent")

    class DuesStatus(models.TextChoices):
        """The status of the membership's latest dues (``Dues.status``), kept by the dues services;
        « sans objet » while the company has none."""

        NOT_APPLICABLE = "n/a", _("Sans objet")
        DUE = "due", _("À appeler")
        CALLED = "called", _("Appelée")
        PAID = "paid", _("Réglée")
        LATE = "late", _("En retard")
        WAIVED = "waived", _("Exonérée")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="memberships")
    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="memberships")
    status = models.CharField(_("statut"), max_length=8, choices=Status.choices, default=Status.PROSPECT)
    joined_on = models.DateField(_("date d'adhésion"), null=True, blank=True)
    left_on = models.DateField(_("date de départ"), null=True, blank=True)
    dues_status = models.CharField(
        _("cotisation"), max_length=6, choices=DuesStatus.choices, default=DuesStatus.NOT_APPLICABLE
    )
    category = models.CharField(_("collège"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("adhésion")
        verbose_name_plural = _("adhésions")
        constraints = [
            models.UniqueConstraint(fields=["network", "establishment"], name="unique_membership"),
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True)
                | models.Q(joined_on__isnull=True)
                | models.Q(left_on__gte=models.F("joined_on")),
                name="membership_left_after_joined",
            ),
        ]

    def __str__(self):
        return f"{self.establishment} — {self.network}"


class EstablishmentUser(models.Model):
    """A person allowed to act for an establishment (plant manager, buyer, HR)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="establishment_links"
    )
    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="user_links")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("utilisateur de l'établissement")
        verbose_name_plural = _("utilisateurs de l'établissement")
        constraints = [
            models.UniqueConstraint(fields=["user", "establishment"], name="unique_establishment_user")
        ]

    def __str__(self):
        return f"{self.user} — {self.establishment}"


class MembershipChange(models.Model):
    """One change of a membership (status, dates, category, dues), who made it and when: the
    history an animator and an auditor read. Written by ``membership_create``/``membership_update``."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(_("donnée"), max_length=20)
    old_value = models.CharField(_("avant"), max_length=200, blank=True)
    new_value = models.CharField(_("après"), max_length=200, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("changement d’adhésion")
        verbose_name_plural = _("changements d’adhésion")
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.membership_id} {self.field}: {self.old_value} → {self.new_value}"

    # Events of the dues, recorded beside the field changes; their values are written for reading.
    DUES_EVENTS = {
        "dues_call": _("Cotisation appelée"),
        "dues_payment": _("Cotisation réglée"),
        "dues_reminder": _("Relance de cotisation"),
        "dues_amount": _("Montant de cotisation corrigé"),
        "dues_waiver": _("Cotisation exonérée"),
    }

    @property
    def is_event(self) -> bool:
        """An event (a call, a payment, a reminder) reads as one value, not as before → after."""
        return self.field == "created" or self.field in self.DUES_EVENTS

    @property
    def field_label(self) -> str:
        if self.field == "created":
            return str(_("Ajoutée au réseau"))
        if self.field in self.DUES_EVENTS:
            return str(self.DUES_EVENTS[self.field])
        return str(Membership._meta.get_field(self.field).verbose_name).capitalize()

    def _shown(self, value: str) -> str:
        """A recorded value as a reader expects it: a status's or dues' label, a date in the
        page's format, never a code."""
        if not value:
            return "—"
        if self.field in ("status", "created"):
            return str(Membership.Status(value).label)
        if self.field == "dues_status":
            return str(Membership.DuesStatus(value).label)
        if self.field in ("joined_on", "left_on"):
            return date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
        return value

    @property
    def old_shown(self) -> str:
        return self._shown(self.old_value)

    @property
    def new_shown(self) -> str:
        return self._shown(self.new_value)


class Contact(models.Model):
    """A person of a company the network works with (plant manager, buyer, HR…): the recipients
    of what the network sends. Visible to the network's animators only (and, through their
    account, to the person); never to other members or visitors."""

    class Role(models.TextChoices):
        DIRECTION = "direction", _("Direction générale")
        SITE = "site", _("Direction de site")
        PURCHASING = "purchasing", _("Achats")
        HR = "hr", _("Ressources humaines")
        QUALITY = "quality", _("Qualité")
        PRODUCTION = "production", _("Production")
        ENGINEERING = "engineering", _("Bureau d’études")
        SALES = "sales", _("Commercial")
        OTHER = "other", _("Autre")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="contacts")
    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="contacts")
    first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    last_name = models.CharField(_("nom"), max_length=150)
    role = models.CharField(_("fonction"), max_length=12, choices=Role.choices, default=Role.OTHER)
    email = models.EmailField(_("adresse e-mail"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    consent_on = models.DateField(_("accord pour recevoir les messages du réseau, le"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["last_name", "first_name", "pk"]

    def __str__(self):
        return f"{self.first_name} {self.last_name}".strip()


# --- Dues (issue 15): the year's scale, each membership's dues, reminders, messages --------------


class DuesScale(models.Model):
    """The network's dues for one year: an amount by category (collège) or by headcount band,
    as the network chooses, and a default amount for members whose category or band has none."""

    class Basis(models.TextChoices):
        CATEGORY = "category", _("Par collège")
        HEADCOUNT = "headcount", _("Par tranche d’effectifs")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="dues_scales")
    year = models.PositiveSmallIntegerField(_("année"))
    basis = models.CharField(_("barème"), max_length=9, choices=Basis.choices, default=Basis.CATEGORY)
    default_amount = models.DecimalField(
        _("montant par défaut (€)"), max_digits=9, decimal_places=2, default=0
    )
    late_after_days = models.PositiveSmallIntegerField(
        _("en retard après (jours)"),
        default=60,
        help_text=_("Une cotisation appelée et non réglée passe « en retard » après ce délai."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("barème des cotisations")
        verbose_name_plural = _("barèmes des cotisations")
        ordering = ["network", "-year"]
        constraints = [models.UniqueConstraint(fields=["network", "year"], name="unique_dues_scale")]

    def __str__(self):
        return f"{self.network} {self.year}"


class DuesRate(models.Model):
    """One line of a scale: the amount of a category, or of a headcount band."""

    scale = models.ForeignKey(DuesScale, on_delete=models.CASCADE, related_name="rates")
    category = models.CharField(_("collège"), max_length=100, blank=True)
    headcount_band = models.ForeignKey(
        HeadcountBand, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("tranche d'effectifs")
    )
    amount = models.DecimalField(_("montant (€)"), max_digits=9, decimal_places=2)

    class Meta:
        verbose_name = _("ligne de barème")
        verbose_name_plural = _("lignes de barème")
        constraints = [
            models.UniqueConstraint(
                fields=["scale", "category"], condition=models.Q(headcount_band__isnull=True),
                name="unique_dues_rate_category",
            ),
            models.UniqueConstraint(
                fields=["scale", "headcount_band"], condition=models.Q(headcount_band__isnull=False),
                name="unique_dues_rate_band",
            ),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.scale}: {self.category or self.headcount_band_id} {self.amount}"


class Dues(models.Model):
    """A membership's dues for one year. « En retard » is written by the daily task
    ``dues_mark_late`` (see ``maillage.directory.dues``)."""

    class Status(models.TextChoices):
        DUE = "due", _("À appeler")
        CALLED = "called", _("Appelée")
        PAID = "paid", _("Réglée")
        LATE = "late", _("En retard")
        # Not asked for (an honorary member, a first year offered, a call made by mistake): never
        # reminded nor late, counted apart from what was paid.
        WAIVED = "waived", _("Exonérée")

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="dues")
    year = models.PositiveSmallIntegerField(_("année"))
    amount = models.DecimalField(_("montant (€)"), max_digits=9, decimal_places=2)
    status = models.CharField(_("statut"), max_length=6, choices=Status.choices, default=Status.DUE)
    called_on = models.DateField(_("appelée le"), null=True, blank=True)
    paid_on = models.DateField(_("réglée le"), null=True, blank=True)
    payment_reference = models.CharField(_("référence du paiement"), max_length=100, blank=True)
    waiver_reason = models.CharField(_("motif de l’exonération"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cotisation")
        verbose_name_plural = _("cotisations")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["membership", "year"], name="unique_dues_per_year"),
            models.CheckConstraint(
                condition=~models.Q(status="paid") | models.Q(paid_on__isnull=False),
                name="dues_paid_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.membership} {self.year} ({self.status})"

    @property
    def is_outstanding(self) -> bool:
        """Called and not paid: what a reminder is for."""
        return self.status in (self.Status.CALLED, self.Status.LATE)


class DuesReminder(models.Model):
    dues = models.ForeignKey(Dues, on_delete=models.CASCADE, related_name="reminders")
    number = models.PositiveSmallIntegerField(_("numéro"))
    sent_on = models.DateField(_("envoyée le"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("relance de cotisation")
        verbose_name_plural = _("relances de cotisation")
        ordering = ["dues", "number"]
        constraints = [models.UniqueConstraint(fields=["dues", "number"], name="unique_dues_reminder")]

    def __str__(self):
        return f"{self.dues} #{self.number}"


class DuesMessage(ClaimedDelivery):
    """One e-mail about dues (the call, a reminder) to one address, claimed before it is sent
    (``maillage.delivery``); ``stage`` tells reminders apart (« r2 »: the second)."""

    class Kind(models.TextChoices):
        CALL = "call", _("Appel de cotisation")
        REMINDER = "reminder", _("Relance de cotisation")

    dues = models.ForeignKey(Dues, on_delete=models.CASCADE, related_name="messages")
    email = models.EmailField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    stage = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = _("envoi de cotisation")
        verbose_name_plural = _("envois de cotisation")
        constraints = [
            models.UniqueConstraint(fields=["dues", "email", "kind", "stage"], name="dues_message_once"),
        ]

    def __str__(self):
        return f"{self.kind} {self.dues_id} → {self.email} ({self.state})"
