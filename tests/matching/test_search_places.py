"""The search box reads places and buyer phrasing; evidence before inference (issue 13, 1 and 3).

On the demo territory, through ``search_run`` (what the API and ``maillage search`` call).
"""

import pytest

from maillage.directory.models import Establishment
from maillage.matching.places import place_extract
from maillage.matching.search import SearchRequest, search_run_with_place

pytestmark = pytest.mark.django_db


def _run(q: str, **kwargs):
    return search_run_with_place(SearchRequest(q=q, limit=100, **kwargs))


def _words(hit) -> set[str]:
    return {d["word"] for d in hit.details if d["kind"] == "text"}


def _departments(hits) -> set[str]:
    sirets = [hit.doc_key for hit in hits]
    return set(
        Establishment.objects.filter(siret__in=sirets).values_list("commune__department_id", flat=True)
    )


def test_pres_de_haguenau_is_the_location_not_a_word_of_the_names(demo_index):
    results, place = _run("anodisation dure près de Haguenau")
    assert place is not None and place.label == "Haguenau (67)" and place.phrase == "près de Haguenau"
    assert place.text == "anodisation dure" and place.radius_km is None  # decay: nearer first
    assert results.hits
    assert all("haguenau" not in _words(hit) for hit in results.hits)
    assert all(hit.distance_km is not None for hit in results.hits)
    # The one that said it does hard anodising comes first.
    first = [d for d in results.hits[0].details if d["kind"] == "capability"][0]
    assert first["matched"] == "proc.surface.anodising.hard" and first["status"] != "inferred"


def test_a_written_radius_is_a_hard_limit(demo_index):
    results, place = _run("usinage à 30 km de Haguenau")
    assert place.radius_km == 30 and place.text == "usinage"
    assert results.hits and all(hit.distance_km <= 30 for hit in results.hits)


@pytest.mark.parametrize("q", ["usinage dans le 67", "usinage en Bas-Rhin", "usinage dans le Bas-Rhin"])
def test_a_department_written_in_the_text_filters_on_it(demo_index, q):
    results, place = _run(q)
    assert place.department == "67" and place.text == "usinage"
    assert results.hits and _departments(results.hits) == {"67"}


def test_postal_code_and_trailing_commune_are_places(demo_index):
    assert _run("anodisation 67500")[1].label == "Haguenau (67)"
    assert _run("anodisation Haguenau")[1].label == "Haguenau (67)"
    assert _run("soudure autour de Strasbourg")[1].label == "Strasbourg (67)"


def test_a_place_alone_lists_the_companies_there_not_those_named_after_it(demo_index):
    results, place = _run("Haguenau")
    assert place.text == "" and place.radius_km == 30
    assert results.hits and all(hit.distance_km <= 30 for hit in results.hits)
    assert results.hits[0].distance_km < 1


def test_trade_words_are_never_read_as_a_commune(demo_index):
    assert _run("usinage 5 axes")[1] is None
    assert _run("fraisage sur mesure")[1] is None
    assert _run("anodisation dure")[1] is None


def test_near_given_or_reading_undone_keeps_the_text_as_typed(demo_index):
    results, place = _run("anodisation près de Haguenau", near="Strasbourg")
    assert place is None and results.hits[0].distance_km is not None
    results, place = _run("anodisation près de Haguenau", read_place=False)
    assert place is None and all(hit.distance_km is None for hit in results.hits)


def test_a_lone_number_never_matches_on_its_own(demo_index):
    assert _run("5")[0].total == 0
    results, _place = _run("usinage 5 axes")
    for hit in results.hits:
        capabilities = [d for d in hit.details if d["kind"] == "capability" and d["matched"]]
        assert capabilities or _words(hit) - {"5"}, hit.explanation


def test_inferred_claims_rank_below_every_said_claim_of_the_capability(demo_index):
    results, _place = _run("usinage 5 axes")
    statuses = []
    for hit in results.hits:
        found = [d["status"] for d in hit.details if d["kind"] == "capability" and d["matched"]]
        statuses.append("said" if set(found) - {"inferred"} else "inferred" if found else "none")
    assert "said" in statuses and "inferred" in statuses
    last_said = max(i for i, s in enumerate(statuses) if s == "said")
    assert all(s == "said" for s in statuses[: last_said + 1])


def test_a_company_name_still_finds_the_company_first(demo_index):
    # Names that also name a capability (« Injection plastique … »): concepts in the query.
    names = Establishment.objects.filter(source="demo", name__icontains="injection").values_list(
        "name", flat=True
    )
    assert len(set(names)) >= 3
    for name in sorted(set(names)):
        results, place = _run(name)
        assert place is None
        assert results.hits[0].name == name


def test_place_extract_reads_the_phrases_without_the_engine(demo_index):
    reading = place_extract("tôlerie fine, à 25 km de Haguenau, urgent")
    assert (reading.label, reading.radius_km, reading.text) == ("Haguenau (67)", 25.0, "tôlerie fine, urgent")
    assert place_extract("peinture vers Strasbourg").label == "Strasbourg (67)"
    assert place_extract("usinage de pièces") is None
