"""Import a profile spreadsheet: read, validate, map free text, write batch by batch.

Dry by default: every batch is processed in a transaction that is rolled back, so the counts
(establishments to create, profiles to change, values to review) are those a wet run would
produce, and nothing stays in the database. A wet run commits one transaction per batch and
records in its ``ImportRun`` the last committed line: rerunning the same command with the same
file resumes after it. Applying a profile is idempotent, so a rerun of a finished import
changes nothing.
"""

from __future__ import annotations

import csv
import hashlib
import json
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maillage.directory import services as directory_services
from maillage.directory.errors import DirectoryError
from maillage.directory.models import Establishment, Membership, Network, Organisation, Source
from maillage.directory.validators import validate_siret
from maillage.downloads import neutralised
from maillage.errors import MaillageError
from maillage.imports import limits
from maillage.imports.batch import ImportReportBase
from maillage.imports.models import ImportRun
from maillage.imports.profiles import services as review_services
from maillage.imports.profiles.cells import CellError, CellReader, ParsedItem
from maillage.imports.profiles.reader import Row, read_sheet
from maillage.imports.profiles.refiled import refiled_notes
from maillage.imports.services import (
    import_run_failure_recorded,
    import_run_resume_or_start,
    import_run_succeed,
)
from maillage.imports.sirene.geo import BOUNDS
from maillage.imports.sirene.reader import fingerprint
from maillage.profiles.errors import ProfileValidationError
from maillage.profiles.journal import WHOLE_ROW
from maillage.profiles.models import Certification, Equipment, ProfileReference
from maillage.profiles.selectors import profile_snapshot
from maillage.profiles.services import profile_apply_snapshot
from maillage.profiles.snapshot import CertificationEntry, EquipmentEntry, ProfileSnapshot
from maillage.referential.models import Commune, HeadcountBand, NafCode
from maillage.taxonomy.mapping import TaxonomyMapper
from maillage.taxonomy.models import TaxonomyNode

PROFILE_PARTS = ("description", "capabilities", "certifications", "equipment", "sectors", "references")
# The columns whose values are mapped to the taxonomy.
MAPPED_COLUMNS = ("capabilities", "certifications", "equipment", "sectors")


class Reason:
    EMPTY_REQUIRED = "empty_required"
    BAD_SIRET = "bad_siret"
    DUPLICATE_ROW = "duplicate_row"
    UNKNOWN_NAF = "unknown_naf"
    UNKNOWN_COMMUNE = "unknown_commune"
    BAD_COORDINATES = "bad_coordinates"
    UNKNOWN_HEADCOUNT_BAND = "unknown_headcount_band"
    INVALID_PROFILE = "invalid_profile"
    INVALID_ESTABLISHMENT = "invalid_establishment"
    WOULD_REMOVE = "would_remove"
    INVALID_VALUE = "invalid_value"
    LABELS = {
        INVALID_VALUE: "valeur refusée par la base (caractère nul, longueur, bornes)",
        "wrong_column_count": "nombre de champs",
        WOULD_REMOVE: "retirerait des valeurs déclarées (--allow-removals)",
        "formula_without_value": "formule sans valeur",
        "merged_cells": "cellules fusionnées",
        EMPTY_REQUIRED: "champ obligatoire vide",
        BAD_SIRET: "SIRET invalide",
        DUPLICATE_ROW: "SIRET en double",
        UNKNOWN_NAF: "code NAF inconnu",
        UNKNOWN_COMMUNE: "commune inconnue",
        BAD_COORDINATES: "coordonnées invalides",
        UNKNOWN_HEADCOUNT_BAND: "tranche d’effectifs inconnue",
        "unknown_code": "code de la taxonomie inconnu",
        "bad_unit": "unité incorrecte",
        "missing_unit": "unité manquante",
        "bad_spec": "caractéristique incorrecte",
        "bad_date": "date illisible",
        "bad_cell": "cellule illisible",
        INVALID_PROFILE: "profil refusé",
        INVALID_ESTABLISHMENT: "établissement refusé",
    }


class Rejected(Exception):
    def __init__(self, reason: str, column: str, detail: str):
        super().__init__(detail)
        self.reason, self.column, self.detail = reason, column, detail


