"""Bounds on what an import reads and on the values it may write: one place for every importer.

Why: an import reads files sent by members, buyers or downloaded from the web. Without bounds
a 5 KB XLSX whose one cell sits at XFD1048576 made ``import-profiles`` allocate more than 4 GB,
one 800 MB line in a SIRENE zip took 9.2 GB, and a zip of 1.26 billion empty lines ran for
minutes. And a value that SQLite stores (a NUL byte, a text longer than its column, an amount
with 20 digits) makes PostgreSQL fail the wet run after a dry run that saw nothing wrong. So:

**The file** (checked while reading; a breach stops the file, ``ImportLimitError``):

=================================  ============  ====================================================
limit (setting ``MAILLAGE_IMPORT_…``)  default   why
=================================  ============  ====================================================
``MAX_LINE_BYTES``                 1 MiB         one CSV/text line (a SIRENE line is ~600 bytes,
                                                 a profile line with a long description a few KB);
                                                 a longer line is never held whole in memory
``MAX_DECOMPRESSED_BYTES``         32 GiB        one zip member, counted while inflating, never
                                                 trusting the size its header declares (the
                                                 national SIRENE stock is ~8 GB)
``MAX_COMPRESSION_RATIO``          100           inflated / compressed bytes consumed so far, past
                                                 a zip member's first MiB: real CSV and XLSX
                                                 compress 4 to 20 times, empty lines 1,000 times
``MAX_SHEET_ROWS``                 500,000       rows of a spreadsheet, from the sheet's declared
                                                 dimension and again while streaming it
``MAX_SHEET_COLUMNS``              1,000         columns of a spreadsheet, the same way
``MAX_XLSX_MEMBER_BYTES``          256 MiB       one inflated part of an XLSX (sheet, shared strings)
``MAX_JSON_DEPTH``                 64            nesting of arrays and objects in a JSON document
=================================  ============  ====================================================

Each is a module constant (``DEFAULT_MAX_…``) overridden by the setting of the same name
(``config/settings/base.py``, from the environment); ``limit("MAX_LINE_BYTES")`` reads it at
call time, so ``override_settings`` works in tests.

Readers: ``open_zip_member`` (a zip member as a stream bounded in inflated size and ratio),
``check_zip_members`` (inflate every member once, for readers that open the archive
themselves), ``iter_bounded_lines`` and ``line_too_long`` (lines, or the error for one),
``open_xlsx`` (refuses a file that is not a zip, checks its parts and its first sheet's declared
dimension, returns a read-only workbook) with ``iter_sheet_rows`` (rows checked again as they
stream) and ``check_sheet_dimensions``, ``json_loads_bounded``/``json_depth_check``.

**The values** (checked per line; a failure is a rejection of that line with a reason, so that
the dry run rejects exactly what the wet run would, on SQLite and on PostgreSQL alike):
``text_problem`` (no NUL byte — PostgreSQL refuses them in text — and within the column's
``max_length``), ``decimal_problem``/``parse_decimal`` (finite, within ``max_digits`` and
``decimal_places`` of a ``DecimalField``, and no silent underflow: ``1e-400`` is not 0),
``float_problem`` (finite: SQLite turns NaN into NULL), ``integer_problem`` (within the
column's 32- or 64-bit range, which SQLite does not enforce). ``text_problem_expr`` and
``first_text_problem_expr`` are the text check as polars expressions for the vectorised SIRENE
parser. The ``*_field_problem`` variants take the bounds from a model's field.

An import that fails is recorded as failed, never left « running »: wrap a wet run in
``maillage.imports.services.import_run_failure_recorded`` (any exception, KeyboardInterrupt and
SystemExit included); ``maillage.imports.command.ImportCommand`` turns SIGTERM into SystemExit
and every error into one line « file, line, field : reason » without traceback.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _

from maillage.errors import MaillageError

MIB = 1 << 20
DEFAULT_MAX_LINE_BYTES = 1 * MIB
DEFAULT_MAX_DECOMPRESSED_BYTES = 32 * 1024 * MIB
DEFAULT_MAX_COMPRESSION_RATIO = 100
DEFAULT_MAX_SHEET_ROWS = 500_000
DEFAULT_MAX_SHEET_COLUMNS = 1_000
DEFAULT_MAX_XLSX_MEMBER_BYTES = 256 * MIB
DEFAULT_MAX_JSON_DEPTH = 64
# The ratio applies beyond this many inflated bytes: tiny members compress any way they like.
RATIO_SLACK_BYTES = 1 * MIB
STREAM_CHUNK = 1 * MIB
RAW_READ = 64 * 1024


def limit(name: str) -> int:
    """The bound ``name`` (``"MAX_LINE_BYTES"``…): the setting ``MAILLAGE_IMPORT_<name>`` or the default.

    Without configured settings (a parser used by a benchmark script), the default.
    """
    default = globals()[f"DEFAULT_{name}"]
    if not settings.configured:
        return default
    return int(getattr(settings, f"MAILLAGE_IMPORT_{name}", default))


def _count(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def _size(n: int) -> str:
    if n >= MIB and n % MIB == 0:
        return _("%(n)s Mio") % {"n": _count(n // MIB)}
    return _("%(n)s octets") % {"n": _count(n)}


class ImportLimitError(MaillageError):
    """A file, or one of its values, beyond what an import accepts: « file, line, field : reason ».

    ``field`` and ``message`` as every ``MaillageError``; ``file``, ``line`` and ``limit`` (the
    bound that was passed, a number, or ``None`` when the file is refused for its form) besides.
    """

    def __init__(
        self, message, *, file: str | Path | None = None, line: int | None = None, field: str = "", limit=None
    ):
        super().__init__(field, message)
        self.file = Path(file).name if file else ""
        self.line = line
        self.limit = limit
        self.args = (str(self),)

    def __str__(self) -> str:
        where = [self.file] if self.file else []
        if self.line is not None:
            where.append(_("ligne %(line)s") % {"line": self.line})
        if self.field:
            where.append(self.field)
        return f"{', '.join(where)} : {self.message}" if where else self.message


# --- Files -----------------------------------------------------------------------------------


class BoundedStream(io.RawIOBase):
    """A read-only byte stream that raises ``ImportLimitError`` once more than ``max_bytes`` came out.

    Wraps an inflating zip member: the count is of bytes actually produced, not of the size
    the archive declares. With ``compressed_size`` and ``ratio``, the bytes produced past the
    first MiB may not exceed ``ratio`` times the compressed bytes consumed so far, so a bomb is
    stopped within a few MiB rather than after ``ratio`` × its whole compressed size.
    """

    def __init__(
        self,
        raw: BinaryIO,
        *,
        file,
        max_bytes: int,
        compressed_size: int | None = None,
        ratio: int | None = None,
        limit_name: str = "MAX_DECOMPRESSED_BYTES",
    ):
        super().__init__()
        self._raw, self._file, self._limit_name = raw, file, limit_name
        self._max = max_bytes
        self._compressed_size = compressed_size
        self._ratio = ratio if compressed_size is not None else None
        self.produced = 0

    def readable(self) -> bool:
        return True

    def _consumed(self) -> int:
        """Compressed bytes the inflater used so far (all of them if the stream does not say)."""
        left = getattr(self._raw, "_compress_left", None)
        if left is None:
            return self._compressed_size
        tail = getattr(getattr(self._raw, "_decompressor", None), "unconsumed_tail", b"") or b""
        return max(0, self._compressed_size - left - len(tail))

    def readinto(self, buffer) -> int:
        # Small reads keep the inflater's compressed input close to its output (ratio check).
        data = self._raw.read(min(len(buffer), RAW_READ))
        n = len(data)
        buffer[:n] = data
        self.produced += n
        if self.produced > self._max:
            raise self._error(self._max)
        if (
            self._ratio
            and self.produced > RATIO_SLACK_BYTES
            and self.produced > self._ratio * self._consumed()
        ):
            raise self._error(None)
        return n

    def _error(self, size: int | None) -> ImportLimitError:
        if size is None:
            return ImportLimitError(
                _(
                    "archive refusée : son contenu décompressé dépasse %(ratio)s fois sa taille "
                    "compressée (limite MAILLAGE_IMPORT_MAX_COMPRESSION_RATIO), signe d’une bombe de "
                    "décompression"
                )
                % {"ratio": self._ratio},
                file=self._file,
                limit=self._ratio,
            )
        return ImportLimitError(
            _("contenu décompressé de plus de %(limit)s (limite MAILLAGE_IMPORT_%(name)s)")
            % {"limit": _size(size), "name": self._limit_name},
            file=self._file,
            limit=size,
        )

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()


def open_zip_member(
    archive: zipfile.ZipFile,
    member: str | zipfile.ZipInfo,
    *,
    file,
    limit_name: str = "MAX_DECOMPRESSED_BYTES",
) -> BinaryIO:
    """A buffered stream of one zip member, bounded by ``limit(limit_name)`` and the compression ratio."""
    info = member if isinstance(member, zipfile.ZipInfo) else archive.getinfo(member)
    raw = archive.open(info)
    bounded = BoundedStream(
        raw,
        file=file,
        max_bytes=limit(limit_name),
        compressed_size=info.compress_size if info.compress_type != zipfile.ZIP_STORED else None,
        ratio=limit("MAX_COMPRESSION_RATIO"),
        limit_name=limit_name,
    )
    return io.BufferedReader(bounded, buffer_size=STREAM_CHUNK)


def check_zip_members(path: Path, *, limit_name: str = "MAX_DECOMPRESSED_BYTES") -> None:
    """Inflate every member of an archive once, counting, and refuse the file beyond the bounds.

    For readers that open the archive themselves (openpyxl): after this, none of its parts can
    inflate past ``limit(limit_name)`` or the ratio, whatever their headers say.
    """
    if not zipfile.is_zipfile(path):
        raise ImportLimitError(_("ce n’est pas une archive zip"), file=path)
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                with open_zip_member(archive, info, file=path, limit_name=limit_name) as stream:
                    while stream.read(STREAM_CHUNK):
                        pass
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        OSError,
        NotImplementedError,
        RuntimeError,
    ) as exc:
        raise ImportLimitError(_("archive zip illisible (%(error)s)") % {"error": exc}, file=path) from exc


def line_too_long(*, file, line: int | None, length: int | None = None) -> ImportLimitError:
    """The error for a line beyond ``MAX_LINE_BYTES`` (``length``: what was seen of it, if known)."""
    bound = limit("MAX_LINE_BYTES")
    return ImportLimitError(
        _("ligne de plus de %(limit)s (limite MAILLAGE_IMPORT_MAX_LINE_BYTES) : fichier refusé")
        % {"limit": _size(bound)},
        file=file,
        line=line,
        limit=bound,
    )


def iter_bounded_lines(stream: BinaryIO, *, file, first_line: int = 1) -> Iterator[bytes]:
    """Lines of a byte stream (newline kept), never reading more than ``MAX_LINE_BYTES`` + 1 of one."""
    bound = limit("MAX_LINE_BYTES")
    number = first_line
    while True:
        raw = stream.readline(bound + 1)
        if not raw:
            return
        if len(raw) > bound and not (len(raw) == bound + 1 and raw.endswith(b"\n")):
            raise line_too_long(file=file, line=number)
        yield raw
        number += 1


def check_sheet_dimensions(rows: int | None, columns: int | None, *, file) -> None:
    """Refuse a sheet whose declared (or reached) size passes ``MAX_SHEET_ROWS`` × ``MAX_SHEET_COLUMNS``."""
    max_rows, max_columns = limit("MAX_SHEET_ROWS"), limit("MAX_SHEET_COLUMNS")
    if rows is not None and rows > max_rows:
        raise ImportLimitError(
            _(
                "feuille de %(rows)s lignes, au-delà de la limite de %(limit)s "
                "(MAILLAGE_IMPORT_MAX_SHEET_ROWS) : supprimez les lignes vides ou le contenu égaré "
                "en bas de la feuille"
            )
            % {"rows": _count(rows), "limit": _count(max_rows)},
            file=file,
            limit=max_rows,
        )
    if columns is not None and columns > max_columns:
        raise ImportLimitError(
            _(
                "feuille de %(columns)s colonnes, au-delà de la limite de %(limit)s "
                "(MAILLAGE_IMPORT_MAX_SHEET_COLUMNS) : supprimez le contenu égaré à droite de la feuille"
            )
            % {"columns": _count(columns), "limit": _count(max_columns)},
            file=file,
            limit=max_columns,
        )


def open_xlsx(path: Path, *, data_only: bool = True, checked: bool = False):
    """An openpyxl read-only workbook, after the archive's parts were checked in size and ratio.

    The first sheet's declared dimension is checked here; rows read with ``iter_sheet_rows``
    are checked again as they stream (a declared dimension may lie or be absent). ``checked``:
    the archive was already checked by an earlier call (a second workbook on the same file).
    """
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if not zipfile.is_zipfile(path):
        raise ImportLimitError(
            _("ce n’est pas un fichier XLSX (qui serait une archive zip) : enregistrez-le au format XLSX"),
            file=path,
        )
    if not checked:
        check_zip_members(path, limit_name="MAX_XLSX_MEMBER_BYTES")
    try:
        book = load_workbook(path, read_only=True, data_only=data_only)
    except (InvalidFileException, OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise ImportLimitError(_("classeur XLSX illisible (%(error)s)") % {"error": exc}, file=path) from exc
    if not book.worksheets:
        raise ImportLimitError(_("classeur sans feuille"), file=path)
    sheet = book.worksheets[0]
    check_sheet_dimensions(sheet.max_row, sheet.max_column, file=path)
    return book


def iter_sheet_rows(
    sheet, *, file, min_row: int = 1, max_col: int | None = None
) -> Iterator[tuple[int, tuple]]:
    """``(line, cells)`` of a read-only sheet, refusing it once a row passes the bounds."""
    max_rows = limit("MAX_SHEET_ROWS")
    # The declared dimension was checked; read past it, so that content it hides is not dropped.
    sheet.reset_dimensions()
    for line, cells in enumerate(sheet.iter_rows(min_row=min_row, max_col=max_col), start=min_row):
        if line > max_rows:
            check_sheet_dimensions(line, None, file=file)
        yield line, cells


_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKET = re.compile(rb"[\[\]{}]")


def json_depth_check(data: bytes | str, *, file, max_depth: int | None = None) -> None:
    """Refuse a JSON document nested deeper than ``MAX_JSON_DEPTH`` (before ``json.loads`` recurses)."""
    bound = max_depth or limit("MAX_JSON_DEPTH")
    raw = data.encode() if isinstance(data, str) else data
    depth = 0
    for match in _JSON_BRACKET.finditer(_JSON_STRING.sub(b'""', raw)):
        depth += 1 if match.group() in (b"[", b"{") else -1
        if depth > bound:
            raise ImportLimitError(
                _("JSON imbriqué sur plus de %(limit)s niveaux (limite MAILLAGE_IMPORT_MAX_JSON_DEPTH)")
                % {"limit": bound},
                file=file,
                limit=bound,
            )


class JsonDepthGuard:
    """The depth check of a JSON document read in chunks (for a streaming parser such as ijson).

    ``feed(chunk)`` before the parser gets the chunk: the nesting of arrays and objects outside
    strings is followed across chunks (strings, escapes and backslash runs included), with numpy
    over each chunk, so a 1 GB file costs a few seconds. ijson keeps one path prefix per level,
    so 100,000 levels held some 25 GB; the guard refuses the file at ``MAX_JSON_DEPTH`` + 1.
    """

    def __init__(self, *, file, max_depth: int | None = None):
        self.file = file
        self.max_depth = limit("MAX_JSON_DEPTH") if max_depth is None else max_depth
        self.depth = 0
        self.in_string = False
        self.backslashes = 0  # backslashes ending the previous chunk
        self.offset = 0  # bytes fed before this chunk

    def feed(self, data: bytes) -> None:
        import numpy as np

        size = len(data)
        if not size:
            return
        raw = np.frombuffer(data, dtype=np.uint8)
        quotes = np.flatnonzero(raw == 0x22)
        if quotes.size and (self.backslashes or b"\\" in data):
            # Only a quote right after a backslash may be escaped: those few are looked at one by one.
            previous = raw[np.maximum(quotes - 1, 0)] == 0x5C
            suspects = np.flatnonzero(np.where(quotes > 0, previous, self.backslashes > 0))
            if suspects.size:
                keep = np.ones(quotes.size, dtype=bool)
                for i in suspects:
                    keep[i] = not self._escaped(data, int(quotes[i]))
                quotes = quotes[keep]
        brackets = np.flatnonzero((raw | 0x20) == 0x7B)  # [ { (0x5B 0x7B)
        closing = np.flatnonzero((raw | 0x20) == 0x7D)  # ] } (0x5D 0x7D)
        if brackets.size or closing.size:
            at = np.concatenate((brackets, closing))
            step = np.concatenate((np.ones(brackets.size, np.int64), -np.ones(closing.size, np.int64)))
            order = np.argsort(at, kind="stable")
            at, step = at[order], step[order]
            # Outside strings: an even number of real quotes before it (odd when a string was open).
            outside = (np.searchsorted(quotes, at) % 2 == 1) == self.in_string
            at, step = at[outside], step[outside]
            if at.size:
                depth = self.depth + np.cumsum(step)
                if depth.max() > self.max_depth:
                    self._refuse(self.offset + int(at[np.argmax(depth > self.max_depth)]) + 1)
                self.depth = int(depth[-1])
        self.in_string ^= bool(quotes.size % 2)
        stripped = len(data.rstrip(b"\\"))
        self.backslashes = (self.backslashes if stripped == 0 else 0) + size - stripped
        self.offset += size

    def _escaped(self, data: bytes, at: int) -> bool:
        """The quote at ``at`` follows an odd run of backslashes (of this chunk and the last)."""
        run = 0
        while at - run - 1 >= 0 and data[at - run - 1] == 0x5C:
            run += 1
        if run == at:
            run += self.backslashes
        return run % 2 == 1

    def _refuse(self, at: int):
        raise ImportLimitError(
            _(
                "JSON imbriqué sur plus de %(limit)s niveaux à l’octet %(offset)s "
                "(limite MAILLAGE_IMPORT_MAX_JSON_DEPTH)"
            )
            % {"limit": self.max_depth, "offset": _count(at)},
            file=self.file,
            limit=self.max_depth,
        )


def json_loads_bounded(data: bytes | str, *, file, max_depth: int | None = None):
    """``json.loads`` after the depth check; a syntax error is an ``ImportLimitError`` too."""
    import json

    json_depth_check(data, file=file, max_depth=max_depth)
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise ImportLimitError(_("JSON illisible (%(error)s)") % {"error": exc}, file=file) from exc


# --- Values ----------------------------------------------------------------------------------


def text_problem(value: str | None, max_length: int | None = None) -> str | None:
    """Why ``value`` cannot go into a text column of ``max_length`` on both databases, or None."""
    if value is None:
        return None
    if "\x00" in value:
        return _("caractère nul (NUL) refusé")
    if max_length is not None and len(value) > max_length:
        return _("%(length)s caractères pour %(limit)s au plus") % {"length": len(value), "limit": max_length}
    return None


def text_field_problem(value: str | None, model, field_name: str) -> str | None:
    """``text_problem`` with the ``max_length`` of ``model``'s field (None for a TextField)."""
    return text_problem(value, model._meta.get_field(field_name).max_length)


