"""Hostile DECP files (generated here): bounded memory and time, and no traceback for the user.

Each file is read in a child process capped at 2 GB (``tests/imports/hostile.py``), which
reports its peak memory and time; values the databases would refuse are rejected by reason,
in the dry run as in the wet run, on SQLite and PostgreSQL alike.
"""

import json

import pytest
from django.core.management import CommandError, call_command

from maillage.imports.models import ImportRun
from maillage.relations.models import PurchaseLine
from tests.imports.decp.test_import_decp import JSON_FILE, run
from tests.imports.hostile import run_bounded

READ_JSON = """
from maillage.imports.decp.parser import DecpFileError, iter_decp_json
try:
    print(sum(1 for _ in iter_decp_json(sys.argv[1], [])), "marchés")
except DecpFileError as exc:
    print(exc)
"""


def test_deeply_nested_json_is_refused_early_naming_the_file_and_the_limit(tmp_path):
    # 200 KB: 100,000 nested brackets drove import-decp to 23.8 GB
    path = tmp_path / "imbrique.json"
    path.write_text('{"marches": [' + "[" * 100_000 + "]" * 100_000 + "]}", encoding="utf-8")
    result = run_bounded(READ_JSON, str(path))
    assert result.returncode == 0, str(result)
    assert "imbrique.json" in result.stdout and "64 niveaux" in result.stdout, str(result)
    assert "MAILLAGE_IMPORT_MAX_JSON_DEPTH" in result.stdout
    assert result.seconds < 30 and result.peak_mb < 500, str(result)


def test_deeply_nested_json_is_a_command_error(db, tmp_path):
    path = tmp_path / "imbrique.json"
    path.write_text('{"x": ' + "[" * 1000 + "]" * 1000 + ', "marches": []}', encoding="utf-8")
    with pytest.raises(CommandError, match=r"imbrique\.json.*64 niveaux"):
        call_command("import_decp", str(path))


def market(**changes):
    return dict(json.loads(JSON_FILE.read_text(encoding="utf-8"))["marches"][0], **changes)


HOSTILE_VALUES = [
    ("montant", 1e308, "bad_amount"),
    ("montant", 10**30, "bad_amount"),
    ("montant", 1e13, "bad_amount"),
    ("montant", 0.001, "bad_amount"),  # 0.00 € once split and rounded
    ("dureeMois", 0, "bad_duration"),
    ("dureeMois", 1e308, "bad_duration"),
    ("id", "M\u0000X", "bad_text"),
]


@pytest.mark.parametrize(("field", "value", "reason"), HOSTILE_VALUES)
def test_values_the_databases_refuse_are_rejected_by_the_dry_and_the_wet_run(
    taxonomy, tmp_path, field, value, reason
):
    path = tmp_path / "hostile.json"
    text = json.dumps({"marches": [market(id="OK1"), market(**{field: value})]}, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    dry = run(path)
    wet = run(path, "--wet-run")
    for report in (dry, wet):
        assert report["counts"]["read"] == 1, report
        assert report["rejected"] == {reason: 1}, report
        (reject,) = report["first_rejects"]
        assert (reject["file"], reject["field"]) == ("hostile.json", field)
    assert dry["counts"] == wet["counts"]
    assert PurchaseLine.objects.count() == 1
    assert ImportRun.objects.get(kind="decp").status == ImportRun.Status.SUCCEEDED


def test_a_number_beyond_floats_is_a_file_error_without_traceback(db, tmp_path):
    path = tmp_path / "infini.json"
    text = json.dumps({"marches": [market(id="OK1"), market(dureeMois=12345)]}, ensure_ascii=False)
    path.write_text(text.replace("12345", "1e999"), encoding="utf-8")
    with pytest.raises(CommandError, match=r"infini\.json : JSON illisible .* overflow"):
        call_command("import_decp", str(path))


def test_a_holder_name_with_a_nul_byte_is_rejected(taxonomy, tmp_path):
    record = market()
    record["titulaires"] = [dict(record["titulaires"][0], denominationSociale="A\u0000B")]
    path = tmp_path / "nul.json"
    path.write_text(json.dumps({"marches": [record]}), encoding="utf-8")
    for report in (run(path), run(path, "--wet-run")):
        assert report["rejected"] == {"bad_text": 1}, report
        assert report["first_rejects"][0]["field"] == "titulaires[0].denominationSociale"


def test_csv_with_a_3_mb_multiline_field_reads(taxonomy, tmp_path):
    from tests.imports.decp.test_import_decp import FLAT_FILE

    lines = FLAT_FILE.read_text(encoding="utf-8").splitlines()
    header, first = lines[0], lines[1]
    columns = header.split(",")
    import csv
    import io

    row = next(csv.reader(io.StringIO(first)))
    row[columns.index("objet")] = "x" * 3_000_000 + "\nsuite"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([columns, row])
    path = tmp_path / "long.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    report = run(path)
    assert report["counts"]["read"] + sum(report["rejected"].values()) == 1, report


def test_markets_whose_relation_total_would_overflow_its_column_are_rejected(taxonomy, tmp_path):
    # one relation (same buyer, holder and CPV code): each share fits, the yearly sum would not
    records = [market(id=f"M{n}", montant=6e11, dureeMois=12) for n in (1, 2)]
    path = tmp_path / "somme.json"
    path.write_text(json.dumps({"marches": records}), encoding="utf-8")
    dry, wet = run(path), run(path, "--wet-run")
    for report in (dry, wet):
        assert report["rejected"] == {"bad_amount": 1}, report
        assert "total annuel" in report["first_rejects"][0]["detail"]
    assert dry["counts"] == wet["counts"] and wet["counts"]["read"] == 1