@dataclass
class ProfileImportOptions:
    path: Path
    network: str | None = None
    wet_run: bool = False
    batch_size: int = 200
    rejects_path: Path | None = None
    actor: object | None = None
    allow_removals: bool = False


@dataclass
class ProfileImportReport(ImportReportBase):
    read: int = 0
    establishments_created: int = 0
    memberships_set: int = 0
    profiles_changed: int = 0
    profiles_unchanged: int = 0
    values_mapped: int = 0
    values_to_review: int = 0
    values_dismissed: int = 0
    values_refiled: int = 0
    removal_lines: int = 0
    changes: dict[str, int] = field(default_factory=dict)
    # Values written in another column than their type's: {line, siret, column, text, filed_in,
    # codes, pending, detail} (``refiled.refiled_notes``), the first MAX_REPORTED_REFILED.
    refiled: list[dict] = field(default_factory=list)
    # Lines that remove declared values: {line, siret, fields: {part: [items]}, applied}.
    removals: list[dict] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    encoding: str = ""

    COUNTERS = (
        "read",
        "establishments_created",
        "memberships_set",
        "profiles_changed",
        "profiles_unchanged",
        "values_mapped",
        "values_to_review",
        "values_dismissed",
        "values_refiled",
        "removal_lines",
    )

    def counts(self) -> dict:
        return {
            **{name: getattr(self, name) for name in self.COUNTERS},
            "changes": self.changes,
            "rejected": self.rejected,
        }

    def add(self, counts: dict) -> None:
        for name in self.COUNTERS:
            setattr(self, name, getattr(self, name) + counts.get(name, 0))
        for name in ("changes", "rejected"):
            merged = Counter(getattr(self, name))
            merged.update(counts.get(name, {}))
            setattr(self, name, dict(sorted(merged.items())))


@dataclass
class Prepared:
    row: Row
    siret: str
    name: str
    naf: str | None
    commune: str | None
    latitude: float | None
    longitude: float | None
    headcount_band: str | None
    snapshot: ProfileSnapshot
    parts: tuple[str, ...]
    review: list[ParsedItem]
    mapped: int
    dismissed: int
    # Values filed in a part whose column the sheet lacks: added to what the profile holds.
    additions: dict[str, tuple] = field(default_factory=dict)
    # Values written in another column than their type's, for the report (``refiled.refiled_notes``).
    notes: list[dict] = field(default_factory=list)


class _Referential:
    def __init__(self):
        self.naf = frozenset(
            NafCode.objects.filter(level=NafCode.Level.SUBCLASS).values_list("code", flat=True)
        )
        self.communes = {
            code: (parent if parent and kind != Commune.Kind.CURRENT else code, lat, lon)
            for code, parent, kind, lat, lon in Commune.objects.values_list(
                "insee_code", "parent_id", "kind", "latitude", "longitude"
            )
        }
        self.bands = frozenset(HeadcountBand.objects.values_list("code", flat=True))


def _naf(value: str) -> str:
    compact = value.replace(".", "").replace(" ", "").upper()
    return f"{compact[:2]}.{compact[2:]}" if len(compact) == 5 else value.strip().upper()


def _coordinate(value: str, column: str) -> float | None:
    if not value:
        return None
    try:
        return float(value.replace(",", "."))
    except ValueError as exc:
        raise Rejected(Reason.BAD_COORDINATES, column, f"« {value} » n'est pas un nombre") from exc


