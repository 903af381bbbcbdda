"""Parsers of the official files: real content, and a precise message for each broken input."""

import csv
from collections import Counter

import pytest

from maillage.referential.loaders import ReferentialFileError, SourceFile
from maillage.referential.loaders.base import json_array
from maillage.referential.loaders.cog import parse_communes, parse_epcis, parse_regions
from maillage.referential.loaders.cpv import cpv_parent, parse_cpv
from maillage.referential.loaders.laposte import parse_postal_points
from maillage.referential.loaders.naf import parse_naf
from maillage.referential.loaders.rome import parse_rome_domains, parse_rome_fiches
from maillage.referential.loaders.sirene import parse_headcount_bands, parse_legal_categories

NAF = "naf/int_courts_naf_rev_2_utf8.csv"
CPV = "commande_publique/cpv_2008_fr.csv"
REGIONS = "communes/decoupage_administratif_2026/regions.json"
COMMUNES = "communes/decoupage_administratif_2026/communes.json"
LAPOSTE = "communes/laposte_hexasmal_2020_brut.csv"


def src(path):
    return SourceFile.local(path)


def write(tmp_path, name, data: bytes | str):
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return src(path)


def test_naf_file_has_the_official_count_at_each_level(data_dir):
    records = list(parse_naf(src(data_dir / NAF)))
    assert Counter(r.level for r in records) == {1: 21, 2: 88, 3: 272, 4: 615, 5: 732}
    by_code = {r.code: r for r in records}
    assert by_code["25.62B"].parent == "25.62"
    assert by_code["25.62B"].section == "C"
    assert by_code["25.62B"].label == "Mécanique industrielle"
    assert by_code["25"].parent == "C"
    assert by_code["C"].label == "INDUSTRIE MANUFACTURIÈRE"
    assert by_code["01.11"].short_label == "Culture de céréales (sf riz) légumineuses, graines oléagineuses"


def test_naf_in_insee_cp1252_encoding_gives_the_same_records(data_dir, tmp_path):
    utf8 = (data_dir / NAF).read_text(encoding="utf-8")
    cp1252 = write(tmp_path, "naf_cp1252.csv", utf8.encode("cp1252"))
    assert [r[1:] for r in map(_astuple, parse_naf(cp1252))] == [
        r[1:] for r in map(_astuple, parse_naf(src(data_dir / NAF)))
    ]


def _astuple(record):
    return tuple(getattr(record, name) for name in record.__slots__)


def test_naf_in_neither_utf8_nor_cp1252_fails_at_the_faulty_line(data_dir, tmp_path):
    lines = (data_dir / NAF).read_bytes().split(b"\n")
    # 0x81 is undefined in CP1252 and invalid alone in UTF-8.
    lines[40] = lines[40].replace(b";", b";\x81", 1)
    broken = write(tmp_path, "naf.csv", b"\n".join(lines))
    with pytest.raises(ReferentialFileError) as error:
        list(parse_naf(broken))
    assert error.value.line == 41
    assert "naf.csv" in str(error.value)
    assert "UTF-8, CP1252" in str(error.value)


def test_utf16_file_is_rejected_on_its_first_line(data_dir, tmp_path):
    text = (data_dir / CPV).read_text(encoding="utf-8")
    with pytest.raises(ReferentialFileError) as error:
        list(parse_cpv(write(tmp_path, "cpv.csv", text.encode("utf-16"))))
    assert error.value.line == 1


def test_cp1252_file_where_utf8_is_required_fails_with_the_line(data_dir, tmp_path):
    text = (data_dir / CPV).read_text(encoding="utf-8")
    broken = write(tmp_path, "cpv.csv", text.encode("cp1252", errors="replace"))
    first_accent = next(n for n, line in enumerate(text.splitlines(), 1) if any(ord(c) > 127 for c in line))
    with pytest.raises(ReferentialFileError) as error:
        list(parse_cpv(broken))
    assert error.value.line == first_accent == 2


def test_renamed_naf_column_is_named_in_the_error(data_dir, tmp_path):
    text = (data_dir / NAF).read_text(encoding="utf-8").replace("en 65 caractères", "en 70 caractères", 1)
    with pytest.raises(ReferentialFileError) as error:
        list(parse_naf(write(tmp_path, "naf.csv", text)))
    assert error.value.field == "Intitulés NAF rév. 2, en 65 caractères"
    assert error.value.line == 3  # the header's quoted cells span three physical lines


