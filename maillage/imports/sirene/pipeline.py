"""Run a SIRENE import: read, filter, validate, compare with the database, write batch by batch.

Dry by default: counts what would be created, updated or left unchanged (``source_hash``) and
what is rejected, writing nothing to the database. With ``wet_run`` each batch is one
transaction that also records, in its ``ImportRun``, the last committed line and byte offset:
a crash loses at most the batch in flight, and rerunning the same command resumes after the
last committed batch. A rerun of a finished import writes nothing, since every hash matches.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import polars as pl
from django.conf import settings
from django.db import transaction

from maillage.directory import bulk, services
from maillage.directory.models import Establishment
from maillage.downloads import FORMULA_START, PLAIN_NUMBER
from maillage.imports.batch import ImportReportBase
from maillage.imports.models import ImportRun
from maillage.imports.services import (
    import_run_failure_recorded,
    import_run_resume_or_start,
    import_run_succeed,
)
from maillage.imports.sirene import reader
from maillage.imports.sirene.parse import (
    REJECT_SCHEMA,
    Filters,
    ParsedBatch,
    Referential,
    parse_batch,
    record_hashes,
)
from maillage.imports.sirene.schema import ETABLISSEMENT_COLUMNS, Reason
from maillage.imports.sirene.unites_legales import UniteLegaleCursor
from maillage.referential.models import Commune, Epci, HeadcountBand, LegalCategory, NafCode

# Test hook: hang inside the transaction of this batch number (see tests/imports/test_crash.py).
HANG_ENV = "MAILLAGE_SIRENE_TEST_HANG_IN_BATCH"
HANG_MARKER_ENV = "MAILLAGE_SIRENE_TEST_MARKER"


class ImportOptionError(ValueError):
    pass


@dataclass
class ImportOptions:
    path: Path
    unites_legales: Path | None = None
    departments: list[str] | None = None
    epci: str | None = None
    naf_sections: list[str] | None = None
    active_only: bool = False
    wet_run: bool = False
    batch_size: int = 50_000
    rejects_path: Path | None = None


@dataclass
class ImportReport(ImportReportBase):
    read: int = 0
    kept: int = 0
    filtered_out: int = 0
    to_create: int = 0
    to_update: int = 0
    unchanged: int = 0

    COUNTERS = ("read", "kept", "filtered_out", "to_create", "to_update", "unchanged")

    def add(self, other: dict) -> None:
        for name in self.COUNTERS:
            setattr(self, name, getattr(self, name) + other.get(name, 0))
        rejected = Counter(self.rejected)
        rejected.update(other.get("rejected", {}))
        self.rejected = dict(sorted(rejected.items()))

    def counts(self) -> dict:
        return {**{name: getattr(self, name) for name in self.COUNTERS}, "rejected": self.rejected}


def load_referential() -> Referential:
    rows = list(
        Commune.objects.values_list("insee_code", "parent_id", "kind", "latitude", "longitude", "epci_id")
    )
    by_code = {code: (lat, lon, epci) for code, _parent, _kind, lat, lon, epci in rows}
    codes, targets, lats, lons, epcis = [], [], [], [], []
    for code, parent, kind, lat, lon, epci in rows:
        # Establishments in an arrondissement or a delegated commune belong to the commune.
        target = parent if parent and kind != Commune.Kind.CURRENT else code
        t_lat, t_lon, t_epci = by_code.get(target, (lat, lon, epci))
        codes.append(code)
        targets.append(target)
        lats.append(t_lat if t_lat is not None else lat)
        lons.append(t_lon if t_lon is not None else lon)
        epcis.append(t_epci)
    communes = pl.DataFrame(
        {"code": codes, "commune_id": targets, "commune_lat": lats, "commune_lon": lons, "epci_id": epcis},
        schema={
            "code": pl.String,
            "commune_id": pl.String,
            "commune_lat": pl.Float64,
            "commune_lon": pl.Float64,
            "epci_id": pl.String,
        },
    )
    naf = NafCode.objects.values_list("code", "section", "level")
    return Referential(
        communes=communes,
        naf_sections={code: section for code, section, _level in naf},
        naf_subclasses=frozenset(code for code, _s, level in naf if level == NafCode.Level.SUBCLASS),
        headcount_bands=frozenset(HeadcountBand.objects.values_list("code", flat=True)),
        legal_categories=frozenset(LegalCategory.objects.values_list("code", flat=True)),
    )


def build_filters(options: ImportOptions, referential: Referential) -> Filters:
    commune_ids = None
    if options.epci:
        if not Epci.objects.filter(siren=options.epci).exists():
            raise ImportOptionError(f"--epci {options.epci} : EPCI inconnu du référentiel")
        commune_ids = frozenset(
            referential.communes.filter(pl.col("epci_id") == options.epci)["commune_id"].unique().to_list()
        )
    sections = None
    if options.naf_sections:
        sections = frozenset(s.strip().upper() for s in options.naf_sections)
        unknown = sections - set(referential.naf_sections.values())
        if unknown:
            raise ImportOptionError(f"--naf-sections : sections NAF inconnues {sorted(unknown)}")
    departments = frozenset(d.strip().upper() for d in options.departments) if options.departments else None
    return Filters(departments, commune_ids, sections, options.active_only)


def _options_key(options: ImportOptions) -> tuple[str, dict]:
    described = {
        "file": reader.fingerprint(options.path),
        "unites_legales": reader.fingerprint(options.unites_legales) if options.unites_legales else None,
        "departments": sorted(options.departments or []),
        "epci": options.epci,
        "naf_sections": sorted(options.naf_sections or []),
        "active_only": options.active_only,
    }
    return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest(), described


def _check_header(header: list[str], path: Path) -> None:
    if tuple(header) != ETABLISSEMENT_COLUMNS:
        unexpected = [c for c in header if c not in ETABLISSEMENT_COLUMNS]
        missing = [c for c in ETABLISSEMENT_COLUMNS if c not in header]
        raise reader.SireneFileError(
            f"{path}, ligne 1 : en-tête différent du format StockEtablissement "
            f"({len(header)} colonnes au lieu de {len(ETABLISSEMENT_COLUMNS)} ; "
            f"absentes : {missing[:5]} ; inattendues : {unexpected[:5]})"
        )


class _RejectWriter:
    def __init__(self, path: Path | None, resume_after_line: int | None):
        self.path = path
        self.handle: TextIO | None = None
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        kept: list[list[str]] = []
        if resume_after_line is not None and path.exists():
            # Rows of the batch that crashed, and legal-unit rows (re-read from the start), go.
            with open(path, encoding="utf-8", newline="") as handle:
                kept = [
                    [r["line"], r["siret"], r["reason"], r["detail"]]
                    for r in csv.DictReader(handle)
                    if int(r["line"]) <= resume_after_line and r["reason"] != Reason.MALFORMED_UNITE_LEGALE
                ]
        self.handle = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 (closed by close())
        writer = csv.writer(self.handle)
        writer.writerow(list(REJECT_SCHEMA))
        writer.writerows(kept)
        self.handle.flush()

    def write(self, rejects: pl.DataFrame) -> None:
        if self.handle is not None and rejects.height:
            # What the file said goes back to a user who opens it in a spreadsheet: no formulas.
            text = [name for name, dtype in rejects.schema.items() if dtype == pl.String]
            safe = rejects.with_columns(
                pl.when(pl.col(name).str.contains(FORMULA_START) & ~pl.col(name).str.contains(PLAIN_NUMBER))
                .then("'" + pl.col(name))
                .otherwise(pl.col(name))
                .alias(name)
                for name in text
            )
            safe.sort("line").write_csv(self.handle, include_header=False)
            self.handle.flush()

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()


def _organisations(records: pl.DataFrame, registered: pl.DataFrame) -> pl.DataFrame:
    """One row per SIREN: the legal unit's data when known, else the establishment's name."""
    fallback = (
        records.sort(["siren", "is_head_office"], descending=[False, True])
        .with_columns(
            fallback=pl.when(pl.col("name") != "")
            .then(pl.col("name"))
            .when(pl.col("trade_name") != "")
            .then(pl.col("trade_name"))
            .otherwise(pl.format("SIREN {}", "siren"))
        )
        .group_by("siren", maintain_order=True)
        .agg(pl.col("fallback").first())
    )
    merged = fallback.join(registered, on="siren", how="left")
    return merged.select(
        "siren",
        name=pl.col("name").fill_null(pl.col("fallback")),
        acronym=pl.col("acronym").fill_null(""),
        legal_category_id="legal_category_id",
        size_category=pl.col("size_category").fill_null(""),
        naf_id="naf_id",
        headcount_band_id="headcount_band_id",
        creation_date="creation_date",
        is_active=pl.col("is_active").fill_null(True),
        overwrite=pl.col("is_active").is_not_null(),
    )


def _compare(parsed: ParsedBatch, existing: dict[str, str]) -> tuple[pl.DataFrame, pl.Series, dict]:
    """Records to keep, which of them changed, and the batch's counts (rejections aside)."""
    records = parsed.records
    known = records["siret"].is_in(pl.Series(list(existing), dtype=pl.String).implode())
    # Closed rows under --active-only only matter for establishments already known.
    dropped = int((records["closure_only"] & ~known).sum())
    records = records.filter(~records["closure_only"] | known)
    known = records["siret"].is_in(pl.Series(list(existing), dtype=pl.String).implode())
    previous = records["siret"].replace_strict(existing, default=None, return_dtype=pl.String)
    changed = ~known | (previous != records["source_hash"]).fill_null(True)
    counts = {
        "read": parsed.read,
        "filtered_out": parsed.filtered_out + dropped,
        "kept": parsed.kept - dropped,
        "to_create": int((~known).sum()),
        "to_update": int((known & changed).sum()),
        "unchanged": int((known & ~changed).sum()),
    }
    return records, changed, counts


