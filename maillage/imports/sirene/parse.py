"""From a batch of StockEtablissement lines to validated records and rejections (polars, no Django).

Every check is vectorised: a batch of 100,000 lines goes through a few dozen polars and numpy
operations, never a Python loop per line (except the rare quoted or badly encoded lines).
Rules worth knowing:

- a row is rejected for its first failing check, in this order: column count, encoding,
  SIRET, commune, NAF, dates, coordinates, text the databases refuse (a NUL byte:
  ``maillage.imports.limits``); then repeated SIRETs in a batch keep the last one;
- filters (departments, EPCI, NAF sections, active only) apply before validation, so a
  broken line of another department is not reported; establishments abroad are filtered out;
- NAF codes are checked only when the nomenclature is ``NAFRev2``: older nomenclatures (NAP,
  NAF1993, NAFRev1) only remain on closed establishments, which are kept without NAF;
- X/Y in the territory's projection become WGS84; a row without coordinates (or with INSEE's
  ``[ND]`` mask) gets its commune's point with ``geo_precision="commune"``.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

import numpy as np
import polars as pl

from maillage.directory.synthetic import luhn_valid
from maillage.imports import limits
from maillage.imports.sirene import geo
from maillage.imports.sirene.schema import ETABLISSEMENT_COLUMNS, NAF_REV2, NOT_DISCLOSED, Reason

REJECT_SCHEMA = {"line": pl.Int64, "siret": pl.String, "reason": pl.String, "detail": pl.String}
# Imported text columns (frame column → SIRENE column): checked for what PostgreSQL refuses.
# Lengths need no check: each is cut to its column's length in ``_records``.
TEXT_COLUMNS = {
    "name": "denominationUsuelleEtablissement",
    "trade_name": "enseigne1Etablissement",
    "numero": "numeroVoieEtablissement",
    "type_voie": "typeVoieEtablissement",
    "voie": "libelleVoieEtablissement",
    "complement": "complementAdresseEtablissement",
    "postal_code": "codePostalEtablissement",
    "city": "libelleCommuneEtablissement",
}
LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE = "35600000000048"

# Columns of a record ready for ``directory.services.establishments_bulk_upsert``.
RECORD_COLUMNS = (
    "siret", "siren", "name", "trade_name", "naf_id", "headcount_band_id", "street", "address_complement",
    "postal_code", "city", "commune_id", "latitude", "longitude", "geo_precision", "is_head_office",
    "is_active", "creation_date", "source_hash",
)  # fmt: skip


@dataclass(frozen=True)
class Referential:
    """What validation needs from the database, as plain frames and sets."""

    # code (as written by SIRENE) -> commune_id (arrondissements and delegated communes map to
    # their commune), with the commune's point and its EPCI.
    communes: pl.DataFrame  # code, commune_id, commune_lat, commune_lon, epci_id
    naf_sections: dict[str, str]  # every NAF code of every level -> section letter
    naf_subclasses: frozenset[str]
    headcount_bands: frozenset[str]
    legal_categories: frozenset[str]


@dataclass(frozen=True)
class Filters:
    departments: frozenset[str] | None = None
    commune_ids: frozenset[str] | None = None  # communes of the EPCI asked for
    naf_sections: frozenset[str] | None = None
    active_only: bool = False


@dataclass
class ParsedBatch:
    records: pl.DataFrame  # RECORD_COLUMNS + line + closure_only
    rejects: pl.DataFrame  # REJECT_SCHEMA
    read: int
    filtered_out: int
    kept: int  # passed the filters (valid or rejected by validation)


def empty_rejects() -> pl.DataFrame:
    return pl.DataFrame(schema=REJECT_SCHEMA)


def siret_valid(sirets: pl.Series) -> np.ndarray:
    """Luhn check of 14-digit SIRETs (and of their SIREN), with La Poste's exception.

    La Poste's establishments share SIREN 356000000; their SIRETs are valid when the sum of
    the 14 digits is a multiple of 5 (the head office also passes plain Luhn).
    """
    shaped = sirets.str.contains(r"^\d{14}$").fill_null(False).to_numpy()
    numbers = sirets.str.to_integer(strict=False).fill_null(0).to_numpy().astype(np.int64)
    valid = shaped & luhn_valid(numbers, 14) & luhn_valid(numbers // 100_000, 9)
    la_poste = (sirets.str.slice(0, 9) == LA_POSTE_SIREN).fill_null(False).to_numpy()
    if la_poste.any():
        powers = 10 ** np.arange(13, -1, -1, dtype=np.int64)
        digit_sum = ((numbers[la_poste, None] // powers) % 10).sum(axis=1)
        valid[la_poste] = shaped[la_poste] & (
            (digit_sum % 5 == 0) | (sirets.filter(pl.Series(la_poste)) == LA_POSTE_HEAD_OFFICE).to_numpy()
        )
    return valid


def split_fields(
    lines: pl.Series, line_numbers: pl.Series, bad_encoding: pl.Series, columns: tuple[str, ...]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Fields of well-formed lines (with their ``line`` number) and rejections of the others.

    Empty fields are empty strings, never nulls.
    """
    expected = len(columns)
    frame = pl.DataFrame({"line": line_numbers, "text": lines, "bad": bad_encoding})
    quotes = pl.col("text").str.count_matches('"', literal=True)
    frame = frame.with_columns(
        quoted=quotes > 0,
        balanced=quotes % 2 == 0,
        n_fields=pl.col("text").str.count_matches(",", literal=True) + 1,
    )
    if frame["quoted"].any():
        # Commas inside quoted fields do not separate: count again without them, on the
        # few quoted lines only (a regex over every line would cost a third of the parse).
        quoted = frame.filter(pl.col("quoted")).with_columns(
            n_fields=pl.col("text")
            .str.replace_all(r'"(?:[^"]|"")*"', "")
            .str.count_matches(",", literal=True)
            + 1
        )
        frame = pl.concat([frame.filter(~pl.col("quoted")), quoted]).sort("line")
    ok = ~pl.col("bad") & pl.col("balanced") & (pl.col("n_fields") == expected)
    rejects = frame.filter(~ok).select(
        "line",
        siret=pl.col("text").str.extract(r"^[^,]*,[^,]*,(\d{14}),", 1).fill_null(""),
        reason=pl.when(pl.col("bad"))
        .then(pl.lit(Reason.BAD_ENCODING))
        .otherwise(pl.lit(Reason.WRONG_COLUMN_COUNT)),
        detail=pl.when(pl.col("bad"))
        .then(pl.lit("octets invalides en UTF-8"))
        .when(~pl.col("balanced"))
        .then(pl.lit("guillemet non fermé"))
        .otherwise(pl.format(f"{expected} colonnes attendues, {{}} lues", pl.col("n_fields"))),
    )
    good = frame.filter(ok)
    simple = good.filter(~pl.col("quoted"))
    parts = [
        simple.select(
            "line", pl.col("text").str.split_exact(",", expected - 1).struct.rename_fields(list(columns))
        ).unnest("text")
    ]
    quoted = good.filter(pl.col("quoted"))
    if quoted.height:
        parsed = pl.read_csv(
            io.BytesIO("\n".join(quoted["text"]).encode()),
            has_header=False,
            new_columns=list(columns),
            infer_schema=False,
        ).with_columns(pl.all().fill_null(""))
        parts.append(pl.concat([quoted.select("line"), parsed], how="horizontal"))
    fields = pl.concat(parts).sort("line") if len(parts) > 1 else parts[0]
    return fields, rejects


