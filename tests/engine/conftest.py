from datetime import date

import pytest

from maillage.engine import (
    CapabilityClaim,
    CertificationClaim,
    EngineDocument,
    EngineIndex,
    EngineTaxonomy,
    EquipmentClaim,
    Searcher,
)
from maillage.taxonomy.loader import read_taxonomy

TODAY = date(2026, 3, 12)
HAGUENAU = (48.8156, 7.7906)


@pytest.fixture(scope="session")
def taxonomy() -> EngineTaxonomy:
    data = read_taxonomy()
    assert not data.errors
    return EngineTaxonomy.from_records(data.nodes.values(), data.hints)


def make_documents() -> list[EngineDocument]:
    return [
        EngineDocument(
            "11111111100011",
            "Alsace Anodisation",
            naf_code="25.61Z",
            naf_label="Traitement et revêtement des métaux",
            description="Oxydation anodique dure (OAD) de pièces en alu pour l'aéronautique.",
            capabilities=[
                ("proc.surface.anodising.hard", "confirmed", "core"),
                ("mat.aluminium", "confirmed"),
            ],
            certifications=[CertificationClaim("cert.en9100", date(2024, 1, 1), date(2027, 1, 1))],
            equipment=[EquipmentClaim("equip.press.hydraulic", {"force": 400.0})],
            headcount_min=20,
            headcount_max=49,
            department="67",
            commune="Haguenau",
            lat=48.8156,
            lon=7.7906,
            networks=["alsace-meca"],
            completeness=0.9,
        ),
        EngineDocument(
            "22222222200012",
            "Usinage Dupont",
            naf_code="25.62B",
            naf_label="Mécanique industrielle",
            description="Usinage CN, fraisage et tournage de petites séries.",
            capabilities=[CapabilityClaim("proc.machining.milling", "inferred", "core", 0.8)],
            headcount_min=10,
            headcount_max=19,
            department="68",
            commune="Colmar",
            lat=48.0794,
            lon=7.3585,
            completeness=0.2,
        ),
        EngineDocument(
            "33333333300013",
            "Fonderie du Rhin",
            naf_code="24.53Z",
            naf_label="Fonderie de métaux légers",
            description="Fonderie aluminium sous pression, 500 pièces par mois, reprise d'usinage.",
            headcount_min=50,
            headcount_max=99,
            department="67",
            commune="Strasbourg",
            lat=48.5734,
            lon=7.7521,
            completeness=0.5,
        ),
        EngineDocument(
            "44444444400014",
            "Précision Lyonnaise",
            naf_code="25.62B",
            naf_label="Mécanique industrielle",
            description="Fraisage 5 axes continu, pièces titane pour l'aéronautique.",
            capabilities=[
                ("proc.machining.milling.5axis", "confirmed", "core"),
                ("mat.titanium", "confirmed"),
            ],
            certifications=[("cert.iso9001", date(2020, 1, 1), date(2023, 1, 1))],
            equipment=[("equip.press.mechanical", {"force": 200.0})],
            headcount_min=100,
            headcount_max=249,
            department="69",
            commune="Lyon",
            lat=45.7640,
            lon=4.8357,
            completeness=0.8,
        ),
        EngineDocument(
            "55555555500015",
            "Ets Martin",
            naf_code="25.61Z",
            naf_label="Traitement et revêtement des métaux",
            description="Hard anodizing and chromic anodising for aerospace parts.",
            capabilities=[("proc.surface.anodising.chromic", "proposed", "core")],
            headcount_min=1,
            headcount_max=9,
            department="75",
            commune="Paris",
            lat=48.8566,
            lon=2.3522,
            completeness=0.4,
        ),
        EngineDocument(
            "66666666600016",
            "Tôlerie Schmitt",
            naf_code="25.11Z",
            naf_label="Fabrication de structures métalliques",
            description="Découpe laser, pliage, soudure TIG.",
            capabilities=[("proc.sheet_metal.cutting.laser", "confirmed", "core")],
            certifications=[("cert.iso9001", date(2025, 1, 1), None)],
            headcount_min=20,
            headcount_max=49,
            department="67",
            commune="Brumath",
            lat=48.7330,
            lon=7.7100,
            networks=["alsace-meca"],
            completeness=0.7,
        ),
        EngineDocument(
            "77777777700017",
            "Atelier sans adresse",
            naf_code="25.62B",
            description="Usinage de précision.",
            capabilities=[("proc.machining", "confirmed", "core")],
            completeness=0.1,
        ),
    ]


@pytest.fixture(scope="session")
def documents() -> list[EngineDocument]:
    return make_documents()


@pytest.fixture(scope="session")
def index(taxonomy, documents, tmp_path_factory) -> EngineIndex:
    return EngineIndex.build(tmp_path_factory.mktemp("index"), taxonomy, documents)


@pytest.fixture
def fresh_index(taxonomy, documents, tmp_path) -> EngineIndex:
    return EngineIndex.build(tmp_path / "index", taxonomy, documents)


@pytest.fixture(scope="session")
def searcher(index) -> Searcher:
    return Searcher(index)


def names(results) -> list[str]:
    return [hit.name for hit in results.hits]
