"""Bulk upserts of organisations and establishments: the only raw SQL writer of the directory.

Imports write hundreds of thousands of rows a minute, which the ORM cannot do one ``save()``
at a time. Both backends use ``INSERT … ON CONFLICT … DO UPDATE … WHERE <changed>`` so that
an unchanged row is not rewritten (its ``updated_at`` stays put); PostgreSQL first COPYs the
batch into a temporary table. Callers go through ``maillage.directory.services``.
"""

from __future__ import annotations

import io
from datetime import datetime

import polars as pl
from django.db import connection

ORGANISATION_COLUMNS = (
    "siren", "name", "acronym", "legal_category_id", "size_category", "naf_id", "headcount_band_id",
    "creation_date", "is_active",
)  # fmt: skip
ESTABLISHMENT_COLUMNS = (
    "siret", "siren", "name", "trade_name", "naf_id", "headcount_band_id", "street", "address_complement",
    "postal_code", "city", "commune_id", "latitude", "longitude", "geo_precision", "is_head_office",
    "is_active", "creation_date", "source_hash",
)  # fmt: skip
_PG_TYPES = {
    pl.String: "text", pl.Float64: "double precision", pl.Boolean: "boolean", pl.Date: "date",
}  # fmt: skip
_STAMPS = ("source", "is_generated", "last_imported_at", "created_at", "updated_at")
SOURCE = "sirene"


def _require(frame: pl.DataFrame, columns: tuple[str, ...]) -> pl.DataFrame:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"missing columns: {missing}")
    return frame.select(columns)


def _distinct(table: str, columns: list[str]) -> str:
    op = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    return " OR ".join(f"{table}.{c} {op} excluded.{c}" for c in columns)


# SQLite's default page cache (2 MiB) makes every index insertion into a table of millions of
# rows a disk read; 256 MiB keeps the upper levels of all indexes in memory during imports.
SQLITE_CACHE_KIB = 256 * 1024


def _sqlite_prepare(cursor) -> None:
    cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")


def _sqlite_rows(frame: pl.DataFrame, now: datetime) -> list[tuple]:
    # The sqlite3 module's date adapters are deprecated: hand it ISO strings.
    frame = frame.with_columns(pl.col(pl.Date).dt.to_string("%Y-%m-%d"))
    stamp = connection.ops.adapt_datetimefield_value(now)
    extra = (SOURCE, False, stamp, stamp, stamp)
    return [(*row, *extra) for row in frame.iter_rows()]


def _pg_copy(frame: pl.DataFrame, table: str) -> None:
    columns = ", ".join(f"{name} {_PG_TYPES[dtype.base_type()]}" for name, dtype in frame.schema.items())
    buffer = io.BytesIO()
    frame.write_csv(buffer, include_header=False, null_value="\\N")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(f"CREATE TEMP TABLE {table} ({columns})")
        with cursor.cursor.copy(f"COPY {table} FROM STDIN (FORMAT csv, NULL '\\N')") as copy:
            copy.write(buffer.getvalue())
        # Without statistics the planner guesses the temporary table's size and may hash the
        # whole organisation table for every batch.
        cursor.execute(f"ANALYZE {table}")


def upsert_organisations(frame: pl.DataFrame, *, overwrite: bool, now: datetime) -> int:
    """Insert organisations by SIREN; with ``overwrite`` also update those whose fields changed."""
    frame = _require(frame, ORGANISATION_COLUMNS)
    if frame.is_empty():
        return 0
    updated = [c for c in ORGANISATION_COLUMNS if c != "siren"]
    table = "directory_organisation"
    if overwrite:
        conflict = (
            "DO UPDATE SET "
            + ", ".join(f"{c} = excluded.{c}" for c in [*updated, "last_imported_at", "updated_at"])
            + f" WHERE {_distinct(table, updated)}"
        )
    else:
        conflict = "DO NOTHING"
    columns = ", ".join([*ORGANISATION_COLUMNS, *_STAMPS])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _pg_copy(frame, "maillage_org_batch")
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {', '.join(ORGANISATION_COLUMNS)}, "
                f"%s, false, %s, %s, %s FROM maillage_org_batch ON CONFLICT (siren) {conflict}",
                [SOURCE, now, now, now],
            )
        else:
            _sqlite_prepare(cursor)
            placeholders = ", ".join(["%s"] * (len(ORGANISATION_COLUMNS) + len(_STAMPS)))
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) ON CONFLICT (siren) {conflict}",
                _sqlite_rows(frame, now),
            )
        return max(cursor.rowcount, 0)


def upsert_establishments(frame: pl.DataFrame, *, now: datetime) -> int:
    """Insert or update establishments by SIRET, skipping rows whose ``source_hash`` is unchanged.

    Every SIREN must already exist in ``directory_organisation``.
    """
    frame = _require(frame, ESTABLISHMENT_COLUMNS)
    if frame.is_empty():
        return 0
    table = "directory_establishment"
    fields = [c for c in ESTABLISHMENT_COLUMNS if c not in ("siret", "siren")]
    target = ["siret", "organisation_id", *fields, *_STAMPS]
    # ``source`` and ``is_generated`` keep the values of a row created by hand or by the demo.
    refreshed = ["organisation_id", *fields, "last_imported_at", "updated_at"]
    conflict = (
        "ON CONFLICT (siret) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in refreshed)
        + f" WHERE {_distinct(table, ['source_hash'])}"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _pg_copy(frame, "maillage_establishment_batch")
            selected = ", ".join(f"t.{c}" for c in fields)
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(target)}) SELECT t.siret, o.id, {selected}, "
                "%s, false, %s, %s, %s FROM maillage_establishment_batch t "
                f"JOIN directory_organisation o ON o.siren = t.siren {conflict}",
                [SOURCE, now, now, now],
            )
        else:
            values = ", ".join(
                ["%s", "(SELECT id FROM directory_organisation WHERE siren = %s)"]
                + ["%s"] * (len(fields) + 5)
            )
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(target)}) VALUES ({values}) {conflict}",
                _sqlite_rows(frame, now),
            )
        return max(cursor.rowcount, 0)


def existing_hashes(sirets: list[str]) -> dict[str, str]:
    """``source_hash`` of the establishments among ``sirets`` that are already in the database."""
    found: dict[str, str] = {}
    if not sirets:
        return found
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT siret, source_hash FROM directory_establishment WHERE siret = ANY(%s)", [list(sirets)]
            )
            found.update(cursor.fetchall())
        else:
            step = 30_000  # SQLite >= 3.32 allows 32,766 parameters per statement
            for start in range(0, len(sirets), step):
                chunk = sirets[start : start + step]
                cursor.execute(
                    "SELECT siret, source_hash FROM directory_establishment "
                    f"WHERE siret IN ({', '.join(['%s'] * len(chunk))})",
                    chunk,
                )
                found.update(cursor.fetchall())
    return found
