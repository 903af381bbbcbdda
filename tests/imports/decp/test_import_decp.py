"""DECP import on slices of the real published files (written to tmp_path, never to the repo)."""

import csv
import json
import re
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from maillage.imports.models import ImportRun
from maillage.relations.models import PurchaseLine, RelationSource, RelationStatus, SupplyRelation
from tests.directory.factories import EstablishmentFactory, OrganisationFactory
from tests.relations.conftest import DECP_DIR

JSON_FILE = DECP_DIR / "e-marchespublics.json"
FLAT_FILE = DECP_DIR / "decp_2019_extrait_flat.csv"


@pytest.fixture
def decp_slice(tmp_path):
    markets = json.loads(JSON_FILE.read_text(encoding="utf-8"))["marches"][:30]
    json_path = tmp_path / "e-marchespublics-30.json"
    json_path.write_text(json.dumps({"marches": markets}, ensure_ascii=False), encoding="utf-8")
    # Market ids are only unique per buyer.
    ids = {(m["id"], m["acheteur"]["id"]) for m in markets}
    with open(FLAT_FILE, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = [
            r for r in reader if r["source_fichier"] == JSON_FILE.name and (r["id"], r["acheteur_id"]) in ids
        ]
        fields = reader.fieldnames
    csv_path = tmp_path / "flat-30.csv"
    with open(csv_path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fields)
        writer.writeheader()
        writer.writerows(rows)
    return json_path, csv_path, markets


def run(path, *args):
    out = []
    call_command("import_decp", str(path), *args, "--json", stdout=_Sink(out))
    return json.loads(out[0])


class _Sink:
    def __init__(self, out):
        self.out = out

    def write(self, text):
        self.out.append(text)

    def flush(self):
        pass


def test_dry_run_writes_nothing_and_counts_what_a_wet_run_would(taxonomy, decp_slice):
    json_path, _, markets = decp_slice
    report = run(json_path)
    assert report["wet_run"] is False
    assert SupplyRelation.objects.count() == 0 and PurchaseLine.objects.count() == 0
    wet = run(json_path, "--wet-run")
    assert wet["counts"]["relations_created"] == report["counts"]["relations_created"]
    assert wet["counts"]["read"] == len(markets) and wet["rejected"] == {}
    assert SupplyRelation.objects.count() == wet["counts"]["relations_created"]


def test_relation_is_public_confirmed_with_cpv_and_annual_amount(taxonomy, decp_slice):
    json_path, _, markets = decp_slice
    buyer_org = OrganisationFactory(siren="288500010")
    buyer = EstablishmentFactory(organisation=buyer_org, siret="28850001000013")
    run(json_path, "--wet-run")
    first = markets[0]
    relation = SupplyRelation.objects.get(supplier_siret=first["titulaires"][0]["id"], client=buyer)
    assert relation.source == RelationSource.PUBLIC_PROCUREMENT
    assert relation.confidentiality == "public" and relation.status == RelationStatus.CONFIRMED
    assert relation.cpv_id == "45314000"
    assert relation.amount == Decimal("80000.00") and relation.amount_year == 2018
    assert relation.volume_band == "50k-200k"


def test_json_then_flat_csv_of_the_same_markets_adds_nothing(taxonomy, decp_slice):
    json_path, csv_path, _ = decp_slice
    run(json_path, "--wet-run")
    relations, lines = SupplyRelation.objects.count(), PurchaseLine.objects.count()
    report = run(csv_path, "--wet-run")
    assert report["counts"].get("relations_created", 0) == 0
    assert report["counts"].get("lines_created", 0) == 0
    assert (SupplyRelation.objects.count(), PurchaseLine.objects.count()) == (relations, lines)


def test_resume_after_a_committed_batch(taxonomy, decp_slice, monkeypatch):
    json_path, _, _ = decp_slice
    from maillage.imports.decp import pipeline as decp

    original = decp.relations_refresh_amounts
    calls = {"n": 0}

    def crash_in_third_batch(*, relation_ids):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("panne")
        original(relation_ids=relation_ids)

    monkeypatch.setattr(decp, "relations_refresh_amounts", crash_in_third_batch)
    with pytest.raises(CommandError, match="erreur inattendue.*RuntimeError : panne"):  # no traceback
        run(json_path, "--wet-run", "--batch-size", "10")
    run_row = ImportRun.objects.get(kind="decp")
    assert run_row.status == ImportRun.Status.FAILED and run_row.batches_committed == 2
    monkeypatch.setattr(decp, "relations_refresh_amounts", original)
    report = run(json_path, "--wet-run", "--batch-size", "10")
    assert report["resumed_from_line"] == 21
    fresh_lines = PurchaseLine.objects.count()
    PurchaseLine.objects.all().delete()
    SupplyRelation.objects.all().delete()
    ImportRun.objects.all().delete()
    run(json_path, "--wet-run")
    assert PurchaseLine.objects.count() == fresh_lines


def test_bad_records_are_named_by_file_record_and_field(taxonomy, tmp_path):
    path = tmp_path / "bad.json"
    market = json.loads(JSON_FILE.read_text(encoding="utf-8"))["marches"][0]
    bad = dict(market, codeCPV="99999999", id="X1")
    path.write_text(json.dumps({"marches": [market, bad]}), encoding="utf-8")
    report = run(path)
    (reject,) = report["first_rejects"]
    assert reject["line"] == "marches[1] (id X1)"
    assert reject["field"] == "codeCPV" and reject["reason"] == "unknown_cpv"


def test_unreadable_file_is_a_command_error(db, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="broken.json"):
        call_command("import_decp", str(path))


def cut_in_record(tmp_path, markets, index):
    """The slice's JSON cut in the middle of record ``index``: the records before it are whole."""
    head = json.dumps({"marches": markets[:index]}, ensure_ascii=False)[:-2] + ", "
    record = json.dumps(markets[index], ensure_ascii=False)
    path = tmp_path / "coupe.json"
    path.write_bytes((head + record[: len(record) // 2]).encode("utf-8"))
    return path


def test_a_file_broken_mid_batch_writes_nothing_of_that_batch(taxonomy, decp_slice, tmp_path):
    _, _, markets = decp_slice
    path = cut_in_record(tmp_path, markets, 24)  # batches of 10: 2 whole, the third breaks at 25
    size = path.stat().st_size
    where = f"coupe.json : JSON illisible à l'octet {size} (fin du fichier), après marches[23]"
    with pytest.raises(CommandError, match=re.escape(where)):
        call_command("import_decp", str(path), "--batch-size", "10")
    assert SupplyRelation.objects.count() == 0 and PurchaseLine.objects.count() == 0
    with pytest.raises(CommandError, match=re.escape(where)) as caught:
        call_command("import_decp", str(path), "--wet-run", "--batch-size", "10")
    assert "le lot en cours" in str(caught.value)
    run_row = ImportRun.objects.get(kind="decp")
    assert run_row.status == ImportRun.Status.FAILED and where in run_row.error
    assert (run_row.batches_committed, run_row.last_committed_line) == (2, 20)
    written = (
        set(SupplyRelation.objects.values_list("external_key", flat=True)),
        set(PurchaseLine.objects.values_list("key", "line")),
    )
    assert {line for _, line in written[1]} <= {f"marches[{i}]" for i in range(20)}
    # exactly what a clean import of the first 20 records writes
    PurchaseLine.objects.all().delete()
    SupplyRelation.objects.all().delete()
    first_twenty = tmp_path / "vingt.json"
    first_twenty.write_text(json.dumps({"marches": markets[:20]}, ensure_ascii=False), encoding="utf-8")
    run(first_twenty, "--wet-run")
    assert written == (
        set(SupplyRelation.objects.values_list("external_key", flat=True)),
        set(PurchaseLine.objects.values_list("key", "line")),
    )


def test_2022_file_without_names_imports_dry_then_wet(taxonomy, tmp_path):
    # records of the 2022 format (official example and real records), see that test module
    from tests.imports.decp.test_parser_2022 import OFFICIAL_MARKET, REAL_MARKET

    bad = dict(OFFICIAL_MARKET, id="TEST2022", acheteur={"id": "21750001630066"})  # official marche[0]
    path = tmp_path / "decp-2022.json"
    data = {"marches": {"marche": [bad, OFFICIAL_MARKET, REAL_MARKET]}}
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    dry = run(path)
    assert dry["wet_run"] is False
    assert SupplyRelation.objects.count() == 0 and PurchaseLine.objects.count() == 0
    assert dry["counts"]["read"] == 2 and dry["counts"]["relations_created"] == 2
    (reject,) = dry["first_rejects"]
    assert reject["line"] == "marches.marche[0] (id TEST2022)"
    assert (reject["field"], reject["reason"]) == ("acheteur.id", "bad_siret")
    wet = run(path, "--wet-run")
    assert wet["counts"]["relations_created"] == 2 and wet["counts"]["lines_created"] == 2
    relation = SupplyRelation.objects.get(supplier_siret="55204599900869")
    # no names in the 2022 format: the relation is named by its SIRETs
    assert relation.supplier_name == "" and relation.client_name == ""
    assert relation.client_siret == "21750001630040" and relation.client_siren == "217500016"
    assert relation.cpv_id == "45000000" and relation.status == RelationStatus.CONFIRMED
    assert relation.amount == Decimal("143750.00") and relation.amount_year == 2024  # 575,000 over 48 months
    assert list(PurchaseLine.objects.filter(relation=relation).values_list("line", flat=True)) == [
        "marches.marche[1]"
    ]
