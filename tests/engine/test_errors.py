import pytest

from maillage.engine import EquipmentConstraint, Location, QueryError, SearchQuery


@pytest.mark.parametrize(
    ("query", "field"),
    [
        (SearchQuery(text="   "), "text"),
        (SearchQuery(text="usinage " * 1300), "text"),
        (SearchQuery(text="usinage", location=Location(48.8, 7.8, radius_km=-5)), "radius_km"),
        (SearchQuery(text="usinage", location=Location(48.8, 7.8, radius_km=40000)), "radius_km"),
        (SearchQuery(text="usinage", location=Location(148.8, 7.8, radius_km=10)), "location.lat"),
        (SearchQuery(capabilities=["proc.does_not_exist"]), "capabilities"),
        (SearchQuery(certifications=["proc.machining"]), "certifications"),
        (
            SearchQuery(equipment=[EquipmentConstraint("equip.press", "colour", minimum=1)]),
            "equipment[0].spec",
        ),
        (SearchQuery(text="usinage", headcount_min=50, headcount_max=10), "headcount_max"),
        (SearchQuery(text="usinage", page=0), "page"),
        (SearchQuery(text="usinage", page_size=1000), "page_size"),
    ],
)
def test_bad_input_raises_a_query_error_naming_the_field(searcher, query, field):
    with pytest.raises(QueryError) as caught:
        searcher.search(query)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field} : ")


def test_unknown_capability_message_names_the_code(searcher):
    with pytest.raises(QueryError, match="proc.nope"):
        searcher.search(SearchQuery(capabilities=["proc.nope"]))
