import csv

import pytest

from maillage.referential.loaders.cpv import cpv_parent
from maillage.referential.models import CpvCode
from maillage.taxonomy.models import TaxonomyNode
from tests.shared_data import shared_path
from tests.taxonomy.shipped import shipped_taxonomy_load, shipped_taxonomy_wipe

DATA = shared_path("data")
DECP_DIR = DATA / "commande_publique"
CPV_CSV = DECP_DIR / "cpv_2008_fr.csv"


def load_cpv() -> None:
    with open(CPV_CSV, encoding="utf-8", newline="") as handle:
        rows = [(r["CODE"][:8], r["CODE"][9:], r["FR"]) for r in csv.DictReader(handle)]
    known = {code for code, _, _ in rows}
    CpvCode.objects.bulk_create(
        [CpvCode(code=code, check_digit=key, label=label[:400]) for code, key, label in rows], batch_size=2000
    )
    parents = [CpvCode(code=code, parent_id=cpv_parent(code, known)) for code, _, _ in rows]
    CpvCode.objects.bulk_update([p for p in parents if p.parent_id], ["parent"], batch_size=2000)


@pytest.fixture(scope="package")
def _cpv_and_taxonomy(django_db_setup, django_db_blocker):
    """CPV nomenclature and the real taxonomy (with its CPV links), once for the package."""
    with django_db_blocker.unblock():
        load_cpv()
        shipped_taxonomy_load()
    yield
    with django_db_blocker.unblock():
        shipped_taxonomy_wipe()
        CpvCode.objects.update(parent=None)
        CpvCode.objects.all().delete()


@pytest.fixture
def taxonomy(_cpv_and_taxonomy, db):
    return {node.code: node for node in TaxonomyNode.objects.all()}