def text_problem_expr(column: str, max_length: int | None = None):
    """``text_problem`` as a polars expression: a reason string, or null when the value is fine."""
    import polars as pl

    col = pl.col(column)
    expr = pl.when(col.str.contains("\x00", literal=True)).then(pl.lit(_("caractère nul (NUL) refusé")))
    if max_length is not None:
        expr = expr.when(col.str.len_chars() > max_length).then(
            pl.format(_("{} caractères pour {} au plus"), col.str.len_chars(), pl.lit(max_length))
        )
    return expr.otherwise(pl.lit(None, dtype=pl.String))


def integer_problem(value: int, internal_type: str) -> str | None:
    """Why ``value`` cannot go into an integer column of that Django type on both databases, or None.

    PostgreSQL's ranges (a 32-bit ``integer``…) as Django declares them for every backend;
    SQLite would store any size.
    """
    from django.db.backends.base.operations import BaseDatabaseOperations

    low, high = BaseDatabaseOperations.integer_field_ranges[internal_type]
    if low <= value <= high:
        return None
    return _("%(value)s hors des bornes de la base (%(low)s à %(high)s)") % {
        "value": value,
        "low": low,
        "high": _count(high),
    }


def integer_field_problem(value: int, model, field_name: str) -> str | None:
    return integer_problem(value, model._meta.get_field(field_name).get_internal_type())


