"""``maillage load-taxonomy``: dry by default, says when nothing changed, fails loudly on bad files."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from maillage.taxonomy.models import TaxonomyNode

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("load_taxonomy", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_default_is_a_dry_run(tree):
    out, _err = run("--data-dir", str(tree.root))
    assert "5 créés" in out
    assert "À blanc" in out
    assert TaxonomyNode.objects.count() == 0
    out, _err = run("--data-dir", str(tree.root), "--dry-run")
    assert TaxonomyNode.objects.count() == 0


def test_wet_run_writes_then_reports_no_change(tree):
    out, err = run("--data-dir", str(tree.root), "--wet-run")
    assert "5 créés" in out
    assert TaxonomyNode.objects.count() == 5
    assert "1 code(s) NAF absents du référentiel" in err
    out, _err = run("--data-dir", str(tree.root), "--wet-run")
    assert "Aucun changement" in out


def test_bad_files_name_the_problem_and_write_nothing(tree):
    tree.write("nodes/process/other.toml", 'type = "process"\n\n[[node]]\ncode = "proc.x"\nlabel_fr = "X"\n')
    err = StringIO()
    with pytest.raises(CommandError, match="1 erreur"):
        call_command(
            "load_taxonomy", "--data-dir", str(tree.root), "--wet-run", stdout=StringIO(), stderr=err
        )
    assert "nodes/process/other.toml, ligne 3, nœud proc.x, champ « label_en »" in err.getvalue()
    assert TaxonomyNode.objects.count() == 0


def test_dry_run_and_wet_run_are_exclusive(tree):
    with pytest.raises(CommandError):
        call_command("load_taxonomy", "--dry-run", "--wet-run", stdout=StringIO(), stderr=StringIO())
