"""Who works for whom: supply relations, the purchase lines behind them, supplier matches to review.

A relation links a supplier to a client. Either side is an establishment of the directory or an
outside entity named by its identifiers (SIRET/SIREN, name, country): a large group's foreign
plant, a public buyer, a supplier found in a ledger but not in the directory. Exact spend comes
from purchase ledgers and public procurement data as ``PurchaseLine`` rows; a relation's
``amount`` is their sum for its latest year, recomputed after each import batch.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from maillage.directory.validators import spaced_identifier
from maillage.engine.graph.model import ANIMATORS, NETWORK, PARTIES, PUBLIC


class Confidentiality(models.TextChoices):
    # Same codes as the graph engine's levels, so a relation passes to it unchanged.
    PUBLIC = PUBLIC, _("Public")
    NETWORK = NETWORK, _("Réseau")
    ANIMATORS = ANIMATORS, _("Animateurs seulement")
    PARTIES = PARTIES, _("Les deux parties seulement")


class RelationSource(models.TextChoices):
    SUPPLIER = "supplier", _("Déclarée par le fournisseur")
    CLIENT = "client", _("Déclarée par le client")
    PUBLIC_PROCUREMENT = "procurement", _("Commande publique (DECP)")
    ANIMATOR = "animator", _("Saisie par un animateur")
    LEDGER = "ledger", _("Registre d'achats d'un donneur d'ordres")


class RelationStatus(models.TextChoices):
    PENDING = "pending", _("En attente de confirmation")
    CONFIRMED = "confirmed", _("Confirmée")
    DISPUTED = "disputed", _("Contestée")


class VolumeBand(models.TextChoices):
    """Annual volume ranges, in euros excluding tax: what a company accepts to say."""

    UNKNOWN = "", _("Non renseigné")
    UNDER_10K = "lt10k", _("Moins de 10 k€")
    FROM_10K = "10k-50k", _("10 à 50 k€")
    FROM_50K = "50k-200k", _("50 à 200 k€")
    FROM_200K = "200k-1m", _("200 k€ à 1 M€")
    FROM_1M = "1m-5m", _("1 à 5 M€")
    OVER_5M = "gt5m", _("Plus de 5 M€")


# (lower bound, band) from the highest: the band of an exact amount.
BAND_FLOORS = (
    (5_000_000, VolumeBand.OVER_5M),
    (1_000_000, VolumeBand.FROM_1M),
    (200_000, VolumeBand.FROM_200K),
    (50_000, VolumeBand.FROM_50K),
    (10_000, VolumeBand.FROM_10K),
    (0, VolumeBand.UNDER_10K),
)


def band_of(amount) -> str:
    if amount is None:
        return VolumeBand.UNKNOWN
    return next(band for floor, band in BAND_FLOORS if amount >= floor)


def outside_supplier_label(name: str, siret: str, identifier: str = "") -> str:
    """An outside supplier as a reader sees it: its name, else « fournisseur non identifié
    (SIRET 123 456 789 00012) », else its other identifier (a foreign VAT number)."""
    if name:
        return name
    if siret:
        return gettext("fournisseur non identifié (SIRET %(siret)s)") % {"siret": spaced_identifier(siret)}
    return identifier


class SupplyRelation(models.Model):
    supplier = models.ForeignKey(
        "directory.Establishment",
        verbose_name=_("fournisseur"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="supplier_relations",
    )
    # Outside supplier (not in the directory): identifiers as found in the source.
    supplier_siret = models.CharField(_("SIRET du fournisseur"), max_length=14, blank=True, db_index=True)
    supplier_identifier = models.CharField(_("autre identifiant du fournisseur"), max_length=40, blank=True)
    supplier_name = models.CharField(_("nom du fournisseur"), max_length=255, blank=True)
    supplier_country = models.CharField(_("pays du fournisseur"), max_length=2, default="FR")
    supplier_commune = models.ForeignKey(
        "referential.Commune",
        verbose_name=_("commune du fournisseur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    client = models.ForeignKey(
        "directory.Establishment",
        verbose_name=_("client"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="client_relations",
    )
    client_siren = models.CharField(_("SIREN du client"), max_length=9, blank=True, db_index=True)
    client_siret = models.CharField(_("SIRET du client"), max_length=14, blank=True)
    client_name = models.CharField(_("nom du client"), max_length=255, blank=True)
    client_country = models.CharField(_("pays du client"), max_length=2, default="FR")
    category_node = models.ForeignKey(
        "taxonomy.TaxonomyNode",
        verbose_name=_("catégorie (taxonomie)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cpv = models.ForeignKey(
        "referential.CpvCode",
        verbose_name=_("code CPV"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_column="cpv_code",
    )
    category_text = models.CharField(_("catégorie telle que saisie"), max_length=255, blank=True)
    volume_band = models.CharField(
        _("volume annuel"), max_length=10, choices=VolumeBand.choices, blank=True, default=""
    )
    # Exact spend (ledger, DECP): shown only where ``amount_visible`` allows, see selectors.
    amount = models.DecimalField(
        _("montant annuel (€ HT)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    amount_year = models.PositiveSmallIntegerField(_("année du montant"), null=True, blank=True)
    since = models.PositiveSmallIntegerField(_("depuis (année)"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=12, choices=RelationSource.choices)
    confidentiality = models.CharField(
        _("confidentialité"), max_length=10, choices=Confidentiality.choices, default=Confidentiality.PARTIES
    )
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=RelationStatus.choices,
        default=RelationStatus.PENDING,
        db_index=True,
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("déclarée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # A ledger category mapped to nothing: the animator's decision gives the relation its node.
    category_review = models.ForeignKey(
        "imports.MappingReview",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ledger_relations",
    )
    # A ledger supplier matched with doubt: the animator's decision re-links its relations.
    match_review = models.ForeignKey(
        "relations.SupplierMatchReview",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="relations",
    )
    # Imports: one relation per key, so that a rerun updates instead of duplicating.
    # Plain index too: SQLite does not use the partial unique index for ``external_key = %s``.
    external_key = models.CharField(_("clé d'import"), max_length=120, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("relation fournisseur–client")
        verbose_name_plural = _("relations fournisseur–client")
        ordering = ["-updated_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["external_key"],
                condition=~models.Q(external_key=""),
                name="unique_relation_external_key",
            ),
            models.CheckConstraint(
                condition=~models.Q(
                    supplier__isnull=True, supplier_siret="", supplier_name="", supplier_identifier=""
                ),
                name="relation_supplier_named",
            ),
            models.CheckConstraint(
                condition=~models.Q(client__isnull=True, client_siren="", client_name=""),
                name="relation_client_named",
            ),
        ]
        indexes = [models.Index(fields=["confidentiality", "status"])]

    def __str__(self):
        return f"{self.supplier_label} → {self.client_label}"

    @property
    def supplier_label(self) -> str:
        """The supplier's name: the directory's, else its ledger or DECP record's (this one's,
        or another record's of the same SIRET: ``supplier_name_known``, annotated by
        ``relations_visible``), else said unidentified with its SIRET: never a bare number."""
        if self.supplier_id:
            return self.supplier.display_name
        return outside_supplier_label(
            self.supplier_name or getattr(self, "supplier_name_known", None) or "",
            self.supplier_siret,
            self.supplier_identifier,
        )

    @property
    def client_label(self) -> str:
        if self.client_id:
            return self.client.display_name
        return self.client_name or self.client_siret or self.client_siren

    @property
    def category_label(self) -> str:
        if self.category_node_id:
            return self.category_node.label
        if self.cpv_id:
            return self.cpv.label
        return self.category_text


class RelationEvent(models.Model):
    """History of a relation: declared, confirmed, disputed, resolved, changed — who and why."""

    class Kind(models.TextChoices):
        DECLARED = "declared", _("Déclarée")
        CONFIRMED = "confirmed", _("Confirmée")
        DISPUTED = "disputed", _("Contestée")
        CHANGED = "changed", _("Modifiée")
        IMPORTED = "imported", _("Importée")

    relation = models.ForeignKey(SupplyRelation, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("événement"), max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("auteur"), on_delete=models.SET_NULL, null=True, blank=True
    )
    comment = models.TextField(_("commentaire"), blank=True)
    changes = models.JSONField(_("changements"), default=dict, blank=True)
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        verbose_name = _("historique de relation")
        verbose_name_plural = _("historiques de relation")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d})"


class PurchaseLine(models.Model):
    """One line of spend behind a relation: a ledger line, or a public market's holder share."""

    relation = models.ForeignKey(SupplyRelation, on_delete=models.CASCADE, related_name="lines")
    key = models.CharField(max_length=120, unique=True)
    year = models.PositiveSmallIntegerField(_("année"), db_index=True)
    amount = models.DecimalField(_("montant (€ HT)"), max_digits=14, decimal_places=2)
    file_name = models.CharField(_("fichier"), max_length=255, blank=True)
    line = models.CharField(_("ligne"), max_length=40, blank=True)
    import_run = models.ForeignKey(
        "imports.ImportRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ligne d'achat")
        verbose_name_plural = _("lignes d'achat")
        ordering = ["relation", "year", "pk"]

    def __str__(self):
        return f"{self.year} {self.amount} €"


