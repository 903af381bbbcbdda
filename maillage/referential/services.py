"""Writes of the referential: load the official files into the models, idempotently.

``referential_load`` parses and validates every selected file first (``build``), then
writes everything in one transaction (``referential_tables_sync``): a broken file stops the
load before the first write. A dry run goes through the very same writes and rolls them
back, so its counts are exactly those a wet run would report.

Rows that disappeared from the official files are deleted, unless something still
references them (an establishment in a merged commune, an organisation with a former NAF
code...): those are kept unchanged and counted as « kept obsolete », so no user data is lost
and no foreign key breaks.
"""

import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, models, router, transaction
from django.utils.translation import gettext as _

from maillage.referential import sources
from maillage.referential.build import DATASETS, Built, Table
from maillage.referential.errors import ReferentialError

# Django lowers this to what the backend allows (999 variables per statement on SQLite
# with Django 5.2, so e.g. 76 communes of 13 fields); PostgreSQL takes the full batch.
BATCH_SIZE = 2000
# Keys per ``IN (...)`` lookup, well under SQLite's variable limit.
LOOKUP_CHUNK = 500


@dataclass
class ModelReport:
    label: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    kept_obsolete: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


@dataclass
class LoadReport:
    source: str
    wet_run: bool
    models: list[ModelReport] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    downloaded: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    parse_seconds: float = 0.0
    write_seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return any(report.changed for report in self.models)


def datasets_select(only: Iterable[str] | None) -> list[str]:
    """The dataset names in load order; unknown names raise ``ReferentialError`` listing the valid ones."""
    if not only:
        return list(DATASETS)
    wanted = {name.strip().replace("_", "-") for name in only if name.strip()}
    if unknown := wanted - DATASETS.keys():
        raise ReferentialError(
            "only",
            _("jeu de données inconnu : %(unknown)s (possibles : %(known)s)")
            % {"unknown": ", ".join(sorted(unknown)), "known": ", ".join(DATASETS)},
        )
    return [name for name in DATASETS if name in wanted]


def referential_load(
    *,
    source: str,
    only: Collection[str] | None = None,
    wet_run: bool = False,
    refresh: bool = False,
    on_step: Callable[[str], None] | None = None,
) -> LoadReport:
    """Parse the selected datasets from ``source`` (folder or URL), then sync the models.

    Raises ``ReferentialFileError`` (nothing written) when a file is missing or broken.
    """
    step = on_step or (lambda description: None)
    report = LoadReport(source=str(source), wet_run=wet_run)
    started = time.perf_counter()
    tables: list[Table] = []
    with sources.Source(source, refresh=refresh) as files:
        for name in datasets_select(only):
            step(_("lecture : %(name)s") % {"name": name})
            built: Built = DATASETS[name].build(files)
            tables.extend(built.tables)
            report.notes.extend(built.notes)
        report.downloaded, report.reused = files.downloaded, files.reused
    report.parse_seconds = time.perf_counter() - started
    started = time.perf_counter()
    report.models = referential_tables_sync(tables=tables, wet_run=wet_run, on_step=step)
    report.write_seconds = time.perf_counter() - started
    return report


@transaction.atomic
def referential_tables_sync(
    *, tables: list[Table], wet_run: bool, on_step: Callable[[str], None] | None = None
) -> list[ModelReport]:
    """Make each model hold exactly its table (creates, updates, then obsolete rows).

    Tables come in dependency order; obsolete rows are handled in reverse order so that a
    commune is deleted only once the postal codes that pointed to it are gone.
    """
    step = on_step or (lambda description: None)
    reports, obsolete = [], []
    for table in tables:
        step(_("écriture : %(model)s") % {"model": table.model._meta.verbose_name_plural})
        report, keys = _upsert(table)
        reports.append(report)
        obsolete.append(keys)
    for table, report, keys in reversed(list(zip(tables, reports, obsolete, strict=True))):
        report.deleted, report.kept_obsolete = _delete_unreferenced(table, keys)
    if not wet_run:
        transaction.set_rollback(True)
    return reports


