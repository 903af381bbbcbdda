import os
import subprocess
import sys

from django.conf import settings
from django.db import connection


def test_database_matches_database_url():
    expected = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    assert connection.vendor == expected


def test_french_is_the_default_language():
    assert settings.LANGUAGE_CODE == "fr"


def test_production_settings_pass_check_deploy(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "SECRET_KEY": "a" * 20 + "-production-secret-key-with-enough-entropy-1234567890",
        "ALLOWED_HOSTS": "maillage.example.org",
        "MAILLAGE_DATA_DIR": str(tmp_path),
        # The legal notice filled in (docs/legal.md); without it the check warns (maillage.W010).
        "MAILLAGE_LEGAL_PUBLISHER": "Agence de développement d’Alsace du Nord",
        "MAILLAGE_LEGAL_PUBLISHER_ADDRESS": "84 route de Strasbourg, 67500 Haguenau",
        "MAILLAGE_LEGAL_DIRECTOR": "Claire Animatrice",
        "MAILLAGE_LEGAL_HOST": "Hébergeur Exemple SAS",
        "MAILLAGE_LEGAL_HOST_ADDRESS": "1 rue du Serveur, 67000 Strasbourg",
        "MAILLAGE_CONTACT_EMAIL": "contact@example.org",
    }
    result = subprocess.run(
        [sys.executable, "-m", "maillage.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_secret_key(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "MAILLAGE_DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-m", "maillage.cli", "check"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_sqlite_runs_in_wal_mode_with_busy_timeout(tmp_path):
    code = (
        "import django; django.setup(); from django.db import connection;"
        "c = connection.cursor(); print(c.execute('PRAGMA journal_mode').fetchone()[0],"
        " c.execute('PRAGMA busy_timeout').fetchone()[0])"
    )
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "MAILLAGE_DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.stdout.split() == ["wal", "20000"], result.stderr
