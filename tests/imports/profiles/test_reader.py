"""Reading profile spreadsheets: encodings, separators, XLSX formulas and merged cells."""

import pytest

from maillage.imports.profiles.reader import SpreadsheetError, read_sheet
from tests.imports.profiles.helpers import SIRET_A, SIRET_B, add_cached_values, row, write_csv, write_xlsx


def rows_of(path):
    return list(read_sheet(path).rows)


def test_windows_1252_csv_is_detected_and_decoded(tmp_path):
    path = write_csv(
        tmp_path / "adherents.csv",
        [row(siret=SIRET_A, name="Décolletage de l'Ill", capabilities="décolletage; traitement thermique")],
        encoding="cp1252",
    )
    sheet = read_sheet(path)
    (only,) = list(sheet.rows)
    assert sheet.encoding == "cp1252"
    assert only.values["name"] == "Décolletage de l'Ill"
    assert only.values["capabilities"] == "décolletage; traitement thermique"


def test_utf8_bom_and_comma_separator(tmp_path):
    path = tmp_path / "bom.csv"
    write_csv(path, [row(siret=SIRET_A, name="Société « Ébène »")], delimiter=",")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    sheet = read_sheet(path)
    assert sheet.delimiter == "," and sheet.encoding == "utf-8"
    assert [r.values["siret"] for r in sheet.rows] == [SIRET_A]


def test_line_numbers_count_multiline_cells_and_skip_blank_lines(tmp_path):
    path = write_csv(
        tmp_path / "lines.csv",
        [row(siret=SIRET_A, name="A", description="ligne 1\nligne 2"), row(), row(siret=SIRET_B, name="B")],
    )
    assert [(r.line, r.values["siret"]) for r in rows_of(path)] == [(2, SIRET_A), (5, SIRET_B)]


def test_unknown_columns_are_ignored_and_reported(tmp_path):
    path = tmp_path / "extra.csv"
    path.write_text(f"SIRET;Name;Contact\n{SIRET_A};A;Mme Martin\n", encoding="utf-8")
    sheet = read_sheet(path)
    assert sheet.columns == ["siret", "name"] and sheet.ignored_columns == ["Contact"]


def test_a_missing_required_column_stops_the_file(tmp_path):
    path = tmp_path / "no_name.csv"
    path.write_text(f"siret;capabilities\n{SIRET_A};usinage\n", encoding="utf-8")
    with pytest.raises(
        SpreadsheetError, match=r"no_name.csv, ligne 1 : colonnes obligatoires absentes : name"
    ):
        read_sheet(path)


def test_bytes_that_are_neither_utf8_nor_windows_1252_stop_the_file(tmp_path):
    path = tmp_path / "binary.csv"
    path.write_bytes(b"siret;name\n" + SIRET_A.encode() + b";A\x81\x8d\n")
    with pytest.raises(SpreadsheetError, match="ligne 2 : encodage illisible"):
        read_sheet(path)


def test_xlsx_formulas_are_read_as_their_saved_values(tmp_path):
    path = write_xlsx(
        tmp_path / "formulas.xlsx",
        [["siret", "name", "capabilities"], [SIRET_A, "Atelier A", '=CONCAT("usinage";" 5 axes")']],
    )
    add_cached_values(path, {"C2": "usinage 5 axes"})
    (only,) = rows_of(path)
    assert only.values["capabilities"] == "usinage 5 axes" and not only.problems


def test_xlsx_formula_without_saved_value_is_a_problem_of_its_line(tmp_path):
    path = write_xlsx(tmp_path / "raw.xlsx", [["siret", "name", "sectors"], [SIRET_A, "A", '=UPPER("aéro")']])
    (only,) = rows_of(path)
    assert only.problems[0][:2] == ("formula_without_value", "sectors")


def test_xlsx_cells_merged_over_lines_are_rejected_not_filled(tmp_path):
    path = write_xlsx(
        tmp_path / "merged.xlsx",
        [["siret", "name", "sectors"], [SIRET_A, "A", "aéronautique"], [SIRET_B, "B", None]],
        merge="C2:C3",
    )
    first, second = rows_of(path)
    assert first.problems[0][0] == "merged_cells" and "C2:C3" in first.problems[0][2]
    assert second.problems[0][0] == "merged_cells"


def test_xlsx_merged_header_stops_the_file(tmp_path):
    path = write_xlsx(tmp_path / "header.xlsx", [["siret", "name", None], [SIRET_A, "A", ""]], merge="B1:C1")
    with pytest.raises(SpreadsheetError, match="ligne 1 : cellules fusionnées B1:C1"):
        read_sheet(path)


def test_xlsx_numbers_keep_identifiers_as_strings(tmp_path):
    siret = "00" + SIRET_A[2:]
    path = write_xlsx(
        tmp_path / "numbers.xlsx", [["siret", "name", "commune_insee"], [int(siret), "A", 1053]]
    )
    (only,) = rows_of(path)
    assert only.values["siret"] == siret and only.values["commune_insee"] == "01053"
