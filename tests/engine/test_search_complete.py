"""No dead end (issue 13, item 4): complete answers first, the closest when none, what each lacks."""

from maillage.engine import EquipmentConstraint, Location, SearchQuery
from tests.engine.conftest import TODAY

STRASBOURG = (48.5734, 7.7521)


def search(searcher, **kwargs):
    return searcher.search(SearchQuery(**kwargs), today=TODAY)


def by_name(results) -> dict:
    return {hit.name: hit for hit in results.hits}


def test_results_meeting_every_requirement_come_first_and_say_so(searcher):
    results = search(searcher, text="anodisation dure EN 9100")
    hits = by_name(results)
    assert results.complete_total == 1
    assert results.hits[0].name == "Alsace Anodisation"
    assert hits["Alsace Anodisation"].complete and hits["Alsace Anodisation"].lacking == []
    # Ets Martin mentions hard anodizing but holds no EN 9100: a partial answer, never complete.
    martin = hits["Ets Martin"]
    assert not martin.complete
    assert martin.lacking == [{"kind": "certification", "code": "cert.en9100", "label": "EN 9100"}]
    flags = [hit.complete for hit in results.hits]
    assert flags == sorted(flags, reverse=True)  # every complete hit before every partial one


def test_an_expired_certificate_is_lacked_even_when_typed_in_the_text(searcher):
    results = search(searcher, text="fraisage 5 axes ISO 9001")
    hits = by_name(results)
    assert results.complete_total == 0
    # Précision Lyonnaise's ISO 9001 ended in 2023.
    assert hits["Précision Lyonnaise"].lacking == [
        {"kind": "certification", "code": "cert.iso9001", "label": "ISO 9001"}
    ]
    assert "« iso 9001 » : non trouvé" in hits["Précision Lyonnaise"].explanation
    # EN 9100 counts as ISO 9001; what Alsace Anodisation lacks is the milling.
    assert [item["code"] for item in hits["Alsace Anodisation"].lacking] == ["proc.machining.milling.5axis"]


def test_every_word_is_required_when_the_text_names_no_concept(searcher):
    results = search(searcher, text="pièces par mois")
    hits = by_name(results)
    assert results.hits[0].name == "Fonderie du Rhin" and hits["Fonderie du Rhin"].complete
    assert hits["Alsace Anodisation"].lacking == [{"kind": "word", "word": "mois"}]
    assert results.complete_total == 1


def test_other_words_rank_but_do_not_exclude_when_the_text_names_a_concept(searcher):
    results = search(searcher, text="fraisage 5 axes pièces complexes")
    assert by_name(results)["Précision Lyonnaise"].complete


def test_a_structured_equipment_bound_is_a_requirement(searcher):
    results = search(
        searcher,
        text="anodisation",
        equipment=[EquipmentConstraint("equip.press", "force", minimum=300)],
        strict=False,
    )
    hits = by_name(results)
    assert hits["Alsace Anodisation"].complete
    assert hits["Ets Martin"].lacking == [{"kind": "equipment", "code": "equip.press", "label": "Presse"}]


def test_relaxing_is_off_by_default(searcher):
    results = search(searcher, text="découpe jet d'eau")
    assert results.relaxed == []
    assert all(not concept.broader_of for concept in results.interpretation.concepts)
    assert (
        search(searcher, capabilities=["proc.machining.milling.5axis"], certifications=["cert.en9100"]).total
        == 0
    )


def test_a_concept_nobody_holds_is_tried_through_its_parent_and_stays_lacking(searcher):
    for text in ("découpe jet d'eau", "waterjet cutting"):
        results = search(searcher, text=text, relax=True)
        assert results.relaxed == [
            {
                "kind": "broader",
                "asked": "proc.sheet_metal.cutting.waterjet",
                "phrase": results.relaxed[0]["phrase"],
                "used": "proc.sheet_metal.cutting",
            }
        ]
        first = results.hits[0]
        assert first.name == "Tôlerie Schmitt"
        assert not first.complete and results.complete_total == 0
        assert first.lacking[0]["code"] == "proc.sheet_metal.cutting.waterjet"
        detail = next(d for d in first.details if d["kind"] == "capability")
        assert detail["matched"] is None and detail["closest"] == "proc.sheet_metal.cutting.laser"
        assert "le plus proche : Découpe de tôles › Découpe laser" in first.explanation


def test_complete_answers_beyond_the_radius_come_before_nothing_within_it(searcher):
    near = Location(*STRASBOURG, radius_km=5, label="Strasbourg")
    assert search(searcher, text="anodisation dure", location=near).total == 0
    results = search(searcher, text="anodisation dure", location=near, relax=True)
    assert results.relaxed == [{"kind": "place", "radius_km": 5, "departments": [], "territory": False}]
    assert results.hits[0].name == "Alsace Anodisation" and results.hits[0].complete
    assert results.hits[0].distance_km > 5
    assert "dans le rayon" not in results.hits[0].explanation


def test_structured_requirements_nobody_meets_together_rank_by_coverage(searcher):
    results = search(
        searcher,
        capabilities=["proc.machining.milling.5axis"],
        certifications=["cert.en9100"],
        relax=True,
    )
    assert results.relaxed == [{"kind": "requirements"}]
    hits = by_name(results)
    assert hits["Précision Lyonnaise"].lacking[0]["code"] == "cert.en9100"
    assert hits["Alsace Anodisation"].lacking[0]["code"] == "proc.machining.milling.5axis"
    assert results.complete_total == 0 and not any(hit.complete for hit in results.hits)


def test_unknown_words_are_reported_with_a_close_word_when_the_index_has_one(searcher):
    plan = search(searcher, text="anodisation xyzzy").interpretation
    assert plan.unknown == ["xyzzy"] and plan.suggestions == {}
    # Two edits from « laiton »: too far to correct silently, close enough to suggest.
    plan = search(searcher, text="axiton").interpretation
    assert plan.corrections == {} and plan.unknown == ["axiton"]
    assert plan.suggestions == {"axiton": "laiton"}


def test_the_text_can_be_searched_as_typed(searcher):
    corrected = search(searcher, text="anodistion dure").interpretation
    assert corrected.corrections == {"anodistion": "anodisation"}
    as_typed = search(searcher, text="anodistion dure", correct_typos=False).interpretation
    assert as_typed.corrections == {} and as_typed.unknown == ["anodistion"]


def test_a_territory_keeps_only_its_documents(searcher):
    results = search(searcher, text="anodisation", territory_doc_keys=["55555555500015"])
    assert [hit.name for hit in results.hits] == ["Ets Martin"]
    assert search(searcher, territory_doc_keys=[]).total == 0
