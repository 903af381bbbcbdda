"""A broken official file stops the whole load with file, line and field, and writes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from maillage.referential.models import Commune, CpvCode, NafCode, RomeCode

pytestmark = pytest.mark.django_db

COMMUNES = "communes/decoupage_administratif_2026/communes.json"
EPCIS = "communes/decoupage_administratif_2026/epci.json"
LAPOSTE = "communes/laposte_hexasmal_2020_brut.csv"
ROME = "rome/unix_cr_gd_dp_v460_utf8.csv"
CPV = "commande_publique/cpv_2008_fr.csv"
NAF = "naf/int_courts_naf_rev_2_utf8.csv"


def truncate_epcis(copy):
    text = copy.original(EPCIS).decode()
    cut = text.index('"code":"200067874"')
    copy.write(EPCIS, text[:cut])
    return EPCIS, text.count("\n", 0, cut) + 1, None


def laposte_in_cp1252(copy):
    text = copy.original(LAPOSTE).decode()
    copy.write(LAPOSTE, text.encode("cp1252", errors="replace"))
    first = next(n for n, line in enumerate(text.splitlines(), 1) if any(ord(c) > 127 for c in line))
    return LAPOSTE, first, None


def rename_rome_column(copy):
    copy.write(ROME, copy.original(ROME).replace(b"code_domaine_professionel", b"code_domaine_pro", 1))
    return ROME, 1, "code_domaine_professionel"


def malform_cpv_code(copy):
    text = copy.original(CPV).decode()
    copy.write(CPV, text.replace("42600000-2", "42600000-X", 1))
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("42600000-2"))
    return CPV, line, "CODE"


def remove_naf(copy):
    copy.remove(NAF)
    return NAF, None, None


def unknown_department(copy):
    text = copy.original(COMMUNES).decode()
    marker = '"code":"67180"'
    start = text.index(marker)
    copy.write(COMMUNES, text[:start] + text[start:].replace('"departement":"67"', '"departement":"6X"', 1))
    return COMMUNES, text.count("\n", 0, start) + 1, "departement"


def epci_member_not_a_commune(copy):
    text = copy.original(EPCIS).decode()
    copy.write(EPCIS, text.replace('{"code":"67180"', '{"code":"67000"', 1))
    return EPCIS, text.count("\n", 0, text.index('"code":"200067874"')) + 1, "membres"


@pytest.mark.parametrize(
    "break_source",
    [
        truncate_epcis,
        laposte_in_cp1252,
        rename_rome_column,
        malform_cpv_code,
        remove_naf,
        unknown_department,
        epci_member_not_a_commune,
    ],
)
def test_broken_file_stops_the_load_and_leaves_the_database_as_it_was(loaded, source_copy, break_source):
    relative, line, field = break_source(source_copy)
    # Changes made by hand that any write of the loader would undo.
    NafCode.objects.filter(code="25.62B").update(label="Changé à la main")
    Commune.objects.filter(insee_code="67180").update(population=1)
    RomeCode.objects.filter(code="H2918").delete()
    before = {model: model.objects.count() for model in (Commune, CpvCode, NafCode, RomeCode)}

    with pytest.raises(CommandError) as error:
        call_command("load_referential", "--source", str(source_copy.root), "--wet-run", stdout=StringIO())

    message = str(error.value)
    assert relative.rsplit("/", 1)[-1] in message
    assert "base inchangée" in message
    if line is not None:
        assert f"ligne {line}," in message or message.count(f"ligne {line} ") == 1
    if field is not None:
        assert f"« {field} »" in message
    assert {model: model.objects.count() for model in before} == before
    assert NafCode.objects.get(code="25.62B").label == "Changé à la main"
    assert Commune.objects.get(insee_code="67180").population == 1


def test_missing_source_folder_is_reported(loaded, tmp_path):
    with pytest.raises(CommandError, match="dossier source introuvable"):
        call_command("load_referential", "--source", str(tmp_path / "absent"), stdout=StringIO())
