"""Cut a CSV file, plain or zipped, into batches of lines in bounded memory.

The national stock is ~40 million lines (~8 GB): lines are read in fixed-size byte blocks
and split by polars, so that memory holds one block and one batch whatever the file size.
Each batch knows the file line number of its first line and the byte offset just after its
last line in the uncompressed stream, which is what an interrupted import resumes from.

INSEE's stock files never put a line break inside a field, so one physical line is one
record; a line with an unbalanced quote is rejected rather than merged with the next one.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import polars as pl

from maillage.imports import limits

BLOCK_SIZE = 16 * 1024 * 1024
# At most this many lines are split into one polars frame (real lines: ~30,000 per block).
MAX_FRAME_LINES = 262_144


class SireneFileError(Exception):
    """The file as a whole cannot be read (missing, not a CSV, wrong header)."""


@dataclass(frozen=True)
class LineBatch:
    first_line: int  # file line number (1 = header) of the first line
    lines: pl.Series  # str; a line that is not valid UTF-8 is replaced by ""
    bad_encoding: pl.Series  # bool, same length
    end_offset: int  # byte offset just after the batch's last line (uncompressed stream)

    @property
    def line_numbers(self) -> pl.Series:
        return pl.int_range(self.first_line, self.first_line + len(self.lines), eager=True, dtype=pl.Int64)

    @property
    def last_line(self) -> int:
        return self.first_line + len(self.lines) - 1


def check_file(path: str | Path) -> None:
    """Refuse a path that is not a readable file, before anything else looks at it."""
    path = Path(path)
    if path.is_dir():
        raise SireneFileError(f"{path} : c'est un dossier, pas un fichier")
    if not path.is_file():
        raise SireneFileError(f"{path} : fichier introuvable")
    if not os.access(path, os.R_OK):
        raise SireneFileError(f"{path} : fichier illisible (droits d'accès)")


def open_binary(path: str | Path) -> BinaryIO:
    """The uncompressed byte stream of a CSV file or of the single CSV inside a zip archive."""
    path = Path(path)
    check_file(path)
    if zipfile.is_zipfile(path):
        archive = zipfile.ZipFile(path)
        members = [m for m in archive.namelist() if m.lower().endswith(".csv")]
        if len(members) != 1:
            archive.close()
            raise SireneFileError(f"{path}: l'archive doit contenir exactement un fichier .csv ({members})")
        # Bounded by what it inflates (size and ratio), whatever the archive declares.
        return limits.open_zip_member(archive, members[0], file=path)
    return open(path, "rb")


def fingerprint(path: str | Path) -> str:
    """Cheap identity of a file: size plus digests of its first and last MiB.

    Hashing 8 GB would take as long as the import itself; a new monthly stock always differs
    in its first and last lines (dates of last processing), so these are enough to tell apart.
    """
    path = Path(path)
    size = path.stat().st_size
    digest = hashlib.sha256(str(size).encode())
    with open(path, "rb") as handle:
        digest.update(handle.read(1 << 20))
        if size > 2 << 20:
            handle.seek(size - (1 << 20))
        digest.update(handle.read(1 << 20))
    return f"{size}:{digest.hexdigest()[:32]}"


def read_header(stream: BinaryIO, path: str | Path) -> tuple[list[str], int]:
    """Column names of the first line and its length in bytes (newline included)."""
    bound = limits.limit("MAX_LINE_BYTES")
    raw = stream.readline(bound + 1)
    if len(raw) > bound and not raw.endswith(b"\n"):
        raise limits.line_too_long(file=path, line=1)
    try:
        text = raw.decode("utf-8-sig").rstrip("\r\n")
    except UnicodeDecodeError as exc:
        raise SireneFileError(f"{path}, ligne 1 : en-tête illisible (UTF-8 attendu)") from exc
    if not text:
        raise SireneFileError(f"{path} : fichier vide")
    return [name.strip().strip('"') for name in text.split(",")], len(raw)


def _skip(stream: BinaryIO, count: int) -> None:
    if count <= 0:
        return
    if stream.seekable():
        stream.seek(count, os.SEEK_CUR)
        return
    while count:
        chunk = stream.read(min(count, BLOCK_SIZE))
        if not chunk:
            break
        count -= len(chunk)


def _block_frame(data: bytes) -> pl.DataFrame:
    """Lines of a block that ends on a line boundary: text, byte length, encoding flag."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        # Rare: only the block holding a bad line goes through this slow path.
        raws = data.split(b"\n")
        texts, bad = [], []
        for raw in raws:
            try:
                texts.append(raw.decode("utf-8"))
                bad.append(False)
            except UnicodeDecodeError:
                texts.append("")
                bad.append(True)
        return pl.DataFrame(
            {"line": texts, "nbytes": [len(r) + 1 for r in raws], "bad": bad},
            schema={"line": pl.String, "nbytes": pl.Int64, "bad": pl.Boolean},
        )
    lines = pl.Series("line", [text]).str.split("\n").explode()
    return pl.DataFrame(
        {
            "line": lines,
            "nbytes": lines.str.len_bytes().cast(pl.Int64) + 1,
            "bad": pl.repeat(False, len(lines), eager=True),
        }
    )