def _hang_if_asked(batch_number: int) -> None:
    if os.environ.get(HANG_ENV) == str(batch_number):
        marker = os.environ.get(HANG_MARKER_ENV)
        if marker:
            Path(marker).write_text(str(batch_number))
        time.sleep(600)


def _start_run(
    options: ImportOptions, report: ImportReport, key, described
) -> tuple[ImportRun | None, int, int | None]:
    """A wet run's ImportRun (resumed after a crash, or new) and the line and byte to start from."""
    if not options.wet_run:
        return None, 2, None
    start_line, start_offset = 2, None
    run, resumed = import_run_resume_or_start(
        kind=ImportRun.Kind.SIRENE, path=options.path, described=described, key=key
    )
    if resumed:
        start_line, start_offset = run.last_committed_line + 1, run.last_committed_offset
        report.resumed_from_line = start_line
        report.add(run.counts)
    report.run_id = run.pk
    if options.rejects_path is None:
        options.rejects_path = settings.DATA_DIR / "imports" / f"sirene-{run.pk}-rejets.csv"
    return run, start_line, start_offset


def run_import(options: ImportOptions, *, progress: bool = False) -> ImportReport:
    started = time.perf_counter()
    reader.check_file(options.path)
    if options.unites_legales:
        reader.check_file(options.unites_legales)
    referential = load_referential()
    filters = build_filters(options, referential)
    report = ImportReport(wet_run=options.wet_run)
    key, described = _options_key(options)

    run, start_line, start_offset = _start_run(options, report, key, described)
    report.rejects_path = str(options.rejects_path) if options.rejects_path else None

    # From here on, whatever stops the import (KeyboardInterrupt included) fails its run.
    with import_run_failure_recorded(run):
        _run_batches(options, referential, filters, report, run, start_line, start_offset, progress)
        import_run_succeed(run=run, counts=report.counts())
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _run_batches(options, referential, filters, report, run, start_line, start_offset, progress) -> None:
    stream = cursor = rejects_out = None
    try:
        stream = reader.open_binary(options.path)
        cursor = UniteLegaleCursor(options.unites_legales, referential) if options.unites_legales else None
        rejects_out = _RejectWriter(
            options.rejects_path, start_line - 1 if report.resumed_from_line else None
        )
        # A dry run against an empty directory needs no lookups at all.
        lookups = options.wet_run or Establishment.objects.exists()
        header, header_bytes = reader.read_header(stream, options.path)
        _check_header(header, options.path)
        skip = (start_offset - header_bytes) if start_offset else 0
        batches = reader.iter_batches(
            stream,
            batch_size=options.batch_size,
            start_line=start_line,
            start_offset=start_offset or header_bytes,
            skip_bytes=skip,
            file=options.path,
        )
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(unit=" lignes", unit_scale=True, desc=options.path.name)
        batch_number = run.batches_committed if run else 0
        for batch in batches:
            batch_number += 1
            parsed = parse_batch(batch.lines, batch.line_numbers, batch.bad_encoding, referential, filters)
            # Hashes only matter against existing rows or to be stored: a dry run into an empty
            # directory skips them.
            parsed.records = parsed.records.with_columns(
                source_hash=record_hashes(parsed.records) if lookups else pl.lit(None, dtype=pl.String)
            )
            existing = bulk.existing_hashes(parsed.records["siret"].to_list()) if lookups else {}
            records, changed_mask, counts = _compare(parsed, existing)
            registered = cursor.lookup(records["siren"], batch.first_line) if cursor else None
            rejects = parsed.rejects
            if cursor is not None:
                rejects = pl.concat([rejects, cursor.take_rejects()])
            reasons = rejects["reason"].value_counts()
            counts["rejected"] = dict(zip(reasons["reason"], reasons["count"], strict=True))
            report.add(counts)
            if len(report.first_rejects) < 20 and rejects.height:
                report.first_rejects += rejects.sort("line").head(20 - len(report.first_rejects)).to_dicts()
            if not options.wet_run:
                rejects_out.write(rejects)
            else:
                changed = records.filter(changed_mask)
                if registered is None:
                    registered = pl.DataFrame(schema={"siren": pl.String, **_NO_UL})
                organisations = _organisations(records if cursor else changed, registered)
                with transaction.atomic():
                    services.establishments_bulk_upsert(
                        establishments=changed.select(bulk.ESTABLISHMENT_COLUMNS), organisations=organisations
                    )
                    rejects_out.write(rejects)
                    _hang_if_asked(batch_number)
                    run.last_committed_line = batch.last_line
                    run.last_committed_offset = batch.end_offset
                    run.batches_committed = batch_number
                    run.counts = report.counts()
                    run.save()
            if bar is not None:
                bar.update(parsed.read)
        if bar is not None:
            bar.close()
    finally:
        if stream is not None:
            stream.close()
        if cursor is not None:
            cursor.close()
        if rejects_out is not None:
            rejects_out.close()


_NO_UL = {
    "name": pl.String,
    "acronym": pl.String,
    "legal_category_id": pl.String,
    "size_category": pl.String,
    "naf_id": pl.String,
    "headcount_band_id": pl.String,
    "creation_date": pl.Date,
    "is_active": pl.Boolean,
}
