"""DECP (public procurement) parsers on the published files, their rejects, and the buyer graph."""

import csv
import json
from datetime import date

import networkx as nx
import pytest

from maillage.engine.graph import articulation_points, client_concentration
from maillage.imports.decp.parser import (
    DecpFileError,
    Reason,
    _Invalid,
    decp_graph,
    normalise_cpv,
    read_cpv_codes,
    read_decp_csv,
    read_decp_json,
)
from tests.shared_data import shared_path

DECP = shared_path("data", "commande_publique")


@pytest.fixture(scope="module")
def cpv():
    return read_cpv_codes(DECP / "cpv_2008_fr.csv")


@pytest.mark.parametrize(
    ("name", "total", "accepted"),
    [
        ("e-marchespublics.json", 470, 470),
        ("data.gouv.fr_pes.json", 1148, 1129),
        ("marches-publics.info.json", 4509, 4426),
    ],
)
def test_json_files_parse_with_their_real_counts(cpv, name, total, accepted):
    parsed = read_decp_json(DECP / name, cpv_codes=cpv)
    assert len(parsed.markets) == accepted
    assert len(parsed.markets) + parsed.rejected_records == total
    for reject in parsed.rejects:
        assert reject.message.startswith(f"{name}, marches[")
        assert reject.field and reject.reason


def test_flat_csv_parses_with_its_real_count(cpv):
    parsed = read_decp_csv(DECP / "decp_2019_extrait_flat.csv", cpv_codes=cpv)
    assert len(parsed.markets) == 6783
    assert len(parsed.markets) + parsed.rejected_records == 6924
    reasons = {}
    for reject in parsed.rejects:
        reasons[reject.reason] = reasons.get(reject.reason, 0) + 1
    assert reasons == {Reason.BAD_SIRET: 103, Reason.UNKNOWN_CPV: 26, Reason.MISSING: 10, Reason.BAD_VAT: 2}
    first = parsed.rejects[0]
    assert first.message == (
        "decp_2019_extrait_flat.csv, ligne 920 (id 20190100), champ codeCPV : "
        "code CPV absent de la nomenclature 2008 « 20190128-1 »"
    )


def test_json_and_csv_agree_on_a_market(cpv):
    from_json = read_decp_json(DECP / "e-marchespublics.json", cpv_codes=cpv).markets[0]
    from_csv = read_decp_csv(DECP / "decp_2019_extrait_flat.csv", cpv_codes=cpv).markets[0]
    assert from_json.market_id == from_csv.market_id == "2018MA181101"
    assert from_json.buyer_siret == from_csv.buyer_siret == "28850001000013"
    assert from_json.cpv == from_csv.cpv == "45314000"
    assert from_json.amount == from_csv.amount == 80000
    assert from_json.notified_on == from_csv.notified_on == date(2018, 12, 3)
    assert from_json.holders == from_csv.holders
    assert from_json.holders[0].key == "82746233400018"
    assert from_json.origin == from_csv.origin == "e-marchespublics.json"
    assert from_csv.source == "decp_2019_extrait_flat.csv"


def test_concessions_read_their_own_fields(cpv):
    markets = read_decp_json(DECP / "marches-publics.info.json", cpv_codes=cpv).markets
    concessions = [m for m in markets if m.kind == "Contrat de concession"]
    assert len(concessions) == 10
    gers = next(m for m in concessions if m.market_id == "2018DSPRETENUE00")
    assert gers.buyer_siret == "22320001500012"
    assert gers.amount == 1_500_000
    assert gers.notified_on == date(2018, 12, 17)
    assert gers.holders[0].name == "Compagnie d'Aménagement des Coteaux de Gascogne"


def test_dates_with_time_zone_and_cpv_with_key_are_normalised(cpv):
    market = read_decp_json(DECP / "data.gouv.fr_pes.json", cpv_codes=cpv).markets[0]
    assert market.notified_on == date(2018, 12, 17)
    assert market.cpv == "50700000"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("79100000", "79100000"),
        ("50700000-2", "50700000"),
        ("031210005", "03121000"),
        ("3111000", "03111000"),
    ],
)
def test_cpv_codes_keep_their_first_eight_digits(cpv, raw, code):
    assert normalise_cpv(raw, cpv) == code


@pytest.mark.parametrize("raw", ["", None, "45X", "4543100-7", "123"])
def test_bad_cpv_codes_are_refused(cpv, raw):
    with pytest.raises(_Invalid) as caught:
        normalise_cpv(raw, cpv)
    assert caught.value.field == "codeCPV"


GOOD = {
    "id": "M1",
    "_type": "Marché",
    "acheteur": {"id": "28850001000013", "nom": "SDIS"},
    "codeCPV": "45314000",
    "montant": 24000,
    "dureeMois": 24,
    "dateNotification": "2018-12-03",
    "titulaires": [{"typeIdentifiant": "SIRET", "id": "82746233400018", "denominationSociale": "ACRO"}],
}


