"""DECP JSON reader on the 2022 regulatory format (arrêtés of 22 December 2022).

The records below are written by hand from two public sources, adapted where said:
- OFFICIAL: the example ``exemples/json/marches_concessions.json`` of the official schema
  ``schema_decp_v2.0.3.json``, repository ``139bercy/format-commande-publique``;
- REAL: records of ``tests/data/decp_test_2022.json``, repository ``ColinMaudry/decp-processing``
  (the consolidation of the national DECP files), trimmed of fields the reader ignores.
"""

import copy
import json
from datetime import date

import pytest

from maillage.imports.decp import parser as decp
from maillage.imports.decp.parser import (
    CONCESSION,
    DecpFileError,
    DecpHolder,
    Reason,
    decp_graph,
    iter_decp_json,
    read_cpv_codes,
    read_decp_json,
)
from tests.shared_data import shared_path

DECP = shared_path("data", "commande_publique")

# OFFICIAL, "marche"[1] as published (its buyer SIRET has a valid key; "marche"[0]'s does not).
OFFICIAL_MARKET = {
    "id": "TEST2022Bis",
    "acheteur": {"id": "21750001630040"},
    "marcheInnovant": True,
    "origineUE": 0.1,
    "origineFrance": 0.1,
    "ccag": "Travaux",
    "offresRecues": 4,
    "formePrix": "Forfaitaire",
    "typesPrix": {"typePrix": ["Définitif ferme"]},
    "considerationsEnvironnementales": {"considerationEnvironnementale": ["Clause environnementale"]},
    "attributionAvance": True,
    "considerationsSociales": {"considerationSociale": ["Clause sociale", "Critère social"]},
    "nature": "Marché",
    "objet": "envoi pour Json test 2",
    "codeCPV": "45000000-7",
    "techniques": {"technique": ["Concours", "Accord-cadre"]},
    "modalitesExecution": {"modaliteExecution": ["Tranches"]},
    "idAccordCadre": "1234567890",
    "tauxAvance": 0,
    "titulaires": [{"titulaire": {"id": "55204599900869", "typeIdentifiant": "SIRET"}}],
    "typeGroupementOperateurs": "Pas de groupement",
    "sousTraitanceDeclaree": True,
    "datePublicationDonnees": "2024-05-25",
    "actesSousTraitance": [
        {
            "acteSousTraitance": {
                "id": 1,
                "sousTraitant": {"id": "214356", "typeIdentifiant": "SIRET"},
                "dureeMois": 12,
                "dateNotification": "2023-10-11",
                "montant": 123456.89,
                "variationPrix": "Révisable",
                "datePublicationDonnees": "2023-10-12",
            }
        }
    ],
    "modifications": [
        {
            "modification": {
                "id": 1,
                "dureeMois": 12,
                "montant": 123457.87,
                "titulaires": [{"titulaire": {"id": "868768687576575", "typeIdentifiant": "SIRET"}}],
                "dateNotificationModification": "2022-10-18",
                "datePublicationDonneesModification": "2022-10-20",
            }
        }
    ],
    "procedure": "Appel d'offres ouvert",
    "lieuExecution": {"code": "75000", "typeCode": "Code postal"},
    "dureeMois": 48,
    "dateNotification": "2024-05-15",
    "montant": 575000,
}

# OFFICIAL, "contrat-concession"[0], adapted: its buyer id 12345678901234 has no valid SIRET key,
# replaced by a valid one (from REAL). As published, without codeCPV (the schema has none).
OFFICIAL_CONCESSION = {
    "id": "0612202306122024",
    "autoriteConcedante": {"id": "22130001500247"},
    "nature": "Concession de travaux",
    "objet": "Objet de la consultation 1",
    "procedure": "Procédure négociée ouverte",
    "dureeMois": 12,
    "dateSignature": "2024-04-02",
    "datePublicationDonnees": "2024-04-12",
    "dateDebutExecution": "2024-04-01",
    "valeurGlobale": 10.3,
    "montantSubventionPublique": 0.5,
    "donneesExecution": [
        {
            "donneesAnnuelles": {
                "datePublicationDonneesExecution": "2024-04-18",
                "depensesInvestissement": 15.3,
                "tarifs": [{"tarif": {"intituleTarif": "Intitulé du tarif", "tarif": 14.29}}],
            }
        }
    ],
    "concessionnaires": [
        {"concessionnaire": {"typeIdentifiant": "SIRET", "id": "38103128500491"}},
        {"concessionnaire": {"typeIdentifiant": "SIRET", "id": "38103128500574"}},
    ],
    "considerationsSociales": {"considerationSociale": ["Clause sociale", "Critère social"]},
    "considerationsEnvironnementales": {"considerationEnvironnementale": ["Clause environnementale"]},
    "modifications": [
        {
            "modification": {
                "id": 1,
                "dateSignatureModification": "2023-04-19",
                "datePublicationDonneesModification": "2023-04-20",
                "dureeMois": 14,
                "valeurGlobale": 25.0,
            }
        }
    ],
}

