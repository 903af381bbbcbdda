"""The activity prior (maillage/engine/prior.py): NAF codes that win the contracts a query's
words describe, learned from (CPV label, winner's NAF) pairs, stored with the index, a weighted
channel of the relevance that never outranks evidence."""

import pytest

from maillage.engine import CapabilityClaim, EngineDocument, EngineIndex, Searcher, SearchQuery, prior

from .conftest import names

CLEANING, BUILDER, MILLING, OTHER = "81.21Z", "41.20B", "25.62B", "70.22Z"


def _contracts() -> list[tuple[str, str]]:
    return (
        [("Services de nettoyage de bureaux", CLEANING)] * 6
        + [("Services de nettoyage de locaux", CLEANING)] * 2
        + [("Travaux de construction de bâtiments", BUILDER)] * 8
        + [("Travaux de nettoyage de chantier", BUILDER)] * 2
        + [("Services de conseil en gestion", OTHER)] * 6
        + [("Élagage", OTHER)] * 2  # too few contracts to teach anything
    )


@pytest.fixture(scope="module")
def table(taxonomy) -> dict:
    return prior.learn(_contracts(), taxonomy.analyzer)


def _documents() -> list[EngineDocument]:
    return [
        # A cleaning company whose name and NAF label hold no word of « nettoyage de bureaux ».
        EngineDocument(
            "10000000000011", "ONET Services", naf_code=CLEANING, naf_label="Activités de propreté"
        ),
        EngineDocument("20000000000012", "Bureaux Conseil", naf_code=OTHER, naf_label="Conseil de gestion"),
        # Two mills: one says it mills, the other holds it only by inference from its NAF code.
        EngineDocument(
            "30000000000013", "Atelier Vogel", naf_code=OTHER, description="Nous faisons du fraisage 5 axes."
        ),
        EngineDocument(
            "40000000000014",
            "Mécanique Muller",
            naf_code=MILLING,
            naf_label="Mécanique industrielle",
            capabilities=[CapabilityClaim("proc.machining.milling.5axis", "inferred", "core", 1.0)],
        ),
    ]


def test_the_table_keeps_the_codes_a_word_wins_beyond_their_base_rate(table):
    stems = table["stems"]
    assert table["examples"] == len(_contracts())
    assert stems["nettoyag"]["naf"][0][0] == CLEANING  # 8 of its 10 contracts
    assert [code for code, _ in stems["bat"]["naf"]] == [BUILDER]
    # A word every contract holds (« services », « travaux ») teaches only what it adds.
    assert "elag" not in stems  # fewer than MIN_EXAMPLES contracts
    assert all(score >= prior.MIN_SCORE for entry in stems.values() for _, score in entry["naf"])
    assert all(len(entry["naf"]) <= prior.MAX_CODES for entry in stems.values())


def test_scores_weigh_each_word_and_ignore_words_without_a_table(table):
    scores = prior.scores(table, ["nettoyag", "inconnu"])
    assert max(scores, key=scores.get) == CLEANING
    assert prior.scores(table, ["inconnu"]) == {}
    assert prior.scores({}, ["nettoyag"]) == {}


def test_the_prior_widens_and_orders_by_registered_activity(taxonomy, table, tmp_path):
    without = Searcher(EngineIndex.build(tmp_path / "without", taxonomy, _documents()))
    with_prior = Searcher(EngineIndex.build(tmp_path / "with", taxonomy, _documents(), naf_prior=table))
    query = SearchQuery(text="nettoyage de bureaux")
    assert names(without.search(query)) == ["Bureaux Conseil"]  # the word of its name only
    results = with_prior.search(query)
    # Widened; after the complete answer (it holds every known word): a prior is no evidence.
    assert names(results) == ["Bureaux Conseil", "ONET Services"]
    assert [hit.complete for hit in results.hits] == [True, False]
    # Said as what it is: a habit of public buyers about its registered activity.
    assert [d["naf"] for d in results.hits[1].details if d["kind"] == "activity_prior"] == [CLEANING]
    assert "marchés publics" in results.hits[1].explanation
    assert not [d for d in results.hits[0].details if d["kind"] == "activity_prior"]  # 70.22Z: none
    assert all(0 <= hit.score <= 1 for hit in results.hits)
    # A word no document holds but the contracts know: the likely companies, not an empty page.
    assert names(without.search(SearchQuery(text="nettoyage"))) == []
    assert names(with_prior.search(SearchQuery(text="nettoyage"))) == ["ONET Services"]


def test_an_inferred_claim_with_a_likely_activity_never_outranks_a_said_one(taxonomy, tmp_path):
    # Every contract for « fraisage » went to the inferred mill's NAF code.
    table = prior.learn([("Fraisage de pièces", MILLING)] * 5 + [("Conseil", OTHER)] * 5, taxonomy.analyzer)
    searcher = Searcher(EngineIndex.build(tmp_path, taxonomy, _documents(), naf_prior=table))
    assert names(searcher.search(SearchQuery(text="fraisage 5 axes")))[:2] == [
        "Atelier Vogel",
        "Mécanique Muller",
    ]


def test_the_table_stays_with_the_index_through_updates_and_merges(taxonomy, table, tmp_path):
    index = EngineIndex.build(tmp_path, taxonomy, _documents(), naf_prior=table)
    assert EngineIndex(tmp_path).naf_prior == table
    index.update([EngineDocument("50000000000015", "Propreté Alsace", naf_code=CLEANING)])
    assert EngineIndex(tmp_path).naf_prior == table
    index.merge()
    assert EngineIndex(tmp_path).naf_prior == table
    assert "Propreté Alsace" in names(Searcher(index).search(SearchQuery(text="nettoyage de bureaux")))
    assert EngineIndex.build(tmp_path / "none", taxonomy, _documents()).naf_prior == {}
