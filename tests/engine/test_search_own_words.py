"""Words a company wrote that wait for a review: searchable at once, labelled, never a claim."""

import pytest

from maillage.engine import CapabilityClaim, EngineDocument, EngineIndex, Searcher, SearchQuery
from maillage.engine.build import FIELD_LABELS_FR, FIELDS, build_segment

from .conftest import TODAY

WATERJET = "proc.sheet_metal.cutting.waterjet"
OWN_WORDS_LABEL = FIELD_LABELS_FR[FIELDS.index("own_words")]


def _doc(siret, name, claims=(), *, own_words="", naf_code="", naf_label=""):
    return EngineDocument(
        siret, name, capabilities=list(claims), own_words=own_words, naf_code=naf_code, naf_label=naf_label,
        lat=48.8, lon=7.8, department="67",
    )  # fmt: skip


@pytest.fixture(scope="module")
def documents():
    return [
        _doc("20000000000001", "Atelier Dupont", own_words="découpe jet d'eau 5 axes 3000 bars"),
        _doc("20000000000002", "Découpe Déclarée", [CapabilityClaim(WATERJET)]),
        _doc(
            "20000000000003",
            "Tôlerie NAF",
            [CapabilityClaim(WATERJET, "inferred", "secondary", 0.3)],
            naf_code="25.11Z",
            naf_label="Fabrication de structures métalliques",
        ),  # fmt: skip
        _doc("20000000000004", "Sans Rapport", [CapabilityClaim("proc.machining.milling")]),
    ]


@pytest.fixture(scope="module")
def searcher(taxonomy, documents, tmp_path_factory):
    return Searcher(EngineIndex.build(tmp_path_factory.mktemp("own-words"), taxonomy, documents))


def search(searcher, text, **kwargs):
    return searcher.search(SearchQuery(text=text, **kwargs), today=TODAY)


def test_words_awaiting_review_find_the_company_and_the_explanation_names_their_field(searcher):
    hits = {hit.name: hit for hit in search(searcher, "découpe jet d'eau").hits}
    own = hits["Atelier Dupont"]
    words = [d for d in own.details if d["kind"] == "text"]
    assert words and all(d["fields"] == [OWN_WORDS_LABEL] for d in words)
    assert all(d["field_keys"] == ["own_words"] for d in words)
    assert "ses propres mots, en attente de validation" in own.explanation
    # No claim: the asked capability is « not found in its profile », only its words match.
    (concept,) = [d for d in own.details if d["kind"] == "capability"]
    assert concept["matched"] is None


def test_the_machine_figures_written_are_searchable_too(searcher):
    assert [hit.name for hit in search(searcher, "3000 bars").hits] == ["Atelier Dupont"]


def test_own_words_never_rank_above_a_declared_claim(searcher):
    ranked = [hit.name for hit in search(searcher, "découpe jet d'eau").hits]
    assert ranked.index("Découpe Déclarée") < ranked.index("Atelier Dupont")
    assert "Sans Rapport" not in ranked


def test_own_words_are_no_claim_for_a_capability_filter_or_facets(searcher):
    filtered = searcher.search(SearchQuery(capabilities=[WATERJET], evidenced_only=True), today=TODAY)
    assert {hit.name for hit in filtered.hits} == {"Découpe Déclarée"}
    plain = searcher.search(SearchQuery(capabilities=[WATERJET]), today=TODAY)
    assert "Atelier Dupont" not in {hit.name for hit in plain.hits}


def test_own_words_are_not_read_for_concepts_like_a_description(taxonomy, documents):
    segment = build_segment(taxonomy, documents)
    local = [segment.key(i) for i in range(segment.n)].index("20000000000001")
    start, end = int(segment.fwd_indptr[local]), int(segment.fwd_indptr[local + 1])
    assert start == end  # no concept held, not even « mentioned »


def test_a_delta_update_over_an_index_built_before_the_field_existed_works(taxonomy, documents, tmp_path):
    index = EngineIndex.build(tmp_path / "old", taxonomy, documents[1:])
    # An index built before the own-words field existed recorded one average length fewer.
    index.main.stats["avg_lengths"] = index.main.stats["avg_lengths"][: len(FIELDS) - 1]
    index.update([documents[0]])
    hits = Searcher(index).search(SearchQuery(text="jet d'eau 3000 bars"), today=TODAY).hits
    assert "Atelier Dupont" in {hit.name for hit in hits}
