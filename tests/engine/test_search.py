from datetime import date

import pytest

from maillage.engine import EquipmentConstraint, Location, SearchQuery

from .conftest import HAGUENAU, TODAY, names


def run(searcher, **kwargs):
    return searcher.search(SearchQuery(**kwargs), today=TODAY)


def test_synonym_finds_the_declared_capability_first(searcher):
    results = run(searcher, text="oxydation anodique dure")
    assert names(results)[0] == "Alsace Anodisation"
    assert "Anodisation dure" in results.hits[0].explanation


def test_english_text_matches_french_profiles(searcher):
    results = run(searcher, text="hard anodizing")
    assert set(names(results)[:2]) == {"Alsace Anodisation", "Ets Martin"}


def test_parent_concept_matches_descendants(searcher):
    results = run(searcher, text="usinage")
    assert {"Usinage Dupont", "Précision Lyonnaise", "Atelier sans adresse"} <= set(names(results))
    lyon = next(hit for hit in results.hits if hit.name == "Précision Lyonnaise")
    assert "Usinage › Fraisage 5 axes" in lyon.explanation


def test_confirmed_ranks_above_inferred(searcher):
    results = run(searcher, capabilities=["proc.machining.milling"])
    assert names(results)[:2] == ["Précision Lyonnaise", "Usinage Dupont"]
    # Its NAF code implies milling and its description says « fraisage »: named in its own words.
    assert "cité dans sa présentation" in results.hits[1].explanation
    assert names(run(searcher, capabilities=["proc.machining.milling"], confirmed_only=True)) == [
        "Précision Lyonnaise"
    ]


def test_description_only_profiles_are_found_through_mentions(searcher):
    results = run(searcher, text="fonderie sous pression aluminium")
    assert names(results)[0] == "Fonderie du Rhin"
    assert "cité dans sa présentation" in results.hits[0].explanation


def test_typo_is_corrected_and_reported(searcher):
    results = run(searcher, text="anodisaton dure")
    assert results.interpretation.corrections == {"anodisaton": "anodisation"}
    assert names(results)[0] == "Alsace Anodisation"


def test_unknown_words_only_find_nothing(searcher):
    assert run(searcher, text="zzzqqq").total == 0


def test_certification_must_be_valid_at_the_date(searcher):
    valid_now = set(names(run(searcher, certifications=["cert.iso9001"])))
    assert valid_now == {"Tôlerie Schmitt", "Alsace Anodisation"}
    # EN 9100 includes ISO 9001 (child node); Lyon's ISO 9001 expired in 2023.
    in_2021 = searcher.search(
        SearchQuery(certifications=["cert.iso9001"], certification_date=date(2021, 6, 1))
    )
    assert names(in_2021) == ["Précision Lyonnaise"]
    text = run(searcher, certifications=["cert.en9100"]).hits[0].explanation
    assert "EN 9100 valable le 12/03/2026 (jusqu'au 01/01/2027)" in text


def test_equipment_specification_bounds(searcher):
    big = run(searcher, equipment=[EquipmentConstraint("equip.press", "force", minimum=300)])
    assert names(big) == ["Alsace Anodisation"]
    assert "force nominale 400 tf (≥ 300 tf demandé)" in big.hits[0].explanation
    small = run(searcher, equipment=[EquipmentConstraint("equip.press", "force", maximum=250)])
    assert names(small) == ["Précision Lyonnaise"]
    assert len(run(searcher, equipment=[EquipmentConstraint("equip.press")]).hits) == 2


