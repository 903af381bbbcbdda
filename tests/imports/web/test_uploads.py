"""Imports from the back-office: the same pipeline as the commands, dry run first, wet run queued.

The web path and the command give the same counts on the same file; a file refused as a whole
shows the command's message on the form and records nothing; the queued run resumes a failed
one without doubling anything; another network's imports are not found.
"""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from maillage.directory.models import Establishment, Membership
from maillage.imports import kinds, uploads
from maillage.imports.models import ImportRun, ImportUpload
from maillage.imports.profiles import pipeline
from maillage.imports.selectors import import_upload_progress
from maillage.relations.models import SupplyRelation
from tests.imports.profiles.helpers import SIRET_A, SIRET_B, SIRET_C, row, write_csv
from tests.shared_data import shared_path
from tests.www.backoffice.world import world_fixture  # noqa: F401

COLUMNS = ["siret", "name", "commune_insee", "description"]
DECP_FILE = shared_path("data", "commande_publique", "e-marchespublics.json")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def sheet(tmp_path):
    """Three companies, a bad SIRET and a duplicate: 5 lines, 2 rejected."""
    rows = [
        row(siret=SIRET_A, name="Mécanique de l'Ill", commune_insee="67046", description="Usinage."),
        row(siret=SIRET_B, name="Tôlerie Moder", commune_insee="67180"),
        row(siret="12345678900000", name="Erreur"),
        row(siret=SIRET_C, name="Fonderie Roth"),
        row(siret=SIRET_A, name="Doublon"),
    ]
    return write_csv(tmp_path / "adherents.csv", rows, columns=COLUMNS)


def upload(client, slug, path, kind="profiles", **data):
    with open(path, "rb") as handle:
        return client.post(
            reverse("backoffice:imports", args=[slug]),
            {"kind": kind, "file": handle, "confidentiality": "animators", **data},
        )


def command_report(command, path, *args) -> dict:
    out = []

    class Sink:
        def write(self, text):
            out.append(text)

    call_command(command, str(path), *args, "--json", stdout=Sink())
    return json.loads(out[0])


def test_dry_run_shows_counts_and_first_rejects_and_writes_nothing(client, world, sheet):
    client.force_login(world["animator_a"])
    before = Establishment.objects.count(), Membership.objects.count()
    response = upload(client, "reseau-a", sheet)
    imported = ImportUpload.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/imports/{imported.pk}/")
    assert (Establishment.objects.count(), Membership.objects.count()) == before
    assert imported.status == ImportUpload.Status.CHECKED and imported.total == 5
    assert imported.dry_report["establishments_created"] == 3
    assert imported.created_by == world["animator_a"] and imported.network == world["a"]
    page = client.get(response["Location"]).content.decode()
    assert "Essai à blanc" in page and "Importer" in page
    assert "adherents.csv, ligne 4" in page and "adherents.csv, ligne 6" in page
    assert "déjà présent ligne 2" in page
    # Stored under the media directory, never in the repository.
    assert (media_file := uploads.upload_path(imported)).exists()
    assert str(media_file).startswith(str(uploads.settings.MEDIA_ROOT))


