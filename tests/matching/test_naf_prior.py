"""The activity prior learned at index build from the public contracts the platform imported
(maillage/matching/prior.py): CPV label × winner's NAF code, kept with the index, used by search."""

import pytest

from maillage.engine import EngineIndex
from maillage.matching.documents import engine_taxonomy
from maillage.matching.index import current_build, index_build, reader
from maillage.matching.prior import naf_prior_examples, naf_prior_learn
from maillage.matching.search import SearchRequest, search_run
from maillage.referential.models import Commune, CpvCode
from maillage.relations.models import RelationSource, RelationStatus
from tests.directory.factories import EstablishmentFactory, OrganisationFactory
from tests.referential.factories import NafCodeFactory
from tests.relations.factories import SupplyRelationFactory

pytestmark = pytest.mark.django_db


def _contracts() -> dict:
    cleaning_naf = NafCodeFactory(code="81.21Z", label="Nettoyage courant des bâtiments", section="N")
    cleaning, _ = CpvCode.objects.update_or_create(
        code="90911200", defaults={"label": "Services de nettoyage de bâtiments"}
    )
    advice, _ = CpvCode.objects.update_or_create(
        code="79411000", defaults={"label": "Services de conseil en gestion générale"}
    )
    # Beside the demo's communes when they are loaded (the factory's would collide).
    place = {"commune": commune} if (commune := Commune.objects.order_by("pk").first()) else {}
    winner = EstablishmentFactory(
        organisation=OrganisationFactory(name="Zéphyr Propreté"),
        name="Zéphyr Propreté",
        naf=cleaning_naf,
        **place,
    )
    other = EstablishmentFactory(
        naf=NafCodeFactory(code="70.22Z", label="Conseil de gestion", section="M"), **place
    )
    public = {
        "source": RelationSource.PUBLIC_PROCUREMENT,
        "client": None,
        "client_siren": "",
        "client_name": "Mairie de Test",
    }
    for _ in range(4):
        SupplyRelationFactory(supplier=winner, cpv=cleaning, **public)
        SupplyRelationFactory(supplier=other, cpv=advice, **public)
    # None of these teaches anything: a disputed award, a winner outside the directory, a
    # relation the supplier declared (not a public contract), a contract without CPV code.
    SupplyRelationFactory(supplier=other, cpv=cleaning, status=RelationStatus.DISPUTED, **public)
    SupplyRelationFactory(supplier=None, supplier_name="Ailleurs SA", cpv=cleaning, **public)
    SupplyRelationFactory(supplier=other, cpv=cleaning, **(public | {"source": RelationSource.SUPPLIER}))
    SupplyRelationFactory(supplier=other, cpv=None, **public)
    return {"winner": winner, "other": other}


def test_examples_are_the_imported_public_contracts_with_a_known_winner():
    _contracts()
    examples = list(naf_prior_examples())
    assert sorted(set(examples)) == [
        ("Services de conseil en gestion générale", "70.22Z"),
        ("Services de nettoyage de bâtiments", "81.21Z"),
    ]
    assert len(examples) == 8
    table = naf_prior_learn(engine_taxonomy())
    assert table["examples"] == 8
    assert table["stems"]["nettoyag"]["naf"] == [["81.21Z", 0.5]]


def test_the_index_is_built_with_the_prior_and_search_uses_it(private_index):
    companies = _contracts()
    index_build()
    reader.reset()
    assert "nettoyag" in EngineIndex(current_build()).naf_prior["stems"]
    hits = search_run(SearchRequest(q="nettoyage de locaux", limit=20)).hits
    assert f"{companies['winner'].siret}" in [hit.doc_key for hit in hits]
