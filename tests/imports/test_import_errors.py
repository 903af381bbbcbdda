"""Issue 12, item 10: no traceback reaches the user, and a failed import is recorded as failed."""

import io
import os
import signal
import sqlite3
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from maillage.directory import services as directory_services
from maillage.imports.models import ImportRun
from maillage.imports.profiles import pipeline as profiles_pipeline
from maillage.taxonomy.models import TaxonomyNode
from tests.imports.helpers import real_rows, variant, write_csv
from tests.imports.hostile import ROOT
from tests.imports.profiles.helpers import SIRET_A, row
from tests.imports.profiles.helpers import write_csv as write_profiles
from tests.imports.referential import STOCK_EXTRACT, load_bands, load_communes, load_naf


def sirene(*args):
    call_command("import_sirene", *map(str, args), stdout=io.StringIO())


def profiles(*args):
    call_command("import_profiles", *map(str, args), stdout=io.StringIO())


@pytest.mark.django_db
def test_import_sirene_on_a_missing_path_names_the_file(tmp_path):
    with pytest.raises(CommandError, match=r"absent\.csv : fichier introuvable"):
        sirene(tmp_path / "absent.csv")
    assert not ImportRun.objects.exists()


def test_import_sirene_with_a_missing_unites_legales_names_it(referential, tmp_path):
    with pytest.raises(CommandError, match=r"UL\.zip : fichier introuvable"):
        sirene(STOCK_EXTRACT, "--unites-legales", tmp_path / "UL.zip", "--wet-run")
    assert not ImportRun.objects.exists()


def test_import_sirene_on_a_directory_says_so(referential, tmp_path):
    with pytest.raises(CommandError, match="dossier"):
        sirene(tmp_path)


def test_a_line_beyond_the_limit_fails_the_wet_run_with_file_line_and_limit(referential, tmp_path):
    rows = real_rows()
    path = write_csv(
        tmp_path / "stock.csv", [rows[0], variant(rows[0], 7, denominationUsuelleEtablissement="x" * 5000)]
    )
    with override_settings(MAILLAGE_IMPORT_MAX_LINE_BYTES=2000), pytest.raises(CommandError) as caught:
        sirene(path, "--wet-run", "--rejects", tmp_path / "r.csv")
    assert "stock.csv, ligne 3 : ligne de plus de 2\u202f000 octets" in str(caught.value)
    assert "MAILLAGE_IMPORT_MAX_LINE_BYTES" in str(caught.value)
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED and "MAX_LINE_BYTES" in run.error


@pytest.mark.parametrize(
    ("exc", "message"),
    [
        (KeyboardInterrupt(), "interrompu"),
        (SystemExit(143), "arrêté"),
        (RuntimeError("disque plein"), "disque plein"),
    ],
)
def test_an_interrupted_sirene_wet_run_is_recorded_failed(referential, tmp_path, monkeypatch, exc, message):
    def boom(**kwargs):
        raise exc

    monkeypatch.setattr(directory_services, "establishments_bulk_upsert", boom)
    with pytest.raises(CommandError, match=message) as caught:
        sirene(STOCK_EXTRACT, "--wet-run", "--rejects", tmp_path / "r.csv")
    assert "stock_etablissement_extrait_format_2025.csv" in str(caught.value)
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED and run.finished_at is not None
    assert message in run.error


@pytest.mark.django_db
def test_import_profiles_without_taxonomy_says_so(tmp_path):
    load_naf()
    load_bands()
    load_communes(("67",))
    assert not TaxonomyNode.objects.exists()
    path = write_profiles(tmp_path / "adherents.csv", [row(siret=SIRET_A, name="A", capabilities="fraisage")])
    with pytest.raises(
        CommandError, match=r"adherents\.csv : la taxonomie .* n’est pas chargée .* load-taxonomy"
    ):
        profiles(path, "--wet-run")
    assert not ImportRun.objects.exists()


@pytest.mark.django_db
def test_import_profiles_without_taxonomy_still_imports_files_that_need_none(tmp_path):
    load_naf()
    load_bands()
    load_communes(("67",))
    path = write_profiles(
        tmp_path / "adherents.csv",
        [row(siret=SIRET_A, name="A", description="Usinage")],
        columns=("siret", "name", "description"),
    )
    profiles(path, "--wet-run", "--rejects", tmp_path / "r.csv")
    assert ImportRun.objects.get().status == ImportRun.Status.SUCCEEDED


@pytest.mark.django_db
def test_import_profiles_on_a_missing_path_names_the_file(tmp_path):
    with pytest.raises(CommandError, match=r"absent\.xlsx : fichier introuvable"):
        profiles(tmp_path / "absent.xlsx")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("exc", "message"), [(KeyboardInterrupt(), "interrompu"), (RuntimeError("bizarre"), "bizarre")]
)
def test_an_interrupted_profiles_wet_run_is_recorded_failed(tmp_path, monkeypatch, exc, message):
    load_communes(("67",))

    def boom(*args, **kwargs):
        raise exc

    monkeypatch.setattr(profiles_pipeline, "_write", boom)
    path = write_profiles(tmp_path / "a.csv", [row(siret=SIRET_A, name="A")], columns=("siret", "name"))
    with pytest.raises(CommandError, match=message):
        profiles(path, "--wet-run", "--rejects", tmp_path / "r.csv")
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED and message in run.error


@pytest.mark.parametrize(
    ("stop", "message"),
    [
        (
            "os.kill(os.getpid(), signal.SIGTERM)",
            f"import arrêté (signal ou SystemExit {128 + signal.SIGTERM})",
        ),
        ("raise KeyboardInterrupt", "import interrompu (Ctrl+C)"),
        (
            "raise RuntimeError('disque plein')",
            "erreur inattendue, import arrêté (RuntimeError : disque plein)",
        ),
    ],
)
def test_on_the_command_line_a_stopped_import_is_one_line_and_a_failed_run(tmp_path, stop, message):
    """A real process stopped while it writes: stderr is one line naming the file, its run is failed."""
    database, rejects = tmp_path / "db.sqlite3", tmp_path / "r.csv"
    script = f"""
import os, signal, sys
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from tests.imports.referential import load_minimal_referential
load_minimal_referential()
from maillage.directory import services
def stop(**kwargs):
    {stop}
services.establishments_bulk_upsert = stop
from django.core.management import execute_from_command_line
arguments = ["{STOCK_EXTRACT}", "--wet-run", "--rejects", "{rejects}"]
execute_from_command_line(["maillage", "import_sirene", *arguments])
"""
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{database}",
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr, done.stderr
    assert f"stock_etablissement_extrait_format_2025.csv : {message}" in done.stderr, done.stderr
    with sqlite3.connect(database) as connection:
        status, error = connection.execute("select status, error from imports_importrun").fetchone()
    assert status == "failed" and error
