"""Import a large buyer's purchase ledger (CSV or XLSX) as supply relations and purchase lines.

Columns (header names compared without case or accents; synonyms accepted):
``siret`` (or ``siret_fournisseur``), ``fournisseur`` (supplier name), ``commune`` (INSEE code,
postal code or name, optional), ``montant`` (euros excl. tax; ``12 345,67`` or ``12345.67``),
``categorie`` (free text, or a CPV code), ``annee`` (or ``--year``). A line needs an amount and
a SIRET or a name.

Suppliers: a valid SIRET found in the directory is a match; a valid SIRET not found is an
outside supplier; otherwise the name is compared with the establishments of the commune (or of
the whole directory when no commune is given, with a lower confidence). At ``AUTO_MATCH`` or
above the match is applied; between ``REVIEW_FLOOR`` and it, an animator decides in the review
queue and the line stays on an outside supplier until then; below, an outside supplier by name.
An animator's decision is remembered for the same name in the same commune.

Categories: a CPV code (``45000000``, ``45000000-7``, ``CPV 45000000``) goes to ``cpv``; free
text goes through the taxonomy mapper (column "capabilities"); text it is not sure of is kept
as written and counted (``categories_unmapped``), and queued once per (network, text) in the
import review queue (``imports.MappingReview``, origin ledger) with the number of lines and the
amount waiting for it; the animator's decision gives those relations the category, and later
imports of the same text in the network keep to it.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from rapidfuzz import fuzz
from stdnum.fr import siret as stdnum_siret

from maillage.directory.models import Establishment, Network
from maillage.engine.graph.decp import CPV_RE, _Invalid, normalise_cpv
from maillage.engine.text import fold
from maillage.imports.models import MappingReview
from maillage.imports.profiles.reader import SpreadsheetError, _encoding
from maillage.referential.models import Commune, CpvCode, PostalCode
from maillage.relations.importing import Item, Rejected, run_batches
from maillage.relations.models import (
    Confidentiality,
    PurchaseLine,
    RelationEvent,
    RelationSource,
    RelationStatus,
    SupplierMatchReview,
    SupplyRelation,
)
from maillage.relations.services import relations_refresh_amounts
from maillage.taxonomy.mapping import COLUMN_KIND, TaxonomyMapper, normalise

AUTO_MATCH = 0.92
REVIEW_FLOOR = 0.6
NO_COMMUNE_FACTOR = 0.85  # the same name elsewhere in France may be another company

ALIASES = {
    "siret": ("siret", "siret_fournisseur", "supplier_siret", "n_siret"),
    "name": ("fournisseur", "nom", "nom_fournisseur", "raison_sociale", "supplier", "supplier_name"),
    "commune": ("commune", "commune_insee", "code_insee", "code_postal", "cp", "ville", "city"),
    "amount": ("montant", "montant_ht", "montant_eur", "amount", "depense"),
    "category": ("categorie", "famille", "famille_achat", "famille_d_achat", "category", "nature"),
    "year": ("annee", "exercice", "year"),
}
COLUMN_OF = {alias: column for column, aliases in ALIASES.items() for alias in aliases}
LEGAL_FORMS = frozenset(
    ("sa", "sas", "sasu", "sarl", "eurl", "sci", "snc", "scop", "ets", "etablissements", "societe", "ste")
)


class Reason:
    MISSING_SUPPLIER = "missing_supplier"
    BAD_SIRET = "bad_siret"
    BAD_AMOUNT = "bad_amount"
    BAD_YEAR = "bad_year"
    UNKNOWN_COMMUNE = "unknown_commune"
    BAD_CPV = "bad_cpv"
    BAD_ROW = "bad_row"
    LABELS = {
        MISSING_SUPPLIER: "fournisseur absent (ni SIRET ni nom)",
        BAD_SIRET: "SIRET invalide",
        BAD_AMOUNT: "montant illisible",
        BAD_YEAR: "année illisible",
        UNKNOWN_COMMUNE: "commune inconnue",
        BAD_CPV: "code CPV inconnu",
        BAD_ROW: "ligne illisible",
    }


@dataclass
class LedgerRow:
    line: int
    values: dict[str, str]
    problem: str = ""


def _header(cells: list, path: Path) -> list[str | None]:
    names = []
    for cell in cells:
        key = "_".join(fold(str(cell or "")).replace("-", " ").replace("'", " ").split())
        name = COLUMN_OF.get(key)
        if name is not None and name in names:
            raise SpreadsheetError(f"{path.name}, ligne 1 : deux colonnes pour « {name} » ({cell})")
        names.append(name)
    if "amount" not in names:
        raise SpreadsheetError(f"{path.name}, ligne 1 : colonne montant absente")
    if "siret" not in names and "name" not in names:
        raise SpreadsheetError(f"{path.name}, ligne 1 : colonne siret ou fournisseur absente")
    return names


def read_ledger(path: Path) -> Iterator[LedgerRow]:
    """Rows with their line numbers; blank lines skipped; raises SpreadsheetError for the file."""
    if not path.exists():
        raise SpreadsheetError(f"{path} : fichier introuvable")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix in (".csv", ".txt"):
        return _read_csv(path)
    raise SpreadsheetError(f"{path.name} : format non pris en charge (CSV ou XLSX)")


def _read_csv(path: Path) -> Iterator[LedgerRow]:
    import csv
    import io

    text = path.read_bytes().decode(_encoding(path))
    delimiter = max((";", ",", "\t"), key=text.split("\n", 1)[0].count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if header is None:
        raise SpreadsheetError(f"{path.name} : fichier vide")
    names = _header(header, path)

    def rows():
        line = reader.line_num + 1
        for record in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            row = LedgerRow(start, {n: c.strip() for n, c in zip(names, record, strict=False) if n})
            if len(record) > len(names) and any(c.strip() for c in record[len(names) :]):
                row.problem = f"{len(record)} champs pour {len(names)} colonnes"
            yield row

    return rows()


def _cell(value, name: str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and name in ("siret", "commune", "year"):
        value = int(value)
    if isinstance(value, int) and name == "siret":
        return str(value).zfill(14)
    if isinstance(value, int) and name == "commune":
        return str(value).zfill(5)
    return str(value).strip()


def _read_xlsx(path: Path) -> Iterator[LedgerRow]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, data_only=True, read_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise SpreadsheetError(f"{path.name} : classeur XLSX illisible ({exc})") from exc
    rows_iter = book.worksheets[0].iter_rows(values_only=True)
    header = next(rows_iter, None)
    if not header or not any(header):
        raise SpreadsheetError(f"{path.name} : feuille vide")
    names = _header(list(header), path)

    def rows():
        for line, cells in enumerate(rows_iter, start=2):
            values = {n: _cell(v, n) for n, v in zip(names, cells, strict=False) if n}
            if any(values.values()):
                yield LedgerRow(line, values)
        book.close()

    return rows()


# --- parsing of one row ------------------------------------------------------------------------

AMOUNT_RE = re.compile(r"^-?\d+(?:[.,]\d+)?$")


def parse_amount(text: str) -> Decimal:
    raw = text.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace("€", "")
    if "," in raw and "." in raw:  # 1.234,56 or 1,234.56: the last separator is the decimal one
        raw = (
            raw.replace(".", "").replace(",", ".")
            if raw.rfind(",") > raw.rfind(".")
            else raw.replace(",", "")
        )
    raw = raw.replace(",", ".")
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise Rejected(Reason.BAD_AMOUNT, "montant", "montant illisible", text) from None
    if not amount.is_finite() or amount <= 0:
        raise Rejected(Reason.BAD_AMOUNT, "montant", "montant positif attendu", text)
    return amount.quantize(Decimal("0.01"))


def normalise_name(name: str) -> str:
    words = re.sub(r"[^a-z0-9]+", " ", fold(name)).split()
    kept = [w for w in words if w not in LEGAL_FORMS]
    return " ".join(kept or words)


@dataclass
class Parsed:
    line: int
    siret: str
    name: str
    commune: str | None
    amount: Decimal
    year: int
    category_text: str
    key: str


class RowParser:
    def __init__(self, *, default_year: int | None, buyer_key: str):
        self.default_year = default_year
        self.buyer_key = buyer_key
        self.postal = {}
        for code, commune in PostalCode.objects.values_list("code", "commune_id"):
            self.postal.setdefault(code, set()).add(commune)
        self.communes = set(Commune.objects.values_list("insee_code", flat=True))
        self.by_name: dict[str, set[str]] = {}
        for code, name in Commune.objects.values_list("insee_code", "name"):
            self.by_name.setdefault(normalise_name(name), set()).add(code)
        self.occurrences: Counter = Counter()

    def key(self, row: LedgerRow) -> str:
        """Stable across reruns: the raw content of the line and its rank among equal lines."""
        v = row.values
        raw = "|".join(v.get(c, "") for c in ("siret", "name", "commune", "amount", "category", "year"))
        self.occurrences[raw] += 1
        digest = hashlib.sha256(f"{raw}|{self.occurrences[raw]}".encode()).hexdigest()[:32]
        return f"ledger:{self.buyer_key}:{digest}"

    def commune(self, text: str) -> str | None:
        if not text:
            return None
        upper = text.strip().upper()
        if upper in self.communes:
            return upper
        if upper.isdigit() and len(upper) == 5 and len(self.postal.get(upper, ())) == 1:
            return next(iter(self.postal[upper]))
        codes = self.by_name.get(normalise_name(text), set())
        if len(codes) == 1:
            return next(iter(codes))
        detail = "plusieurs communes possibles" if codes or upper in self.postal else "commune introuvable"
        raise Rejected(Reason.UNKNOWN_COMMUNE, "commune", detail, text)

    def parse(self, row: LedgerRow, key: str) -> Parsed:
        if row.problem:
            raise Rejected(Reason.BAD_ROW, "", row.problem)
        v = row.values
        siret = re.sub(r"[\s.]", "", v.get("siret", ""))
        name = " ".join(v.get("name", "").split())
        if not siret and not name:
            raise Rejected(Reason.MISSING_SUPPLIER, "siret", "ni SIRET ni nom de fournisseur")
        if siret and not stdnum_siret.is_valid(siret):
            raise Rejected(Reason.BAD_SIRET, "siret", "SIRET invalide (format ou clé de contrôle)", siret)
        amount = parse_amount(v.get("amount", ""))
        year_text = v.get("year", "")
        if year_text:
            if not (year_text.isdigit() and 1990 <= int(year_text) <= 2100):
                raise Rejected(Reason.BAD_YEAR, "annee", "année sur 4 chiffres attendue", year_text)
            year = int(year_text)
        elif self.default_year:
            year = self.default_year
        else:
            raise Rejected(Reason.BAD_YEAR, "annee", "année absente (colonne annee ou option --year)")
        commune = self.commune(v.get("commune", ""))
        return Parsed(row.line, siret, name, commune, amount, year, v.get("category", "").strip(), key)


# --- matching ----------------------------------------------------------------------------------


@dataclass
class Match:
    establishment: Establishment | None
    confidence: float
    review: SupplierMatchReview | None = None  # pending or decided: it keys the relation

    @property
    def pending(self) -> bool:
        return self.review is not None and self.review.status == SupplierMatchReview.Status.PENDING


class SupplierMatcher:
    def __init__(self, network: Network | None):
        self.network = network
        self.cache: dict[tuple, Match] = {}

    def match(self, parsed: Parsed, file_name: str) -> Match:
        if parsed.siret:
            found = Establishment.objects.filter(siret=parsed.siret).first()
            return Match(found, 1.0 if found else 0.0)
        key = (normalise_name(parsed.name), parsed.commune or "")
        if key not in self.cache:
            self.cache[key] = self._by_name(parsed, key, file_name)
        return self.cache[key]

    def _by_name(self, parsed: Parsed, key: tuple[str, str], file_name: str) -> Match:
        normalised, commune = key
        review = SupplierMatchReview.objects.filter(normalised_name=normalised, commune_code=commune).first()
        if review is not None and review.status != SupplierMatchReview.Status.PENDING:
            return Match(review.establishment, 1.0, review)
        if review is not None:
            return Match(None, review.confidence, review)
        candidates = Establishment.objects.active().select_related("organisation")
        if commune:
            candidates = candidates.filter(commune_id=commune)
        else:
            longest = max(normalised.split(), key=len, default="")
            candidates = candidates.filter(name__icontains=longest)[:500]
        scored = []
        for establishment in candidates:
            names = {establishment.name, establishment.trade_name, establishment.organisation.name} - {""}
            score = max(fuzz.token_sort_ratio(normalised, normalise_name(n)) for n in names) / 100
            scored.append((score * (1 if commune else NO_COMMUNE_FACTOR), establishment))
        scored.sort(key=lambda pair: (-pair[0], pair[1].siret))
        if not scored or scored[0][0] < REVIEW_FLOOR:
            return Match(None, scored[0][0] if scored else 0.0)
        best_score, best = scored[0]
        tie = len(scored) > 1 and scored[1][0] == best_score
        if best_score >= AUTO_MATCH and not tie:
            return Match(best, best_score)
        review = SupplierMatchReview.objects.create(
            normalised_name=normalised,
            commune_code=commune,
            raw_name=parsed.name,
            candidates=[
                {"establishment": e.pk, "siret": e.siret, "name": e.display_name, "score": round(s, 3)}
                for s, e in scored[:5]
            ],
            confidence=round(best_score, 3),
            network=self.network,
            file_name=file_name,
            line=parsed.line,
        )
        return Match(None, best_score, review)


@dataclass
class Category:
    node: str | None = None  # taxonomy code
    cpv: str | None = None
    mapped: bool = False
    review: MappingReview | None = None  # the queued text (any status) of the network
    result: object = None  # the mapper's MappingResult of unmapped text (proposals)

    @property
    def waiting(self) -> bool:
        return self.review is not None and self.review.status == MappingReview.Status.PENDING


CATEGORY_COLUMN = "capabilities"  # the mapper's column for purchase categories


class CategoryMapper:
    """Maps category cells; text mapped to nothing is queued once per (network, text).

    A text already queued in the network keeps to the review: its decided node once decided,
    nothing while it waits (its relations then wait on it), so that the decision and a later
    import agree on the same relation.
    """

    def __init__(self, network: Network | None = None):
        self.network = network
        self.mapper = None
        self.cache: dict[str, Category] = {}
        self.cpv_codes = frozenset(CpvCode.objects.values_list("code", flat=True))

    def map(self, text: str) -> Category:
        if not text:
            return Category()
        if text not in self.cache:
            self.cache[text] = self._map(text)
        return self.cache[text]

    def _map(self, text: str) -> Category:
        bare = re.sub(r"^cpv\s*:?\s*", "", text.strip(), flags=re.IGNORECASE)
        if CPV_RE.match(bare):
            try:
                return Category(cpv=normalise_cpv(bare, self.cpv_codes), mapped=True)
            except _Invalid as bad:
                raise Rejected(Reason.BAD_CPV, "categorie", bad.detail, text) from None
        review = (
            self._reviews()
            .filter(normalised_text=normalise(text)[:500])
            .select_related("decided_node")
            .first()
        )
        if review is not None:
            node = review.decided_node.code if review.decided_node_id else None
            return Category(node=node, mapped=node is not None, review=review)
        if self.mapper is None:
            self.mapper = TaxonomyMapper.from_database()
        result = self.mapper.map(text, CATEGORY_COLUMN)
        if result.accepted and len(result.codes) == 1:
            return Category(node=result.codes[0], mapped=True)
        return Category(result=None if result.rejected_by_animator else result)

    def _reviews(self):
        reviews = MappingReview.objects.filter(
            origin=MappingReview.Origin.LEDGER, node_type=COLUMN_KIND[CATEGORY_COLUMN]
        )
        if self.network is None:
            return reviews.filter(network__isnull=True)
        return reviews.filter(network=self.network)

    def queue(self, category: Category, text: str, *, file_name: str, line: int, run) -> bool:
        """Queue unmapped text the animator has not dismissed; True when the review is new.

        Written in the batch's transaction: a dry run rolls it back with everything else.
        """
        if category.review is not None or category.result is None:
            return False
        result = category.result
        category.review = MappingReview.objects.create(
            origin=MappingReview.Origin.LEDGER,
            network=self.network,
            column=CATEGORY_COLUMN,
            node_type=COLUMN_KIND[CATEGORY_COLUMN],
            raw_text=result.text[:500],
            item=text[:2000],
            normalised_text=result.normalised[:500],
            proposals=[{"code": c.code, "score": c.score} for c in result.candidates],
            confidence=result.confidence,
            import_run=run,
            file_name=file_name,
            line=line,
        )
        return True

    @staticmethod
    def refresh_counts(review_ids) -> None:
        """Lines and amount of the pending reviews = the purchase lines waiting on them."""
        from django.db.models import Count, Sum

        for pk in review_ids:
            figures = PurchaseLine.objects.filter(
                relation__category_review_id=pk,
                relation__category_review__status=MappingReview.Status.PENDING,
            ).aggregate(n=Count("pk"), total=Sum("amount"))
            MappingReview.objects.filter(pk=pk, status=MappingReview.Status.PENDING).update(
                line_count=figures["n"], amount=figures["total"]
            )


# --- pipeline ----------------------------------------------------------------------------------


@dataclass
class LedgerOptions:
    path: Path
    buyer_siret: str
    buyer_name: str = ""
    year: int | None = None
    network: str | None = None
    confidentiality: str = Confidentiality.ANIMATORS
    wet_run: bool = False
    batch_size: int = 500
    rejects_path: Path | None = None


def run_ledger_import(options: LedgerOptions):
    if not stdnum_siret.is_valid(options.buyer_siret):
        raise ValueError(f"--buyer {options.buyer_siret} : SIRET invalide")
    if options.confidentiality not in Confidentiality.values:
        raise ValueError(f"--confidentiality {options.confidentiality} : niveau inconnu")
    buyer = Establishment.objects.filter(siret=options.buyer_siret).select_related("organisation").first()
    if buyer is None and not options.buyer_name:
        raise ValueError(
            f"--buyer {options.buyer_siret} : établissement absent de l'annuaire (donnez --buyer-name)"
        )
    network = None
    if options.network:
        network = Network.objects.filter(slug=options.network).first()
        if network is None:
            raise ValueError(f"--network {options.network} : réseau inconnu")
    rows = read_ledger(options.path)
    parser = RowParser(default_year=options.year, buyer_key=options.buyer_siret)
    matcher = SupplierMatcher(network)
    categories = CategoryMapper(network)
    queued: set[int] = set()  # category reviews whose counts to refresh
    file_name = options.path.name

    def items():
        for seq, row in enumerate(rows, start=1):
            key = parser.key(row)
            try:
                yield Item(seq, str(row.line), parser.parse(row, key))
            except Rejected as rejection:
                yield Item(seq, str(row.line), rejection=rejection)

    def write(parsed: Parsed, counts: Counter, run) -> set:
        category = categories.map(parsed.category_text)
        node, cpv, mapped = category.node, category.cpv, category.mapped
        counts["categories_mapped" if mapped else "categories_unmapped"] += bool(parsed.category_text)
        if categories.queue(category, parsed.category_text, file_name=file_name, line=parsed.line, run=run):
            counts["categories_to_review"] += 1
        match = matcher.match(parsed, file_name)
        if match.pending:
            counts["suppliers_to_review"] += 1
        elif match.establishment is not None:
            counts["suppliers_matched"] += 1
        else:
            counts["suppliers_outside"] += 1
        # Keyed by the review when there is one, so that its decision keeps the same relation.
        if match.review is not None:
            supplier_key = f"r{match.review.pk}"
        elif match.establishment is not None:
            supplier_key = f"e{match.establishment.pk}"
        else:
            supplier_key = parsed.siret or f"n:{normalise_name(parsed.name)[:40]}|{parsed.commune or ''}"
        # A queued text keeps the key of its text, so that its decision keeps the same relation.
        text_key = hashlib.sha256(fold(parsed.category_text).encode()).hexdigest()[:12]
        category_key = text_key if category.review is not None else (node or cpv or text_key)
        external_key = f"ledger:{options.buyer_siret}:{supplier_key}:{category_key}"[:120]
        relation, created = SupplyRelation.objects.get_or_create(
            external_key=external_key,
            defaults={
                "supplier": match.establishment,
                "supplier_siret": parsed.siret,
                "supplier_name": parsed.name,
                "supplier_commune_id": parsed.commune,
                "client": buyer,
                "client_siren": options.buyer_siret[:9],
                "client_siret": options.buyer_siret,
                "client_name": options.buyer_name or (buyer.display_name if buyer else ""),
                "category_node_id": _node_id(node),
                "cpv_id": cpv,
                "category_text": parsed.category_text[:255],
                "source": RelationSource.LEDGER,
                "confidentiality": options.confidentiality,
                # The buyer's own books: the client side is sure; the supplier may dispute it.
                "status": RelationStatus.PENDING,
                "match_review": match.review if match.pending else None,
                "category_review": category.review if category.waiting else None,
            },
        )
        if category.waiting:
            queued.add(category.review.pk)
            if not created and relation.category_review_id is None and not relation.category_node_id:
                # A relation imported before its text was queued waits on the review too.
                relation.category_review = category.review
                relation.save(update_fields=["category_review", "updated_at"])
        if created:
            counts["relations_created"] += 1
            RelationEvent.objects.create(
                relation=relation,
                kind=RelationEvent.Kind.IMPORTED,
                comment=f"{file_name}, ligne {parsed.line}",
            )
        previous = PurchaseLine.objects.filter(key=parsed.key).values_list("relation_id", flat=True).first()
        _, line_created = PurchaseLine.objects.update_or_create(
            key=parsed.key,
            defaults={
                "relation": relation,
                "year": parsed.year,
                "amount": parsed.amount,
                "file_name": file_name,
                "line": str(parsed.line),
                "import_run": run,
            },
        )
        counts["lines_created" if line_created else "lines_unchanged"] += 1
        return {relation.pk} | ({previous} if previous else set())

    def finish(touched: set) -> None:
        relations_refresh_amounts(relation_ids=touched)
        categories.refresh_counts(queued)
        queued.clear()

    return run_batches(
        kind="ledger",
        path=options.path,
        items=items(),
        write=write,
        finish_batch=finish,
        extra_options={
            "buyer": options.buyer_siret,
            "year": options.year,
            "network": options.network,
            "confidentiality": options.confidentiality,
        },
        wet_run=options.wet_run,
        batch_size=options.batch_size,
        rejects_path=options.rejects_path,
    )


def _node_id(code: str | None) -> int | None:
    if code is None:
        return None
    from maillage.taxonomy.models import TaxonomyNode

    return TaxonomyNode.objects.filter(code=code).values_list("pk", flat=True).first()