class RowPreparer:
    """Validates a row and turns it into a snapshot; rejections name the column."""

    def __init__(self, columns: list[str], referential: _Referential, cells: CellReader):
        self.columns = columns
        self.referential = referential
        self.cells = cells
        self.parts = tuple(part for part in PROFILE_PARTS if part in columns)
        self.seen: dict[str, int] = {}

    def prepare(self, row: Row) -> Prepared:
        if row.problems:
            raise Rejected(*row.problems[0])
        values = row.values
        for column, value in values.items():
            problem = limits.text_problem(value)
            if problem:
                raise Rejected(Reason.INVALID_VALUE, column, problem)
        siret = "".join(values.get("siret", "").split()).replace(".", "")
        if not siret:
            raise Rejected(Reason.EMPTY_REQUIRED, "siret", "SIRET vide")
        try:
            validate_siret(siret)
        except ValidationError as exc:
            raise Rejected(Reason.BAD_SIRET, "siret", f"« {siret} » : {exc.messages[0]}") from exc
        name = values.get("name", "").strip()
        if not name:
            raise Rejected(Reason.EMPTY_REQUIRED, "name", "nom vide")
        if siret in self.seen:
            detail = f"SIRET {siret} déjà présent ligne {self.seen[siret]}"
            raise Rejected(Reason.DUPLICATE_ROW, "siret", detail)
        self.seen[siret] = row.line
        naf = _naf(values["naf"]) if values.get("naf") else None
        if naf and naf not in self.referential.naf:
            detail = f"« {values['naf']} » n'est pas une sous-classe NAF rév. 2"
            raise Rejected(Reason.UNKNOWN_NAF, "naf", detail)
        commune = values.get("commune_insee", "").strip().upper() or None
        if commune and commune not in self.referential.communes:
            raise Rejected(Reason.UNKNOWN_COMMUNE, "commune_insee", f"commune « {commune} » inconnue")
        latitude = _coordinate(values.get("latitude", ""), "latitude")
        longitude = _coordinate(values.get("longitude", ""), "longitude")
        if (latitude is None) != (longitude is None):
            column = "longitude" if longitude is None else "latitude"
            raise Rejected(Reason.BAD_COORDINATES, column, "latitude et longitude vont ensemble")
        if latitude is not None and not any(
            lon_min <= longitude <= lon_max and lat_min <= latitude <= lat_max
            for lon_min, lon_max, lat_min, lat_max in BOUNDS.values()
        ):
            detail = f"({latitude}, {longitude}) hors de France (WGS84 attendu)"
            raise Rejected(Reason.BAD_COORDINATES, "latitude", detail)
        band = values.get("headcount_band", "").strip() or None
        if band and band not in self.referential.bands:
            raise Rejected(Reason.UNKNOWN_HEADCOUNT_BAND, "headcount_band", f"tranche « {band} » inconnue")
        snapshot, additions, items = self._snapshot(values)
        refused = _db_problem(name, replace(snapshot, **additions))
        if refused:
            raise Rejected(Reason.INVALID_VALUE, *refused)
        return Prepared(
            row,
            siret,
            name,
            naf,
            commune,
            latitude,
            longitude,
            band,
            snapshot,
            self.parts,
            review=[i for i in items if not i.result.accepted and not i.result.rejected_by_animator],
            mapped=sum(1 for i in items if i.result.accepted),
            dismissed=sum(1 for i in items if i.result.rejected_by_animator),
            additions=additions,
            notes=refiled_notes(items, self.cells.mapper),
        )

    def _snapshot(self, values: dict[str, str]):
        """The snapshot of the sheet's parts, the values filed in parts it lacks, and every item.

        Each item is filed in the column of its type (``CellReader.read``): « ISO13485 » written
        among the capabilities goes with the certifications, even when the sheet has no
        certifications column (then it is added to those the profile holds).
        """
        items: list[ParsedItem] = []
        for column in ("capabilities", "sectors", "certifications", "equipment"):
            if column not in self.parts:
                continue
            try:
                items += self.cells.read(values.get(column, ""), column)
            except CellError as exc:
                raise Rejected(exc.reason, column, exc.message) from exc
        filed: dict[str, list] = {column: [] for column in MAPPED_COLUMNS if column in self.parts}
        # Values in their own column first; a refiled one already there (written in both) is one value.
        for item in sorted(items, key=lambda item: item.refiled):
            if item.entry is None:
                continue
            entries = filed.setdefault(item.column, [])
            for entry in item.entry if isinstance(item.entry, list | tuple) else [item.entry]:
                if not item.refiled or all(_identity(entry) != _identity(other) for other in entries):
                    entries.append(entry)
        fields: dict[str, object] = {column: tuple(filed[column]) for column in filed if column in self.parts}
        additions = {column: tuple(entries) for column, entries in filed.items() if column not in self.parts}
        if "references" in self.parts:
            try:
                fields["references"] = tuple(self.cells.references(values.get("references", "")))
            except CellError as exc:
                raise Rejected(exc.reason, "references", exc.message) from exc
        if "description" in self.parts:
            fields["description"] = values.get("description", "").strip()
        return ProfileSnapshot(**fields), additions, items


