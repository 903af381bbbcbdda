"""Organisation data from ``StockUniteLegale``, joined to the establishments as both stream by.

INSEE publishes both stocks sorted (establishments by SIRET, legal units by SIREN), so a merge
join needs only the legal units of the current batch in memory: the national file (~29
million units) never has to fit. An unsorted file stops the import with a clear message.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from maillage.imports import limits
from maillage.imports.sirene import reader
from maillage.imports.sirene.parse import REJECT_SCHEMA, Referential, split_fields
from maillage.imports.sirene.schema import NAF_REV2, NOT_DISCLOSED, UNITE_LEGALE_NEEDED, Reason

ORGANISATION_SCHEMA = {
    "siren": pl.String,
    "name": pl.String,
    "acronym": pl.String,
    "legal_category_id": pl.String,
    "size_category": pl.String,
    "naf_id": pl.String,
    "headcount_band_id": pl.String,
    "creation_date": pl.Date,
    "is_active": pl.Boolean,
}


# The text columns an organisation is built from.
TEXT_COLUMNS = (
    "denominationUniteLegale",
    "sigleUniteLegale",
    "prenomUsuelUniteLegale",
    "prenom1UniteLegale",
    "nomUsageUniteLegale",
    "nomUniteLegale",
)


def _disclosed(column: str) -> pl.Expr:
    return pl.when(pl.col(column) != NOT_DISCLOSED).then(pl.col(column)).otherwise(pl.lit(""))


def organisations_from_fields(fields: pl.DataFrame, referential: Referential) -> pl.DataFrame:
    first_name = pl.when(_disclosed("prenomUsuelUniteLegale") != "").then(
        _disclosed("prenomUsuelUniteLegale")
    )
    first_name = first_name.otherwise(_disclosed("prenom1UniteLegale"))
    last_name = pl.when(_disclosed("nomUsageUniteLegale") != "").then(_disclosed("nomUsageUniteLegale"))
    last_name = last_name.otherwise(_disclosed("nomUniteLegale"))
    person = pl.concat_str([first_name, last_name], separator=" ").str.strip_chars()
    name = pl.when(_disclosed("denominationUniteLegale") != "").then(_disclosed("denominationUniteLegale"))
    name = name.otherwise(person)
    return fields.select(
        siren=pl.col("siren"),
        name=pl.when(name != "").then(name.str.slice(0, 255)),
        acronym=_disclosed("sigleUniteLegale").str.slice(0, 50),
        legal_category_id=pl.when(
            pl.col("categorieJuridiqueUniteLegale").is_in(list(referential.legal_categories))
        ).then(pl.col("categorieJuridiqueUniteLegale")),
        size_category=pl.when(pl.col("categorieEntreprise").is_in(["PME", "ETI", "GE"]))
        .then(pl.col("categorieEntreprise"))
        .otherwise(pl.lit("")),
        naf_id=pl.when(
            (pl.col("nomenclatureActivitePrincipaleUniteLegale") == NAF_REV2)
            & pl.col("activitePrincipaleUniteLegale").is_in(list(referential.naf_subclasses))
        ).then(pl.col("activitePrincipaleUniteLegale")),
        headcount_band_id=pl.when(
            pl.col("trancheEffectifsUniteLegale").is_in(list(referential.headcount_bands))
        ).then(pl.col("trancheEffectifsUniteLegale")),
        creation_date=pl.col("dateCreationUniteLegale").str.to_date("%Y-%m-%d", strict=False),
        is_active=pl.col("etatAdministratifUniteLegale") == "A",
    )


class UniteLegaleCursor:
    """Serves, batch after batch, the legal units of ascending SIRENs."""

    def __init__(self, path: str | Path, referential: Referential, batch_size: int = 200_000):
        self.path = Path(path)
        self.referential = referential
        self.stream = reader.open_binary(self.path)
        header, header_bytes = reader.read_header(self.stream, self.path)
        missing = [c for c in UNITE_LEGALE_NEEDED if c not in header]
        if missing:
            raise reader.SireneFileError(f"{self.path}, ligne 1 : colonnes absentes de l'en-tête : {missing}")
        self.columns = tuple(header)
        self.batches = reader.iter_batches(
            self.stream, batch_size=batch_size, start_line=2, start_offset=header_bytes, file=self.path
        )
        self.buffer = pl.DataFrame(schema=ORGANISATION_SCHEMA)
        self.exhausted = False
        self.floor = ""  # every SIREN asked for from now on is >= floor
        self.last_read = ""
        self.rejects: list[pl.DataFrame] = []

    def close(self) -> None:
        self.stream.close()

    def _read_more(self) -> None:
        batch = next(self.batches, None)
        if batch is None:
            self.exhausted = True
            return
        fields, rejects = split_fields(batch.lines, batch.line_numbers, batch.bad_encoding, self.columns)
        # Text PostgreSQL refuses (NUL) rejects the unit's line: its establishments keep their own name.
        fields = fields.with_columns(
            text_problem=limits.first_text_problem_expr({column: column for column in TEXT_COLUMNS})
        )
        refused = fields.filter(pl.col("text_problem").is_not_null())
        if refused.height:
            rejects = pl.concat(
                [rejects, refused.select("line", detail=pl.col("text_problem"))], how="diagonal"
            )
            fields = fields.filter(pl.col("text_problem").is_null())
        if rejects.height:
            self.rejects.append(
                rejects.select(
                    "line",
                    siret=pl.lit(""),
                    reason=pl.lit(Reason.MALFORMED_UNITE_LEGALE),
                    detail=pl.format(f"{self.path.name}, ligne {{}} : {{}}", "line", "detail"),
                ).cast(REJECT_SCHEMA)
            )
        sirens = fields["siren"]
        unsorted = (sirens < sirens.shift(1, fill_value=self.last_read)).fill_null(False)
        if unsorted.any():
            line = fields["line"].filter(unsorted)[0]
            raise reader.SireneFileError(
                f"{self.path}, ligne {line} : fichier non trié par SIREN (siren) ; "
                "la jointure avec les établissements suppose l'ordre de l'INSEE"
            )
        if fields.height:
            self.last_read = sirens[-1]
            self.buffer = pl.concat([self.buffer, organisations_from_fields(fields, self.referential)])

    def lookup(self, sirens: pl.Series, first_line: int) -> pl.DataFrame:
        """Legal units of ``sirens`` (a batch of establishments starting at ``first_line``)."""
        if sirens.is_empty():
            return pl.DataFrame(schema=ORGANISATION_SCHEMA)
        low, high = sirens.min(), sirens.max()
        if low < self.floor:
            raise reader.SireneFileError(
                f"établissements, lot commençant ligne {first_line} : SIREN {low} après {self.floor} ; "
                "le fichier doit être trié par SIRET, comme publié par l'INSEE, "
                "pour être joint aux unités légales"
            )
        while not self.exhausted and (self.buffer.is_empty() or self.buffer["siren"][-1] < high):
            self._read_more()
        found = self.buffer.filter(pl.col("siren").is_in(sirens.unique().implode()))
        self.buffer = self.buffer.filter(pl.col("siren") >= high)
        self.floor = high
        return found.unique("siren", keep="last")

    def take_rejects(self) -> pl.DataFrame:
        out = pl.concat(self.rejects) if self.rejects else pl.DataFrame(schema=REJECT_SCHEMA)
        self.rejects = []
        return out