def first_text_problem_expr(columns: dict[str, str], max_lengths: dict[str, int] | None = None):
    """« label : reason » for the first of ``columns`` (label → polars column) that fails, else null."""
    import polars as pl

    max_lengths = max_lengths or {}
    problems = [
        pl.format("{} : {}", pl.lit(label), text_problem_expr(column, max_lengths.get(column)))
        for label, column in columns.items()
    ]
    return pl.coalesce(problems)


def decimal_problem(value, *, max_digits: int, decimal_places: int) -> str | None:
    """Why ``value`` (Decimal, int or float) cannot go into such a DecimalField, or None."""
    if isinstance(value, float):
        if not math.isfinite(value):
            return _("nombre non fini (%(value)s)") % {"value": value}
        value = Decimal(repr(value))
    if not isinstance(value, Decimal):
        value = Decimal(value)
    if not value.is_finite():
        return _("nombre non fini (%(value)s)") % {"value": value}
    quantum = Decimal(1).scaleb(-decimal_places)
    try:
        rounded = value.quantize(quantum)
    except InvalidOperation:
        rounded = None
    if rounded is not None and value and not rounded:
        return _("%(value)s s’arrondit à zéro (%(places)s décimales au plus)") % {
            "value": value,
            "places": decimal_places,
        }
    integer_digits = max_digits - decimal_places
    if rounded is None or abs(rounded) >= Decimal(10) ** integer_digits:
        return _("%(value)s dépasse %(digits)s chiffres avant la virgule") % {
            "value": value,
            "digits": integer_digits,
        }
    return None


