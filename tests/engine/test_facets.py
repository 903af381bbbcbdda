"""A facet's count is the number of results its filter returns, whatever the query."""

from dataclasses import replace
from datetime import date

import pytest

from maillage.engine import EngineDocument, EngineIndex, Searcher, SearchQuery
from maillage.engine.search import HEADCOUNT_BANDS

from .conftest import TODAY, make_documents

QUERIES = [
    {"text": "usinage"},
    {"text": "anodisation"},
    {"text": "fonderie aluminium"},
    {"networks": ["alsace-meca"]},
    {"departments": ["67"]},
]


@pytest.fixture(scope="module")
def searcher(taxonomy, tmp_path_factory):
    documents = make_documents() + [
        # The INSEE band "10 000 salariés et plus" has no upper bound.
        EngineDocument(
            "88888888800018",
            "Grand Groupe Usinage",
            naf_code="25.62B",
            description="Usinage de grandes séries, fonderie intégrée.",
            capabilities=[("proc.machining.turning", "confirmed", "core"), ("proc.foundry", "inferred")],
            certifications=[("cert.iatf16949", date(2024, 1, 1), None)],
            headcount_min=10000,
            headcount_max=None,
            department="67",
            networks=["alsace-meca"],
        ),
    ]
    documents[2] = replace(documents[2], certifications=[("cert.iso9001", date(2024, 1, 1), None)])
    return Searcher(EngineIndex.build(tmp_path_factory.mktemp("facets"), taxonomy, documents))


def run(searcher, **kwargs):
    return searcher.search(SearchQuery(**kwargs), today=TODAY)


def band_bounds(label):
    edges = [edge for edge, _ in HEADCOUNT_BANDS]
    index = [band for _, band in HEADCOUNT_BANDS].index(label)
    return edges[index], (edges[index + 1] - 1 if index + 1 < len(edges) else None)


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: next(iter(q.values())).__str__())
def test_each_capability_and_certification_facet_counts_what_its_filter_returns(searcher, query):
    results = run(searcher, facets=True, **query)
    checked = 0
    for facet, parameter in (("capability", "capabilities"), ("certification", "certifications")):
        for item in results.facets[facet]:
            filtered = run(searcher, **query, **{parameter: [item["code"]]})
            assert filtered.total == item["count"], (facet, item, filtered.total)
            assert filtered.total <= results.total
            checked += 1
    assert checked


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: next(iter(q.values())).__str__())
def test_each_headcount_facet_counts_what_its_filter_returns(searcher, query):
    results = run(searcher, facets=True, **query)
    for item in results.facets["headcount_band"]:
        if item["code"] == "inconnu":
            continue
        low, high = band_bounds(item["code"])
        filtered = run(searcher, **query, headcount_min=low, headcount_max=high)
        assert filtered.total == item["count"], (item, filtered.total)


def test_a_filter_narrows_the_text_search_instead_of_widening_it(searcher):
    machining = {hit.doc_key for hit in run(searcher, text="usinage", page_size=50).hits}
    with_sheet_metal = run(searcher, text="usinage", capabilities=["proc.sheet_metal"], page_size=50)
    assert {hit.doc_key for hit in with_sheet_metal.hits} <= machining
    assert with_sheet_metal.total == 0  # the sheet-metal shop does no machining


def test_a_parent_certification_counts_the_establishments_holding_a_child(searcher):
    facets = run(searcher, networks=["alsace-meca"], facets=True).facets["certification"]
    counts = {item["code"]: item["count"] for item in facets}
    # Tôlerie Schmitt holds ISO 9001; Alsace Anodisation EN 9100 and the group IATF 16949,
    # both built on ISO 9001.
    assert counts["cert.iso9001"] == 3
    assert counts["cert.en9100"] == 1


def test_open_ended_headcount_band_is_found_by_the_top_band(searcher):
    found = run(searcher, text="usinage", headcount_min=1000)
    assert [hit.name for hit in found.hits] == ["Grand Groupe Usinage"]
