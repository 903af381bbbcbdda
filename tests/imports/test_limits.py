"""The bounds shared by every import (maillage/imports/limits.py) and the failure of a run."""

import io
import math
import zipfile
from decimal import Decimal

import pytest
from django.test import override_settings

from maillage.errors import MaillageError
from maillage.imports import limits
from maillage.imports.limits import ImportLimitError
from maillage.imports.models import ImportRun
from maillage.imports.services import import_run_failure_recorded


def test_limit_error_names_file_line_field_and_limit():
    error = ImportLimitError("trop long", file="/tmp/x/a.csv", line=12, field="name", limit=10)
    assert isinstance(error, MaillageError)
    assert (error.field, error.message, error.limit) == ("name", "trop long", 10)
    assert str(error) == "a.csv, ligne 12, name : trop long"


def test_limits_are_overridden_by_settings():
    assert limits.limit("MAX_JSON_DEPTH") == limits.DEFAULT_MAX_JSON_DEPTH
    with override_settings(MAILLAGE_IMPORT_MAX_JSON_DEPTH=3):
        assert limits.limit("MAX_JSON_DEPTH") == 3


def test_bounded_lines_refuse_a_long_line_without_reading_it_whole():
    stream = io.BytesIO(b"a,b\n" + b"x" * 5000 + b"\nlast")
    with override_settings(MAILLAGE_IMPORT_MAX_LINE_BYTES=100):
        lines = limits.iter_bounded_lines(stream, file="f.csv")
        assert next(lines) == b"a,b\n"
        with pytest.raises(ImportLimitError) as caught:
            next(lines)
    assert caught.value.line == 2
    assert caught.value.limit == 100
    assert stream.tell() < 200


def test_a_line_exactly_at_the_limit_passes():
    stream = io.BytesIO(b"x" * 100 + b"\n" + b"y" * 100)
    with override_settings(MAILLAGE_IMPORT_MAX_LINE_BYTES=100):
        assert len(list(limits.iter_bounded_lines(stream, file="f.csv"))) == 2


def test_zip_member_bomb_is_stopped_by_the_ratio(tmp_path):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("a.csv", "w") as member:
        for _ in range(50):
            member.write(b"\n" * (1 << 20))
    with (
        zipfile.ZipFile(path) as archive,
        limits.open_zip_member(archive, "a.csv", file=path) as stream,
        pytest.raises(ImportLimitError) as caught,
    ):
        while stream.read(1 << 16):
            pass
    assert caught.value.file == "bomb.zip"
    assert caught.value.limit == limits.DEFAULT_MAX_COMPRESSION_RATIO


def test_zip_member_is_bounded_by_what_it_inflates_not_its_header(tmp_path):
    path = tmp_path / "big.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("a.csv", b"x" * 5000)
    with (
        zipfile.ZipFile(path) as archive,
        override_settings(MAILLAGE_IMPORT_MAX_DECOMPRESSED_BYTES=1000),
        limits.open_zip_member(archive, "a.csv", file=path) as s,
        pytest.raises(ImportLimitError),
    ):
        s.read()


def test_open_xlsx_refuses_a_file_that_is_not_a_zip(tmp_path):
    path = tmp_path / "profils.xlsx"
    path.write_text("siret;name\n")
    with pytest.raises(ImportLimitError, match="profils.xlsx : ce n’est pas un fichier XLSX"):
        limits.open_xlsx(path)


def test_json_depth_is_bounded_before_parsing():
    assert limits.json_loads_bounded('{"a": [1, {"b": "[[[[["}]}', file="d.json", max_depth=3) == {
        "a": [1, {"b": "[[[[["}]
    }
    with pytest.raises(ImportLimitError, match="64 niveaux"):
        limits.json_loads_bounded("[" * 100_000 + "]" * 100_000, file="d.json")


def test_text_problems_are_nul_bytes_and_length():
    assert limits.text_problem("Usine", 10) is None
    assert "NUL" in limits.text_problem("Us\x00ine", 10)
    assert "11 caractères" in limits.text_problem("x" * 11, 10)
    assert limits.text_problem("x" * 11, None) is None


def test_text_problem_expression_matches_the_scalar_check():
    import polars as pl

    frame = pl.DataFrame({"name": ["ok", "n\x00ul", "x" * 11, None]})
    reasons = frame.select(limits.text_problem_expr("name", 10)).to_series().to_list()
    assert [r is None for r in reasons] == [True, False, False, True]


@pytest.mark.parametrize(
    "value, fits",
    [
        (Decimal("123456789012.34"), True),
        (Decimal("1234567890123.4"), False),
        (Decimal("1e-400"), False),
        (Decimal("NaN"), False),
        (Decimal("Infinity"), False),
        (math.inf, False),
        (0.1, True),
        (Decimal("0.001"), False),
        (Decimal("0"), True),
    ],
)
def test_decimal_fits_the_column_or_says_why(value, fits):
    assert (limits.decimal_problem(value, max_digits=14, decimal_places=2) is None) is fits


def test_parse_decimal_never_underflows_through_float():
    assert limits.parse_decimal("1 234,5", max_digits=14, decimal_places=2) == Decimal("1234.50")
    with pytest.raises(ImportLimitError, match="zéro"):
        limits.parse_decimal("1e-400", max_digits=14, decimal_places=2, field="amount")


def test_float_problem():
    assert limits.float_problem(1.5) is None
    assert limits.float_problem(math.nan)


@pytest.mark.django_db
@pytest.mark.parametrize("exc", [KeyboardInterrupt(), SystemExit(2), RuntimeError("boom")])
def test_any_exception_marks_the_run_failed_with_its_reason(exc):
    run = ImportRun.objects.create(kind="sirene", file_path="f", file_fingerprint="x", options_key="k")
    with pytest.raises(type(exc)), import_run_failure_recorded(run):
        raise exc
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert run.error
    assert run.finished_at is not None


def test_sirene_blocks_of_many_short_lines_are_cut_without_losing_or_moving_a_line(monkeypatch):
    from maillage.imports.sirene import reader

    monkeypatch.setattr(reader, "MAX_FRAME_LINES", 3)
    text = b"a\n\n\nbb\nccc\n\n\n\nd\neeee\n\nf"
    batches = list(
        reader.iter_batches(io.BytesIO(text), batch_size=4, start_line=2, start_offset=10, block_size=16)
    )
    lines = [line for batch in batches for line in batch.lines.to_list()]
    assert lines == text.decode().split("\n")
    assert [batch.first_line for batch in batches] == [2, 6, 10]
    assert batches[-1].end_offset == 10 + len(text)
