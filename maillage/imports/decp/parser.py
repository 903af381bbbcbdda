"""Parsers of French public procurement data (DECP, regulatory formats 2019 and 2022).

Three published shapes are read:
- the JSON files of the 2019 format, ``{"marches": [...]}``, one object per market (or
  concession, ``_type`` "Contrat de concession", whose buyer is ``autoriteConcedante`` and
  holders ``concessionnaires``), streamed with ijson (one record in memory at a time);
- the JSON files of the 2022 format (arrêtés of 22 December 2022, used by the national
  consolidated files since 2024), ``{"marches": {"marche": [...], "contrat-concession":
  [...]}}``, streamed the same way, markets first then concessions (two passes over the file,
  each one record in memory at a time);
- the flattened CSV, one row per (market, holder), read with polars.

Both JSON formats yield ``DecpMarket`` records and collect ``DecpReject``s, each naming the
file, the record (``marches[12]``, ``marches.marche[12]``, ``marches.contrat-concession[3]``
or ``ligne 14``) and the field.

The 2022 format follows the official JSON schema ``schema_decp_v2.0.3.json`` and its example
``exemples/json/marches_concessions.json`` (repository ``139bercy/format-commande-publique``),
checked against the consolidation project's real-record fixture
``tests/data/decp_test_2022.json`` (repository ``ColinMaudry/decp-processing``, whose
``src/tasks/detect_format.py`` also tells the formats apart by the holder wrapper). What
changes for this parser:
- the layout is told from the parse events (``marches`` a list: 2019; an object whose first
  key is ``marche`` or ``contrat-concession``: 2022), never by loading the file;
- concessions are read in 2022 as in 2019 (kind "Contrat de concession", same fields): the
  list they come from says so, there is no ``_type``. The 2022 schema gives them no
  ``codeCPV`` (nor ``lieuExecution``), so a 2022 concession without one is rejected, field
  ``codeCPV``, reason ``missing``: without a CPV code there is no category for the graph;
- holders are wrapped, ``titulaires: [{"titulaire": {"typeIdentifiant", "id"}}]`` (and
  ``concessionnaires: [{"concessionnaire": {...}}]``), unwrapped here whatever the layout (the
  consolidated files mix both); a reject names ``titulaires[0].titulaire.id``;
- buyer and holders have no name (no ``acheteur.nom``, no ``denominationSociale``): the names
  are left empty, which is not a rejection (the importer keys buyers and holders by SIRET or
  identifier);
- the new fields (``techniques``, ``modalitesExecution``, ``considerationsSociales``,
  ``considerationsEnvironnementales``, ``typesPrix``, ``ccag``, ``offresRecues``,
  ``actesSousTraitance``, ``origineUE``…) are ignored, and so are ``modifications`` in both
  formats: a market keeps its initial amount, duration and holders. A market is rejected whole when its
buyer, CPV code, amount, duration, date or every holder is unusable; a single bad holder of
a market that has others is dropped and reported. Quirks of the data handled here:
- CPV codes come as ``79100000``, ``50700000-2``, ``031210005`` (key glued on) or
  ``3111000`` (leading zero lost): the digits before the key are kept, a 7-digit code is
  left-padded, and the result must have 8 digits (and be in the nomenclature when given);
- ``montant`` 0 is published when the amount is unknown: it becomes None;
- dates may carry a time-zone suffix (``2018-12-17+01:00``): the date part is kept.
"""

from __future__ import annotations

import ast
import csv
import math
import re
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import ijson
import polars as pl
from stdnum.eu import vat
from stdnum.fr import siret

from maillage.engine.graph.model import SupplyGraph
from maillage.engine.graph.procurement import ContractHolder, PublicContract, contracts_graph
from maillage.imports.limits import ImportLimitError, JsonDepthGuard, text_problem

CONCESSION = "Contrat de concession"


class Reason:
    """Codes of rejection (the Django side maps them to translated labels)."""

    MISSING = "missing"
    BAD_SIRET = "bad_siret"
    BAD_VAT = "bad_vat"
    BAD_CPV = "bad_cpv"
    UNKNOWN_CPV = "unknown_cpv"
    BAD_AMOUNT = "bad_amount"
    BAD_DURATION = "bad_duration"
    BAD_DATE = "bad_date"
    NO_HOLDER = "no_holder"
    BAD_RECORD = "bad_record"
    BAD_TEXT = "bad_text"


