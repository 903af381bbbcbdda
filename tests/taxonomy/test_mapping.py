"""The free-text mapper: its rules one by one, and the quality bar on the labelled set."""

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from maillage.taxonomy.loader import read_taxonomy
from maillage.taxonomy.mapping import (
    AUTO_ACCEPT,
    MappingCodeError,
    TaxonomyMapper,
    evaluate,
    leading_quantity,
    normalise,
    strip_specs,
)

ROOT = Path(__file__).resolve().parents[2]
LABELLED = Path(__file__).with_name("mapping_labelled.csv")


@pytest.fixture(scope="module")
def records():
    return list(read_taxonomy().nodes.values())


@pytest.fixture(scope="module")
def mapper(records):
    return TaxonomyMapper.from_records(records)


def labelled_rows() -> list[dict]:
    with open(LABELLED, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_labelled_set_is_large_varied_and_points_at_real_codes(records):
    rows = labelled_rows()
    codes = {record.code for record in records}
    assert len(rows) >= 200
    assert {row["column"] for row in rows} == {"capabilities", "certifications", "sectors", "equipment"}
    assert sum(row["expected"] == "none" for row in rows) >= 20
    for row in rows:
        if row["expected"] != "none":
            assert set(row["expected"].split("|")) <= codes, row
    assert len({(row["column"], row["text"]) for row in rows}) == len(rows)


def test_auto_accepted_mappings_meet_the_quality_bar(mapper):
    reports = evaluate(mapper, labelled_rows())
    overall = reports["all"]
    assert overall.precision >= 0.95, overall.errors
    assert overall.recall >= 0.90, overall.errors
    for column in ("capabilities", "certifications", "sectors", "equipment"):
        assert reports[column].precision >= 0.9, column


def test_codes_labels_and_synonyms_map_with_full_confidence(mapper):
    assert mapper.map("proc.machining.bar_turning", "capabilities").codes == ("proc.machining.bar_turning",)
    label = mapper.map("Décolletage", "capabilities")
    assert (label.codes, label.confidence, label.method) == (("proc.machining.bar_turning",), 1.0, "label")
    assert mapper.map("EN9100", "certifications").codes == ("cert.en9100",)


def test_a_code_of_the_wrong_type_or_unknown_is_an_error_not_a_guess(mapper):
    with pytest.raises(MappingCodeError, match="type equipment"):
        mapper.map("equip.press.hydraulic", "capabilities")
    with pytest.raises(MappingCodeError, match="code inconnu"):
        mapper.map("proc.machining.teleportation", "capabilities")


def test_the_column_decides_the_node_type(mapper):
    assert mapper.map("CMM", "capabilities").codes == ("proc.metrology.cmm",)
    assert mapper.map("CMM", "equipment").codes == ("equip.metrology.cmm",)


def test_typos_are_corrected_with_a_lower_confidence(mapper):
    result = mapper.map("fraisgae", "capabilities")
    assert result.codes == ("proc.machining.milling",)
    assert result.method == "typo" and AUTO_ACCEPT <= result.confidence < 1.0
    assert result.corrections == (("fraisgae", "fraisage"),)


def test_several_concepts_in_one_item(mapper):
    result = mapper.map("TIG alu", "capabilities")
    assert result.accepted and set(result.codes) == {"proc.joining.welding.tig", "mat.aluminium"}


def test_unknown_text_is_not_guessed_but_proposed(mapper):
    result = mapper.map("pièces mécaniques", "capabilities")
    assert not result.accepted and result.codes == ()
    assert result.confidence < AUTO_ACCEPT


def test_a_certification_in_progress_is_not_applied(mapper):
    result = mapper.map("ISO 9001 en cours", "certifications")
    assert result.codes == ("cert.iso9001",) and not result.accepted


def test_a_remembered_decision_wins(records):
    mapper = TaxonomyMapper.from_records(
        records,
        decisions={
            (normalise("BE intégré"), "capability"): "svc.design",
            (normalise("divers"), "capability"): "",
        },
    )
    decided = mapper.map("BE  INTÉGRÉ", "capabilities")
    assert (decided.codes, decided.method, decided.accepted) == (("svc.design",), "decision", True)
    dismissed = mapper.map("Divers", "capabilities")
    assert dismissed.rejected_by_animator and not dismissed.accepted
    assert not mapper.map("BE intégré", "sectors").accepted


def test_equipment_measures_and_quantities_are_not_part_of_the_name():
    assert strip_specs("presse hydraulique 300 t") == "presse hydraulique"
    assert strip_specs("centre 5 axes 1200x800x600 mm") == "centre 5 axes"
    assert strip_specs("2 × tour CN Ø 400 mm") == "tour CN Ø"
    assert leading_quantity("3 presses à injecter") == (3, "presses à injecter")
    assert leading_quantity("300 t presse") == (1, "300 t presse")


def test_export_terms_map_back_to_their_code(mapper):
    for code in ("proc.machining.milling.5axis", "mat.aluminium", "svc.design.cad"):
        term = mapper.export_term(code, "capabilities")
        assert mapper.map(term, "capabilities").codes == (code,)


def test_bench_prints_one_json_object():
    done = subprocess.run(
        [sys.executable, "bench/mapping.py", "--json"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["rows"] == len(labelled_rows())
    assert set(result["per_column"]) == {"capabilities", "certifications", "sectors", "equipment"}
