"""maillage.downloads: one writer for every CSV and XLSX, and no cell that opens as a formula."""

from datetime import date
from decimal import Decimal

import pytest

from maillage import downloads
from tests.spreadsheets import HOSTILE, assert_safe_workbook, read_csv


@pytest.mark.parametrize("text", HOSTILE)
def test_text_starting_a_formula_is_quoted(text):
    assert downloads.neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["-1.6778", "+12", "-0,5", "1e5", "Mécanique", "", "'=déjà"])
def test_plain_text_and_numbers_written_as_text_stay_as_they_are(text):
    assert downloads.neutralise(text) == text


def test_csv_has_a_bom_semicolons_and_neutralised_cells():
    rows = read_csv(downloads.csv_bytes(["nom", "montant"], [[text, -1500.5] for text in HOSTILE]))
    assert rows[0] == ["nom", "montant"]
    assert [row[0] for row in rows[1:]] == ["'" + text for text in HOSTILE]
    assert {row[1] for row in rows[1:]} == {"-1500.5"}


def test_xlsx_writes_text_as_text_and_numbers_as_numbers():
    rows = [[text, -1500.5, Decimal("2.5"), 7, date(2025, 1, 2), None, "00123"] for text in HOSTILE]
    values = assert_safe_workbook(
        downloads.table_xlsx(["nom", "a", "b", "c", "d", "e", "f"], rows, title="t")
    )
    for text, row in zip(HOSTILE, values[1:], strict=True):
        assert row[0] == "'" + text.replace("\r", "\n")  # XML reads a lone CR as a line feed
        assert row[1:4] == [-1500.5, 2.5, 7]
        assert row[4].date() == date(2025, 1, 2) and row[5] is None and row[6] == "00123"


def test_xlsx_drops_control_characters_it_cannot_hold():
    values = assert_safe_workbook(downloads.table_xlsx(["nom"], [["Ac\x0bme\x00"]], title="t"))
    assert values[1] == ["Acme"]


def test_download_response_is_an_attachment_never_sniffed():
    response = downloads.response(downloads.csv_bytes(["a"], []), filename="relations.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="relations.csv"'
    assert response["X-Content-Type-Options"] == "nosniff"