class DecpFileError(ValueError):
    """The file itself cannot be read (not JSON, no ``marches``, missing CSV column…).

    ``records_read``: records of the file read before the error (a streamed JSON file can
    break after many), 0 when the file was refused before its first record.
    """

    def __init__(self, message: str, records_read: int = 0):
        super().__init__(message)
        self.records_read = records_read


@dataclass(frozen=True, slots=True)
class DecpHolder:
    """A holder (titulaire) of a market. ``key`` is the SIRET, or ``TYPE:identifier`` otherwise."""

    id_type: str
    identifier: str
    name: str

    @property
    def key(self) -> str:
        return self.identifier if self.id_type == "SIRET" else f"{self.id_type}:{self.identifier}"


@dataclass(frozen=True, slots=True)
class DecpMarket:
    source: str  # file name
    position: str  # "marches[12]" (JSON) or "ligne 14" (CSV)
    market_id: str
    kind: str  # "Marché" or "Contrat de concession"
    nature: str
    subject: str
    procedure: str
    buyer_siret: str
    buyer_name: str
    cpv: str  # 8 digits, no check key
    place_code: str
    place_type: str
    place_name: str
    duration_months: int | None
    amount: float | None  # euros excl. tax over the whole duration; None when unknown (0 published)
    notified_on: date | None
    price_form: str
    holders: tuple[DecpHolder, ...]
    holder_count: int  # holders of the whole market (a CSV row carries one of them)
    origin: str = ""  # publishing source: the JSON file, or the CSV's ``source_fichier`` column

    def annual_amount(self) -> float | None:
        """Amount per year: spread over the duration when it passes a year, else the whole amount."""
        if self.amount is None:
            return None
        months = self.duration_months or 12
        return self.amount * 12 / max(months, 12)

    def contract(self) -> PublicContract:
        """The plain record the graph engine takes."""
        return PublicContract(
            buyer=self.buyer_siret,
            buyer_name=self.buyer_name,
            category=self.cpv,
            annual_amount=self.annual_amount(),
            holder_count=self.holder_count,
            holders=tuple(ContractHolder(h.key, h.id_type, h.name) for h in self.holders),
        )


@dataclass(frozen=True, slots=True)
class DecpReject:
    source: str
    position: str
    market_id: str
    field: str
    value: str
    reason: str
    detail: str
    whole_record: bool  # False: only this holder was dropped, the market was kept

    @property
    def message(self) -> str:
        ident = f" (id {self.market_id})" if self.market_id else ""
        return f"{self.source}, {self.position}{ident}, champ {self.field} : {self.detail} « {self.value} »"


@dataclass
class DecpParse:
    markets: list[DecpMarket] = field(default_factory=list)
    rejects: list[DecpReject] = field(default_factory=list)

    @property
    def rejected_records(self) -> int:
        return len({r.position for r in self.rejects if r.whole_record})


class _Invalid(Exception):
    def __init__(self, field: str, value: object, reason: str, detail: str):
        super().__init__(detail)
        self.field, self.value, self.reason, self.detail = (
            field,
            "" if value is None else str(value),
            reason,
            detail,
        )


InvalidValue = _Invalid  # public name for callers that validate single values (normalise_cpv…)


@lru_cache(maxsize=1 << 16)
def _siret_ok(value: str) -> bool:
    return siret.is_valid(value)


CPV_RE = re.compile(r"^(\d{7,9})(?:-\d)?$")