def test_headcount_naf_department_network_and_exclusions(searcher):
    assert set(names(run(searcher, headcount_min=50))) == {"Fonderie du Rhin", "Précision Lyonnaise"}
    assert names(run(searcher, headcount_max=9)) == ["Ets Martin"]
    assert set(names(run(searcher, naf_codes=["25.61"]))) == {"Alsace Anodisation", "Ets Martin"}
    assert set(names(run(searcher, departments=["68", "69"]))) == {"Usinage Dupont", "Précision Lyonnaise"}
    assert set(names(run(searcher, networks=["alsace-meca"]))) == {"Alsace Anodisation", "Tôlerie Schmitt"}
    excluded = run(searcher, text="usinage", exclude_capabilities=["proc.machining.milling"])
    assert "Précision Lyonnaise" not in names(excluded) and "Usinage Dupont" not in names(excluded)
    assert "Fonderie du Rhin" not in names(
        run(searcher, text="fonderie aluminium", exclude_doc_keys=["33333333300013"])
    )


def test_soft_requirements_rank_by_coverage(searcher):
    query = {"capabilities": ["proc.surface.anodising.hard", "proc.sheet_metal.cutting.laser"]}
    assert run(searcher, **query).total == 0
    soft = run(searcher, strict=False, **query)
    # Ets Martin's description mentions hard anodizing: a weaker claim, still a match.
    assert set(names(soft)) == {"Alsace Anodisation", "Tôlerie Schmitt", "Ets Martin"}
    assert names(soft)[-1] == "Ets Martin"


def test_radius_is_a_hard_limit_and_nearer_ranks_higher(searcher):
    near = Location(*HAGUENAU, radius_km=30, label="Haguenau")
    results = run(searcher, networks=["alsace-meca"], location=near)
    assert names(results) == ["Alsace Anodisation", "Tôlerie Schmitt"]
    assert results.hits[1].distance_km == pytest.approx(10.3, abs=1.0)
    assert "de Haguenau (Brumath), dans le rayon de 30 km" in results.hits[1].explanation
    assert names(run(searcher, text="fonderie", location=near)) == ["Fonderie du Rhin"]  # 27 km
    closer = Location(*HAGUENAU, radius_km=15)
    assert run(searcher, text="fonderie", location=closer).total == 0


def test_distance_decay_reorders_without_excluding(searcher):
    plain = names(run(searcher, text="anodisation"))
    decayed = run(searcher, text="anodisation", location=Location(48.8566, 2.3522, decay_km=20))
    assert set(names(decayed)) == set(plain)
    assert names(decayed)[0] == "Ets Martin"


def test_facets_count_the_whole_result_set(searcher):
    results = run(searcher, text="usinage", facets=True, page_size=1)
    assert len(results.hits) == 1 and results.total >= 3
    departments = {item["code"]: item["count"] for item in results.facets["department"]}
    assert departments["68"] == 1 and departments["69"] == 1
    capabilities = {item["code"] for item in results.facets["capability"]}
    assert "proc.machining.milling.5axis" in capabilities
    bands = {item["code"]: item["count"] for item in results.facets["headcount_band"]}
    assert bands["100-249"] == 1 and bands["inconnu"] == 1
    certified = run(searcher, networks=["alsace-meca"], facets=True).facets["certification"]
    assert {item["code"] for item in certified} == {"cert.en9100", "cert.iso9001"}


def test_pagination_splits_a_stable_order(searcher):
    whole = names(run(searcher, text="usinage fraisage anodisation", page_size=50))
    pages = [
        names(run(searcher, text="usinage fraisage anodisation", page=p, page_size=2)) for p in (1, 2, 3)
    ]
    assert sum(pages, []) == whole[:6]
    assert run(searcher, text="usinage", page=40, page_size=10).hits == []


def test_every_hit_carries_structured_details(searcher):
    hit = run(searcher, text="anodisation dure", location=Location(*HAGUENAU, decay_km=50)).hits[0]
    kinds = {detail["kind"] for detail in hit.details}
    assert {"capability", "text", "distance"} <= kinds
    capability = next(d for d in hit.details if d["kind"] == "capability")
    assert capability == {
        "kind": "capability",
        "requested": "proc.surface.anodising.hard",
        "matched": "proc.surface.anodising.hard",
        "status": "confirmed",
    }