# REAL, record "202401L04" (trimmed): one SIRET holder, a modification changing the holders.
REAL_MARKET = {
    "id": "202401L04",
    "acheteur": {"id": "21030042200016"},
    "nature": "Marché",
    "objet": "Facades",
    "codeCPV": "45214200-2",
    "procedure": "Procédure adaptée",
    "lieuExecution": {"code": "03120", "typeCode": "Code postal"},
    "dureeMois": 17,
    "dateNotification": "2024-02-08",
    "datePublicationDonnees": "2003-11-24",
    "montant": 127835.12,
    "formePrix": "Unitaire",
    "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": "48794607100015"}}],
    "modifications": [
        {
            "modification": {
                "id": 1,
                "dateNotificationModification": "2025-04-08",
                "datePublicationDonneesModification": "2025-04-08",
                "montant": 124557.46,
                "titulaires": [{"titulaire": {"id": "81223513300026", "typeIdentifiant": "SIRET"}}],
            }
        }
    ],
    "_type": "Marché",
}

# REAL, record "2022VI2022.242" (trimmed): "dureeMois": "NC" and a TVA holder with a bad number.
REAL_NC = {
    "id": "2022VI2022.242",
    "acheteur": {"id": "21974022200019"},
    "nature": "Marché",
    "objet": "Eléctricité courant fort/courant faible lot no4",
    "codeCPV": "45316110-9",
    "procedure": "Appel d'offres ouvert",
    "lieuExecution": {"code": "97430", "typeCode": "Code postal"},
    "dureeMois": "NC",
    "dateNotification": "2022-11-23",
    "montant": 137614.0,
    "formePrix": "Mixte",
    "titulaires": [
        {"titulaire": {"typeIdentifiant": "SIRET", "id": "34027049500021"}},
        {"titulaire": {"typeIdentifiant": "TVA", "id": "99999999999"}},
    ],
    "_type": "Marché",
}


@pytest.fixture(scope="module")
def cpv():
    return read_cpv_codes(DECP / "cpv_2008_fr.csv")