def _date_check(column: str) -> tuple[pl.Expr, pl.Expr]:
    parsed = pl.col(column).str.to_date("%Y-%m-%d", strict=False)
    return parsed, (pl.col(column) != "") & parsed.is_null()


def parse_batch(
    lines: pl.Series,
    line_numbers: pl.Series,
    bad_encoding: pl.Series,
    referential: Referential,
    filters: Filters,
) -> ParsedBatch:
    fields, rejects = split_fields(lines, line_numbers, bad_encoding, ETABLISSEMENT_COLUMNS)
    read = len(lines)
    frame = fields.select(
        "line",
        siret=pl.col("siret"),
        siren=pl.col("siren"),
        nic=pl.col("nic"),
        commune_code=pl.col("codeCommuneEtablissement"),
        foreign=(pl.col("codeCommuneEtablissement") == "") & (pl.col("codePaysEtrangerEtablissement") != ""),
        active=pl.col("etatAdministratifEtablissement") == "A",
        naf_code=pl.col("activitePrincipaleEtablissement"),
        naf_rev2=pl.col("nomenclatureActivitePrincipaleEtablissement") == NAF_REV2,
        x=pl.col("coordonneeLambertAbscisseEtablissement"),
        y=pl.col("coordonneeLambertOrdonneeEtablissement"),
        creation=pl.col("dateCreationEtablissement"),
        band=pl.col("trancheEffectifsEtablissement"),
        head_office=pl.col("etablissementSiege") == "true",
        name=pl.col("denominationUsuelleEtablissement"),
        trade_name=pl.col("enseigne1Etablissement"),
        numero=pl.col("numeroVoieEtablissement") + pl.col("indiceRepetitionEtablissement"),
        type_voie=pl.col("typeVoieEtablissement"),
        voie=pl.col("libelleVoieEtablissement"),
        complement=pl.col("complementAdresseEtablissement"),
        postal_code=pl.col("codePostalEtablissement"),
        city=pl.col("libelleCommuneEtablissement"),
    )
    frame = frame.with_columns(department=geo.department_expr(pl.col("commune_code"))).join(
        referential.communes, left_on="commune_code", right_on="code", how="left"
    )
    sections = pl.col("naf_code").replace_strict(
        referential.naf_sections, default=None, return_dtype=pl.String
    )
    division_sections = (
        pl.col("naf_code")
        .str.slice(0, 2)
        .replace_strict(referential.naf_sections, default=None, return_dtype=pl.String)
    )
    frame = frame.with_columns(
        section=pl.when(pl.col("naf_rev2")).then(sections.fill_null(division_sections))
    )

    keep = ~pl.col("foreign")
    if filters.departments is not None:
        keep &= pl.col("department").is_in(list(filters.departments))
    if filters.commune_ids is not None:
        keep &= pl.col("commune_id").is_in(list(filters.commune_ids)).fill_null(False)
    if filters.naf_sections is not None:
        keep &= pl.col("section").is_in(list(filters.naf_sections)).fill_null(False)
    frame = frame.filter(keep)
    # With --active-only, a closed row still closes an establishment already in the database;
    # the pipeline drops the others once it knows which SIRETs exist.
    frame = frame.with_columns(closure_only=pl.lit(filters.active_only) & ~pl.col("active"))
    kept = frame.height
    filtered_out = read - rejects.height - kept

    frame, reject_parts = _validate(frame, referential)
    rejects = pl.concat([rejects, *reject_parts])
    records = _records(frame, referential)
    return ParsedBatch(records=records, rejects=rejects, read=read, filtered_out=filtered_out, kept=kept)


