"""Import runs, and the review of spreadsheet values that could not be mapped with confidence."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    """One wet run of an import command over one file.

    The run row is updated in the same transaction as each batch it commits, so
    ``last_committed_line``/``last_committed_offset`` always describe what is in the database:
    a rerun with the same file and options after a crash starts right after them.
    """

    class Kind(models.TextChoices):
        SIRENE = "sirene", _("SIRENE (établissements)")
        PROFILES = "profiles", _("Tableur des profils")
        LEDGER = "ledger", _("Grand livre d'achats")
        DECP = "decp", _("Commande publique (DECP)")

    class Status(models.TextChoices):
        RUNNING = "running", _("En cours")
        SUCCEEDED = "succeeded", _("Terminé")
        FAILED = "failed", _("Échoué")

    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    file_path = models.CharField(_("fichier"), max_length=500)
    file_fingerprint = models.CharField(_("empreinte du fichier"), max_length=80, db_index=True)
    # Fingerprints of secondary files (e.g. StockUniteLegale) and filters: a resumed run must
    # use the same ones, else its batches would not line up with what was committed.
    options = models.JSONField(_("options"), default=dict)
    options_key = models.CharField(max_length=64, db_index=True)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    last_committed_line = models.PositiveBigIntegerField(_("dernière ligne validée"), default=1)
    last_committed_offset = models.PositiveBigIntegerField(_("position dans le fichier"), default=0)
    batches_committed = models.PositiveIntegerField(_("lots validés"), default=0)
    # Records (lines, markets) of the committed batches, rejected ones included: with the dry
    # run's total, the progress bar of an import launched from the back-office.
    records_done = models.PositiveBigIntegerField(_("enregistrements traités"), default=0)
    resumed_count = models.PositiveIntegerField(_("reprises"), default=0)
    counts = models.JSONField(_("compteurs"), default=dict)
    error = models.TextField(_("erreur"), blank=True)
    started_at = models.DateTimeField(_("début"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mise à jour"), auto_now=True)
    finished_at = models.DateTimeField(_("fin"), null=True, blank=True)

    class Meta:
        verbose_name = _("exécution d'import")
        verbose_name_plural = _("exécutions d'import")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.file_path} ({self.get_status_display()})"


class ImportUpload(models.Model):
    """A file an animator uploaded in the back-office, its dry run, and its wet run in the queue.

    The file is stored under ``MEDIA_ROOT/imports/`` (``maillage.imports.uploads``); the dry run
    is made when it is uploaded (``dry_report``), the wet run by the task queue (``report``),
    through the same pipeline as the import commands (``maillage.imports.kinds``). While the wet
    run goes, its ``ImportRun`` records the committed batches: the progress bar reads it.
    """

    class Kind(models.TextChoices):
        PROFILES = "profiles", _("Tableur des adhérents et de leurs profils")
        LEDGER = "ledger", _("Grand livre d'achats")
        DECP = "decp", _("Commande publique (DECP)")

    class Status(models.TextChoices):
        CHECKED = "checked", _("Essai à blanc fait")
        QUEUED = "queued", _("En file d'attente")
        RUNNING = "running", _("Import en cours")
        SUCCEEDED = "succeeded", _("Importé")
        FAILED = "failed", _("Échoué")

    network = models.ForeignKey(
        "directory.Network", verbose_name=_("réseau"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    # Relative to MEDIA_ROOT; the name is the one the animator's file had.
    file = models.CharField(_("fichier stocké"), max_length=500)
    file_name = models.CharField(_("fichier"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("taille (octets)"), default=0)
    file_fingerprint = models.CharField(_("empreinte du fichier"), max_length=80, blank=True)
    # The options of the command (buyer, year, confidentiality, allow_removals…).
    options = models.JSONField(_("options"), default=dict, blank=True)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.CHECKED)
    dry_report = models.JSONField(_("bilan de l'essai à blanc"), default=dict, blank=True)
    report = models.JSONField(_("bilan de l'import"), default=dict, blank=True)
    total = models.PositiveBigIntegerField(_("enregistrements du fichier"), default=0)
    import_run = models.ForeignKey(
        ImportRun,
        verbose_name=_("exécution"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    error = models.TextField(_("erreur"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("déposé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("importé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("déposé le"), auto_now_add=True)
    queued_at = models.DateTimeField(_("lancé le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("fini le"), null=True, blank=True)

    class Meta:
        verbose_name = _("import depuis le navigateur")
        verbose_name_plural = _("imports depuis le navigateur")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.file_name} ({self.get_status_display()})"

    @property
    def rejected_total(self) -> int:
        """Lines rejected by the import, or by its dry run until it is made."""
        return sum((self.report or self.dry_report).get("rejected", {}).values())


class MappingColumn(models.TextChoices):
    """The spreadsheet columns whose free text is mapped to the taxonomy."""

    CAPABILITIES = "capabilities", _("Savoir-faire, matières et services")
    CERTIFICATIONS = "certifications", _("Certifications")
    SECTORS = "sectors", _("Secteurs servis")
    EQUIPMENT = "equipment", _("Équipements")


class MappingNodeType(models.TextChoices):
    """The group of node types a column maps to (``maillage.taxonomy.mapping.COLUMN_KIND``)."""

    CAPABILITY = "capability", _("Procédé, matière ou service")
    CERTIFICATION = "certification", _("Certification")
    SECTOR = "sector", _("Secteur servi")
    EQUIPMENT = "equipment", _("Type d'équipement")


class MappingReview(models.Model):
    """A spreadsheet value the mapper would not apply on its own: an animator decides.

    One pending review per text, node type and establishment, so that importing the same file
    again does not pile up duplicates.

    Purchase ledgers (``origin`` = ledger, ``maillage.imports.ledger.pipeline``) queue their unmapped
    categories here too: one review per network and text, whatever its status, without an
    establishment; ``line_count`` and ``amount`` are the purchase lines waiting for it, and the
    decision gives their relations the category (``relations.services.ledger_category_apply``).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("À traiter")
        MAPPED = "mapped", _("Rattaché à un nœud")
        DISMISSED = "dismissed", _("Sans correspondance")

    class Origin(models.TextChoices):
        PROFILE = "profile", _("Tableur des profils")
        LEDGER = "ledger", _("Grand livre d'achats")

    origin = models.CharField(
        _("origine"), max_length=10, choices=Origin.choices, default=Origin.PROFILE, db_index=True
    )
    network = models.ForeignKey(
        "directory.Network",
        verbose_name=_("réseau"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    line_count = models.PositiveIntegerField(_("lignes d'achat concernées"), default=0)
    amount = models.DecimalField(
        _("montant concerné (€ HT)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    column = models.CharField(_("colonne"), max_length=16, choices=MappingColumn.choices)
    # The spreadsheet column the member wrote the value in, when it waits in another one
    # (« ISO 9001 en cours » among the capabilities waits as a certification); else empty.
    written_column = models.CharField(
        _("écrit dans la colonne"), max_length=16, choices=MappingColumn.choices, blank=True, default=""
    )
    node_type = models.CharField(_("type de nœud"), max_length=16, choices=MappingNodeType.choices)
    raw_text = models.CharField(_("texte saisi"), max_length=500)
    item = models.TextField(_("élément complet de la cellule"), blank=True)
    normalised_text = models.CharField(_("texte normalisé"), max_length=500, db_index=True)
    # [{"code": "proc.machining.milling", "score": 0.72}, ...], best first.
    proposals = models.JSONField(_("propositions"), default=list, blank=True)
    confidence = models.FloatField(_("confiance"), default=0.0)
    establishment = models.ForeignKey(
        "directory.Establishment",
        verbose_name=_("établissement"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    import_run = models.ForeignKey(
        ImportRun,
        verbose_name=_("import"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    file_name = models.CharField(_("fichier"), max_length=255, blank=True)
    line = models.PositiveIntegerField(_("ligne"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    decided_node = models.ForeignKey(
        "taxonomy.TaxonomyNode",
        verbose_name=_("nœud retenu"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("décidé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("décidé le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("rattachement à valider")
        verbose_name_plural = _("rattachements à valider")
        ordering = ["status", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["node_type", "normalised_text", "establishment"],
                condition=models.Q(status="pending"),
                name="unique_pending_mapping_review",
            ),
            models.UniqueConstraint(
                fields=["node_type", "normalised_text", "network"],
                condition=models.Q(origin="ledger"),
                name="unique_ledger_category_review",
            ),
        ]

    def __str__(self):
        return f"{self.raw_text} ({self.get_column_display()})"


class MappingDecision(models.Model):
    """An animator's decision, applied automatically to the same text in later imports.

    ``node`` empty means "this text names nothing of the taxonomy": it is then ignored.
    """

    node_type = models.CharField(_("type de nœud"), max_length=16, choices=MappingNodeType.choices)
    normalised_text = models.CharField(_("texte normalisé"), max_length=500)
    example = models.CharField(_("exemple de saisie"), max_length=500, blank=True)
    node = models.ForeignKey(
        "taxonomy.TaxonomyNode",
        verbose_name=_("nœud"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("décidé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("décidé le"), auto_now=True)

    class Meta:
        verbose_name = _("rattachement mémorisé")
        verbose_name_plural = _("rattachements mémorisés")
        constraints = [
            models.UniqueConstraint(fields=["normalised_text", "node_type"], name="unique_mapping_decision")
        ]

    def __str__(self):
        return f"{self.normalised_text} → {self.node.code if self.node_id else '∅'}"
