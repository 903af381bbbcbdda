"""Import runs: what was imported, with which options, and how far it got."""

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