def test_malformed_naf_code_is_reported_with_line_and_field(data_dir, tmp_path):
    text = (data_dir / NAF).read_text(encoding="utf-8").replace(";25.62B;", ";25.62b;", 1)
    with pytest.raises(ReferentialFileError) as error:
        list(parse_naf(write(tmp_path, "naf.csv", text)))
    line = next(n for n, row in enumerate(text.splitlines(), 1) if ";25.62b;" in row)
    assert (error.value.line, error.value.field) == (line, "Code")
    assert "25.62b" in error.value.message


def test_naf_code_without_its_parent_is_refused(data_dir, tmp_path):
    lines = (data_dir / NAF).read_text(encoding="utf-8").split("\n")
    kept = [line for line in lines if ";25.62;" not in line]
    with pytest.raises(ReferentialFileError) as error:
        list(parse_naf(write(tmp_path, "naf.csv", "\n".join(kept))))
    assert error.value.field == "Code"
    assert "25.62" in error.value.message


def test_truncated_json_is_reported_at_its_line_and_column(data_dir, tmp_path):
    text = (data_dir / COMMUNES).read_text(encoding="utf-8")
    cut = text.index('"code":"67180"')
    broken = write(tmp_path, "communes.json", text[: cut + 10])
    with pytest.raises(ReferentialFileError) as error:
        list(parse_communes(broken))
    assert error.value.line == text.count("\n", 0, cut) + 1
    assert "colonne" in error.value.message


def test_json_cut_between_two_objects_is_reported(tmp_path):
    broken = write(tmp_path, "regions.json", '[\n{"code":"01","nom":"Guadeloupe"},\n')
    with pytest.raises(ReferentialFileError) as error:
        list(parse_regions(broken))
    assert error.value.line == 3
    assert "fin du fichier" in error.value.message


def test_json_records_know_their_line(tmp_path):
    items = list(json_array(write(tmp_path, "a.json", '[\n{"a": 1},\n\n{"a": 2}\n]\n')))
    assert [(item.line, item.value) for item in items] == [(2, {"a": 1}), (4, {"a": 2})]


def test_missing_json_property_names_the_field(tmp_path):
    broken = write(tmp_path, "regions.json", '[\n{"code":"01","nom":"Guadeloupe"},\n{"code":"02"}\n]')
    with pytest.raises(ReferentialFileError) as error:
        list(parse_regions(broken))
    assert (error.value.line, error.value.field) == (3, "nom")


def test_malformed_insee_code_in_communes_json(data_dir, tmp_path):
    text = (data_dir / COMMUNES).read_text(encoding="utf-8").replace('"code":"67180"', '"code":"6718O"', 1)
    with pytest.raises(ReferentialFileError) as error:
        list(parse_communes(write(tmp_path, "communes.json", text)))
    assert error.value.field == "code"
    assert "6718O" in error.value.message


def test_missing_file_is_named(tmp_path):
    with pytest.raises(ReferentialFileError) as error:
        list(parse_cpv(src(tmp_path / "nowhere" / "cpv_2008_fr.csv")))
    assert "cpv_2008_fr.csv" in str(error.value)
    assert "introuvable" in error.value.message


def test_real_communes_keep_arrondissements_with_their_city(data_dir):
    communes = {r.code: r for r in parse_communes(src(data_dir / COMMUNES)) if r.kind != "commune-deleguee"}
    assert communes["13204"].kind == "arrondissement-municipal"
    assert communes["13204"].parent == "13055"
    assert communes["67180"].postal_codes == ("67500",)


def test_real_epcis_list_their_members(data_dir):
    epcis = {
        r.siren: r for r in parse_epcis(src(data_dir / "communes/decoupage_administratif_2026/epci.json"))
    }
    assert "67180" in epcis["200067874"].members
    assert epcis["200067874"].kind == "CA"


def test_laposte_points_split_the_gps_field(data_dir):
    points = [p for p in parse_postal_points(src(data_dir / LAPOSTE)) if p.insee_code == "67180"]
    assert {p.postal_code for p in points} == {"67500"}
    assert all(48.7 < p.latitude < 48.9 and 7.7 < p.longitude < 7.9 for p in points)


