"""The per-process result cache: pages of one query share its scoring, never its staleness."""

from dataclasses import replace

from maillage.engine import EngineIndex, Location, Searcher, SearchQuery

from .conftest import TODAY, make_documents

QUERIES = [
    SearchQuery(text="usinage", facets=True),
    SearchQuery(text="anodisation dure aluminium", page_size=1, facets=True),
    SearchQuery(text="usinage", location=Location(48.81, 7.79, decay_km=30.0, label="Haguenau"), page_size=2),
    SearchQuery(departments=["67"], facets=True, page_size=3),
]


def shape(results):
    hits = [(h.doc_key, h.score, h.distance_km, h.explanation, h.details) for h in results.hits]
    return results.total, results.page, hits, results.facets


def test_cached_pages_equal_what_an_uncached_searcher_returns(index):
    cached, cold = Searcher(index), Searcher(index, cache_entries=0)
    for query in QUERIES:
        for page in (1, 2, 1, 3):
            asked = replace(query, page=page)
            assert shape(cached.search(asked, today=TODAY)) == shape(cold.search(asked, today=TODAY))
    assert len(cached._cache) == len(QUERIES)
    assert not cold._cache


def test_a_page_of_a_cached_query_skips_scoring_and_facets(index, monkeypatch):
    searcher = Searcher(index)
    searcher.search(SearchQuery(text="usinage", facets=True), today=TODAY)

    def fail(*args, **kwargs):
        raise AssertionError("scored again")

    monkeypatch.setattr(searcher, "_score_segment", fail)
    monkeypatch.setattr(searcher, "_facets", fail)
    second = searcher.search(SearchQuery(text="usinage", facets=True, page=2, page_size=1), today=TODAY)
    assert second.page == 2 and second.facets


def test_filters_and_day_are_part_of_the_cache_key(index):
    searcher = Searcher(index)
    everything = searcher.search(SearchQuery(text="usinage"), today=TODAY)
    narrowed = searcher.search(SearchQuery(text="usinage", departments=["999"]), today=TODAY)
    assert everything.total > 0 and narrowed.total == 0
    assert searcher.search(SearchQuery(text="usinage"), today=TODAY).total == everything.total
    assert len(searcher._cache) == 2
    searcher.search(SearchQuery(text="usinage"), today=TODAY.replace(year=TODAY.year + 1))
    assert len(searcher._cache) == 3


def test_an_index_update_empties_the_cache(taxonomy, tmp_path):
    documents = make_documents()
    index = EngineIndex.build(tmp_path / "index", taxonomy, documents)
    searcher = Searcher(index)
    before = searcher.search(SearchQuery(text="anodisation"), today=TODAY)
    assert before.total > 0
    index.update(delete=[hit.doc_key for hit in before.hits])
    after = searcher.search(SearchQuery(text="anodisation"), today=TODAY)
    assert after.total == before.total - len(before.hits)
    assert all(hit.doc_key not in {h.doc_key for h in before.hits} for hit in after.hits)


def test_the_cache_keeps_its_entry_and_byte_bounds(index):
    searcher = Searcher(index, cache_entries=2)
    for text in ("usinage", "anodisation", "fonderie", "aluminium"):
        searcher.search(SearchQuery(text=text), today=TODAY)
    assert list(key[0] for key in searcher._cache) == [
        repr(SearchQuery(text=text, page_size=1)) for text in ("fonderie", "aluminium")
    ]
    tiny = Searcher(index, cache_bytes=1)
    tiny.search(SearchQuery(text="usinage"), today=TODAY)
    assert not tiny._cache
