"""The DECP JSON reader streams: same markets as a whole read, clear errors mid-file, bounded memory.

References are computed here with the standard ``json`` module and the per-record parser
(``_json_market``), never written down as figures.
"""

import json
import re
import tracemalloc

import pytest

from maillage.imports.decp.parser import (
    DecpFileError,
    _json_market,
    iter_decp_json,
    read_cpv_codes,
    read_decp_json,
)
from tests.shared_data import shared_path

DECP = shared_path("data", "commande_publique")
FILES = ("e-marchespublics.json", "data.gouv.fr_pes.json", "marches-publics.info.json")


@pytest.fixture(scope="module")
def cpv():
    return read_cpv_codes(DECP / "cpv_2008_fr.csv")


def whole_read(name, records, cpv):
    """What the reader gave before streaming: every record of a fully loaded list, in order."""
    rejects = []
    markets = [m for i, r in enumerate(records) if (m := _json_market(name, i, r, rejects, cpv)) is not None]
    return markets, rejects


def complete_records(data: bytes) -> list:
    """The records of ``{"marches": [...`` wholly present in ``data`` (a cut file), decoded by json."""
    text = data.decode("utf-8", errors="ignore")
    decoder = json.JSONDecoder()
    at = text.index("[", text.index('"marches"')) + 1
    records = []
    while True:
        while at < len(text) and text[at] in " \t\r\n,":
            at += 1
        try:
            record, at = decoder.raw_decode(text, at)
        except json.JSONDecodeError:
            return records
        records.append(record)


@pytest.mark.parametrize("name", FILES)
def test_streamed_real_files_give_the_markets_and_rejects_of_a_whole_read(cpv, name):
    records = json.loads((DECP / name).read_text(encoding="utf-8"))["marches"]
    markets, rejects = whole_read(name, records, cpv)
    parsed = read_decp_json(DECP / name, cpv_codes=cpv)
    assert parsed.markets == markets
    assert parsed.rejects == rejects
    assert len(parsed.markets) + parsed.rejected_records == len(records)


def test_marches_after_other_keys_compact_and_with_a_byte_order_mark(tmp_path, cpv):
    name = "e-marchespublics.json"
    records = json.loads((DECP / name).read_text(encoding="utf-8"))["marches"]
    path = tmp_path / name
    head = {"source": {"marches": [{"id": "leurre"}], "n": 10}, "version": "2019"}
    text = json.dumps({**head, "marches": records}, ensure_ascii=False, separators=(",", ":"))
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    markets, rejects = whole_read(name, records, cpv)
    parsed = read_decp_json(path, cpv_codes=cpv)
    assert parsed.markets == markets and parsed.rejects == rejects


GOOD = {
    "id": "M1",
    "acheteur": {"id": "28850001000013", "nom": "SDIS"},
    "codeCPV": "45314000",
    "montant": 24000.5,
    "dureeMois": 24,
    "dateNotification": "2018-12-03",
    "titulaires": [{"typeIdentifiant": "SIRET", "id": "82746233400018", "denominationSociale": "ACRO"}],
}


def test_numbers_are_floats_and_ints_as_json_gives_them_even_beyond_64_bits(tmp_path, cpv):
    records = [
        GOOD,
        {**GOOD, "id": "M2", "montant": 10**20, "dureeMois": 12.0},
        {**GOOD, "id": "M3", "montant": 1.5e5},
        {**GOOD, "id": "M4", "dureeMois": 2.5},
    ]
    path = tmp_path / "lot.json"
    path.write_text(json.dumps({"marches": records}), encoding="utf-8")
    markets, rejects = whole_read(path.name, records, cpv)
    parsed = read_decp_json(path, cpv_codes=cpv)
    assert parsed.markets == markets and parsed.rejects == rejects
    assert [m.market_id for m in parsed.markets] == ["M1", "M2", "M3"]
    assert [type(m.amount) for m in parsed.markets] == [float, float, float]
    assert parsed.markets[1].amount == 1e20 and parsed.markets[1].duration_months == 12
    assert [r.position for r in parsed.rejects] == ["marches[3]"]