def _pieces(data: bytes) -> Iterator[bytes]:
    """``data`` (whole lines, the last without its newline) cut at newlines into pieces of at
    most ``MAX_FRAME_LINES`` lines: a block of 16 MiB of empty lines would otherwise become a
    frame of 16 million rows (half a gigabyte)."""
    if data.count(b"\n") < MAX_FRAME_LINES:
        yield data
        return
    middle = data.rfind(b"\n", 0, len(data) // 2 + 1)
    if middle < 0:
        middle = data.find(b"\n", len(data) // 2)
    yield from _pieces(data[:middle])
    yield from _pieces(data[middle + 1 :])


def iter_batches(
    stream: BinaryIO,
    *,
    batch_size: int,
    start_line: int,
    start_offset: int,
    skip_bytes: int = 0,
    block_size: int = BLOCK_SIZE,
    file: str | Path = "",
) -> Iterator[LineBatch]:
    """Batches of ``batch_size`` lines from the current position of ``stream``.

    ``start_line``/``start_offset`` describe where the stream stands once ``skip_bytes``
    more bytes are skipped (used to resume after the last committed batch). A line longer than
    ``MAILLAGE_IMPORT_MAX_LINE_BYTES`` stops the file (``limits.ImportLimitError``, naming
    ``file`` and the line) before it is held whole: a block plus that bound at most.
    """
    max_line = limits.limit("MAX_LINE_BYTES")
    _skip(stream, skip_bytes)
    pending = pl.DataFrame(schema={"line": pl.String, "nbytes": pl.Int64, "bad": pl.Boolean})
    tail = b""
    line_no, offset = start_line, start_offset

    def emit(frame: pl.DataFrame) -> LineBatch:
        nonlocal line_no, offset
        offset += int(frame["nbytes"].sum())
        batch = LineBatch(
            first_line=line_no,
            lines=frame["line"].str.strip_suffix("\r"),
            bad_encoding=frame["bad"],
            end_offset=offset,
        )
        line_no += frame.height
        return batch

    while True:
        block = stream.read(block_size)
        data = tail + block
        if not block:
            if data:
                frame = _block_frame(data)
                # The last line has no newline: it does not count one byte more.
                frame = frame.with_columns(
                    pl.when(pl.int_range(pl.len()) == pl.len() - 1)
                    .then(pl.col("nbytes") - 1)
                    .otherwise(pl.col("nbytes"))
                )
                pending = pl.concat([pending, frame])
            break
        cut = data.rfind(b"\n")
        if cut < 0:
            if len(data) > max_line:
                raise limits.line_too_long(file=file, line=line_no + pending.height)
            tail = data
            continue
        tail = data[cut + 1 :]
        for piece in _pieces(data[:cut]):
            frame = _block_frame(piece)
            too_long = frame["nbytes"] > max_line + 1
            if too_long.any():
                line = line_no + pending.height + int(too_long.arg_true()[0])
                raise limits.line_too_long(file=file, line=line)
            pending = pl.concat([pending, frame])
            while pending.height >= batch_size:
                yield emit(pending.head(batch_size))
                pending = pending.slice(batch_size)
        if len(tail) > max_line:
            raise limits.line_too_long(file=file, line=line_no + pending.height)
    while pending.height:
        yield emit(pending.head(batch_size))
        pending = pending.slice(batch_size)
