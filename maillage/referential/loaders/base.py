"""Reading helpers shared by the referential parsers: decoding, CSV rows, JSON arrays, errors.

Every problem is raised as a ``ReferentialFileError`` that names the file, the physical line
(1-based, as an editor shows it) and the field, so that a broken official file can be fixed
or reported without opening a debugger.
"""

import csv
import io
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

# C0 and C1 control characters other than tab and line breaks: they never appear in these
# files, so finding one means the bytes were decoded with the wrong encoding (UTF-16...).
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class ReferentialFileError(Exception):
    """A reference file that cannot be loaded, with where and why."""

    def __init__(self, file: str, message: str, *, line: int | None = None, field: str | None = None):
        self.file = file
        self.line = line
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += ", " + _("ligne %(line)d") % {"line": self.line}
        if self.field:
            where += ", " + _("champ « %(field)s »") % {"field": self.field}
        return f"{where} : {self.message}"


@dataclass(frozen=True)
class SourceFile:
    """A file to parse: where it is on disk and how to name it in messages (path or URL)."""

    path: Path
    label: str

    @classmethod
    def local(cls, path: Path | str) -> "SourceFile":
        return cls(Path(path), str(path))

    def error(self, message: str, *, line: int | None = None, field: str | None = None):
        return ReferentialFileError(self.label, message, line=line, field=field)


def _line_of(data: bytes | str, offset: int) -> int:
    newline = b"\n" if isinstance(data, bytes) else "\n"
    return data.count(newline, 0, offset) + 1


def read_text(source: SourceFile, encodings: Sequence[str] = ("utf-8",)) -> str:
    """Decode the whole file with the first encoding that fits, or fail at the faulty line."""
    try:
        data = source.path.read_bytes()
    except FileNotFoundError:
        raise source.error(_("fichier introuvable")) from None
    except OSError as exc:
        raise source.error(_("lecture impossible (%(error)s)") % {"error": exc.strerror}) from None
    first_failure = None
    for encoding in encodings:
        codec = "utf-8-sig" if encoding == "utf-8" else encoding
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            line = _line_of(data, exc.start)
            first_failure = first_failure or (line, exc.object[exc.start : exc.start + 1].hex())
            continue
        control = _CONTROL_CHARS.search(text)
        if control is None:
            return text
        first_failure = first_failure or (_line_of(text, control.start()), f"{ord(control.group()):02x}")
    line, byte = first_failure
    raise source.error(
        _("encodage non reconnu (attendu : %(encodings)s ; octet 0x%(byte)s)")
        % {"encodings": ", ".join(e.upper() for e in encodings), "byte": byte},
        line=line,
    )


@dataclass(frozen=True)
class Row:
    """One CSV record: its physical line and its cells by column name."""

    line: int
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.cells[column]


def csv_rows(
    source: SourceFile,
    *,
    columns: Sequence[str],
    delimiter: str = ",",
    encodings: Sequence[str] = ("utf-8",),
    header: bool = True,
    header_normalizer=None,
) -> Iterator[Row]:
    """Yield the non-blank rows with the required ``columns`` (extra columns are ignored).

    Without a header the columns are taken in order. ``header_normalizer`` maps a raw header
    cell to the name used in ``columns`` (for headers with line breaks and double spaces).
    """
    text = read_text(source, encodings)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    index: dict[str, int]
    try:
        if header:
            try:
                names = next(reader)
            except StopIteration:
                raise source.error(_("fichier vide"), line=1) from None
            if header_normalizer:
                names = [header_normalizer(name) for name in names]
            names = [name.strip() for name in names]
            for column in columns:
                if column not in names:
                    raise source.error(
                        _("colonne absente (colonnes trouvées : %(found)s)") % {"found": ", ".join(names)},
                        line=reader.line_num,
                        field=column,
                    )
            index = {column: names.index(column) for column in columns}
        else:
            index = {column: position for position, column in enumerate(columns)}
        width = max(index.values()) + 1
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) < width:
                missing = next(column for column, position in index.items() if position >= len(cells))
                raise source.error(
                    _("ligne incomplète : %(found)d champs au lieu d’au moins %(expected)d")
                    % {"found": len(cells), "expected": width},
                    line=reader.line_num,
                    field=missing,
                )
            yield Row(
                reader.line_num, {column: cells[position].strip() for column, position in index.items()}
            )
    except csv.Error as exc:
        raise source.error(_("CSV mal formé (%(error)s)") % {"error": exc}, line=reader.line_num) from None


