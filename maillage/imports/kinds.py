"""The file imports of a network, from the command line or the back-office: one call, one report.

The commands ``import-profiles``, ``import-ledger`` and ``import-decp`` and the back-office
uploads (``maillage.imports.uploads``) both call ``run_file_import``: the same reader, the same
pipeline, the same batches and the same report; ``report_counts`` and ``reason_labels`` name
its figures for both, so that a file gives the same counts whichever way it was imported.
"""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from maillage.imports.decp import pipeline as decp
from maillage.imports.decp.parser import DecpFileError
from maillage.imports.ledger import pipeline as ledger
from maillage.imports.profiles import pipeline as profiles
from maillage.imports.profiles.reader import SpreadsheetError
from maillage.relations.models import Confidentiality

PROFILES, LEDGER, DECP = "profiles", "ledger", "decp"

# What refuses a file as a whole (unreadable, wrong encoding, missing column, empty, a bad
# option): the message names the file, and the line and column when there is one. ValueError
# covers the options' errors and MaillageError (a taxonomy not loaded).
FILE_ERRORS = (SpreadsheetError, DecpFileError, ValueError)

DEFAULT_BATCH_SIZE = {PROFILES: 200, LEDGER: 500, DECP: 1_000}

# The extensions each import reads (its reader decides on the content).
EXTENSIONS = {PROFILES: (".csv", ".xlsx"), LEDGER: (".csv", ".xlsx"), DECP: (".json", ".csv")}

COUNTS = {
    PROFILES: (
        ("read", _("lignes lues")),
        ("establishments_created", _("établissements créés")),
        ("memberships_set", _("adhésions enregistrées")),
        ("profiles_changed", _("profils modifiés")),
        ("profiles_unchanged", _("profils inchangés")),
        ("values_mapped", _("valeurs rattachées")),
        ("values_to_review", _("valeurs à valider (file)")),
        ("values_dismissed", _("valeurs écartées (décision)")),
        ("values_refiled", _("valeurs rangées dans une autre colonne")),
    ),
    LEDGER: (
        ("read", _("lignes lues")),
        ("lines_created", _("lignes d’achat créées")),
        ("lines_unchanged", _("lignes d’achat déjà importées")),
        ("relations_created", _("relations créées")),
        ("suppliers_matched", _("fournisseurs reconnus (lignes)")),
        ("suppliers_to_review", _("fournisseurs à valider (lignes)")),
        ("suppliers_outside", _("fournisseurs hors annuaire (lignes)")),
        ("categories_mapped", _("catégories rattachées (lignes)")),
        ("categories_unmapped", _("catégories non rattachées (lignes)")),
        ("categories_to_review", _("catégories mises en file de rattachement")),
    ),
    DECP: (
        ("read", _("marchés lus")),
        ("relations_created", _("relations créées")),
        ("lines_created", _("lignes d’achat créées")),
        ("lines_unchanged", _("lignes d’achat déjà importées")),
        ("lines_without_amount", _("titulaires sans montant ni date")),
        ("suppliers_in_directory", _("titulaires dans l'annuaire")),
        ("suppliers_outside", _("titulaires hors annuaire")),
    ),
}

REASON_LABELS = {PROFILES: profiles.Reason.LABELS, LEDGER: ledger.Reason.LABELS, DECP: decp.LABELS}


def run_file_import(
    kind: str,
    path: Path,
    *,
    wet_run: bool,
    network: str | None = None,
    batch_size: int | None = None,
    rejects_path: Path | None = None,
    actor=None,
    options: dict | None = None,
):
    """Import ``path`` as ``kind``; ``network`` is the slug of the network the import is for.

    ``options`` are those of the command: ``allow_removals`` (profiles); ``buyer``,
    ``buyer_name``, ``year``, ``confidentiality`` (ledger). Raises one of ``FILE_ERRORS`` when
    the file or an option is refused as a whole (nothing written).
    """
    options = options or {}
    batch_size = batch_size or DEFAULT_BATCH_SIZE[kind]
    if kind == PROFILES:
        return profiles.run_import(
            profiles.ProfileImportOptions(
                path=path,
                network=network,
                wet_run=wet_run,
                batch_size=batch_size,
                rejects_path=rejects_path,
                actor=actor,
                allow_removals=bool(options.get("allow_removals")),
            )
        )
    if kind == LEDGER:
        return ledger.run_ledger_import(
            ledger.LedgerOptions(
                path=path,
                buyer_siret=options["buyer"],
                buyer_name=options.get("buyer_name") or "",
                year=options.get("year"),
                network=network,
                confidentiality=options.get("confidentiality") or Confidentiality.ANIMATORS,
                wet_run=wet_run,
                batch_size=batch_size,
                rejects_path=rejects_path,
            )
        )
    if kind == DECP:
        return decp.run_decp_import(
            decp.DecpOptions(path=path, wet_run=wet_run, batch_size=batch_size, rejects_path=rejects_path)
        )
    raise ValueError(f"unknown import kind: {kind!r}")


def report_counts(kind: str, report: dict) -> list[tuple[str, int]]:
    """(label, number) of a report (``report.as_dict()``), in the order the command prints them."""
    values = report if kind == PROFILES else report.get("counts", {})
    return [(str(label), values.get(name, 0)) for name, label in COUNTS[kind]]


def rejected_counts(kind: str, report: dict) -> list[tuple[str, str, int]]:
    """(code, label, number) of the rejections by reason."""
    labels = REASON_LABELS[kind]
    return [(code, labels.get(code, code), n) for code, n in report.get("rejected", {}).items()]
