"""Words and concepts together, names as clues, and the evidence rule among holders (issue 13)."""

import pytest

from maillage.engine import CapabilityClaim, EngineDocument, EngineIndex, Searcher, SearchQuery

from .conftest import TODAY, names

CONSTRUCTION = "sector.construction"


def _documents() -> list[EngineDocument]:
    return [
        # A shipyard whose presentation says « bâtiments » (warships): a mention of the
        # construction sector, and nothing about cleaning.
        EngineDocument(
            "10000000000011",
            "Chantier naval de l'Ouest",
            naf_code="30.11Z",
            naf_label="Construction de navires et de structures flottantes",
            description="Frégates et bâtiments de surface pour la marine.",
        ),
        # A cleaner: its registered activity says cleaning of buildings; no profile.
        EngineDocument(
            "20000000000012",
            "Propreté Martin",
            naf_code="81.21Z",
            naf_label="Nettoyage courant des bâtiments",
        ),
        # Named after 5-axis milling, nothing said.
        EngineDocument("30000000000013", "Fraisage 5 axes Dupont", naf_code="25.62B"),
        # Says it mills on five axes.
        EngineDocument(
            "40000000000014",
            "Atelier Vogel",
            naf_code="25.62B",
            description="Nous faisons du fraisage 5 axes.",
        ),
        # Holds milling by its NAF code only, and names the whole query in its NAF label.
        EngineDocument(
            "50000000000015",
            "Mécanique Keller",
            naf_code="25.62B",
            naf_label="Mécanique industrielle, fraisage",
            capabilities=[CapabilityClaim("proc.machining.milling", "inferred", "core", 1.0)],
        ),
    ]


@pytest.fixture(scope="module")
def searcher(taxonomy, tmp_path_factory) -> Searcher:
    return Searcher(EngineIndex.build(tmp_path_factory.mktemp("fusion"), taxonomy, _documents()))


def run(searcher, **kwargs):
    return searcher.search(SearchQuery(**kwargs), today=TODAY)


def statuses(hit) -> set[str]:
    return {d.get("status") for d in hit.details if d["kind"] == "capability" and d.get("matched")}


def test_a_result_holding_no_asked_capability_is_ranked_by_its_relevance(searcher):
    results = run(searcher, text="nettoyage de bâtiments")
    assert [c.code for c in results.interpretation.concepts] == [CONSTRUCTION]
    # « bâtiments » reads as the construction sector, which the shipyard mentions; the cleaner
    # holds no such claim, so the evidence rule does not put the shipyard first: the words do.
    assert names(results)[:2] == ["Propreté Martin", "Chantier naval de l'Ouest"]


def test_a_concept_adds_to_its_words_without_replacing_the_rest_of_the_query(searcher):
    both = run(searcher, text="nettoyage de bâtiments").hits
    cleaner, shipyard = both[0], both[1]
    assert cleaner.score > shipyard.score
    assert statuses(shipyard) == {"mentioned"} and statuses(cleaner) == set()


def test_a_word_of_the_name_is_a_clue_never_evidence(searcher):
    results = run(searcher, text="fraisage 5 axes")
    order = names(results)
    assert order.index("Atelier Vogel") < order.index("Fraisage 5 axes Dupont")
    named = next(hit for hit in results.hits if hit.name == "Fraisage 5 axes Dupont")
    assert statuses(named) == {"named"}
    assert "d'après son nom, à confirmer" in named.explanation
    # Not evidence: a filter on what companies said leaves it out.
    said = run(searcher, capabilities=["proc.machining.milling.5axis"], evidenced_only=True)
    assert names(said) == ["Atelier Vogel"]


def test_an_unsaid_claim_never_outranks_a_said_one_even_with_more_words_matched(searcher):
    results = run(searcher, text="fraisage")
    order = names(results)
    # Keller matches the word in its NAF label and holds milling by inference; Vogel said it.
    assert order.index("Atelier Vogel") < order.index("Mécanique Keller")
    assert order.index("Atelier Vogel") < order.index("Fraisage 5 axes Dupont")


def test_pages_follow_the_one_ranking(searcher):
    whole = names(run(searcher, text="fraisage bâtiments nettoyage", page_size=10))
    paged = [
        name
        for page in range(1, len(whole) + 1)
        for name in names(run(searcher, text="fraisage bâtiments nettoyage", page=page, page_size=1))
    ]
    assert paged == whole and len(whole) == 5


def test_inferred_capability_words_are_reported_as_the_naf_activity(searcher):
    results = run(searcher, text="fraisage")
    keller = next(hit for hit in results.hits if hit.name == "Mécanique Keller")
    words = [d for d in keller.details if d["kind"] == "text"]
    assert words and all("savoir-faire" not in d["fields"] for d in words)
    assert any("activité NAF" in d["fields"] for d in words)


def test_a_corrected_word_counts_for_half_its_weight(searcher):
    typed = run(searcher, text="fraisaje").interpretation
    assert typed.corrections == {"fraisaje": "fraisage"}
    exact = run(searcher, text="fraisage").interpretation
    assert typed.terms[0].weight == pytest.approx(exact.terms[0].weight / 2)