def write(tmp_path, data, name="decp2022.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def test_official_market_is_read_field_by_field(tmp_path, cpv):
    path = write(tmp_path, {"marches": {"marche": [OFFICIAL_MARKET]}})
    parsed = read_decp_json(path, cpv_codes=cpv)
    assert parsed.rejects == []
    (market,) = parsed.markets
    assert market.source == market.origin == "decp2022.json"
    assert market.position == "marches.marche[0]"
    assert market.market_id == "TEST2022Bis"
    assert (market.kind, market.nature) == ("Marché", "Marché")
    assert market.subject == "envoi pour Json test 2"
    assert market.procedure == "Appel d'offres ouvert"
    assert (market.buyer_siret, market.buyer_name) == ("21750001630040", "")
    assert market.cpv == "45000000"
    assert (market.place_code, market.place_type, market.place_name) == ("75000", "Code postal", "")
    assert market.duration_months == 48
    assert market.amount == 575000 and isinstance(market.amount, float)
    assert market.notified_on == date(2024, 5, 15)
    assert market.price_form == "Forfaitaire"
    # the holder of the initial market, not the one of the modification (ignored)
    assert market.holders == (DecpHolder("SIRET", "55204599900869", ""),)
    assert market.holder_count == 1
    assert market.annual_amount() == pytest.approx(575000 / 4)


def test_a_holder_without_name_is_a_graph_node_keyed_by_siret(tmp_path, cpv):
    path = write(tmp_path, {"marches": {"marche": [OFFICIAL_MARKET, REAL_MARKET]}})
    graph = decp_graph(read_decp_json(path, cpv_codes=cpv).markets)
    edges = {(graph.keys[s], graph.keys[d]) for s, d in zip(graph.src, graph.dst, strict=True)}
    assert edges == {("55204599900869", "21750001630040"), ("48794607100015", "21030042200016")}
    assert graph.names == ["", "", "", ""]


def test_bad_buyer_siret_of_the_official_example_is_rejected_with_its_path(tmp_path, cpv):
    first = dict(OFFICIAL_MARKET, id="TEST2022", acheteur={"id": "21750001630066"})  # OFFICIAL "marche"[0]
    path = write(tmp_path, {"marches": {"marche": [first, OFFICIAL_MARKET]}}, "lot.json")
    parsed = read_decp_json(path, cpv_codes=cpv)
    assert [m.position for m in parsed.markets] == ["marches.marche[1]"]
    (reject,) = parsed.rejects
    assert (reject.position, reject.field, reject.reason) == (
        "marches.marche[0]",
        "acheteur.id",
        Reason.BAD_SIRET,
    )
    assert reject.whole_record and parsed.rejected_records == 1
    assert reject.message == (
        "lot.json, marches.marche[0] (id TEST2022), champ acheteur.id : "
        "SIRET invalide (format ou clé de contrôle) « 21750001630066 »"
    )


def test_real_record_duration_nc_is_unknown_and_a_bad_wrapped_holder_is_dropped(tmp_path, cpv):
    twelve = dict(REAL_NC, id="2022VI2022.243", dureeMois=12)  # adapted: a readable duration
    path = write(tmp_path, {"marches": {"marche": [REAL_NC, twelve]}}, "lot.json")
    parsed = read_decp_json(path, cpv_codes=cpv)
    # « NC » (non communiqué) is an unknown duration: the market is kept, its amount counted
    # for one year; only the holder with a bad VAT number is dropped, in each record.
    assert [(r.position, r.field, r.reason, r.whole_record) for r in parsed.rejects] == [
        ("marches.marche[0]", "titulaires[1].titulaire.id", Reason.BAD_VAT, False),
        ("marches.marche[1]", "titulaires[1].titulaire.id", Reason.BAD_VAT, False),
    ]
    unknown, market = parsed.markets
    assert unknown.duration_months is None and unknown.annual_amount() == unknown.amount
    assert market.holders == (DecpHolder("SIRET", "34027049500021", ""),) and market.holder_count == 2
    assert (market.cpv, market.duration_months, market.notified_on) == ("45316110", 12, date(2022, 11, 23))


def test_wrapped_holder_that_is_not_an_object_is_named(tmp_path, cpv):
    # as in REAL's modifications ("titulaire": "typeIdentifiant"), here in the market's own holders
    broken = dict(REAL_MARKET, titulaires=[{"titulaire": "typeIdentifiant"}])
    path = write(tmp_path, {"marches": {"marche": [broken]}})
    parsed = read_decp_json(path, cpv_codes=cpv)
    assert parsed.markets == []
    (reject,) = parsed.rejects
    assert (reject.field, reject.reason, reject.value) == (
        "titulaires[0].titulaire",
        Reason.BAD_RECORD,
        "typeIdentifiant",
    )


def test_mixed_file_concessions_listed_first_are_read_after_the_markets(tmp_path, cpv):
    with_cpv = dict(OFFICIAL_CONCESSION, id="0612202306122023", codeCPV="65130000")  # adapted: a CPV
    data = {  # the official example's order: "contrat-concession" before "marche"
        "marches": {
            "contrat-concession": [OFFICIAL_CONCESSION, with_cpv],
            "marche": [OFFICIAL_MARKET, REAL_MARKET],
        }
    }
    path = write(tmp_path, data, "mixte.json")
    parsed = read_decp_json(path, cpv_codes=cpv)
    assert [m.position for m in parsed.markets] == [
        "marches.marche[0]",
        "marches.marche[1]",
        "marches.contrat-concession[1]",
    ]
    concession = parsed.markets[2]
    assert concession.kind == CONCESSION and concession.nature == "Concession de travaux"
    assert (concession.buyer_siret, concession.buyer_name) == ("22130001500247", "")
    assert concession.cpv == "65130000"
    assert concession.amount == 10.3 and concession.duration_months == 12
    assert concession.notified_on == date(2024, 4, 2)
    assert concession.holders == (
        DecpHolder("SIRET", "38103128500491", ""),
        DecpHolder("SIRET", "38103128500574", ""),
    )
    assert concession.holder_count == 2 and concession.place_code == ""
    (reject,) = parsed.rejects
    assert (reject.position, reject.market_id, reject.field, reject.reason) == (
        "marches.contrat-concession[0]",
        "0612202306122024",
        "codeCPV",
        Reason.MISSING,
    )
    assert "format 2022" in reject.detail
    real = parsed.markets[1]
    assert (real.market_id, real.cpv, real.amount, real.place_code) == (
        "202401L04",
        "45214200",
        127835.12,
        "03120",
    )
    assert real.holders == (DecpHolder("SIRET", "48794607100015", ""),)


def test_file_of_concessions_only_and_empty_lists(tmp_path, cpv):
    with_cpv = dict(OFFICIAL_CONCESSION, codeCPV="65130000")
    only = read_decp_json(write(tmp_path, {"marches": {"contrat-concession": [with_cpv]}}), cpv_codes=cpv)
    assert [m.position for m in only.markets] == ["marches.contrat-concession[0]"]
    empty = read_decp_json(write(tmp_path, {"marches": {"marche": []}}, "vide.json"))
    assert empty.markets == [] and empty.rejects == []


def test_2019_layout_is_still_read_as_before(tmp_path, cpv):
    records = json.loads((DECP / "e-marchespublics.json").read_text(encoding="utf-8"))["marches"][:5]
    parsed = read_decp_json(write(tmp_path, {"marches": records}, "v2019.json"), cpv_codes=cpv)
    assert [m.position for m in parsed.markets] == [f"marches[{i}]" for i in range(5)]
    first = parsed.markets[0]
    assert first.buyer_name == records[0]["acheteur"]["nom"] and first.buyer_name
    assert first.holders[0].name == records[0]["titulaires"][0]["denominationSociale"]


def test_2022_holders_inside_a_2019_list_are_unwrapped(tmp_path, cpv):
    # the consolidated files mix them (decp-processing tells the formats apart per holder)
    parsed = read_decp_json(write(tmp_path, {"marches": [REAL_MARKET]}), cpv_codes=cpv)
    (market,) = parsed.markets
    assert market.position == "marches[0]"
    assert market.holders == (DecpHolder("SIRET", "48794607100015", ""),)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '{"marches": {"marchés": []}}',
            "lot.json : liste « marches » absente (« marches » est un objet mais "
            "sa première clé est « marchés »",
        ),
        (
            '{"marches": {}}',
            "lot.json : liste « marches » absente (« marches » est un objet mais il est vide",
        ),
    ],
)
def test_object_without_the_2022_lists_is_a_file_error(tmp_path, text, expected):
    path = tmp_path / "lot.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DecpFileError) as caught:
        read_decp_json(path)
    assert str(caught.value).startswith(expected)
    assert caught.value.records_read == 0


