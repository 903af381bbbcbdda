"""The batch loop and the report base of the record imports (ledger, DECP), on ``ImportRun``.

Dry by default: the whole run is one transaction rolled back at its end (batches are savepoints),
so the counts are those a wet run would produce, relations shared by several batches included.
A wet run commits one transaction per batch and records in its ``ImportRun`` the ordinal of
the last committed record; rerunning the same command on the same file with the same options
resumes after it. Writes are keyed (``PurchaseLine.key``, ``SupplyRelation.external_key``), so a
rerun of a finished import changes nothing.
"""

from __future__ import annotations

import csv
import hashlib
import json
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Sum

from maillage.downloads import neutralised
from maillage.imports.limits import decimal_field_problem
from maillage.imports.models import ImportRun
from maillage.imports.services import (
    import_run_failure_recorded,
    import_run_resume_or_start,
    import_run_succeed,
)
from maillage.imports.sirene.reader import fingerprint
from maillage.relations.models import PurchaseLine, SupplyRelation


class Rejected(Exception):
    def __init__(self, reason: str, field: str, detail: str, value: str = ""):
        super().__init__(detail)
        self.reason, self.field, self.detail, self.value = reason, field, detail, value


@dataclass
class Item:
    """One record of the stream: ``seq`` orders it for resumption, ``line`` names it to people."""

    seq: int
    line: str
    payload: object = None
    rejection: Rejected | None = None


FIRST_REJECTS = 20  # rejected lines kept in the report (all of them go to the rejects file)


@dataclass
class ImportReportBase:
    """What every import reports: rejections by reason and the first rejected lines.

    A rejected line is a dict naming at least its ``file``, ``line``, ``field``, ``reason`` and
    ``detail``; ``add_rejects`` counts them by reason and keeps the first ``FIRST_REJECTS``.
    """

    wet_run: bool
    rejected: dict[str, int] = field(default_factory=dict)
    first_rejects: list[dict] = field(default_factory=list)
    run_id: int | None = None
    # Records read (lines or markets), rejected ones included: a wet run's progress total.
    records: int = 0
    resumed_from_line: int | None = None
    rejects_path: str | None = None
    seconds: float = 0.0

    def add_rejects(self, rows: list[dict]) -> None:
        merged = Counter(self.rejected)
        merged.update(row["reason"] for row in rows)
        self.rejected = dict(sorted(merged.items()))
        self.first_rejects += rows[: max(0, FIRST_REJECTS - len(self.first_rejects))]

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class ImportReport(ImportReportBase):
    """The report of the record imports (ledger, DECP): named counts plus the base's rejections."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, counts: dict) -> None:
        for name in ("counts", "rejected"):
            merged = Counter(getattr(self, name))
            merged.update(counts.get(name, {}))
            setattr(self, name, dict(sorted(merged.items())))


class _DryRunRollback(Exception):
    pass


REJECT_COLUMNS = ("file", "line", "field", "value", "reason", "detail")


def options_key(kind: str, path: Path, extra: dict) -> tuple[str, dict]:
    described = {"kind": kind, "file": fingerprint(path), **extra}
    return hashlib.sha256(json.dumps(described, sort_keys=True, default=str).encode()).hexdigest(), described


def purchase_total_problem(*, relation_id: int, year: int, key: str, amount: Decimal) -> str | None:
    """Why adding this purchase line would take its relation's yearly amount past its column.

    Each line fits ``PurchaseLine.amount``; their sum is ``SupplyRelation.amount`` (written by
    ``relations_refresh_amounts``), which PostgreSQL refuses beyond its digits and SQLite not.
    """
    others = (
        PurchaseLine.objects.filter(relation_id=relation_id, year=year)
        .exclude(key=key)
        .aggregate(total=Sum("amount"))["total"]
    )
    problem = decimal_field_problem((others or 0) + amount, SupplyRelation, "amount")
    return f"total annuel de la relation refusé : {problem}" if problem else None


def run_batches(
    *,
    kind: str,
    path: Path,
    items: Iterable[Item],
    write: Callable[[object, Counter, ImportRun | None], set],
    finish_batch: Callable[[set], None],
    extra_options: dict,
    wet_run: bool,
    batch_size: int,
    rejects_path: Path | None,
) -> ImportReport:
    """``write(payload, counts, run)`` writes one record and returns the relations it touched;
    ``finish_batch(touched)`` runs once per batch inside its transaction (amount refresh)."""
    started = time.perf_counter()
    report = ImportReport(wet_run=wet_run)
    key, described = options_key(kind, path, extra_options)
    run, resume_after = None, 0
    if wet_run:
        run, resumed = import_run_resume_or_start(kind=kind, path=path, described=described, key=key)
        if resumed:
            resume_after = run.last_committed_line
            report.resumed_from_line = resume_after + 1
            report.add(run.counts)
            report.records = run.records_done
        report.run_id = run.pk
        if rejects_path is None:
            rejects_path = settings.DATA_DIR / "imports" / f"{kind}-{run.pk}-rejets.csv"
    report.rejects_path = str(rejects_path) if rejects_path else None
    handle = writer = None
    if rejects_path is not None:
        rejects_path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(rejects_path, "a" if report.resumed_from_line else "w", encoding="utf-8", newline="")  # noqa: SIM115
        writer = csv.DictWriter(handle, REJECT_COLUMNS)
        if not report.resumed_from_line:
            writer.writeheader()

    def loop():
        batch: list[Item] = []
        for item in items:
            if item.seq <= resume_after:
                continue
            batch.append(item)
            if len(batch) >= batch_size:
                _batch(batch, write, finish_batch, report, run, writer, wet_run, path.name)
                batch = []
        if batch:
            _batch(batch, write, finish_batch, report, run, writer, wet_run, path.name)

    try:
        # Whatever stops a wet run (a file error, Ctrl+C…) records it failed, never « running ».
        with import_run_failure_recorded(run):
            if wet_run:
                loop()
            else:
                try:
                    with transaction.atomic():
                        loop()
                        raise _DryRunRollback
                except _DryRunRollback:
                    pass
    finally:
        if handle is not None:
            handle.close()
    import_run_succeed(run=run, counts={"counts": report.counts, "rejected": report.rejected})
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _batch(batch, write, finish_batch, report, run, writer, wet_run, file_name) -> None:
    counts: Counter = Counter()
    rejected: list[dict] = []
    touched: set = set()
    with transaction.atomic():
        for item in batch:
            try:
                if item.rejection is not None:
                    raise item.rejection
                before = counts.copy()
                counts["read"] += 1
                try:
                    with transaction.atomic():
                        touched |= write(item.payload, counts, run)
                except Rejected:
                    counts.clear()  # a record rejected while written counts as rejected only
                    counts.update(before)
                    raise
            except Rejected as exc:
                rejected.append(
                    {
                        "file": file_name,
                        "line": item.line,
                        "field": exc.field,
                        "value": exc.value,
                        "reason": exc.reason,
                        "detail": exc.detail,
                    }
                )
        finish_batch(touched)
        report.records += len(batch)
        report.add({"counts": dict(counts)})
        report.add_rejects(rejected)
        if writer is not None:
            writer.writerows(neutralised(row) for row in rejected)
        if wet_run:
            run.last_committed_line = batch[-1].seq
            run.batches_committed += 1
            run.records_done = report.records
            run.counts = {"counts": report.counts, "rejected": report.rejected}
            run.save()