def test_a_truncated_real_file_yields_what_precedes_the_cut_then_names_file_byte_and_record(tmp_path, cpv):
    name = "marches-publics.info.json"
    data = (DECP / name).read_bytes()
    cut = data[: len(data) // 2]
    path = tmp_path / "coupe.json"
    path.write_bytes(cut)
    before = complete_records(cut)
    assert 0 < len(before) < len(json.loads(data)["marches"])
    markets, rejects = whole_read(path.name, before, cpv)
    got, got_rejects = [], []
    with pytest.raises(DecpFileError) as caught:
        for market in iter_decp_json(path, got_rejects, cpv_codes=cpv):
            got.append(market)
    assert got == markets and got_rejects == rejects
    message = str(caught.value)
    assert message.startswith("coupe.json : JSON illisible ")
    assert f"à l'octet {len(cut)} (fin du fichier)" in message
    assert f"après marches[{len(before) - 1}] ({len(before)} enregistrements lus avant l'erreur)" in message
    assert caught.value.records_read == len(before)


def test_a_syntax_error_deep_in_the_file_is_located_to_the_byte(tmp_path, cpv):
    data = (DECP / "marches-publics.info.json").read_bytes()
    # an indentation blank well past the first chunk handed to the parser (64 KiB)
    spot = next(m.start() + 1 for m in re.finditer(rb"\n  ", data) if m.start() > 200_000)
    path = tmp_path / "abime.json"
    path.write_bytes(data[:spot] + b"@" + data[spot + 1 :])
    before = complete_records(data[:spot])
    with pytest.raises(DecpFileError) as caught:
        for _ in iter_decp_json(path, [], cpv_codes=cpv):
            pass
    message = str(caught.value)
    where = f"abime.json : JSON illisible à l'octet {spot + 1}, après marches[{len(before) - 1}] "
    assert message.startswith(where)
    assert "lexical error" in message and "@" in message
    assert caught.value.records_read == len(before)


def test_other_layouts_and_bad_json_are_file_errors_before_any_record(tmp_path):
    path = tmp_path / "lot.json"
    for text, expected in [
        ('{"marches": {"marchés": []}}', "lot.json : liste « marches » absente (« marches » est un objet"),
        ('[{"marches": []}]', "lot.json : liste « marches » absente"),
        ('{"marches": 3}', "lot.json : liste « marches » absente"),
        ('{"marches": [{"id": 1}, {"id": NaN}]}', "lot.json : JSON illisible à l'octet 32, après marches[0]"),
        ("", "lot.json : JSON illisible à l'octet 0 (fin du fichier), avant le premier enregistrement"),
    ]:
        path.write_text(text, encoding="utf-8")
        with pytest.raises(DecpFileError) as caught:
            read_decp_json(path)
        assert str(caught.value).startswith(expected), text
    with pytest.raises(DecpFileError, match="nul.json : JSON illisible"):
        read_decp_json(tmp_path / "nul.json")


def test_peak_memory_while_streaming_stays_far_below_the_file_size(tmp_path, cpv):
    """A real tracemalloc measurement; a whole read holds the text and its objects (~4× the file)."""
    templates = json.loads((DECP / "e-marchespublics.json").read_text(encoding="utf-8"))["marches"][:50]
    count = 30_000
    path = tmp_path / "national.json"
    with path.open("w", encoding="utf-8") as out:  # written record by record, never held whole
        out.write('{"marches": [')
        for i in range(count):
            record = {**templates[i % len(templates)], "id": f"S{i}"}
            out.write(("," if i else "") + json.dumps(record, ensure_ascii=False))
        out.write("]}")
    size = path.stat().st_size
    rejects, read = [], 0
    tracemalloc.start()
    try:
        for _ in iter_decp_json(path, rejects, cpv_codes=cpv):
            read += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (read, rejects) == (count, [])
    assert size > 20_000_000
    assert peak < size / 5, (peak, size)