def _validate(frame: pl.DataFrame, referential: Referential) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    creation, bad_creation = _date_check("creation")
    no_xy = pl.col("x").is_in(["", NOT_DISCLOSED]) | pl.col("y").is_in(["", NOT_DISCLOSED])
    frame = frame.with_columns(
        siret_ok=pl.Series(siret_valid(frame["siret"]), dtype=pl.Boolean)
        & (pl.col("siret") == pl.col("siren") + pl.col("nic")),
        creation_date=creation,
        bad_creation=bad_creation,
        has_xy=~no_xy,
        xf=pl.when(~no_xy).then(pl.col("x").str.strip_chars().cast(pl.Float64, strict=False)),
        yf=pl.when(~no_xy).then(pl.col("y").str.strip_chars().cast(pl.Float64, strict=False)),
        epsg=geo.epsg_expr(pl.col("department")),
    )
    x = frame["xf"].fill_null(np.nan).to_numpy()
    y = frame["yf"].fill_null(np.nan).to_numpy()
    epsg = frame["epsg"].to_numpy()
    converted = frame["has_xy"].to_numpy() & np.isin(epsg, list(geo.BOUNDS))
    lon, lat, in_bounds = geo.to_wgs84(
        np.where(converted, x, 0.0), np.where(converted, y, 0.0), np.where(converted, epsg, 0)
    )
    frame = frame.with_columns(
        lon=pl.Series(np.where(converted, lon, np.nan)).fill_nan(None),
        lat=pl.Series(np.where(converted, lat, np.nan)).fill_nan(None),
        bad_xy=pl.Series(converted & ~in_bounds)
        | (pl.col("has_xy") & (pl.col("xf").is_null() | pl.col("yf").is_null())),
        naf_known=pl.col("naf_code").is_in(list(referential.naf_subclasses)),
        text_problem=limits.first_text_problem_expr(
            {label: column for column, label in TEXT_COLUMNS.items()}
        ),
    )
    checks = [
        (
            ~pl.col("siret_ok"),
            Reason.BAD_SIRET,
            pl.format(
                "siret={} (siren={}, nic={}) : clé de contrôle ou format invalide", "siret", "siren", "nic"
            ),
        ),
        (
            pl.col("commune_id").is_null(),
            Reason.UNKNOWN_COMMUNE,
            pl.format("codeCommuneEtablissement={} absent du référentiel", "commune_code"),
        ),
        (
            pl.col("naf_rev2") & ~pl.col("naf_known"),
            Reason.UNKNOWN_NAF,
            pl.format("activitePrincipaleEtablissement={} absent de la NAF rév. 2", "naf_code"),
        ),
        (
            pl.col("bad_creation"),
            Reason.MALFORMED_DATE,
            pl.format("dateCreationEtablissement={}", "creation"),
        ),
        (
            pl.col("bad_xy"),
            Reason.MALFORMED_COORDINATES,
            pl.format("coordonnées X={}, Y={} illisibles ou hors du territoire (EPSG:{})", "x", "y", "epsg"),
        ),
        (
            pl.col("text_problem").is_not_null(),
            Reason.INVALID_TEXT,
            pl.col("text_problem"),
        ),
    ]
    reason = pl.lit(None, dtype=pl.String)
    detail = pl.lit(None, dtype=pl.String)
    for condition, code, message in reversed(checks):
        reason = pl.when(condition).then(pl.lit(code)).otherwise(reason)
        detail = pl.when(condition).then(message).otherwise(detail)
    frame = frame.with_columns(reason=reason, detail=detail)
    rejected = frame.filter(pl.col("reason").is_not_null()).select(list(REJECT_SCHEMA))
    frame = frame.filter(pl.col("reason").is_null())
    last = frame.select(pl.col("siret").is_last_distinct()).to_series()
    duplicates = frame.filter(~last).select(
        "line",
        "siret",
        reason=pl.lit(Reason.DUPLICATE_SIRET),
        detail=pl.lit("SIRET répété plus loin dans le fichier : la dernière ligne est retenue"),
    )
    return frame.filter(last), [rejected, duplicates]


