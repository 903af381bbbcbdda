"""Write synthetic SIRENE stock files in INSEE's exact format (no Django import).

Used by ``maillage generate-sirene``, the benchmark and the tests. The output looks like the
real stock: 54 columns, ``true``/``false`` booleans, rows sorted by SIRET, valid Luhn keys,
real NAF sub-classes weighted by a real list of companies, real communes weighted by
population, and Lambert-93 (or overseas UTM) coordinates projected back from the commune's
point plus a few hundred metres of jitter. A matching ``StockUniteLegale`` holds one row per
SIREN. ``broken_rate`` spoils a share of the rows, one known defect each, for tests.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from maillage.directory.synthetic import (
    CommuneSampler,
    HeadcountSampler,
    NafSampler,
    naf_section,
    siren_random_ints,
    siret_ints,
)
from maillage.imports.sirene import geo
from maillage.imports.sirene.schema import ETABLISSEMENT_COLUMNS, UNITE_LEGALE_COLUMNS, Reason

CHUNK_COMPANIES = 250_000
BROKEN_KINDS = (
    Reason.BAD_SIRET,
    Reason.UNKNOWN_COMMUNE,
    Reason.UNKNOWN_NAF,
    Reason.MALFORMED_COORDINATES,
    Reason.MALFORMED_DATE,
    Reason.WRONG_COLUMN_COUNT,
)
_DROP = "__DROP_FIELD__"
_DAY0 = np.datetime64("1950-01-01")
_DAYS = int((np.datetime64("2025-06-30") - _DAY0).astype(int))

STREET_TYPES = np.array(["RUE", "AV", "BD", "CHE", "RTE", "ZA", "ZI", "PL", "IMP", "ALL"])
STREET_NAMES = np.array(
    [
        "DE LA GARE", "DU MOULIN", "DES ACACIAS", "JEAN JAURES", "DE L'INDUSTRIE", "PASTEUR", "VICTOR HUGO",
        "DU GENERAL DE GAULLE", "DES ARTISANS", "DE LA REPUBLIQUE", "DU STADE", "DES ECOLES",
        "DE LA LIBERATION", "DU COMMERCE", "DES VIGNES", "DU CANAL", "DES FORGES", "DE LA FONDERIE",
    ]
)  # fmt: skip
NAME_HEADS = np.array(
    [
        "ATELIERS", "ETABLISSEMENTS", "SOCIETE", "MECANIQUE", "FONDERIE", "CHAUDRONNERIE", "INDUSTRIES",
        "USINAGE", "PLASTURGIE", "TECHNIQUES", "OUTILLAGE", "TOLERIE", "ELECTRONIQUE", "DECOLLETAGE",
    ]
)  # fmt: skip
NAME_TAILS = np.array(
    [
        "DU RHIN", "DE L'EST", "ALSACIENNE", "DES VOSGES", "MODERNE", "DE PRECISION", "GENERALE",
        "NOUVELLE", "DU NORD", "CONTINENTALE", "DE LA VALLEE", "DU SUD", "INDUSTRIELLE", "REUNIES",
    ]
)  # fmt: skip
LAST_NAMES = np.array(
    ["MULLER", "MARTIN", "SCHMITT", "BERNARD", "WEBER", "MEYER", "DUBOIS", "KLEIN", "PETIT", "ROUX",
     "FISCHER", "LEROY", "MOREAU", "GIRARD", "KELLER", "HOFFMANN"]
)  # fmt: skip
FIRST_NAMES = np.array(
    ["MARIE", "JEAN", "PIERRE", "ANNE", "MICHEL", "SOPHIE", "NICOLAS", "JULIE", "THOMAS", "CLAIRE",
     "PHILIPPE", "NATHALIE", "LUC", "CAMILLE"]
)  # fmt: skip
LEGAL_CATEGORIES = np.array(["5710", "5499", "1000"])
LEGAL_WEIGHTS = np.array([0.45, 0.35, 0.20])


@dataclass(frozen=True)
class CommuneTable:
    """Communes to draw from (population-weighted), as aligned polars columns."""

    codes: pl.Series
    names: pl.Series  # as INSEE writes them: upper case, no accents
    postal_codes: pl.Series
    latitudes: np.ndarray
    longitudes: np.ndarray
    epsg: np.ndarray
    weights: np.ndarray

    @classmethod
    def from_rows(
        cls, rows: list[tuple[str, str, int | None, float | None, float | None, str]]
    ) -> CommuneTable:
        """``(insee_code, name, population, latitude, longitude, postal_code)`` rows."""
        rows = _in_territory(rows)
        sampler = CommuneSampler([(code, pop, lat, lon) for code, _n, pop, lat, lon, _p in rows])
        by_code = {code: (name, postal) for code, name, _pop, _lat, _lon, postal in rows}
        codes = pl.Series("code", sampler.insee_codes.tolist(), dtype=pl.String)
        epsg = pl.DataFrame({"code": codes}).select(geo.epsg_expr(geo.department_expr(pl.col("code"))))
        return cls(
            codes=codes,
            names=pl.Series([insee_spelling(by_code[c][0]) for c in codes], dtype=pl.String),
            postal_codes=pl.Series([by_code[c][1] for c in codes], dtype=pl.String),
            latitudes=sampler.latitudes,
            longitudes=sampler.longitudes,
            epsg=epsg.to_series().to_numpy(),
            weights=sampler.weights,
        )


def _in_territory(rows: list[tuple]) -> list[tuple]:
    """Rows whose commune point lies inside its territory.

    The shared La Poste-derived file places Saint-Barthélemy and Saint-Martin on
    Saint-Pierre-et-Miquelon; generating X/Y from such points would yield rows that the
    import rightly rejects.
    """
    codes = pl.Series([r[0] for r in rows], dtype=pl.String)
    epsg = (
        pl.DataFrame({"code": codes}).select(geo.epsg_expr(geo.department_expr(pl.col("code")))).to_series()
    )
    lat = np.array([np.nan if r[3] is None else r[3] for r in rows], dtype=float)
    lon = np.array([np.nan if r[4] is None else r[4] for r in rows], dtype=float)
    epsg = epsg.to_numpy()
    inside = np.zeros(len(rows), dtype=bool)
    for code, (lon_min, lon_max, lat_min, lat_max) in geo.BOUNDS.items():
        mask = epsg == code
        inside[mask] = (
            (lon[mask] >= lon_min) & (lon[mask] <= lon_max) & (lat[mask] >= lat_min) & (lat[mask] <= lat_max)
        )
    return [row for row, ok in zip(rows, inside, strict=True) if ok]


def insee_spelling(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return plain.upper().replace("'", " ").replace("’", " ")


@dataclass
class GenerateReport:
    rows: int = 0
    organisations: int = 0
    broken: dict[str, int] = field(default_factory=dict)
    path: str = ""
    unites_legales_path: str = ""


class _Vocabulary:
    """NAF codes and headcount bands as indexes into small polars vocabularies."""

    def __init__(self, naf: NafSampler, headcount: HeadcountSampler):
        self.naf_codes = pl.Series(naf.codes.tolist(), dtype=pl.String)
        self.naf_weights = naf.weights
        self.bands = pl.Series(headcount.bands.tolist(), dtype=pl.String)
        sections = np.array([naf_section(code) or "" for code in naf.codes])
        self.section_of_naf = sections
        self.band_weights = {s: headcount.by_section.get(s, headcount.overall) for s in np.unique(sections)}

    def naf(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.choice(len(self.naf_weights), size=size, p=self.naf_weights)

    def band(self, rng: np.random.Generator, naf_index: np.ndarray) -> np.ndarray:
        out = np.zeros(len(naf_index), dtype=np.int64)
        sections = self.section_of_naf[naf_index]
        for section, weights in self.band_weights.items():
            mask = sections == section
            out[mask] = rng.choice(len(weights), size=int(mask.sum()), p=weights)
        return out


def _company_sizes(rng: np.random.Generator, rows: int) -> np.ndarray:
    sizes = rng.geometric(0.62, size=int(rows / 1.55) + 16)
    while sizes.sum() < rows:
        sizes = np.concatenate([sizes, rng.geometric(0.62, size=1024)])
    cut = int(np.searchsorted(np.cumsum(sizes), rows)) + 1
    sizes = sizes[:cut].copy()
    sizes[-1] -= int(sizes.sum()) - rows
    return np.minimum(sizes[sizes > 0], 9999)


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    # np.unique is an order of magnitude slower than sort + neighbour comparison here.
    values = np.sort(values)
    return values[np.concatenate([[True], values[1:] != values[:-1]])]


def _unique_sirens(rng: np.random.Generator, count: int) -> np.ndarray:
    pool = _sorted_unique(siren_random_ints(rng, int(count * 1.2) + 64))
    while len(pool) < count:
        pool = _sorted_unique(np.concatenate([pool, siren_random_ints(rng, count)]))
    return np.sort(rng.choice(pool, size=count, replace=False))


def _days(rng: np.random.Generator, size: int) -> pl.Series:
    return pl.Series(rng.integers(0, _DAYS, size=size), dtype=pl.Int32)


# Formatting dates is slow; gathering from the ~27,000 possible strings is not.
_DATE_STRINGS = pl.Series((_DAY0 + np.arange(_DAYS + 1)).astype(str).tolist(), dtype=pl.String)


def _date(days: pl.Expr) -> pl.Expr:
    return days.map_batches(lambda s: _DATE_STRINGS.gather(s), return_dtype=pl.String)


def _digits(column: str, width: int) -> pl.Expr:
    return pl.col(column).cast(pl.String).str.zfill(width)


def _vocab(values: np.ndarray) -> pl.Series:
    return pl.Series(values.tolist(), dtype=pl.String)


def _establishments(
    rng: np.random.Generator,
    sirens: np.ndarray,
    sizes: np.ndarray,
    company_naf: np.ndarray,
    communes: CommuneTable,
    vocabulary: _Vocabulary,
) -> pl.DataFrame:
    n = int(sizes.sum())
    owner = np.repeat(np.arange(len(sirens)), sizes)
    sequence = np.arange(n) - np.repeat(np.cumsum(sizes) - sizes, sizes) + 1
    siret = siret_ints(sirens[owner], sequence)
    naf_index = np.where(rng.random(n) < 0.9, company_naf[owner], vocabulary.naf(rng, n))
    place = rng.choice(len(communes.weights), size=n, p=communes.weights)
    epsg = communes.epsg[place]
    x, y = geo.from_wgs84(communes.longitudes[place], communes.latitudes[place], epsg)
    located = np.isfinite(x) & (rng.random(n) < 0.93)
    x = x + rng.normal(0, 400, n)
    y = y + rng.normal(0, 400, n)
    active = rng.random(n) < 0.85
    base = pl.DataFrame(
        {
            "siren": sirens[owner],
            "siret": siret,
            "head": sequence == 1,
            "naf": naf_index,
            "old_naf": ~active & (rng.random(n) < 0.05),
            "band": vocabulary.band(rng, naf_index),
            "place": place,
            "located": located,
            "x": x,
            "y": y,
            "active": active,
            "created": _days(rng, n),
            "hour": rng.integers(0, 24, n),
            "periods": rng.integers(1, 7, n),
            "number": np.where(rng.random(n) < 0.8, rng.integers(1, 200, n), 0),
            "street_type": rng.integers(0, len(STREET_TYPES), n),
            "street": rng.integers(0, len(STREET_NAMES), n),
            "complement": rng.random(n) < 0.05,
            "trade": np.where(rng.random(n) < 0.2, rng.integers(0, len(LAST_NAMES), n), -1),
            "address_id": rng.integers(1000, 9999, n),
        }
    )
    band = pl.col("band").map_batches(lambda s: vocabulary.bands.gather(s), return_dtype=pl.String)
    code = pl.col("place").map_batches(lambda s: communes.codes.gather(s), return_dtype=pl.String)
    naf_code = pl.col("naf").map_batches(lambda s: vocabulary.naf_codes.gather(s), return_dtype=pl.String)
    since_2008 = int((np.datetime64("2008-01-01") - _DAY0).astype(int))
    frame = base.select(
        siren=_digits("siren", 9),
        nic=(pl.col("siret") % 100_000).cast(pl.String).str.zfill(5),
        siret=_digits("siret", 14),
        statutDiffusionEtablissement=pl.lit("O"),
        dateCreationEtablissement=_date(pl.col("created")),
        trancheEffectifsEtablissement=band,
        anneeEffectifsEtablissement=pl.when(band != "NN").then(pl.lit("2023")),
        dateDernierTraitementEtablissement=pl.format(
            "2025-12-05T{}:12:31", pl.col("hour").cast(pl.String).str.zfill(2)
        ),
        etablissementSiege=pl.when(pl.col("head")).then(pl.lit("true")).otherwise(pl.lit("false")),
        nombrePeriodesEtablissement=pl.col("periods").cast(pl.String),
        complementAdresseEtablissement=pl.when(pl.col("complement")).then(pl.lit('"BATIMENT A, 2E ETAGE"')),
        numeroVoieEtablissement=pl.when(pl.col("number") > 0).then(pl.col("number").cast(pl.String)),
        typeVoieEtablissement=pl.col("street_type").map_batches(
            lambda s: _vocab(STREET_TYPES).gather(s), return_dtype=pl.String
        ),
        libelleVoieEtablissement=pl.col("street").map_batches(
            lambda s: _vocab(STREET_NAMES).gather(s), return_dtype=pl.String
        ),
        codePostalEtablissement=pl.col("place").map_batches(
            lambda s: communes.postal_codes.gather(s), return_dtype=pl.String
        ),
        libelleCommuneEtablissement=pl.col("place").map_batches(
            lambda s: communes.names.gather(s), return_dtype=pl.String
        ),
        codeCommuneEtablissement=code,
        identifiantAdresseEtablissement=pl.when(pl.col("located")).then(
            pl.format("{}{}_B", code, pl.col("address_id"))
        ),
        coordonneeLambertAbscisseEtablissement=pl.when(pl.col("located")).then(
            pl.col("x").round(4).cast(pl.String)
        ),
        coordonneeLambertOrdonneeEtablissement=pl.when(pl.col("located")).then(
            pl.col("y").round(4).cast(pl.String)
        ),
        dateDebut=_date(pl.max_horizontal(pl.col("created"), pl.lit(since_2008))),
        etatAdministratifEtablissement=pl.when(pl.col("active")).then(pl.lit("A")).otherwise(pl.lit("F")),
        enseigne1Etablissement=pl.when(pl.col("trade") >= 0).then(
            pl.lit("ETS ")
            + pl.col("trade")
            .clip(0)
            .map_batches(lambda s: _vocab(LAST_NAMES).gather(s), return_dtype=pl.String)
        ),
        activitePrincipaleEtablissement=pl.when(pl.col("old_naf")).then(pl.lit("22.02")).otherwise(naf_code),
        nomenclatureActivitePrincipaleEtablissement=pl.when(pl.col("old_naf"))
        .then(pl.lit("NAP"))
        .otherwise(pl.lit("NAFRev2")),
        caractereEmployeurEtablissement=pl.when(band.is_in(["NN", "00"]))
        .then(pl.lit("N"))
        .otherwise(pl.lit("O")),
    )
    return frame.select(
        pl.col(c) if c in frame.columns else pl.lit(None, dtype=pl.String).alias(c)
        for c in ETABLISSEMENT_COLUMNS
    )


def _break(rng: np.random.Generator, frame: pl.DataFrame, rate: float, counts: Counter) -> pl.DataFrame:
    """Spoil a share ``rate`` of the rows, one defect each (the rejection reason it must cause)."""
    if rate <= 0 or frame.is_empty():
        return frame
    kind = np.where(
        rng.random(frame.height) < rate, rng.integers(0, len(BROKEN_KINDS), size=frame.height), -1
    )
    counts.update(BROKEN_KINDS[k] for k in kind[kind >= 0])
    frame = frame.with_columns(kind=pl.Series(kind))
    commune = pl.col("codeCommuneEtablissement")
    department = geo.department_expr(commune)
    k = {reason: BROKEN_KINDS.index(reason) for reason in BROKEN_KINDS}

    def spoil(reason: str, column: str, value: pl.Expr) -> pl.Expr:
        return pl.when(pl.col("kind") == k[reason]).then(value).otherwise(pl.col(column)).alias(column)

    siret = pl.col("siret")
    bad_siret = siret.str.slice(0, 13) + ((siret.str.slice(13, 1).cast(pl.Int32) + 1) % 10).cast(pl.String)
    return frame.with_columns(
        spoil(Reason.BAD_SIRET, "siret", bad_siret),
        spoil(Reason.BAD_SIRET, "nic", bad_siret.str.slice(9, 5)),
        # Commune numbers start at 001: "67000" or "97100" is nobody.
        spoil(Reason.UNKNOWN_COMMUNE, "codeCommuneEtablissement", department.str.pad_end(5, "0")),
        spoil(Reason.UNKNOWN_NAF, "activitePrincipaleEtablissement", pl.lit("99.99Z")),
        spoil(Reason.UNKNOWN_NAF, "nomenclatureActivitePrincipaleEtablissement", pl.lit("NAFRev2")),
        spoil(Reason.MALFORMED_COORDINATES, "coordonneeLambertAbscisseEtablissement", pl.lit("12O4.5")),
        spoil(Reason.MALFORMED_COORDINATES, "coordonneeLambertOrdonneeEtablissement", pl.lit("6800000")),
        spoil(Reason.MALFORMED_DATE, "dateCreationEtablissement", pl.lit("2021-13-45")),
        spoil(Reason.WRONG_COLUMN_COUNT, "activitePrincipaleNAF25Etablissement", pl.lit(_DROP)),
    ).drop("kind")


def _unites_legales(
    rng: np.random.Generator,
    sirens: np.ndarray,
    sizes: np.ndarray,
    company_naf: np.ndarray,
    heads: pl.DataFrame,
    vocabulary: _Vocabulary,
) -> pl.DataFrame:
    m = len(sirens)
    category = rng.choice(len(LEGAL_CATEGORIES), size=m, p=LEGAL_WEIGHTS)
    base = pl.DataFrame(
        {
            "siren": sirens,
            "person": LEGAL_CATEGORIES[category] == "1000",
            "category": category,
            "created": _days(rng, m),
            "first": rng.integers(0, len(FIRST_NAMES), m),
            "last": rng.integers(0, len(LAST_NAMES), m),
            "head": rng.integers(0, len(NAME_HEADS), m),
            "tail": rng.integers(0, len(NAME_TAILS), m),
            "family": np.where(rng.random(m) < 0.3, rng.integers(0, len(LAST_NAMES), m), -1),
            "sex": rng.integers(0, 2, m),
            "periods": rng.integers(1, 7, m),
            "active": rng.random(m) < 0.9,
            "acronym": rng.random(m) < 0.1,
            "large": sizes >= 5,
            "naf": company_naf,
        }
    )

    def vocab(column: str, values: np.ndarray) -> pl.Expr:
        return pl.col(column).clip(0).map_batches(lambda s: _vocab(values).gather(s), return_dtype=pl.String)

    person = pl.col("person")
    company = vocab("head", NAME_HEADS) + " " + vocab("tail", NAME_TAILS)
    company = (
        pl.when(pl.col("family") >= 0).then(company + " " + vocab("family", LAST_NAMES)).otherwise(company)
    )
    frame = base.select(
        siren=_digits("siren", 9),
        statutDiffusionUniteLegale=pl.lit("O"),
        dateCreationUniteLegale=_date(pl.col("created")),
        sigleUniteLegale=pl.when(~person & pl.col("acronym")).then(pl.lit("SGL")),
        sexeUniteLegale=pl.when(person).then(
            pl.when(pl.col("sex") == 0).then(pl.lit("F")).otherwise(pl.lit("M"))
        ),
        prenom1UniteLegale=pl.when(person).then(vocab("first", FIRST_NAMES)),
        prenomUsuelUniteLegale=pl.when(person).then(vocab("first", FIRST_NAMES)),
        dateDernierTraitementUniteLegale=pl.lit("2025-12-05T01:00:00"),
        nombrePeriodesUniteLegale=pl.col("periods").cast(pl.String),
        categorieEntreprise=pl.when(pl.col("large")).then(pl.lit("ETI")).otherwise(pl.lit("PME")),
        anneeCategorieEntreprise=pl.lit("2023"),
        dateDebut=pl.lit("2008-01-01"),
        etatAdministratifUniteLegale=pl.when(pl.col("active")).then(pl.lit("A")).otherwise(pl.lit("C")),
        nomUniteLegale=pl.when(person).then(vocab("last", LAST_NAMES)),
        denominationUniteLegale=pl.when(~person).then(company),
        categorieJuridiqueUniteLegale=vocab("category", LEGAL_CATEGORIES),
        activitePrincipaleUniteLegale=pl.col("naf").map_batches(
            lambda s: vocabulary.naf_codes.gather(s), return_dtype=pl.String
        ),
        nomenclatureActivitePrincipaleUniteLegale=pl.lit("NAFRev2"),
        economieSocialeSolidaireUniteLegale=pl.lit("N"),
    ).with_columns(
        trancheEffectifsUniteLegale=heads["trancheEffectifsEtablissement"],
        anneeEffectifsUniteLegale=heads["anneeEffectifsEtablissement"],
        nicSiegeUniteLegale=heads["nic"],
        caractereEmployeurUniteLegale=heads["caractereEmployeurEtablissement"],
    )
    return frame.select(
        pl.col(c) if c in frame.columns else pl.lit(None, dtype=pl.String).alias(c)
        for c in UNITE_LEGALE_COLUMNS
    )


def _csv_bytes(frame: pl.DataFrame, header: bool) -> bytes:
    buffer = io.BytesIO()
    # Every generated value is plain (the one with a comma is quoted where it is made), so
    # polars can skip its quoting pass, which halves the writing time.
    frame.write_csv(buffer, include_header=header, quote_style="never")
    data = buffer.getvalue()
    return data.replace(b"," + _DROP.encode(), b"") if _DROP.encode() in data else data


def generate(
    *,
    rows: int,
    out: Path,
    unites_legales_out: Path,
    communes: CommuneTable,
    naf: NafSampler,
    headcount: HeadcountSampler,
    seed: int = 0,
    broken_rate: float = 0.0,
    zip_output: bool = False,
) -> GenerateReport:
    """Write ``rows`` establishments to ``out`` and their legal units to ``unites_legales_out``."""
    rng = np.random.default_rng(seed)
    vocabulary = _Vocabulary(naf, headcount)
    sizes = _company_sizes(rng, rows)
    sirens = _unique_sirens(rng, len(sizes))
    report = GenerateReport(
        rows=rows, organisations=len(sirens), path=str(out), unites_legales_path=str(unites_legales_out)
    )
    broken: Counter = Counter()
    csv_paths = [
        out.with_suffix(".csv") if zip_output else out,
        unites_legales_out.with_suffix(".csv") if zip_output else unites_legales_out,
    ]
    with open(csv_paths[0], "wb") as etab, open(csv_paths[1], "wb") as units:
        for start in range(0, len(sirens), CHUNK_COMPANIES):
            part = slice(start, start + CHUNK_COMPANIES)
            company_naf = vocabulary.naf(rng, len(sirens[part]))
            frame = _establishments(rng, sirens[part], sizes[part], company_naf, communes, vocabulary)
            heads = frame.filter(pl.col("etablissementSiege") == "true")
            ul = _unites_legales(rng, sirens[part], sizes[part], company_naf, heads, vocabulary)
            frame = _break(rng, frame, broken_rate, broken)
            etab.write(_csv_bytes(frame, header=start == 0))
            units.write(_csv_bytes(ul, header=start == 0))
    if zip_output:
        for csv_path, target in zip(csv_paths, [out, unites_legales_out], strict=True):
            with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
                archive.write(csv_path, arcname=csv_path.name)
            csv_path.unlink()
    report.broken = dict(sorted(broken.items()))
    return report
