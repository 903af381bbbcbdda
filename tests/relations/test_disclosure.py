"""Statistical disclosure control of the leakage figures (pure, no database)."""

import itertools
import random

from maillage.relations.leakage import OTHERS, SpendRecord, protect


def spend(category, buyers, suppliers, amount=100.0, inside=False):
    """One record per (buyer, supplier) pair."""
    return [
        SpendRecord(f"b{b}", f"s{s}", category, amount, inside)
        for b, s in itertools.product(range(buyers), range(suppliers))
    ]


def keys(result):
    return [c.key for c in result.categories]


def test_category_with_three_buyers_and_suppliers_is_shown():
    result = protect(spend("a", 3, 3) + spend("b", 3, 3), labels={}, addressable=set())
    assert sorted(keys(result)) == ["a", "b"]
    assert result.total == 1800


def test_category_with_two_suppliers_is_pooled_with_enough_others():
    records = spend("big", 4, 4) + spend("x", 3, 2) + spend("y", 3, 2, amount=50)
    records = [
        r if r.category != "y" else SpendRecord(r.buyer, "t" + r.supplier, "y", r.amount, False)
        for r in records
    ]
    result = protect(records, labels={"big": "Big"}, addressable=set())
    assert keys(result) == ["big", OTHERS]
    others = result.categories[-1]
    assert others.merged == 2
    assert others.outside == 3 * 2 * 100 + 3 * 2 * 50


def test_pool_that_fails_alone_absorbs_the_smallest_shown_category():
    records = spend("big", 5, 5, amount=1000) + spend("small", 3, 3, amount=10) + spend("lonely", 1, 1)
    result = protect(records, labels={}, addressable=set())
    assert keys(result) == ["big", OTHERS]
    assert result.categories[-1].merged == 2
    assert result.total == sum(r.amount for r in records)


def test_everything_withheld_when_even_the_pool_of_all_fails():
    result = protect(spend("a", 2, 5) + spend("b", 2, 5), labels={}, addressable=set())
    assert result.withheld
    assert result.categories == []


def test_inside_part_from_a_single_local_supplier_is_not_shown_on_its_own():
    """5 outside suppliers but one inside: the inside figure would be that supplier's sales."""
    records = spend("a", 3, 5) + [SpendRecord(f"b{i}", "local", "a", 70.0, True) for i in range(3)]
    records += spend("z", 4, 4)
    result = protect(records, labels={}, addressable=set())
    assert "a" not in keys(result)


def test_addressable_amount_of_the_pool_is_withheld_when_it_isolates_a_category():
    records = spend("big", 4, 4) + spend("x", 2, 2) + spend("y", 2, 2)
    records = [
        r if r.category != "y" else SpendRecord("o" + r.buyer, "o" + r.supplier, "y", r.amount, False)
        for r in records
    ]
    result = protect(records, labels={}, addressable={"x"})
    others = result.categories[-1]
    assert others.key == OTHERS
    assert others.addressable is None
    assert result.addressable == 0


def test_addressable_is_the_outside_spend_of_addressable_categories():
    records = spend("a", 3, 3, amount=10) + spend("a", 3, 3, amount=5, inside=True)
    result = protect(records, labels={}, addressable={"a"})
    (category,) = result.categories
    assert category.outside == 90 and category.inside == 45 and category.addressable == 90


def test_random_worlds_never_show_a_figure_from_fewer_than_three_contributors():
    rng = random.Random(7)
    for _ in range(200):
        records = []
        for category in "abcdefg":
            for _ in range(rng.randint(0, 8)):
                records.append(
                    SpendRecord(
                        f"b{rng.randint(0, 5)}",
                        f"s{rng.randint(0, 9)}",
                        category,
                        float(rng.randint(1, 1000)),
                        rng.random() < 0.3,
                    )
                )
        result = protect(records, labels={}, addressable=set("abc"))
        if result.withheld:
            continue
        total = sum(r.amount for r in records)
        assert abs(result.total - total) < 1e-6
        pooled = set("abcdefg") - set(keys(result))
        for figures in result.categories:
            members = pooled if figures.key == OTHERS else {figures.key}
            for inside in (True, False):
                part = [r for r in records if r.category in members and r.inside is inside]
                if part:
                    assert len({r.buyer for r in part}) >= 3
                    assert len({r.supplier for r in part}) >= 3