def _new_entries(held: tuple, entries: tuple) -> list:
    known = {_identity(entry) for entry in held}
    return [entry for entry in entries if _identity(entry) not in known]


def _identity(entry) -> object:
    """What makes two entries of a part the same value: the code; a certification's code and
    number; a machine's type and label (``profile_apply_snapshot``'s duplicates)."""
    if isinstance(entry, CertificationEntry):
        return (entry.code, entry.number)
    if isinstance(entry, EquipmentEntry):
        return (entry.code, entry.label)
    return entry


def _db_problem(name: str, snapshot: ProfileSnapshot) -> tuple[str, str] | None:
    """(column, reason) of the first value the columns it goes to would refuse on either database.

    The rules are ``maillage.imports.limits``'; this says which model field each value lands in.
    """
    checks = [
        ("name", limits.text_field_problem(name, Establishment, "name")),
        ("name", limits.text_field_problem(name, Organisation, "name")),
    ]
    for entry in snapshot.certifications:
        checks += [
            ("certifications", limits.text_field_problem(entry.issuer, Certification, "issuer")),
            ("certifications", limits.text_field_problem(entry.number, Certification, "number")),
        ]
    for entry in snapshot.equipment:
        checks += [
            ("equipment", limits.text_field_problem(entry.label, Equipment, "label")),
            ("equipment", limits.integer_field_problem(entry.quantity, Equipment, "quantity")),
            *(("equipment", limits.float_problem(spec.value)) for spec in entry.specs),
        ]
    for entry in snapshot.references:
        checks += [
            ("references", limits.text_field_problem(entry.client, ProfileReference, "client")),
            ("references", limits.text_field_problem(entry.project, ProfileReference, "project")),
        ]
    return next(((column, problem) for column, problem in checks if problem), None)


def _establishment(prepared: Prepared, referential: _Referential) -> tuple[Establishment, bool]:
    establishment = Establishment.objects.filter(siret=prepared.siret).first()
    if establishment is not None:
        return establishment, False
    siren = prepared.siret[:9]
    organisation = Organisation.objects.filter(siren=siren).first() or directory_services.organisation_create(
        siren=siren,
        name=prepared.name,
        naf_id=prepared.naf,
        headcount_band_id=prepared.headcount_band,
        source=Source.SPREADSHEET,
    )
    latitude, longitude = prepared.latitude, prepared.longitude
    precision = Establishment.GeoPrecision.NONE
    if latitude is not None:
        precision = Establishment.GeoPrecision.ADDRESS
    commune_id = None
    if prepared.commune:
        commune_id, commune_lat, commune_lon = referential.communes[prepared.commune]
        if latitude is None and commune_lat is not None:
            latitude, longitude = commune_lat, commune_lon
            precision = Establishment.GeoPrecision.COMMUNE
    establishment = directory_services.establishment_create(
        siret=prepared.siret,
        organisation=organisation,
        name=prepared.name,
        naf_id=prepared.naf,
        headcount_band_id=prepared.headcount_band,
        commune_id=commune_id,
        latitude=latitude,
        longitude=longitude,
        geo_precision=precision,
        source=Source.SPREADSHEET,
    )
    return establishment, True


def _field_column(field_name: str) -> str:
    return field_name.split("[", 1)[0].split(".", 1)[0]


def _options_key(options: ProfileImportOptions) -> tuple[str, dict]:
    described = {"file": fingerprint(options.path), "network": options.network}
    return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest(), described


class _Rejects:
    HEADER = ("line", "siret", "column", "reason", "detail")

    def __init__(self, path: Path | None, keep_until_line: int | None):
        self.handle = None
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        kept = []
        if keep_until_line is not None and path.exists():
            with open(path, encoding="utf-8", newline="") as handle:
                kept = [r for r in csv.DictReader(handle) if int(r["line"]) <= keep_until_line]
        self.handle = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 (closed by close())
        self.writer = csv.DictWriter(self.handle, self.HEADER)
        self.writer.writeheader()
        self.writer.writerows(kept)

    def write(self, rows: list[dict]) -> None:
        if self.handle is not None:
            self.writer.writerows(neutralised(row) for row in rows)
            self.handle.flush()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()