def test_laposte_malformed_coordinates_name_the_field(data_dir, tmp_path):
    lines = (data_dir / LAPOSTE).read_text(encoding="utf-8").split("\n")
    lines[5] = lines[5].rsplit(";", 1)[0] + ";48.97 -1.54"
    with pytest.raises(ReferentialFileError) as error:
        list(parse_postal_points(write(tmp_path, "laposte.csv", "\n".join(lines))))
    assert (error.value.line, error.value.field) == (6, "coordonnees_gps")


def test_legal_categories_have_three_levels_and_parents(data_dir):
    records = {r.code: r for r in parse_legal_categories(src(data_dir / "sirene/categories_juridiques.tsv"))}
    assert records["5710"].label == "SAS, société par actions simplifiée"
    assert (records["5710"].level, records["5710"].parent) == (3, "57")
    assert (records["57"].level, records["57"].parent) == (2, "5")
    assert (records["5"].level, records["5"].parent) == (1, None)


def test_headcount_bands_have_bounds(data_dir):
    records = {
        r.code: r for r in parse_headcount_bands(src(data_dir / "sirene/tranches_effectifs_sirene.csv"))
    }
    assert len(records) == 16
    assert (records["12"].min_employees, records["12"].max_employees) == (20, 49)
    assert (records["53"].min_employees, records["53"].max_employees) == (10000, None)
    assert records["NN"].min_employees is None


def test_headcount_band_with_renamed_column(data_dir, tmp_path):
    text = (data_dir / "sirene/tranches_effectifs_sirene.csv").read_text(encoding="utf-8")
    broken = write(tmp_path, "tranches.csv", text.replace("effectif_min", "min", 1))
    with pytest.raises(ReferentialFileError) as error:
        list(parse_headcount_bands(broken))
    assert (error.value.line, error.value.field) == (1, "effectif_min")


def test_rome_fiches_and_domains(data_dir):
    fiches = {
        r.code: r for r in parse_rome_fiches(src(data_dir / "rome/unix_referentiel_code_rome_v460_utf8.csv"))
    }
    domains = {r.code: r for r in parse_rome_domains(src(data_dir / "rome/unix_cr_gd_dp_v460_utf8.csv"))}
    assert fiches["H2903"].label == "Tourneur-fraiseur / Tourneuse-fraiseuse"
    assert fiches["H2903"].parent is None
    assert fiches["H2918"].parent == "H2903"
    assert (domains["H2903"].domain, domains["H2903"].grand_domain) == ("H29", "H")


def test_cpv_codes_keep_their_check_digit(data_dir):
    records = {r.code: r for r in parse_cpv(src(data_dir / CPV))}
    assert len(records) == 9454
    assert (records["42600000"].check_digit, records["42600000"].label) == ("2", "Machines-outils")


def test_malformed_cpv_code(data_dir, tmp_path):
    text = (data_dir / CPV).read_text(encoding="utf-8").replace("42600000-2", "4260000-2", 1)
    with pytest.raises(ReferentialFileError) as error:
        list(parse_cpv(write(tmp_path, "cpv.csv", text)))
    assert error.value.field == "CODE"
    assert text.splitlines()[error.value.line - 1].startswith("4260000-2")


def test_cpv_parent_walks_up_to_an_existing_code(data_dir):
    """Compared with the hierarchy published beside the file (its author stopped at one step).

    Differences are only of two kinds: where the published file gives no parent because the
    code one digit up does not exist (we walk further up), and divisions such as 31 that it
    puts under 30 (a division is a root of the CPV tree).
    """
    with open(data_dir / "commande_publique/cpv_2008_fr_parent.csv", encoding="utf-8", newline="") as handle:
        published = {row["id"][:8]: row["parent"][:8] or None for row in csv.DictReader(handle)}
    ours = {code: cpv_parent(code, published) for code in published}
    differences = {code for code in published if ours[code] != published[code]}
    walked_further = {c for c in differences if published[c] is None and ours[c] is not None}
    divisions = {c for c in differences if c.endswith("000000") and ours[c] is None}
    assert differences == walked_further | divisions
    assert len(published) - len(differences) > 9390
    assert ours["42600000"] == "42000000"
    assert ours["30192121"] == "30192100"  # 30192120 does not exist
    assert ours["31000000"] is None