@dataclass(frozen=True)
class JsonItem:
    line: int
    value: object

    def get(self, source: SourceFile, key: str, *, required: bool = True, kind: type | tuple = str):
        """The value of ``key`` checked against ``kind``; ``None`` when absent and optional."""
        if not isinstance(self.value, dict):
            raise source.error(_("un objet JSON était attendu"), line=self.line)
        if key not in self.value or self.value[key] is None:
            if required:
                raise source.error(_("propriété absente"), line=self.line, field=key)
            return None
        value = self.value[key]
        # bool is an int subclass: a population of ``true`` is a broken file, not 1.
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise source.error(
                _("type inattendu (%(found)s)") % {"found": type(value).__name__}, line=self.line, field=key
            )
        return value


def json_array(source: SourceFile) -> Iterator[JsonItem]:
    """Yield the elements of a top-level JSON array with the line where each one starts.

    Elements are decoded one at a time with ``raw_decode`` so that each record knows its line
    and a truncated file is reported at the exact line and column where it breaks.
    """
    text = read_text(source)
    decoder = json.JSONDecoder()
    whitespace = re.compile(r"\s*")
    position = whitespace.match(text, 0).end()
    line = 1

    def fail(message: str, at: int):
        at_line = _line_of(text, at)
        column = at - (text.rfind("\n", 0, at) + 1) + 1
        return source.error(
            _("JSON invalide (colonne %(column)d) : %(message)s") % {"message": message, "column": column},
            line=at_line,
        )

    if not text.startswith("[", position):
        raise fail(_("un tableau « [ » était attendu"), position)
    position = whitespace.match(text, position + 1).end()
    if text.startswith("]", position):
        return
    last = 0
    while True:
        line += text.count("\n", last, position)
        last = position
        if position >= len(text):
            raise fail(_("fin du fichier inattendue (fichier tronqué ?)"), position)
        try:
            value, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            truncated = exc.pos >= len(text.rstrip())
            raise fail(exc.msg + (_(" ; fichier tronqué ?") if truncated else ""), exc.pos) from None
        yield JsonItem(line, value)
        position = whitespace.match(text, end).end()
        if text.startswith(",", position):
            position = whitespace.match(text, position + 1).end()
        elif text.startswith("]", position):
            break
        else:
            found = _("la fin du fichier (tronqué ?)") if position >= len(text) else repr(text[position])
            raise fail(_("« , » ou « ] » attendu, trouvé %(found)s") % {"found": found}, position)
    rest = whitespace.match(text, position + 1).end()
    if rest < len(text):
        raise fail(_("contenu après la fin du tableau"), rest)


def check_code(source: SourceFile, value: str, pattern: re.Pattern, *, line: int, field: str) -> str:
    if not pattern.fullmatch(value):
        raise source.error(_("code mal formé : %(value)r") % {"value": value}, line=line, field=field)
    return value


def parse_int(source: SourceFile, value: str, *, line: int, field: str) -> int | None:
    if value == "":
        return None
    if not value.isdigit():
        raise source.error(_("nombre entier attendu : %(value)r") % {"value": value}, line=line, field=field)
    return int(value)


def check_text(source: SourceFile, value: str, *, line: int, field: str, max_length: int) -> str:
    value = " ".join(value.split())
    if not value:
        raise source.error(_("valeur vide"), line=line, field=field)
    if len(value) > max_length:
        raise source.error(
            _("texte trop long (%(length)d caractères, %(max)d au plus)")
            % {"length": len(value), "max": max_length},
            line=line,
            field=field,
        )
    return value