def _fields(table: Table) -> list[str]:
    return [f.attname for f in table.model._meta.concrete_fields if not (f.primary_key and table.key_fields)]


def _upsert(table: Table) -> tuple[ModelReport, list[Any]]:
    model = table.model
    fields = _fields(table)
    pk_name = model._meta.pk.attname
    report = ModelReport(label=str(model._meta.verbose_name_plural))
    if table.key_fields:
        existing = {
            tuple(values[:-1]): values[-1]
            for values in model._base_manager.values_list(*table.key_fields, pk_name).iterator(
                chunk_size=5000
            )
        }
        new_keys = table.rows.keys() - existing.keys()
        _insert(model, [table.rows[key] for key in sorted(new_keys)])
        report.created = len(new_keys)
        report.unchanged = len(table.rows) - report.created
        return report, [pk for key, pk in existing.items() if key not in table.rows]

    existing = {
        row[pk_name]: row
        for row in (
            dict(zip(fields, values, strict=True))
            for values in model._base_manager.values_list(*fields).iterator(chunk_size=5000)
        )
    }
    to_create, to_update = [], []
    for key, row in table.rows.items():
        current = existing.get(key)
        if current is None:
            to_create.append(row)
        elif any(current[name] != row[name] for name in fields):
            to_update.append(model(**row))
    _insert(model, to_create)
    update_fields = [f.name for f in model._meta.concrete_fields if not f.primary_key]
    if to_update:
        model._base_manager.bulk_update(to_update, update_fields, batch_size=BATCH_SIZE)
    report.created, report.updated = len(to_create), len(to_update)
    report.unchanged = len(table.rows) - report.created - report.updated
    return report, [key for key in existing if key not in table.rows]


def _insert(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """INSERT new rows with one prepared statement per batch (``executemany``).

    ``bulk_create`` compiles every value of every row through the ORM: on a first load (80,000
    communes, postal codes, CPV and NAF codes) that was half of the command's CPU time. Values
    are prepared by each field as ``save()`` would (JSON, dates); a field a row leaves out
    takes its default. Rows carry no auto-generated primary key (the database gives it).
    """
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    given = set().union(*(row.keys() for row in rows))
    fields = [f for f in model._meta.concrete_fields if f.attname in given or not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({placeholders})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH_SIZE):
            cursor.executemany(
                sql,
                [
                    [
                        f.get_db_prep_save(
                            row[f.attname] if f.attname in row else f.get_default(), connection
                        )
                        for f in fields
                    ]
                    for row in rows[start : start + BATCH_SIZE]
                ],
            )


def _chunks(values: list, size: int = LOOKUP_CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _delete_unreferenced(table: Table, keys: list[Any]) -> tuple[int, int]:
    """Delete the obsolete rows nothing points to; return (deleted, kept)."""
    if not keys:
        return 0, 0
    model = table.model
    deletable = set(keys)
    relations = [
        rel
        for rel in model._meta.get_fields(include_hidden=True)
        if rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)
    ]
    # Repeat because a kept obsolete child keeps its obsolete parent (self relations).
    while True:
        referenced = set()
        for rel in relations:
            related: type[models.Model] = rel.related_model
            for chunk in _chunks(sorted(deletable)):
                pairs = related._base_manager.filter(**{f"{rel.field.name}__in": chunk}).values_list(
                    "pk", rel.field.attname
                )
                referenced.update(
                    target for pk, target in pairs if not (related is model and pk in deletable)
                )
        if not referenced & deletable:
            break
        deletable -= referenced
    self_relations = [rel.field.name for rel in relations if rel.related_model is model]
    for chunk in _chunks(sorted(deletable)):
        # Detach obsolete children from obsolete parents first: the PROTECT check of
        # delete() would otherwise refuse a parent whose child sits in a later chunk.
        for name in self_relations:
            model._base_manager.filter(pk__in=chunk).update(**{name: None})
    for chunk in _chunks(sorted(deletable)):
        model._base_manager.filter(pk__in=chunk).delete()
    return len(deletable), len(keys) - len(deletable)