def write_json(tmp_path, records):
    path = tmp_path / "lot.json"
    path.write_text(json.dumps({"marches": records}), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"acheteur": {"id": "28850001000014"}}, "acheteur.id", Reason.BAD_SIRET),
        ({"acheteur": None}, "acheteur.id", Reason.MISSING),
        ({"codeCPV": "99999999"}, "codeCPV", Reason.UNKNOWN_CPV),
        ({"montant": "beaucoup"}, "montant", Reason.BAD_AMOUNT),
        ({"montant": -5}, "montant", Reason.BAD_AMOUNT),
        ({"dureeMois": 2.5}, "dureeMois", Reason.BAD_DURATION),
        ({"dateNotification": "03/12/2018"}, "dateNotification", Reason.BAD_DATE),
        ({"titulaires": []}, "titulaires", Reason.NO_HOLDER),
        (
            {"titulaires": [{"typeIdentifiant": "SIRET", "id": "12345678901234"}]},
            "titulaires[0].id",
            Reason.BAD_SIRET,
        ),
    ],
)
def test_bad_json_market_is_rejected_naming_the_record_and_field(tmp_path, cpv, change, field, reason):
    path = write_json(tmp_path, [GOOD, {**GOOD, "id": "M2", **change}])
    parsed = read_decp_json(path, cpv_codes=cpv)
    assert [m.market_id for m in parsed.markets] == ["M1"]
    (reject,) = parsed.rejects
    assert (reject.position, reject.market_id, reject.field, reject.reason) == (
        "marches[1]",
        "M2",
        field,
        reason,
    )
    assert reject.message.startswith(f"lot.json, marches[1] (id M2), champ {field} : ")
    assert reject.whole_record


def test_one_bad_holder_is_dropped_and_the_market_kept(tmp_path, cpv):
    holders = [*GOOD["titulaires"], {"typeIdentifiant": "SIRET", "id": "3883430500028"}]
    parsed = read_decp_json(write_json(tmp_path, [{**GOOD, "titulaires": holders}]), cpv_codes=cpv)
    (market,) = parsed.markets
    assert [h.identifier for h in market.holders] == ["82746233400018"]
    assert market.holder_count == 2
    (reject,) = parsed.rejects
    assert reject.field == "titulaires[1].id" and not reject.whole_record
    assert parsed.rejected_records == 0


def test_zero_amount_means_unknown_and_amounts_are_annualised(tmp_path, cpv):
    parsed = read_decp_json(write_json(tmp_path, [GOOD, {**GOOD, "id": "M2", "montant": 0}]), cpv_codes=cpv)
    assert parsed.markets[0].annual_amount() == 12000  # 24 000 over 24 months
    assert parsed.markets[1].amount is None and parsed.markets[1].annual_amount() is None


def test_unreadable_json_and_missing_list_are_file_errors(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(DecpFileError, match="bad.json : JSON illisible"):
        read_decp_json(bad)
    bad.write_text('{"records": []}', encoding="utf-8")
    with pytest.raises(DecpFileError, match="liste « marches » absente"):
        read_decp_json(bad)


def test_csv_rejects_name_the_physical_line_even_after_multiline_fields(tmp_path, cpv):
    with (DECP / "decp_2019_extrait_flat.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = [next(reader) for _ in range(3)]
    rows[0]["objet"] = "Installation\net maintenance"
    rows[2]["codeCPV"] = "4543100-7"
    path = tmp_path / "flat.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    parsed = read_decp_csv(path, cpv_codes=cpv)
    assert [m.position for m in parsed.markets] == ["ligne 2", "ligne 4"]
    assert parsed.markets[0].subject == "Installation\net maintenance"
    (reject,) = parsed.rejects
    assert (reject.position, reject.field, reject.reason) == ("ligne 5", "codeCPV", Reason.UNKNOWN_CPV)


def test_csv_missing_column_is_a_file_error(tmp_path):
    path = tmp_path / "flat.csv"
    path.write_text("source_fichier,id\na,b\n", encoding="utf-8")
    with pytest.raises(DecpFileError, match=r"flat.csv, ligne 1 : colonne\(s\) absente\(s\) type"):
        read_decp_csv(path)


def test_decp_graph_links_holders_to_buyers_and_splits_amounts(cpv):
    markets = read_decp_csv(DECP / "decp_2019_extrait_flat.csv", cpv_codes=cpv).markets
    graph = decp_graph(markets)
    assert graph.n_edges == len(markets)
    buyers = {m.buyer_siret for m in markets}
    holders = {m.holders[0].key for m in markets}
    assert graph.n_nodes == len(buyers | holders)
    by_siren = decp_graph(markets, key="siren")
    assert by_siren.n_nodes < graph.n_nodes
    view = nx.Graph(zip(graph.src.tolist(), graph.dst.tolist(), strict=True))
    assert set(articulation_points(graph).tolist()) == set(nx.articulation_points(view))
    assert (client_concentration(graph).hhi <= 1 + 1e-12).all()


def test_co_holders_share_the_annual_amount(tmp_path, cpv):
    holders = [
        *GOOD["titulaires"],
        {"typeIdentifiant": "SIRET", "id": "85480074501125", "denominationSociale": "B"},
    ]
    markets = read_decp_json(write_json(tmp_path, [{**GOOD, "titulaires": holders}]), cpv_codes=cpv).markets
    graph = decp_graph(markets)
    assert graph.volume_min.tolist() == [6000, 6000]


def test_exact_betweenness_on_a_decp_graph_matches_networkx(cpv):
    import numpy as np

    from maillage.engine.graph import betweenness

    graph = decp_graph(read_decp_json(DECP / "e-marchespublics.json", cpv_codes=cpv).markets)
    view = nx.Graph()
    view.add_nodes_from(range(graph.n_nodes))
    view.add_edges_from(zip(graph.src.tolist(), graph.dst.tolist(), strict=True))
    oracle = nx.betweenness_centrality(view)
    ours = betweenness(graph)
    assert ours.exact
    np.testing.assert_allclose(ours.values, [oracle[i] for i in range(graph.n_nodes)], atol=1e-12)