class SupplierMatchReview(models.Model):
    """A ledger supplier matched by name with doubt: an animator picks the establishment, or none.

    Decided reviews are remembered: the same name in the same commune is matched the same way
    by later imports, whoever's ledger it comes from.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("À traiter")
        MATCHED = "matched", _("Rattaché à un établissement")
        NO_MATCH = "no_match", _("Aucun établissement")

    normalised_name = models.CharField(_("nom normalisé"), max_length=255, db_index=True)
    commune_code = models.CharField(_("commune"), max_length=5, blank=True)
    raw_name = models.CharField(_("nom saisi"), max_length=255)
    # [{"establishment": 12, "siret": "...", "name": "...", "score": 0.81}, ...], best first.
    candidates = models.JSONField(_("propositions"), default=list, blank=True)
    confidence = models.FloatField(_("confiance"), default=0.0)
    network = models.ForeignKey(
        "directory.Network", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file_name = models.CharField(_("fichier"), max_length=255, blank=True)
    line = models.PositiveIntegerField(_("ligne"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    establishment = models.ForeignKey(
        "directory.Establishment",
        verbose_name=_("établissement retenu"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("décidé le"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fournisseur à rattacher")
        verbose_name_plural = _("fournisseurs à rattacher")
        ordering = ["status", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["normalised_name", "commune_code"], name="unique_supplier_match_review"
            )
        ]

    def __str__(self):
        return f"{self.raw_name} ({self.commune_code or '—'})"