def test_web_and_command_give_the_same_counts(client, world, sheet, django_capture_on_commit_callbacks):
    command = command_report("import_profiles", sheet, "--network", "reseau-a")
    client.force_login(world["animator_a"])
    upload(client, "reseau-a", sheet)
    imported = ImportUpload.objects.get()
    assert kinds.report_counts("profiles", imported.dry_report) == kinds.report_counts("profiles", command)
    assert imported.dry_report["rejected"] == command["rejected"] == {"bad_siret": 1, "duplicate_row": 1}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("backoffice:import_start", args=["reseau-a", imported.pk]))
    assert response.status_code == 302
    imported.refresh_from_db()
    assert imported.status == ImportUpload.Status.SUCCEEDED and imported.imported_by == world["animator_a"]
    assert kinds.report_counts("profiles", imported.report) == kinds.report_counts("profiles", command)
    # The data lands in the network's scope, as the command's --network does.
    assert Membership.objects.filter(network=world["a"], establishment__siret=SIRET_C).exists()
    assert not Membership.objects.filter(network=world["b"], establishment__siret=SIRET_C).exists()
    assert import_upload_progress(imported) == {"done": 5, "total": 5, "batches": 1, "percent": 100}
    page = client.get(reverse("backoffice:import_detail", args=["reseau-a", imported.pk])).content.decode()
    assert "Bilan de l’import" in page
    rejects = client.get(reverse("backoffice:import_rejects", args=["reseau-a", imported.pk]))
    body = rejects.content.decode("utf-8")
    assert body.startswith("\ufeffline;siret;column;reason;detail") and "duplicate_row" in body
    dry = client.get(reverse("backoffice:import_rejects", args=["reseau-a", imported.pk]) + "?essai=1")
    assert "bad_siret" in dry.content.decode("utf-8")
    summary = client.get(reverse("backoffice:import_report", args=["reseau-a", imported.pk]))
    assert summary["Content-Disposition"].endswith('filename="adherents-bilan.csv"')
    lines = summary.content.decode("utf-8").splitlines()
    assert lines[0] == "\ufeffRubrique;Libellé;Nombre" and "Compteurs;établissements créés;3" in lines
    assert "Rejets par motif;SIRET en double;1" in lines


def test_decp_web_and_command_give_the_same_counts(
    client, world, taxonomy, django_capture_on_commit_callbacks
):
    command = command_report("import_decp", DECP_FILE)
    client.force_login(world["admin"])
    assert upload(client, "reseau-a", DECP_FILE, kind="decp").status_code == 302
    imported = ImportUpload.objects.get()
    assert imported.dry_report["counts"] == command["counts"]
    assert imported.dry_report["rejected"] == command["rejected"]
    assert SupplyRelation.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("backoffice:import_start", args=["reseau-a", imported.pk]))
    imported.refresh_from_db()
    assert imported.status == ImportUpload.Status.SUCCEEDED
    assert imported.report["counts"] == command["counts"]
    assert SupplyRelation.objects.count() == command["counts"]["relations_created"]


def test_ledger_web_and_command_give_the_same_counts(
    client, world, taxonomy, tmp_path, django_capture_on_commit_callbacks
):
    path = tmp_path / "achats-2025.csv"
    path.write_text(
        "siret;fournisseur;commune;montant;categorie;annee\n"
        f"{world['own'].siret};Tôlerie Kieffer;67046;12 345,67;usinage;2025\n"
        ";Roth Emballages;67180;800;emballages carton;2025\n"
        ";;67180;100;usinage;2025\n"
        f"{world['own'].siret};Tôlerie Kieffer;67046;douze;usinage;2025\n",
        encoding="utf-8",
    )
    buyer = world["elsewhere"].siret
    command = command_report("import_ledger", path, "--buyer", buyer, "--network", "reseau-a")
    client.force_login(world["animator_a"])
    upload(client, "reseau-a", path, kind="ledger", buyer=buyer)
    imported = ImportUpload.objects.get()
    assert imported.options == {
        "buyer": buyer,
        "buyer_name": "",
        "year": None,
        "confidentiality": "animators",
    }
    assert imported.dry_report["counts"] == command["counts"] and imported.dry_report["counts"]["read"] == 2
    assert imported.dry_report["rejected"] == command["rejected"] == {"bad_amount": 1, "missing_supplier": 1}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("backoffice:import_start", args=["reseau-a", imported.pk]))
    imported.refresh_from_db()
    assert imported.report["counts"] == command["counts"]
    assert SupplyRelation.objects.filter(client=world["elsewhere"]).count() == 2
    page = client.get(reverse("backoffice:import_detail", args=["reseau-a", imported.pk])).content.decode()
    assert "achats-2025.csv, ligne 4" in page and "Montant" not in page.split("Premières lignes")[0][:0]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("adherents.csv", b"nom;commune\nA;67046\n", "colonne"),
        ("adherents.xlsx", b"siret;nom\n", "adherents.xlsx : ce n’est pas un fichier XLSX"),
        ("adherents.csv", b"", "adherents.csv : fichier vide"),
        ("adherents.pdf", b"%PDF-1.4", "format non pris en charge"),
    ],
    ids=["missing-column", "not-xlsx", "empty", "wrong-type"],
)
def test_a_bad_file_shows_the_commands_message_and_writes_nothing(
    client, world, tmp_path, name, content, message
):
    path = tmp_path / name
    path.write_bytes(content)
    client.force_login(world["animator_a"])
    response = upload(client, "reseau-a", path)
    assert response.status_code == 200
    assert message in response.content.decode().replace("\xa0", " ")
    assert not ImportUpload.objects.exists() and not ImportRun.objects.exists()
    media_dir = uploads.settings.MEDIA_ROOT / "imports"
    assert not media_dir.exists() or not any(p.is_file() for p in media_dir.rglob("*"))
    if name.endswith((".csv", ".xlsx")) and content:
        with pytest.raises(Exception) as raised:
            call_command("import_profiles", str(path))
        assert message in str(raised.value)


