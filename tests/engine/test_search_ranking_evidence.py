"""Evidence before inference, lone numbers and name words (issue 13, items 1 and 3)."""

import pytest

from maillage.engine import CapabilityClaim, EngineDocument, EngineIndex, Location, Searcher, SearchQuery

from .conftest import HAGUENAU, TODAY, names


def _documents() -> list[EngineDocument]:
    return [
        # Next door, complete, named after the capability, but only inferred from its NAF code.
        EngineDocument(
            "10000000000011",
            "Fraisage 5 axes de Haguenau",
            naf_code="25.62B",
            naf_label="Mécanique industrielle",
            capabilities=[CapabilityClaim("proc.machining.milling.5axis", "inferred", "core", 1.0)],
            department="67",
            commune="Haguenau",
            lat=HAGUENAU[0],
            lon=HAGUENAU[1],
            completeness=1.0,
        ),
        # Far away and sparse, but it *says* it mills on five axes (a mention in its text).
        EngineDocument(
            "20000000000012",
            "Atelier Vogel",
            naf_code="25.62B",
            description="Nous faisons du fraisage 5 axes.",
            department="13",
            commune="Marseille",
            lat=43.2965,
            lon=5.3698,
            completeness=0.0,
        ),
        EngineDocument(
            "30000000000013",
            "Garage des 5 chemins",
            naf_code="45.20A",
            description="Carrosserie et peinture automobile.",
            department="67",
            commune="Brumath",
            lat=48.7330,
            lon=7.7100,
            completeness=0.5,
        ),
        EngineDocument(
            "40000000000014",
            "Tôlerie Dupont",
            naf_code="25.11Z",
            capabilities=[("proc.sheet_metal.cutting.laser", "confirmed", "core")],
            department="67",
            commune="Saverne",
            lat=48.7414,
            lon=7.3620,
            completeness=0.5,
        ),
        EngineDocument(
            "50000000000015",
            "Tôlerie Vogel",
            naf_code="25.11Z",
            description="Découpe laser des pièces de l'atelier Dupont et de ses voisins.",
            capabilities=[("proc.sheet_metal.cutting.laser", "confirmed", "core")],
            department="67",
            commune="Saverne",
            lat=48.7414,
            lon=7.3620,
            completeness=0.5,
        ),
    ]


@pytest.fixture(scope="module")
def searcher(taxonomy, tmp_path_factory) -> Searcher:
    return Searcher(EngineIndex.build(tmp_path_factory.mktemp("evidence"), taxonomy, _documents()))


def run(searcher, **kwargs):
    return searcher.search(SearchQuery(**kwargs), today=TODAY)


def test_an_inferred_claim_never_outranks_a_said_one_of_the_same_capability(searcher):
    near = Location(*HAGUENAU, decay_km=30, label="Haguenau")
    results = run(searcher, text="fraisage 5 axes", location=near)
    assert names(results)[:2] == ["Atelier Vogel", "Fraisage 5 axes de Haguenau"]
    said, inferred = results.hits[0], results.hits[1]
    assert {d.get("status") for d in said.details if d["kind"] == "capability"} == {"mentioned"}
    assert {d.get("status") for d in inferred.details if d["kind"] == "capability"} == {"inferred"}
    # The tier orders; the score shown stays a relevance between 0 and 1.
    assert all(0 <= hit.score <= 1 for hit in results.hits)


def test_the_same_holds_for_a_capability_filter(searcher):
    results = run(searcher, capabilities=["proc.machining.milling.5axis"])
    assert names(results) == ["Atelier Vogel", "Fraisage 5 axes de Haguenau"]


def test_a_lone_number_never_matches_on_its_own(searcher):
    assert run(searcher, text="5").total == 0
    # « 5 » beside a word: the word selects, the number alone never brings a result in.
    assert "Garage des 5 chemins" not in names(run(searcher, text="découpe 5"))
    assert "Garage des 5 chemins" in names(run(searcher, text="garage 5"))


def test_name_words_weigh_less_when_the_query_names_a_capability(searcher):
    results = run(searcher, text="découpe laser dupont")
    assert names(results)[:2] == ["Tôlerie Vogel", "Tôlerie Dupont"]


def test_a_company_name_still_finds_the_company_first(searcher):
    assert names(run(searcher, text="Tôlerie Dupont"))[0] == "Tôlerie Dupont"
    assert names(run(searcher, text="Garage des 5 chemins"))[0] == "Garage des 5 chemins"
