"""La Poste « base officielle des codes postaux » (hexasmal), raw 2020 export.

``Code_commune_INSEE;Nom_commune;Code_postal;Ligne_5;Libellé_d_acheminement;coordonnees_gps``
with ``coordonnees_gps`` = ``"lat,lon"`` in one field, empty on some lines. One line per
(commune, postal code, locality): a commune has as many points as localities.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from maillage.referential.loaders.base import SourceFile, check_code, csv_rows
from maillage.referential.loaders.cog import INSEE_CODE, POSTAL_CODE

COLUMNS = ("Code_commune_INSEE", "Code_postal", "coordonnees_gps")
_COORDINATES = re.compile(r"\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*")


@dataclass(frozen=True, slots=True)
class PostalPointRecord:
    line: int
    insee_code: str
    postal_code: str
    latitude: float | None
    longitude: float | None


def parse_postal_points(source: SourceFile) -> Iterator[PostalPointRecord]:
    for row in csv_rows(source, columns=COLUMNS, delimiter=";"):
        insee_code = check_code(
            source, row["Code_commune_INSEE"], INSEE_CODE, line=row.line, field=COLUMNS[0]
        )
        postal_code = check_code(source, row["Code_postal"], POSTAL_CODE, line=row.line, field=COLUMNS[1])
        latitude = longitude = None
        if row["coordonnees_gps"]:
            match = _COORDINATES.fullmatch(row["coordonnees_gps"])
            if match is None:
                raise source.error(
                    _("« latitude,longitude » attendu : %(value)r") % {"value": row["coordonnees_gps"]},
                    line=row.line,
                    field=COLUMNS[2],
                )
            latitude, longitude = float(match.group(1)), float(match.group(2))
            if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
                raise source.error(
                    _("coordonnées hors limites : %(value)r") % {"value": row["coordonnees_gps"]},
                    line=row.line,
                    field=COLUMNS[2],
                )
        yield PostalPointRecord(row.line, insee_code, postal_code, latitude, longitude)