def test_a_ledger_needs_its_buyer(client, world, tmp_path):
    path = tmp_path / "achats.csv"
    path.write_text("siret;fournisseur;montant\n;Roth;100\n", encoding="utf-8")
    client.force_login(world["animator_a"])
    response = upload(client, "reseau-a", path, kind="ledger")
    assert response.status_code == 200 and "obligatoire pour un grand livre" in response.content.decode()
    response = upload(client, "reseau-a", path, kind="ledger", buyer="12345678900000")
    assert "--buyer 12345678900000 : SIRET invalide" in response.content.decode().replace("\xa0", " ")
    assert not ImportUpload.objects.exists()


def test_a_failed_run_queued_again_resumes_without_duplicates(
    client, world, sheet, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setitem(kinds.DEFAULT_BATCH_SIZE, "profiles", 2)
    client.force_login(world["animator_a"])
    upload(client, "reseau-a", sheet)
    imported = ImportUpload.objects.get()
    write, calls = pipeline._write, []

    def failing_write(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:  # the first line of the second batch
            raise RuntimeError("base perdue")
        return write(*args, **kwargs)

    monkeypatch.setattr(pipeline, "_write", failing_write)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("backoffice:import_start", args=["reseau-a", imported.pk]))
    imported.refresh_from_db()
    assert imported.status == ImportUpload.Status.FAILED and "RuntimeError" in imported.error
    assert import_upload_progress(imported)["done"] == 2  # the first batch stays committed
    assert Establishment.objects.filter(siret__in=[SIRET_A, SIRET_B, SIRET_C]).count() == 2
    page = client.get(reverse("backoffice:import_detail", args=["reseau-a", imported.pk])).content.decode()
    assert "Reprendre l’import" in page

    monkeypatch.setattr(pipeline, "_write", write)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("backoffice:import_start", args=["reseau-a", imported.pk]))
    imported.refresh_from_db()
    assert imported.status == ImportUpload.Status.SUCCEEDED
    assert imported.report["resumed_from_line"] == 4
    run = ImportRun.objects.get()
    assert run.resumed_count == 1 and run.records_done == 5
    assert Establishment.objects.filter(siret__in=[SIRET_A, SIRET_B, SIRET_C]).count() == 3
    assert (
        Membership.objects.filter(
            network=world["a"], establishment__siret__in=[SIRET_A, SIRET_B, SIRET_C]
        ).count()
        == 3
    )
    assert imported.report["rejected"] == {"bad_siret": 1, "duplicate_row": 1}
    assert imported.report["establishments_created"] == 3


