"""Requirements held on evidence (``evidenced_only``) and wished capabilities that only rank."""

from datetime import date

import pytest

from maillage.engine import (
    CapabilityClaim,
    CertificationClaim,
    EngineDocument,
    EngineIndex,
    Searcher,
    SearchQuery,
)

from .conftest import TODAY

MILLING_5AXIS = "proc.machining.milling.5axis"
HARD_ANODISING = "proc.surface.anodising.hard"


def _doc(siret, name, claims, *, description="", certifications=()):
    return EngineDocument(
        siret, name, description=description, capabilities=claims, certifications=list(certifications),
        lat=48.8, lon=7.8, department="67",
    )  # fmt: skip


@pytest.fixture(scope="module")
def searcher(taxonomy, tmp_path_factory):
    documents = [
        _doc("10000000000001", "Jouets Haguenau", [CapabilityClaim(MILLING_5AXIS, "inferred", "core", 0.4)]),
        _doc("10000000000002", "Aéro Usinage", [CapabilityClaim(MILLING_5AXIS)]),
        _doc("10000000000003", "Proposé Réseau", [CapabilityClaim(MILLING_5AXIS, "proposed")]),
        _doc(
            "10000000000004",
            "Dit Lui-Même",
            [CapabilityClaim(MILLING_5AXIS, "inferred", "core", 0.4)],
            description="Fraisage 5 axes de pièces aéronautiques.",
        ),  # fmt: skip
        _doc(
            "10000000000005",
            "Anodiseur",
            [CapabilityClaim(MILLING_5AXIS), CapabilityClaim(HARD_ANODISING)],
            certifications=[CertificationClaim("cert.en9100", date(2024, 1, 1), date(2025, 1, 1))],
        ),  # fmt: skip
    ]
    return Searcher(EngineIndex.build(tmp_path_factory.mktemp("evidence"), taxonomy, documents))


def names(searcher, **kwargs):
    return {hit.name for hit in searcher.search(SearchQuery(**kwargs), today=TODAY).hits}


def test_evidenced_only_leaves_out_a_naf_inference_alone(searcher):
    assert "Jouets Haguenau" in names(searcher, capabilities=[MILLING_5AXIS])
    assert names(searcher, capabilities=[MILLING_5AXIS], evidenced_only=True) == {
        "Aéro Usinage", "Proposé Réseau", "Dit Lui-Même", "Anodiseur",
    }  # fmt: skip


def test_a_mention_in_the_description_beats_the_naf_inference_in_the_explanation(searcher):
    hits = searcher.search(SearchQuery(capabilities=[MILLING_5AXIS]), today=TODAY).hits
    statuses = {hit.name: [d["status"] for d in hit.details if d["kind"] == "capability"] for hit in hits}
    assert statuses["Dit Lui-Même"] == ["mentioned"]
    assert statuses["Jouets Haguenau"] == ["inferred"]


def test_wished_capabilities_rank_but_filter_no_one(searcher):
    results = searcher.search(
        SearchQuery(capabilities=[MILLING_5AXIS], wished_capabilities=[HARD_ANODISING], evidenced_only=True),
        today=TODAY,
    )
    assert results.hits[0].name == "Anodiseur"
    assert {hit.name for hit in results.hits} == {
        "Aéro Usinage",
        "Proposé Réseau",
        "Dit Lui-Même",
        "Anodiseur",
    }


def test_an_expired_certification_filters_out(searcher):
    assert names(searcher, capabilities=[MILLING_5AXIS], certifications=["cert.en9100"]) == set()
