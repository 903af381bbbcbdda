"""Identifier checks, line splitting and projections, without a database."""

import csv

import numpy as np
import polars as pl
import pytest
from stdnum.fr import siret as stdnum_siret

from maillage.directory import synthetic
from maillage.imports.sirene import geo, reader
from maillage.imports.sirene.parse import siret_valid, split_fields
from maillage.imports.sirene.schema import ETABLISSEMENT_COLUMNS, Reason
from tests.shared_data import shared_path

VECTORS = shared_path("bench", "identifiers", "siret_vectors.csv")


def test_siret_check_agrees_with_published_vectors_including_la_poste():
    with open(VECTORS, newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["kind"] == "siret"]
    got = siret_valid(pl.Series([r["number"] for r in rows]))
    expected = [r["valid"] == "true" for r in rows]
    assert [r["number"] for r, g, e in zip(rows, got, expected, strict=True) if g != e] == []
    assert sum(expected) > 50


def test_siret_check_agrees_with_stdnum_on_single_digit_mutations():
    rng = synthetic.make_rng(7)
    sirets = [
        f"{s:014d}" for s in synthetic.siret_ints(synthetic.siren_random_ints(rng, 300), np.arange(300))
    ]
    mutated = []
    for siret in sirets:
        position = int(rng.integers(0, 14))
        digit = str((int(siret[position]) + int(rng.integers(1, 10))) % 10)
        mutated.append(siret[:position] + digit + siret[position + 1 :])
    numbers = sirets + mutated + ["35600000012345", "3560000004146A", ""]
    got = siret_valid(pl.Series(numbers))
    assert list(got) == [stdnum_siret.is_valid(n) for n in numbers]
    assert got[:300].all() and not got[300:600].any()


def test_split_fields_rejects_wrong_column_count_unbalanced_quote_and_bad_encoding():
    good = ",".join(["x"] * 54)
    quoted = ",".join(['"a, b"'] + ["x"] * 53)
    lines = pl.Series([good, good + ",extra", quoted, '"open' + good[1:], "", "ignored"])
    bad = pl.Series([False, False, False, False, False, True])
    fields, rejects = split_fields(lines, pl.Series(range(2, 8)), bad, ETABLISSEMENT_COLUMNS)
    assert fields["line"].to_list() == [2, 4]
    assert fields["siren"].to_list() == ["x", "a, b"]
    assert dict(zip(rejects["line"], rejects["reason"], strict=True)) == {
        3: Reason.WRONG_COLUMN_COUNT,
        5: Reason.WRONG_COLUMN_COUNT,
        6: Reason.WRONG_COLUMN_COUNT,
        7: Reason.BAD_ENCODING,
    }
    assert "55 lues" in rejects.filter(pl.col("line") == 3)["detail"][0]


def test_reader_batches_keep_line_numbers_and_offsets_across_blocks(tmp_path):
    path = tmp_path / "f.csv"
    body = "".join(f"line{i}\n" for i in range(1, 1001))
    path.write_bytes(b"h\n" + body.encode() + b"last-no-newline")
    with reader.open_binary(path) as stream:
        header, size = reader.read_header(stream, path)
        batches = list(
            reader.iter_batches(stream, batch_size=300, start_line=2, start_offset=size, block_size=97)
        )
    assert [b.first_line for b in batches] == [2, 302, 602, 902]
    assert batches[-1].lines.to_list()[-1] == "last-no-newline"
    assert batches[-1].end_offset == path.stat().st_size
    # Resuming at a batch's end offset reads exactly the following lines.
    with reader.open_binary(path) as stream:
        reader.read_header(stream, path)
        again = list(
            reader.iter_batches(
                stream,
                batch_size=1000,
                start_line=302,
                start_offset=batches[0].end_offset,
                skip_bytes=batches[0].end_offset - size,
            )
        )
    assert again[0].lines[0] == "line301"


@pytest.mark.parametrize(
    ("department", "lon", "lat", "easting_range"),
    [
        ("67", 7.7521, 48.5734, (1_040_000, 1_060_000)),  # Strasbourg, Lambert-93
        ("971", -61.5331, 16.2411, (640_000, 660_000)),  # Pointe-à-Pitre, UTM 20N
        ("972", -61.0588, 14.6161, (700_000, 715_000)),  # Fort-de-France, UTM 20N
        ("973", -52.3260, 4.9372, (345_000, 360_000)),  # Cayenne, UTM 22N
        ("974", 55.4481, -20.8821, (330_000, 345_000)),  # Saint-Denis, UTM 40S
        ("976", 45.2279, -12.7806, (510_000, 530_000)),  # Mamoudzou, UTM 38S
    ],
)
def test_each_territory_projection_round_trips_a_real_town(department, lon, lat, easting_range):
    epsg = pl.select(geo.epsg_expr(pl.lit(department))).item()
    x, y = geo.from_wgs84(np.array([lon]), np.array([lat]), np.array([epsg]))
    assert easting_range[0] < x[0] < easting_range[1]
    back_lon, back_lat, ok = geo.to_wgs84(x, y, np.array([epsg]))
    assert ok[0] and abs(back_lon[0] - lon) < 1e-7 and abs(back_lat[0] - lat) < 1e-7
    # A point from another territory's grid falls outside the bounds.
    _lon, _lat, ok = geo.to_wgs84(x + 3_000_000, y, np.array([epsg]))
    assert not ok[0]