def test_the_task_runs_a_queued_import_once(client, world, sheet):
    client.force_login(world["animator_a"])
    upload(client, "reseau-a", sheet)
    imported = ImportUpload.objects.get()
    assert uploads.import_upload_run(upload_id=imported.pk) is None  # not queued: nothing
    ImportUpload.objects.filter(pk=imported.pk).update(status=ImportUpload.Status.QUEUED)
    assert uploads.import_upload_run(upload_id=imported.pk) == ImportUpload.Status.SUCCEEDED
    assert uploads.import_upload_run(upload_id=imported.pk) is None
    assert ImportRun.objects.count() == 1


def test_the_progress_fragment_polls_until_the_report(client, world, sheet):
    client.force_login(world["animator_a"])
    upload(client, "reseau-a", sheet)
    imported = ImportUpload.objects.get()
    ImportUpload.objects.filter(pk=imported.pk).update(status=ImportUpload.Status.RUNNING)
    url = reverse("backoffice:import_progress", args=["reseau-a", imported.pk])
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "0 enregistrements traités sur 5" in fragment.replace(
        "\u202f", " "
    )
    ImportUpload.objects.filter(pk=imported.pk).update(status=ImportUpload.Status.SUCCEEDED)
    response = client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("backoffice:import_detail", args=["reseau-a", imported.pk])


def test_another_networks_import_is_not_found(client, world, sheet):
    client.force_login(world["animator_a"])
    upload(client, "reseau-a", sheet)
    imported = ImportUpload.objects.get()
    client.force_login(world["animator_b"])
    for name in ("import_detail", "import_progress", "import_rejects"):
        assert client.get(reverse(f"backoffice:{name}", args=["reseau-b", imported.pk])).status_code == 404
        assert client.get(reverse(f"backoffice:{name}", args=["reseau-a", imported.pk])).status_code == 403
    assert client.post(reverse("backoffice:import_start", args=["reseau-b", imported.pk])).status_code == 404
    client.force_login(world["member"])
    assert client.get(reverse("backoffice:imports", args=["reseau-a"])).status_code == 403
    assert ImportUpload.objects.get().status == ImportUpload.Status.CHECKED


def test_the_pages_speak_english(client, world, sheet, settings):
    client.force_login(world["animator_a"])
    upload(client, "reseau-a", sheet)
    imported = ImportUpload.objects.get()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    listing = client.get(reverse("backoffice:imports", args=["reseau-a"])).content.decode()
    assert "Make the dry run" in listing and "Dry run made" in listing
    assert "5 records, 2 rejections" in listing
    detail = client.get(reverse("backoffice:import_detail", args=["reseau-a", imported.pk])).content.decode()
    assert "This is what the import would do." in detail and "establishments created" in detail.lower()
    assert "First rejected lines" in detail and "Essai à blanc" not in detail


def test_a_stalled_import_may_be_queued_again(
    client, world, sheet, settings, django_capture_on_commit_callbacks
):
    client.force_login(world["animator_a"])
    upload(client, "reseau-a", sheet)
    imported = ImportUpload.objects.get()
    start = reverse("backoffice:import_start", args=["reseau-a", imported.pk])
    ImportUpload.objects.filter(pk=imported.pk).update(
        status=ImportUpload.Status.RUNNING, queued_at=timezone.now()
    )
    client.post(start)  # running, and recently: refused
    assert ImportUpload.objects.get().status == ImportUpload.Status.RUNNING
    detail = reverse("backoffice:import_detail", args=["reseau-a", imported.pk])
    assert "Reprendre l’import" not in client.get(detail).content.decode()
    long_ago = timezone.now() - timedelta(minutes=settings.IMPORTS_STALLED_MINUTES + 1)
    ImportUpload.objects.filter(pk=imported.pk).update(queued_at=long_ago)
    assert "Reprendre l’import" in client.get(detail).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(start)
    assert ImportUpload.objects.get().status == ImportUpload.Status.SUCCEEDED
