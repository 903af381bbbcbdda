"""SIRENE's projected coordinates to WGS84 and back, by department.

INSEE gives X/Y in the legal projection of each territory (the same as the BPE and the IGN):
Lambert-93 in mainland France and Corsica, UTM in the overseas departments. Points of
territories without a known projection are not converted (the commune point is used).
"""

from __future__ import annotations

from functools import cache

import numpy as np
import polars as pl
from pyproj import Transformer

LAMBERT_93 = 2154
# department code -> EPSG code of its projected CRS
OVERSEAS_EPSG = {
    "971": 5490,  # Guadeloupe: RGAF09 / UTM 20N
    "972": 5490,  # Martinique: RGAF09 / UTM 20N
    "977": 5490,  # Saint-Barthélemy
    "978": 5490,  # Saint-Martin
    "973": 2972,  # Guyane: RGFG95 / UTM 22N
    "974": 2975,  # La Réunion: RGR92 / UTM 40S
    "975": 4467,  # Saint-Pierre-et-Miquelon: RGSPM06 / UTM 21N
    "976": 4471,  # Mayotte: RGM04 / UTM 38S
}
# EPSG -> (lon_min, lon_max, lat_min, lat_max): a converted point outside is malformed.
BOUNDS = {
    2154: (-5.8, 10.0, 41.0, 51.6),
    5490: (-63.5, -60.5, 14.2, 18.3),
    2972: (-54.9, -51.4, 1.9, 6.0),
    2975: (55.1, 56.0, -21.5, -20.8),
    4467: (-56.6, -55.9, 46.7, 47.2),
    4471: (44.9, 45.4, -13.1, -12.5),
}


def department_expr(commune: pl.Expr) -> pl.Expr:
    """Department of an INSEE commune code: 3 characters overseas (97x), else 2 (2A, 2B, 75...)."""
    return (
        pl.when(commune.str.starts_with("97"))
        .then(commune.str.slice(0, 3))
        .otherwise(commune.str.slice(0, 2))
    )


def epsg_expr(department: pl.Expr) -> pl.Expr:
    """EPSG code of a department's coordinates; 0 where no projection is known (other overseas)."""
    overseas = department.replace_strict(OVERSEAS_EPSG, default=None, return_dtype=pl.Int32)
    return (
        pl.when(department.str.starts_with("97") | department.str.starts_with("98"))
        .then(overseas.fill_null(0))
        .otherwise(pl.lit(LAMBERT_93, dtype=pl.Int32))
    )


@cache
def _transformer(source: int, target: int) -> Transformer:
    return Transformer.from_crs(f"EPSG:{source}", f"EPSG:{target}", always_xy=True)


def to_wgs84(x: np.ndarray, y: np.ndarray, epsg: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(longitude, latitude, ok) for projected points; ok is False outside the territory's bounds."""
    lon = np.full(len(x), np.nan)
    lat = np.full(len(x), np.nan)
    for code in np.unique(epsg):
        if code not in BOUNDS:
            continue
        mask = epsg == code
        lon[mask], lat[mask] = _transformer(int(code), 4326).transform(x[mask], y[mask])
    ok = np.zeros(len(x), dtype=bool)
    for code, (lo0, lo1, la0, la1) in BOUNDS.items():
        mask = epsg == code
        ok[mask] = (lon[mask] >= lo0) & (lon[mask] <= lo1) & (lat[mask] >= la0) & (lat[mask] <= la1)
    return lon, lat, ok


def from_wgs84(lon: np.ndarray, lat: np.ndarray, epsg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Projected X/Y for WGS84 points (NaN where the EPSG code is not a known territory)."""
    x = np.full(len(lon), np.nan)
    y = np.full(len(lon), np.nan)
    for code in np.unique(epsg):
        if code not in BOUNDS:
            continue
        mask = epsg == code
        x[mask], y[mask] = _transformer(4326, int(code)).transform(lon[mask], lat[mask])
    return x, y