def _clean(expr: pl.Expr, length: int) -> pl.Expr:
    return expr.str.strip_chars().str.slice(0, length)


def _present(column: str) -> pl.Expr:
    return pl.when(pl.col(column) != "").then(pl.col(column))


def _records(frame: pl.DataFrame, referential: Referential) -> pl.DataFrame:
    has_point = pl.col("lat").is_not_null()
    commune_point = pl.col("commune_lat").is_not_null()
    records = frame.select(
        "line",
        "closure_only",
        siret=pl.col("siret"),
        siren=pl.col("siren"),
        name=_clean(pl.col("name"), 255),
        trade_name=_clean(pl.col("trade_name"), 255),
        naf_id=pl.when(pl.col("naf_rev2") & pl.col("naf_known")).then(pl.col("naf_code")),
        headcount_band_id=pl.when(pl.col("band").is_in(list(referential.headcount_bands))).then(
            pl.col("band")
        ),
        street=_clean(
            pl.concat_str(
                [_present("numero"), _present("type_voie"), _present("voie")],
                separator=" ",
                ignore_nulls=True,
            ),
            255,
        ),
        address_complement=_clean(pl.col("complement"), 255),
        postal_code=pl.col("postal_code").str.slice(0, 5),
        city=_clean(pl.col("city"), 100),
        commune_id=pl.col("commune_id"),
        latitude=pl.when(has_point).then(pl.col("lat")).otherwise(pl.col("commune_lat")).round(6),
        longitude=pl.when(has_point).then(pl.col("lon")).otherwise(pl.col("commune_lon")).round(6),
        geo_precision=pl.when(has_point)
        .then(pl.lit("address"))
        .when(commune_point)
        .then(pl.lit("commune"))
        .otherwise(pl.lit("none")),
        is_head_office=pl.col("head_office"),
        is_active=pl.col("active"),
        creation_date=pl.col("creation_date"),
    )
    return records


def record_hashes(records: pl.DataFrame) -> pl.Series:
    """MD5 of the imported fields: a re-import skips rows whose hash has not changed."""
    joined = records.select(
        pl.concat_str(
            [pl.col(c).cast(pl.String).fill_null("∅") for c in RECORD_COLUMNS if c != "source_hash"],
            separator="\x1f",
        )
    ).to_series()
    return pl.Series(
        "source_hash",
        [hashlib.md5(text.encode(), usedforsecurity=False).hexdigest() for text in joined],
        pl.String,
    )