def test_a_2022_file_cut_in_a_record_names_the_last_record_read(tmp_path, cpv):
    text = json.dumps({"marches": {"marche": [OFFICIAL_MARKET, REAL_MARKET]}}, ensure_ascii=False)
    path = tmp_path / "coupe.json"
    path.write_text(text[: text.index('"202401L04"') + 5], encoding="utf-8")
    rejects = []
    read = []
    with pytest.raises(DecpFileError) as caught:
        for market in iter_decp_json(path, rejects, cpv_codes=cpv):
            read.append(market.market_id)
    assert read == ["TEST2022Bis"]
    assert "après marches.marche[0] (1 enregistrement lu avant l'erreur)" in str(caught.value)
    assert caught.value.records_read == 1


def test_integer_beyond_64_bits_in_the_second_list_restarts_without_repeating(tmp_path, cpv, monkeypatch):
    """yajl (use_float) stops at 10**30 after yielding the markets of the first 64 KiB chunks."""
    huge = copy.deepcopy(dict(OFFICIAL_CONCESSION, codeCPV="65130000"))
    huge["donneesExecution"][0]["donneesAnnuelles"]["depensesInvestissement"] = 10**30
    markets = [dict(OFFICIAL_MARKET, id=f"M{i}") for i in range(100)]  # ~ 250 KiB
    path = write(tmp_path, {"marches": {"marche": markets, "contrat-concession": [huge]}})
    assert path.stat().st_size > 3 * 65536
    backends = []
    real_items = decp._PYTHON.items

    def python_items(*args, **kwargs):
        backends.append("python")
        return real_items(*args, **kwargs)

    monkeypatch.setattr(decp._PYTHON, "items", python_items)
    parsed = read_decp_json(path, cpv_codes=cpv)
    assert backends == ["python", "python"]  # the restart read both lists with the Python parser
    assert [m.market_id for m in parsed.markets] == [f"M{i}" for i in range(100)] + ["0612202306122024"]
    positions = [m.position for m in parsed.markets]
    assert positions[-2:] == ["marches.marche[99]", "marches.contrat-concession[0]"]
    assert parsed.rejects == []