def decimal_field_problem(value, model, field_name: str) -> str | None:
    field = model._meta.get_field(field_name)
    return decimal_problem(value, max_digits=field.max_digits, decimal_places=field.decimal_places)


def parse_decimal(text: str, *, max_digits: int, decimal_places: int, field: str = "") -> Decimal:
    """A French or English written amount (``1 234,50``, ``1234.5``) as a Decimal fit for the column.

    Read as a Decimal, never through float: ``1e-400`` stays non-zero and is refused rather
    than stored as 0. Raises ``ImportLimitError`` (without file and line: add them) when unfit.
    """
    cleaned = "".join(str(text).replace("\u202f", "").replace("\xa0", "").split())
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ImportLimitError(_("« %(text)s » n’est pas un nombre") % {"text": text}, field=field) from exc
    problem = decimal_problem(value, max_digits=max_digits, decimal_places=decimal_places)
    if problem:
        raise ImportLimitError(problem, field=field, limit=max_digits)
    return value.quantize(Decimal(1).scaleb(-decimal_places))


def float_problem(value: float | None) -> str | None:
    """Why a float cannot go into a FloatField on both databases (NaN, infinities), or None."""
    if value is None or math.isfinite(value):
        return None
    return _("nombre non fini (%(value)s)") % {"value": value}