def normalise_cpv(raw: object, known: Collection[str] | None = None) -> str:
    """CPV code on its first 8 digits; raises _Invalid naming codeCPV otherwise."""
    text = "" if raw is None else str(raw).strip()
    match = CPV_RE.match(text)
    if not match:
        raise _Invalid("codeCPV", raw, Reason.BAD_CPV, "code CPV mal formé")
    digits = match.group(1)
    code = digits.zfill(8) if len(digits) == 7 else digits[:8]
    if known is not None and code not in known:
        raise _Invalid("codeCPV", raw, Reason.UNKNOWN_CPV, "code CPV absent de la nomenclature 2008")
    return code


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _amount(value: object, name: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount = float(value)
    except (TypeError, ValueError):
        raise _Invalid(name, value, Reason.BAD_AMOUNT, "montant illisible") from None
    if amount != amount or amount < 0 or amount == float("inf"):
        raise _Invalid(name, value, Reason.BAD_AMOUNT, "montant négatif ou non fini")
    return amount or None


MAX_MONTHS = 1200  # a century: concessions run up to 99 years; real files stop at 162 months


def _duration(value: object) -> int | None:
    # « NC » (non communiqué) occurs in real 2022 records: an unknown duration, not a bad one.
    if value is None or (isinstance(value, str) and value.strip().upper() in ("", "NC")):
        return None
    try:
        months = float(value)
    except (TypeError, ValueError):
        raise _Invalid("dureeMois", value, Reason.BAD_DURATION, "durée illisible") from None
    if not math.isfinite(months) or months != int(months) or months < 1:
        raise _Invalid("dureeMois", value, Reason.BAD_DURATION, "durée en mois entière positive attendue")
    if months > MAX_MONTHS:
        raise _Invalid(
            "dureeMois", value, Reason.BAD_DURATION, f"durée de plus de {MAX_MONTHS} mois (un siècle)"
        )
    return int(months)


def _stored_text(value: object, name: str) -> str:
    """Text the importer writes: refused when a database would refuse it (NUL byte)."""
    text = _text(value)
    problem = text_problem(text)
    if problem:
        raise _Invalid(name, text.replace("\x00", "\\0"), Reason.BAD_TEXT, problem)
    return text


def _date(value: object, name: str) -> date | None:
    text = _text(value)
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise _Invalid(name, value, Reason.BAD_DATE, "date AAAA-MM-JJ attendue") from None


def _buyer_siret(value: object, name: str) -> str:
    text = _text(value)
    if not text:
        raise _Invalid(name, value, Reason.MISSING, "SIRET de l'acheteur absent")
    if not _siret_ok(text):
        raise _Invalid(name, value, Reason.BAD_SIRET, "SIRET invalide (format ou clé de contrôle)")
    return text


def _holder(
    id_type: object, identifier: object, name: object, prefix: str, name_field: str = "denominationSociale"
) -> DecpHolder:
    kind, ident = _text(id_type).upper(), _stored_text(identifier, f"{prefix}id")
    if not ident:
        raise _Invalid(f"{prefix}id", identifier, Reason.MISSING, "identifiant du titulaire absent")
    if kind == "SIRET":
        if not _siret_ok(ident):
            raise _Invalid(
                f"{prefix}id", identifier, Reason.BAD_SIRET, "SIRET invalide (format ou clé de contrôle)"
            )
    elif kind == "TVA":
        if not vat.is_valid(ident):
            raise _Invalid(
                f"{prefix}id", identifier, Reason.BAD_VAT, "numéro de TVA intracommunautaire invalide"
            )
        ident = vat.compact(ident)
    elif not kind:
        raise _Invalid(f"{prefix}typeIdentifiant", id_type, Reason.MISSING, "type d'identifiant absent")
    return DecpHolder(kind, ident, _stored_text(name, f"{prefix}{name_field}"))


# --- JSON -------------------------------------------------------------------------------------

# The file is streamed, one record in memory at a time whatever its size (the national
# consolidated file is well over 1 GB): ijson's C parser (yajl2_c) when it is there.
try:
    _FAST = ijson.get_backend("yajl2_c")
except ImportError:  # pragma: no cover - ijson's wheels ship it
    _FAST = ijson
_PYTHON = ijson.get_backend("python")  # slower, but reads integers beyond 64 bits as json does
_CHUNK = 1 << 16  # bytes handed to the parser at a time
_BOM = b"\xef\xbb\xbf"


def read_decp_json(path: Path, *, cpv_codes: Collection[str] | None = None) -> DecpParse:
    """Parse a DECP JSON file (format 2019 or 2022); see iter_decp_json for the rules."""
    result = DecpParse()
    result.markets.extend(iter_decp_json(path, result.rejects, cpv_codes=cpv_codes))
    return result


def iter_decp_json(
    path: Path, rejects: list[DecpReject], *, cpv_codes: Collection[str] | None = None
) -> Iterator[DecpMarket]:
    """Yield the valid markets of ``path``; append every problem to ``rejects``.

    The file is streamed: a syntax error is met only after the markets before it were yielded.
    Its ``DecpFileError`` names the byte and the last record read; ``records_read`` counts them.
    """
    path = Path(path)
    for name, index, concession, record in _json_records(path):
        market = _json_market(path.name, index, record, rejects, cpv_codes, concession, name)
        if market is not None:
            yield market


class _Chunks:
    """Binary reader remembering the last chunk handed to the parser and its offset in the file."""

    def __init__(self, handle, guard: JsonDepthGuard):
        self.handle, self.guard = handle, guard
        if handle.read(len(_BOM)) != _BOM:  # a byte-order mark is skipped; offsets stay the file's
            handle.seek(0)
        self.start = self.end = handle.tell()
        self.last = b""

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        if data:
            self.guard.feed(data)  # before the parser sees it: ijson holds a path per level
            self.start, self.end, self.last = self.end, self.end + len(data), data
        return data


# The lists of records of each layout: ijson prefix, name in positions, concession list or not
# (None: the record's ``_type`` says).
_LISTS_2019 = (("marches.item", "marches", None),)
_LISTS_2022 = (
    ("marches.marche.item", "marches.marche", False),
    ("marches.contrat-concession.item", "marches.contrat-concession", True),
)


def _json_records(path: Path) -> Iterator[tuple[str, int, bool | None, object]]:
    """``(list name, index, concession, record)`` of the file's lists, streamed; DecpFileError if unusable.

    Numbers come as json gives them (int, float: ``use_float``, never ``Decimal``).
    """
    backend, done, last = _FAST, 0, ""
    while True:
        try:
            with path.open("rb") as handle:
                chunks = _Chunks(handle, JsonDepthGuard(file=path))
                try:
                    lists = _record_lists(path, backend.parse(chunks, buf_size=_CHUNK))
                    seen = 0  # records met in this pass over the lists
                    for prefix, name, concession in lists:
                        handle.seek(0)
                        chunks = _Chunks(handle, JsonDepthGuard(file=path))
                        records = backend.items(chunks, prefix, use_float=True, buf_size=_CHUNK)
                        for index, record in enumerate(records):
                            seen += 1
                            if seen > done:  # after a restart, the records already given are skipped
                                done, last = seen, f"{name}[{index}]"
                                yield name, index, concession, record
                    return
                except ijson.JSONError as error:
                    if backend is not _PYTHON and "integer overflow" in str(error):
                        backend = _PYTHON  # yajl stops at integers beyond 64 bits: start again
                        continue
                    raise DecpFileError(_broken(path, error, chunks, done, last), done) from None
                except ImportLimitError as error:
                    raise DecpFileError(str(error), done) from None
        except (OSError, UnicodeDecodeError) as error:
            raise DecpFileError(f"{path.name} : JSON illisible ({error})", done) from None


def _record_lists(path: Path, events: Iterator[tuple[str, str, object]]) -> tuple:
    """Peek at the first parse events for the layout: ``marches`` a list (2019) or an object (2022)."""
    first = next(events, None)
    if first is not None and first[1] == "start_map":
        for prefix, event, value in events:
            if prefix == "" and event == "map_key" and value == "marches":
                kind = next(events, ("", "", None))[1]
                if kind == "start_array":
                    return _LISTS_2019
                if kind == "start_map":  # {"marches": {"marche": [...], "contrat-concession": [...]}}
                    _, event, key = next(events, ("", "", None))
                    if event == "map_key" and key in ("marche", "contrat-concession"):
                        return _LISTS_2022
                    found = f"sa première clé est « {key} »" if event == "map_key" else "il est vide"
                    raise DecpFileError(
                        f"{path.name} : liste « marches » absente (« marches » est un objet mais {found} ; "
                        "format 2022 : « marche » ou « contrat-concession » attendue)"
                    )
                break
            if prefix == "" and event == "end_map":
                break
    raise DecpFileError(f"{path.name} : liste « marches » absente")


def _broken(path: Path, error: Exception, chunks: _Chunks, done: int, last: str) -> str:
    """Message of a syntax error met while streaming: byte, last record read, the parser's words."""
    text = str(error)
    raw = None
    if text[:2] in ("b'", 'b"'):  # ijson shows yajl's message as bytes when cut inside a character
        try:
            raw = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            raw = None
    if not isinstance(raw, bytes):
        raw = text.encode("utf-8", "replace")
    lines = raw.split(b"\n")
    reason = lines[0].decode("utf-8", "replace").strip() or type(error).__name__
    # yajl: reason, context (error byte in column 40), "(right here) ------^"
    context = lines[1] if len(lines) > 2 and b"(right here)" in lines[2] else b""
    if "premature EOF" in reason or reason == "Incomplete JSON content":
        where = f"à l'octet {chunks.end} (fin du fichier)"
    else:
        offset = _offset_in_chunk(chunks.last, context)
        if offset is None:
            where = f"entre les octets {chunks.start} et {chunks.end}"
        else:
            where = f"à l'octet {chunks.start + offset}"
    if done:
        plural = "s" if done > 1 else ""
        after = f"après {last} ({done} enregistrement{plural} lu{plural} avant l'erreur)"
    else:
        after = "avant le premier enregistrement"
    near = context.decode("utf-8", "replace").strip()
    detail = f"{reason} près de « {near} »" if near else reason
    return f"{path.name} : JSON illisible {where}, {after} : {detail}"


def _offset_in_chunk(chunk: bytes, context: bytes) -> int | None:
    """Where in ``chunk`` yajl stopped, from its error context; None unless exactly one place fits.

    yajl (``yajl_render_error_string``) shows up to 30 bytes before the error offset and 30 from
    it, line breaks as spaces, left-padded so that the error byte is in column 40.
    """
    if len(context) < 40 or not context.strip():
        return None
    flat = chunk.replace(b"\n", b" ").replace(b"\r", b" ")
    wanted = context.rstrip(b" ")

    def fits(offset: int) -> bool:
        start = max(offset - 30, 0)
        shown = b" " * (40 - (offset - start)) + flat[start : offset + 30]
        return shown.rstrip(b" ") == wanted

    found = [offset for offset in range(min(30, len(flat) + 1)) if fits(offset)]
    needle = context[10:40]  # the 30 bytes before the error, when it lies 30 bytes or more in
    at = flat.find(needle)
    while at != -1 and len(found) < 2:
        if fits(at + 30):
            found.append(at + 30)
        at = flat.find(needle, at + 1)
    return found[0] if len(found) == 1 else None


def _json_market(
    source, index, record, rejects, cpv_codes, concession=None, list_name="marches"
) -> DecpMarket | None:
    """Record ``list_name[index]`` of either format; ``concession``: said by its 2022 list, None in 2019."""
    position = f"{list_name}[{index}]"
    if not isinstance(record, dict):
        rejects.append(
            DecpReject(source, position, "", "", str(record)[:80], Reason.BAD_RECORD, "objet attendu", True)
        )
        return None
    market_id = _text(record.get("id")).replace("\x00", "\\0")  # as shown in a rejection
    listed = concession is not None  # format 2022: the list says what the record is
    if not listed:
        concession = record.get("_type") == CONCESSION
    buyer_field, holders_field = (
        ("autoriteConcedante", "concessionnaires") if concession else ("acheteur", "titulaires")
    )
    try:
        buyer = record.get(buyer_field) or {}
        if not isinstance(buyer, dict):
            raise _Invalid(buyer_field, buyer, Reason.BAD_RECORD, "objet attendu")
        _stored_text(record.get("id"), "id")
        buyer_siret = _buyer_siret(buyer.get("id"), f"{buyer_field}.id")
        buyer_name = _stored_text(buyer.get("nom"), f"{buyer_field}.nom")  # absent in format 2022
        if listed and concession and not _text(record.get("codeCPV")):
            detail = "code CPV absent (le format 2022 n'en prévoit pas pour les concessions)"
            raise _Invalid("codeCPV", None, Reason.MISSING, detail)
        cpv = normalise_cpv(record.get("codeCPV"), cpv_codes)
        amount_field = "valeurGlobale" if concession else "montant"
        amount = _amount(record.get(amount_field), amount_field)
        duration = _duration(record.get("dureeMois"))
        date_field = "dateSignature" if concession else "dateNotification"
        notified = _date(record.get(date_field), date_field)
        raw_holders = record.get(holders_field)
        if not isinstance(raw_holders, list) or not raw_holders:
            raise _Invalid(holders_field, raw_holders, Reason.NO_HOLDER, "aucun titulaire")
    except _Invalid as bad:
        rejects.append(
            DecpReject(source, position, market_id, bad.field, bad.value, bad.reason, bad.detail, True)
        )
        return None
    holders, problems = [], []
    wrapper = holders_field[:-1]  # 2022: {"titulaire": {...}} or {"concessionnaire": {...}}
    for i, raw in enumerate(raw_holders):
        prefix = f"{holders_field}[{i}]."
        try:
            if isinstance(raw, dict) and wrapper in raw:
                raw, prefix = raw[wrapper], f"{prefix}{wrapper}."
            if not isinstance(raw, dict):
                raise _Invalid(prefix.rstrip("."), raw, Reason.BAD_RECORD, "objet attendu")
            holders.append(
                _holder(raw.get("typeIdentifiant"), raw.get("id"), raw.get("denominationSociale"), prefix)
            )
        except _Invalid as bad:
            problems.append(bad)
    whole = not holders
    for bad in problems:
        rejects.append(
            DecpReject(source, position, market_id, bad.field, bad.value, bad.reason, bad.detail, whole)
        )
    if whole:
        return None
    place = record.get("lieuExecution") or {}
    return DecpMarket(
        source=source,
        position=position,
        market_id=market_id,
        kind=CONCESSION if concession else (_text(record.get("_type")) or "Marché"),
        nature=_text(record.get("nature")),
        subject=_text(record.get("objet")),
        procedure=_text(record.get("procedure")),
        buyer_siret=buyer_siret,
        buyer_name=buyer_name,
        cpv=cpv,
        place_code=_text(place.get("code")),
        place_type=_text(place.get("typeCode")),
        place_name=_text(place.get("nom")),
        duration_months=duration,
        amount=amount,
        notified_on=notified,
        price_form=_text(record.get("formePrix")),
        holders=tuple(holders),
        holder_count=len(raw_holders),
        origin=source,
    )


# --- flattened CSV ----------------------------------------------------------------------------

CSV_COLUMNS = (
    "source_fichier",
    "id",
    "type",
    "nature",
    "acheteur_id",
    "acheteur_nom",
    "objet",
    "codeCPV",
    "procedure",
    "lieu_code",
    "lieu_typeCode",
    "lieu_nom",
    "dureeMois",
    "montant",
    "dateNotification",
    "formePrix",
    "titulaire_typeIdentifiant",
    "titulaire_id",
    "titulaire_denomination",
)
# Rows of one market share these values; their count is the market's number of holders.
MARKET_KEY = ("source_fichier", "id", "acheteur_id", "codeCPV", "dateNotification", "montant")


def read_decp_csv(path: Path, *, cpv_codes: Collection[str] | None = None) -> DecpParse:
    """Parse the flattened CSV (one row per market and holder) into one-holder markets."""
    result = DecpParse()
    result.markets.extend(iter_decp_csv(path, result.rejects, cpv_codes=cpv_codes))
    return result


def iter_decp_csv(
    path: Path, rejects: list[DecpReject], *, cpv_codes: Collection[str] | None = None
) -> Iterator[DecpMarket]:
    path = Path(path)
    try:
        frame = pl.read_csv(path, infer_schema_length=0, encoding="utf8")
    except (OSError, pl.exceptions.PolarsError) as error:
        raise DecpFileError(f"{path.name} : CSV illisible ({error})") from None
    missing = [c for c in CSV_COLUMNS if c not in frame.columns]
    if missing:
        raise DecpFileError(f"{path.name}, ligne 1 : colonne(s) absente(s) {', '.join(missing)}")
    frame = frame.with_columns(
        _holders=pl.len().over([pl.col(c).fill_null("") for c in MARKET_KEY]),
        _line=_physical_lines(path, frame.height),
    )
    for row in frame.iter_rows(named=True):
        market = _csv_market(path.name, row, rejects, cpv_codes)
        if market is not None:
            yield market


def _physical_lines(path: Path, rows: int) -> pl.Series:
    """Line number of each data row, exact even when quoted fields hold line breaks."""
    breaks, last = 0, b""
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            breaks, last = breaks + chunk.count(b"\n"), chunk[-1:]
    lines = breaks + (last != b"\n")  # a last line without its line break still counts
    if lines == rows + 1:  # no field spans lines: row i sits on line i + 2
        return pl.Series(range(2, rows + 2))
    starts = []
    with _csv_fields_up_to(path.stat().st_size), path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        line = reader.line_num
        for _ in reader:
            starts.append(line + 1)
            line = reader.line_num
    return pl.Series(starts[:rows])


@contextmanager
def _csv_fields_up_to(size: int):
    """The csv module refuses fields over 128 KiB; polars read them already (the file is in memory)."""
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, size + 1))
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _csv_market(source, row, rejects, cpv_codes) -> DecpMarket | None:
    position = f"ligne {row['_line']}"
    market_id = _text(row["id"]).replace("\x00", "\\0")  # as shown in a rejection
    try:
        _stored_text(row["id"], "id")
        buyer_siret = _buyer_siret(row["acheteur_id"], "acheteur_id")
        buyer_name = _stored_text(row["acheteur_nom"], "acheteur_nom")
        cpv = normalise_cpv(row["codeCPV"], cpv_codes)
        amount = _amount(row["montant"], "montant")
        duration = _duration(row["dureeMois"])
        notified = _date(row["dateNotification"], "dateNotification")
        if not _text(row["titulaire_id"]) and not _text(row["titulaire_typeIdentifiant"]):
            raise _Invalid("titulaire_id", "", Reason.NO_HOLDER, "aucun titulaire")
        holder = _holder(
            row["titulaire_typeIdentifiant"],
            row["titulaire_id"],
            row["titulaire_denomination"],
            "titulaire_",
            "denomination",
        )
    except _Invalid as bad:
        rejects.append(
            DecpReject(source, position, market_id, bad.field, bad.value, bad.reason, bad.detail, True)
        )
        return None
    return DecpMarket(
        source=source,
        position=position,
        market_id=market_id,
        kind=_text(row["type"]) or "Marché",
        nature=_text(row["nature"]),
        subject=_text(row["objet"]),
        procedure=_text(row["procedure"]),
        buyer_siret=buyer_siret,
        buyer_name=buyer_name,
        cpv=cpv,
        place_code=_text(row["lieu_code"]),
        place_type=_text(row["lieu_typeCode"]),
        place_name=_text(row["lieu_nom"]),
        duration_months=duration,
        amount=amount,
        notified_on=notified,
        price_form=_text(row["formePrix"]),
        holders=(holder,),
        holder_count=int(row["_holders"]),
        origin=_text(row["source_fichier"]),
    )


def read_cpv_codes(path: Path) -> frozenset[str]:
    """The 8-digit codes of the CPV 2008 nomenclature file (``CODE`` column, e.g. 42600000-2)."""
    frame = pl.read_csv(path, infer_schema_length=0, columns=["CODE"])
    return frozenset(code[:8] for code in frame["CODE"].drop_nulls().to_list())


# --- graph ------------------------------------------------------------------------------------


def decp_graph(markets: Iterable[DecpMarket], *, key: str = "siret") -> SupplyGraph:
    """The engine's graph of these markets (``maillage.engine.graph.procurement``)."""
    return contracts_graph((market.contract() for market in markets), key=key)