class _DryRunRollback(Exception):
    pass


def run_import(options: ProfileImportOptions) -> ProfileImportReport:
    started = time.perf_counter()
    sheet = read_sheet(options.path)
    network = None
    if options.network:
        network = Network.objects.filter(slug=options.network).first()
        if network is None:
            raise ValueError(f"--network {options.network} : réseau inconnu")
    mapped_columns = [column for column in MAPPED_COLUMNS if column in sheet.columns]
    if mapped_columns and not TaxonomyNode.objects.exists():
        # Without it every value would silently go to the review queue.
        raise MaillageError(
            "taxonomy",
            _(
                "%(file)s : la taxonomie des savoir-faire n’est pas chargée (colonnes %(columns)s) ; "
                "lancez d’abord « maillage load-taxonomy --wet-run »"
            )
            % {"file": options.path.name, "columns": ", ".join(mapped_columns)},
        )
    report = ProfileImportReport(
        wet_run=options.wet_run, ignored_columns=sheet.ignored_columns, encoding=sheet.encoding
    )
    referential = _Referential()
    preparer = RowPreparer(sheet.columns, referential, CellReader(TaxonomyMapper.from_database()))
    key, described = _options_key(options)

    run, resume_after = None, 1
    if options.wet_run:
        run, resumed = import_run_resume_or_start(
            kind=ImportRun.Kind.PROFILES, path=options.path, described=described, key=key
        )
        if resumed:
            resume_after = run.last_committed_line
            report.resumed_from_line = resume_after + 1
            report.add(run.counts)
            report.records = run.records_done
        report.run_id = run.pk
        if options.rejects_path is None:
            options.rejects_path = settings.DATA_DIR / "imports" / f"profiles-{run.pk}-rejets.csv"
    report.rejects_path = str(options.rejects_path) if options.rejects_path else None
    keep_until = resume_after if report.resumed_from_line else None

    # From here on, whatever stops the import (KeyboardInterrupt included) fails its run.
    with import_run_failure_recorded(run), _Rejects(options.rejects_path, keep_until) as rejects:
        batch: list[Row] = []
        for row in sheet.rows:
            if row.line <= resume_after and report.resumed_from_line:
                # Already committed; still seen, so that a duplicate after the resume point is caught.
                preparer.seen.setdefault("".join(row.values.get("siret", "").split()), row.line)
                continue
            batch.append(row)
            if len(batch) >= options.batch_size:
                _run_batch(batch, preparer, referential, network, options, report, run, rejects)
                batch = []
        if batch:
            _run_batch(batch, preparer, referential, network, options, report, run, rejects)
        import_run_succeed(run=run, counts=report.counts())
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _run_batch(batch, preparer, referential, network, options, report, run, rejects) -> None:
    counts: Counter = Counter()
    changes: Counter = Counter()
    rejected: list[dict] = []
    removals: list[dict] = []
    refiled: list[dict] = []
    try:
        with transaction.atomic():
            for row in batch:
                counts["read"] += 1
                try:
                    prepared = preparer.prepare(row)
                    with transaction.atomic():
                        _write(prepared, referential, network, options, run, counts, changes, removals)
                    counts["values_refiled"] += len(prepared.notes)
                    refiled += [{"line": row.line, "siret": prepared.siret, **n} for n in prepared.notes]
                except Rejected as exc:
                    siret = "".join(row.values.get("siret", "").split())
                    rejected.append(
                        {
                            "line": row.line,
                            "siret": siret,
                            "column": exc.column,
                            "reason": exc.reason,
                            "detail": exc.detail,
                        }
                    )
            counts_dict = {
                **counts,
                "changes": dict(changes),
                "rejected": dict(Counter(r["reason"] for r in rejected)),
            }
            report.add(counts_dict)
            report.records += len(batch)
            report.removals += removals[: max(0, MAX_REPORTED_REMOVALS - len(report.removals))]
            report.refiled += refiled[: max(0, MAX_REPORTED_REFILED - len(report.refiled))]
            if len(report.first_rejects) < 20:
                report.first_rejects += rejected[: 20 - len(report.first_rejects)]
            rejects.write(rejected)
            if not options.wet_run:
                raise _DryRunRollback
            run.last_committed_line = batch[-1].line
            run.batches_committed += 1
            run.records_done = report.records
            run.counts = report.counts()
            run.save()
    except _DryRunRollback:
        pass


