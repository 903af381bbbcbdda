"""What an establishment declares it can do: capabilities, machines, certificates, markets.

The directory holds the SIRENE identity written by imports; a profile holds what the company
(or its animator, a spreadsheet or the NAF inference) says about itself. Only the services of
``maillage.profiles.services`` write here, and each change leaves a ``ProfileChange`` row.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.directory.models import Establishment
from maillage.taxonomy.models import TaxonomyNode


class ChangeSource(models.TextChoices):
    MEMBER = "member", _("Adhérent")
    ANIMATOR = "animator", _("Animateur")
    SPREADSHEET = "spreadsheet", _("Tableur importé")
    INFERENCE = "inference", _("Déduction à partir du code NAF")


class Profile(models.Model):
    establishment = models.OneToOneField(
        Establishment, on_delete=models.CASCADE, related_name="profile", verbose_name=_("établissement")
    )
    description_fr = models.TextField(_("présentation (français)"), blank=True)
    description_en = models.TextField(_("présentation (anglais)"), blank=True)
    products = models.JSONField(_("produits"), default=list, blank=True)
    capacity_text = models.TextField(_("capacité disponible"), blank=True)
    capacity_percent = models.PositiveSmallIntegerField(_("capacité disponible (%)"), null=True, blank=True)
    capacity_hours_per_week = models.FloatField(
        _("capacité disponible (heures/semaine)"), null=True, blank=True
    )
    # Available capacity goes stale within weeks: the date says how much to trust it.
    capacity_stated_on = models.DateField(_("capacité indiquée le"), null=True, blank=True)
    max_part_length_mm = models.FloatField(_("longueur maximale des pièces (mm)"), null=True, blank=True)
    max_part_width_mm = models.FloatField(_("largeur maximale des pièces (mm)"), null=True, blank=True)
    max_part_height_mm = models.FloatField(_("hauteur maximale des pièces (mm)"), null=True, blank=True)
    max_part_mass_kg = models.FloatField(_("masse maximale des pièces (kg)"), null=True, blank=True)
    batch_min = models.PositiveIntegerField(_("taille de série minimale"), null=True, blank=True)
    batch_max = models.PositiveIntegerField(_("taille de série maximale"), null=True, blank=True)
    languages = models.JSONField(_("langues parlées (ISO 639-1)"), default=list, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("profil")
        verbose_name_plural = _("profils")
        ordering = ["establishment__siret"]
        constraints = [
            models.CheckConstraint(
                condition=Q(batch_min__isnull=True)
                | Q(batch_max__isnull=True)
                | Q(batch_max__gte=F("batch_min")),
                name="profile_batch_min_le_max",
            ),
            models.CheckConstraint(
                condition=Q(capacity_percent__isnull=True) | Q(capacity_percent__lte=100),
                name="profile_capacity_percent_le_100",
            ),
        ]

    def __str__(self):
        return str(self.establishment)


class CapabilityLevel(models.TextChoices):
    CORE = "core", _("Cœur de métier")
    SECONDARY = "secondary", _("Secondaire")


class CapabilityStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmé par l'entreprise")
    INFERRED = "inferred", _("Déduit du code NAF")
    PROPOSED = "proposed", _("Proposé par un animateur")
    # Kept rather than deleted, so that re-running the inference does not bring it back.
    REJECTED = "rejected", _("Écarté")


class ProfileCapabilityQuerySet(models.QuerySet):
    def declared(self):
        return self.filter(status=CapabilityStatus.CONFIRMED)

    def shown(self):
        """Everything a reader may see as a capability: rejected ones are only memory."""
        return self.exclude(status=CapabilityStatus.REJECTED)


class ProfileCapability(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="capabilities")
    node = models.ForeignKey(
        TaxonomyNode,
        on_delete=models.PROTECT,
        related_name="profile_capabilities",
        verbose_name=_("savoir-faire"),
        limit_choices_to={"type__in": ["process", "material", "service"]},
    )
    level = models.CharField(
        _("niveau"), max_length=10, choices=CapabilityLevel.choices, default=CapabilityLevel.SECONDARY
    )
    status = models.CharField(_("statut"), max_length=10, choices=CapabilityStatus.choices, db_index=True)
    inference_weight = models.FloatField(_("vraisemblance de la déduction"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProfileCapabilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("savoir-faire du profil")
        verbose_name_plural = _("savoir-faire du profil")
        ordering = ["node__code"]
        constraints = [models.UniqueConstraint(fields=["profile", "node"], name="unique_profile_capability")]

    def __str__(self):
        return f"{self.node.code} ({self.get_status_display()})"


class Equipment(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="equipment")
    node = models.ForeignKey(
        TaxonomyNode,
        on_delete=models.PROTECT,
        related_name="profile_equipment",
        verbose_name=_("type"),
        limit_choices_to={"type": "equipment"},
    )
    label = models.CharField(_("désignation"), max_length=255, blank=True)
    quantity = models.PositiveIntegerField(_("nombre"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("équipement")
        verbose_name_plural = _("équipements")
        ordering = ["node__code", "label", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="equipment_quantity_positive")
        ]

    def __str__(self):
        return self.label or self.node.label

    def specs_text(self) -> str:
        return ", ".join(f"{spec.key} = {spec.entered or spec.canonical_text()}" for spec in self.specs.all())


class EquipmentSpec(models.Model):
    """One measured specification, stored in the unit the taxonomy declares so it can be compared."""

    equipment = models.ForeignKey(Equipment, on_delete=models.CASCADE, related_name="specs")
    key = models.CharField(_("caractéristique"), max_length=50)
    value = models.FloatField(_("valeur (unité de référence)"))
    unit = models.CharField(_("unité de référence"), max_length=20)
    entered = models.CharField(_("saisie d'origine"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("caractéristique d'équipement")
        verbose_name_plural = _("caractéristiques d'équipement")
        ordering = ["key"]
        constraints = [models.UniqueConstraint(fields=["equipment", "key"], name="unique_equipment_spec")]
        indexes = [models.Index(fields=["key", "value"])]

    def __str__(self):
        return f"{self.key} = {self.canonical_text()}"

    def canonical_text(self) -> str:
        return f"{self.value:g} {self.unit}"


class CertificationQuerySet(models.QuerySet):
    def valid_at(self, day: date):
        """Certificates in force on ``day``; open dates are treated as unbounded."""
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day)
        )

    def expired_at(self, day: date):
        return self.filter(valid_until__lt=day)


class Certification(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="certifications")
    node = models.ForeignKey(
        TaxonomyNode,
        on_delete=models.PROTECT,
        related_name="profile_certifications",
        verbose_name=_("certification"),
        limit_choices_to={"type": "certification"},
    )
    issuer = models.CharField(_("organisme"), max_length=200, blank=True)
    number = models.CharField(_("numéro de certificat"), max_length=100, blank=True)
    valid_from = models.DateField(_("valide à partir du"), null=True, blank=True)
    valid_until = models.DateField(_("valide jusqu'au"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CertificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["node__code", "number"]
        constraints = [
            # Same scheme and same certificate number: the same certificate (a renewal updates dates).
            models.UniqueConstraint(
                fields=["profile", "node", "number"], name="unique_profile_certification"
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="certification_until_after_from",
            ),
        ]

    def __str__(self):
        return f"{self.node.code} {self.number}".strip()

    def is_valid_at(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or self.valid_until >= day
        )

    @property
    def is_expired(self) -> bool:
        return self.valid_until is not None and self.valid_until < timezone.localdate()

    @property
    def is_pending(self) -> bool:
        return self.valid_from is not None and self.valid_from > timezone.localdate()


class ProfileSector(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="sectors")
    node = models.ForeignKey(
        TaxonomyNode,
        on_delete=models.PROTECT,
        related_name="profile_sectors",
        verbose_name=_("secteur servi"),
        limit_choices_to={"type": "sector"},
    )

    class Meta:
        verbose_name = _("secteur servi")
        verbose_name_plural = _("secteurs servis")
        ordering = ["node__code"]
        constraints = [models.UniqueConstraint(fields=["profile", "node"], name="unique_profile_sector")]

    def __str__(self):
        return self.node.code


class ReferenceVisibility(models.TextChoices):
    PUBLIC = "public", _("Publique")
    MEMBERS = "members", _("Réservée aux adhérents")


class ProfileReference(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="references")
    client = models.CharField(_("client"), max_length=200)
    project = models.CharField(_("projet"), max_length=300, blank=True)
    visibility = models.CharField(
        _("visibilité"),
        max_length=10,
        choices=ReferenceVisibility.choices,
        default=ReferenceVisibility.MEMBERS,
    )

    class Meta:
        verbose_name = _("référence")
        verbose_name_plural = _("références")
        ordering = ["client", "project"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "client", "project"], name="unique_profile_reference")
        ]

    def __str__(self):
        return f"{self.client} — {self.project}" if self.project else self.client


class ProfileChange(models.Model):
    """Audit trail: who changed what on a profile, when, and through which channel."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.CharField(_("origine"), max_length=12, choices=ChangeSource.choices)
    object_type = models.CharField(_("objet"), max_length=20)
    object_key = models.CharField(_("élément"), max_length=200, blank=True)
    field = models.CharField(_("champ"), max_length=50)
    before = models.JSONField(_("avant"), null=True, blank=True)
    after = models.JSONField(_("après"), null=True, blank=True)
    at = models.DateTimeField(_("le"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("modification du profil")
        verbose_name_plural = _("journal des modifications des profils")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["profile", "-at"])]

    def __str__(self):
        return f"{self.profile} · {self.object_type} {self.object_key} · {self.field}"
