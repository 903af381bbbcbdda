"""The coherence rules catch what the issue found in the old demo (no database needed)."""

from datetime import date

from maillage.demo.coherence import ActivityRules, Company, company_violations, size_limits

HINTS = {
    "20.42Z": [("proc.chemistry.cosmetics", 0.95), ("sector.cosmetics", 0.9), ("sector.luxury", 0.4)],
    "22.22Z": [("proc.plastics.injection", 0.8), ("sector.packaging", 0.8)],
    "25.62B": [("proc.machining", 0.95), ("sector.industrial_equipment", 0.5)],
    "25.11Z": [("proc.joining.welding", 0.8)],
    "28.29B": [("proc.assembly.final", 0.8), ("proc.machining", 0.7)],
}
PARENTS = {
    "proc.plastics.overmoulding": "proc.plastics.injection",
    "proc.plastics.injection": "proc.plastics",
    "proc.joining.welding.tig": "proc.joining.welding",
    "proc.joining.welding": "proc.joining",
    "proc.machining.milling.5axis": "proc.machining.milling",
    "proc.machining.milling": "proc.machining",
}
RULES = ActivityRules(HINTS, PARENTS)


def company(**fields) -> Company:
    return Company(
        **{"siret": "1", "naf": "25.62B", "min_employees": 20, "max_employees": 49, "created": None, **fields}
    )


def test_a_perfume_maker_buys_bottles_not_welded_assemblies():
    assert RULES.may_buy("20.42Z", "proc.plastics.overmoulding")  # below a hinted trade of 22
    assert not RULES.may_buy("20.42Z", "proc.joining.welding.tig")
    assert RULES.may_buy("28.29B", "proc.joining.welding.tig")
    assert not RULES.may_buy("20.42Z", "proc.plastics")  # broader than what plastics makers offer


def test_trades_come_from_the_naf_hints_down_the_tree():
    assert company_violations(RULES, company(trades=("proc.machining.milling.5axis",))) == []
    assert company_violations(RULES, company(naf="20.42Z", trades=("proc.joining.welding.tig",)))


def test_a_perfume_maker_listing_railway_references_is_caught():
    perfumer = company(naf="20.42Z", trades=("proc.chemistry.cosmetics",), sectors=("sector.cosmetics",))
    assert company_violations(RULES, perfumer) == []
    railway = company(
        naf="20.42Z", trades=("proc.chemistry.cosmetics",), sectors=("sector.cosmetics", "sector.rail"),
        reference_clients=("un constructeur ferroviaire",),
    )  # fmt: skip
    assert len(company_violations(RULES, railway)) == 2


def test_a_two_person_company_has_one_or_two_modest_machines():
    limits = size_limits(2, 1)
    assert limits.machines == 2 and limits.per_type == 1 and limits.force_tf <= 100
    assert size_limits(None, None) == limits  # unknown band: the smallest class
    heavy = company(
        min_employees=1, max_employees=2,
        equipment=(
            ("equip.machine_tool.machining_centre.5axis", 2, {}),
            ("equip.press.hydraulic", 1, {"force": 580.0}),
        ),
    )  # fmt: skip
    found = company_violations(RULES, heavy)
    assert any("plus de 2 machines" in f for f in found)
    assert any("2 × equip.machine_tool" in f for f in found)
    assert any("580 tf" in f for f in found)
    modest = company(
        min_employees=1, max_employees=2, equipment=(("equip.press.hydraulic", 1, {"force": 80.0}),)
    )
    assert company_violations(RULES, modest) == []


def test_a_year_before_the_creation_date_is_caught():
    created = date(2001, 5, 1)
    assert company_violations(RULES, company(created=created, description="Depuis 1964, usinage."))
    assert company_violations(RULES, company(created=created, description="PME familiale créée en 1999."))
    assert company_violations(RULES, company(created=created, description="Depuis 2001, usinage.")) == []
    assert company_violations(RULES, company(description="Depuis 2001, usinage."))  # no known date: no year
    assert company_violations(
        RULES, company(created=created, description="Atelier de 60 personnes, usinage.")
    )