# The profile part each audited object belongs to.
_PART_OF = {
    "capability": "capabilities",
    "certification": "certifications",
    "equipment": "equipment",
    "sector": "sectors",
    "reference": "references",
}
MAX_REPORTED_REMOVALS = 1_000
MAX_REPORTED_REFILED = 1_000


def removals_of(diff) -> dict[str, list[str]]:
    """What a profile change takes away from what the member declared, by part, in PROFILE_PARTS order.

    Rows removed; capabilities set to « rejected »; the description emptied. A changed value
    (a quantity, a new description) is not a removal.
    """
    removed: dict[str, list[str]] = {}
    for change in diff.changes:
        if change.field == WHOLE_ROW and change.after is None:
            part, item = _PART_OF.get(change.object_type), change.object_key
        elif change.object_type == "capability" and change.field == "status" and change.after == "rejected":
            part, item = "capabilities", change.object_key
        elif change.object_type == "profile" and change.field == "description_fr" and change.before:
            part, item = ("description", str(change.before)[:60]) if not change.after else (None, "")
        else:
            part = None
        if part:
            removed.setdefault(part, []).append(item)
    return {part: removed[part] for part in PROFILE_PARTS if part in removed}


def _removal_words(removed: dict[str, list[str]]) -> str:
    return " ; ".join(f"{part} ({', '.join(items)})" for part, items in removed.items())


def _write(
    prepared: Prepared, referential, network, options, run, counts: Counter, changes: Counter, removals: list
) -> None:
    try:
        establishment, created = _establishment(prepared, referential)
    except DirectoryError as exc:
        raise Rejected(Reason.INVALID_ESTABLISHMENT, "siret", exc.message) from exc
    counts["establishments_created"] += created
    if network is not None:
        membership = Membership.objects.filter(network=network, establishment=establishment).first()
        if membership is None or membership.status != Membership.Status.MEMBER:
            directory_services.membership_set(
                network=network, establishment=establishment, status=Membership.Status.MEMBER
            )
            counts["memberships_set"] += 1
    snapshot, parts = prepared.snapshot, prepared.parts
    if prepared.additions:
        # Parts the sheet has no column for: the refiled values are added, nothing is taken away.
        held = profile_snapshot(establishment)
        added = {
            column: (*getattr(held, column), *_new_entries(getattr(held, column), entries))
            for column, entries in prepared.additions.items()
        }
        snapshot, parts = replace(snapshot, **added), (*parts, *added)
    try:
        diff = profile_apply_snapshot(
            establishment=establishment,
            snapshot=snapshot,
            actor=options.actor,
            source="spreadsheet",
            parts=parts,
        )
    except ProfileValidationError as exc:
        raise Rejected(Reason.INVALID_PROFILE, _field_column(exc.field), str(exc)) from exc
    removed = removals_of(diff)
    if removed:
        counts["removal_lines"] += 1
        removals.append(
            {
                "line": prepared.row.line,
                "siret": prepared.siret,
                "fields": removed,
                "applied": options.allow_removals,
            }
        )
        if not options.allow_removals:
            # Raised inside the line's savepoint: nothing of the line is written.
            raise Rejected(
                Reason.WOULD_REMOVE,
                ", ".join(removed),
                f"retirerait ce que l'adhérent a déclaré : {_removal_words(removed)} ; "
                "relancez avec --allow-removals pour l'accepter",
            )
    counts["profiles_changed" if diff else "profiles_unchanged"] += 1
    for (object_type, kind), number in diff.counts().items():
        changes[f"{object_type}_{kind}"] += number
    counts["values_mapped"] += prepared.mapped
    counts["values_dismissed"] += prepared.dismissed
    counts["values_to_review"] += len(prepared.review)
    for item in prepared.review:
        review_services.mapping_review_submit(
            item=item,
            establishment=establishment,
            import_run=run,
            file_name=options.path.name,
            line=prepared.row.line,
        )
