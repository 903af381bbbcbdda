"""Quantities in hours per week: the consortium builder compares them with the declared free capacity.

The needs here address chosen companies, so their candidates are those companies (no search
index to build); the capability node is a small animator node, the profiles are written through
the profile services.
"""

import math

import pytest
from django.urls import reverse

from maillage.engine.consortium import INFEASIBLE, OPTIMAL
from maillage.needs.consortium import need_consortium_propose, need_quantity_rules
from maillage.needs.services import CapabilityInput
from maillage.needs.units import is_hours_per_week
from maillage.profiles.models import ChangeSource
from maillage.profiles.services import profile_capability_set, profile_update
from tests.directory.factories import NetworkFactory
from tests.needs.factories import capability_node, chosen_need, member
from tests.referential.factories import CommuneFactory

MILLING = "proc.test.milling"
WELDING = "proc.test.welding"

# --- the unit parser ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "unit",
    [
        "h/semaine",
        "h / sem",
        "h/sem.",
        "H/Sem.",
        "heures/semaine",
        "heures par semaine",
        "Heures  par  Semaine",
        "heure/semaine",
        "h par semaine",
        "hebdo h",
        "h hebdo",
        "heures hebdomadaires",
        "h/week",
        "hours/week",
        "hours per week",
        "hrs/wk",
        " h/semaine ",
        "h à la semaine",
        "h/semaines",
    ],
)
def test_hours_per_week_spellings_are_recognised(unit):
    assert is_hours_per_week(unit)


@pytest.mark.parametrize(
    "unit",
    [
        "",
        None,
        "pièces",
        "pièces / mois",
        "pièces/semaine",
        "h",
        "heures",
        "semaine",
        "h/mois",
        "h/jour",
        "h/an",
        "jours/semaine",
        "h/s",
        "ETP",
        "h/semaine de soudure",
        "kg/semaine",
        "hebdo",
        "chaque semaine",
    ],
)
def test_other_units_are_not_recognised(unit):
    assert not is_hours_per_week(unit)


# --- the builder --------------------------------------------------------------------------


def _world(hours, *, codes=(MILLING,)):
    """A network, an author, and one company per (name → declared hours per week or None),
    each confirming ``codes``, all within a few km of the place of work."""
    network = NetworkFactory()
    author, author_establishment = member(network)
    commune = CommuneFactory(latitude=48.58, longitude=7.75)
    for code in codes:
        capability_node(code)
    companies = {}
    for i, (name, declared) in enumerate(hours.items()):
        user, establishment = member(network)
        establishment.name = name
        establishment.latitude, establishment.longitude = 48.58 + 0.01 * (i + 1), 7.75
        establishment.save()
        for code in codes:
            profile_capability_set(
                establishment=establishment, code=code, actor=user, source=ChangeSource.MEMBER
            )
        if declared is not None:
            profile_update(
                establishment=establishment,
                actor=user,
                source=ChangeSource.MEMBER,
                capacity_hours_per_week=declared,
            )
        companies[name] = establishment
    return {
        "network": network,
        "author": author,
        "author_establishment": author_establishment,
        "commune": commune,
        **companies,
    }


def _shares(group, code=MILLING):
    names = {m.establishment_id: m.name for m in group.members}
    return {names[c.establishment_id]: c.capacity for c in group.contributions if c.capability == code}


@pytest.mark.django_db
def test_hundred_hours_need_two_of_three_companies_and_the_shares_sum_to_the_quantity():
    world = _world({"Alpha": 60, "Bravo": 50, "Charlie": 30})
    need = chosen_need(world, [CapabilityInput(MILLING, quantity="100", unit="h/semaine")])
    result = need_consortium_propose(need=need, actor=world["author"], k=3).result
    assert result.status == OPTIMAL
    assert result.groups
    for group in result.groups:
        shares = _shares(group)
        assert len(group.members) == 2, shares  # no single company has 100 h free
        assert math.isclose(sum(shares.values()), 100.0)
        declared = {"Alpha": 60, "Bravo": 50, "Charlie": 30}
        assert all(0 < hours <= declared[name] for name, hours in shares.items())
    # 100 h take two companies, and only Alpha + Bravo (110 h) reach it: Alpha + Charlie
    # (90 h) and Bravo + Charlie (80 h) fall short, all three would not be minimal.
    assert [set(_shares(g)) for g in result.groups] == [{"Alpha", "Bravo"}]


@pytest.mark.django_db
def test_without_the_quantity_a_single_company_covers():
    world = _world({"Alpha": 60, "Bravo": 50, "Charlie": 30})
    need = chosen_need(world, [CapabilityInput(MILLING)])
    result = need_consortium_propose(need=need, actor=world["author"], k=1).result
    assert result.status == OPTIMAL and len(result.groups[0].members) == 1
    assert [c.capacity for c in result.groups[0].contributions] == [None]


@pytest.mark.django_db
def test_a_company_without_declared_hours_does_not_count_towards_the_quantity():
    # Nearest to the place and offering the capability, but no declared capacity.
    world = _world({"Zulu": None, "Alpha": 60, "Bravo": 50})
    need = chosen_need(world, [CapabilityInput(MILLING, quantity="100", unit="heures par semaine")])
    result = need_consortium_propose(need=need, actor=world["author"], k=3).result
    assert result.status == OPTIMAL
    assert [set(_shares(g)) for g in result.groups] == [{"Alpha", "Bravo"}]
    assert all("Zulu" not in {m.name for m in g.members} for g in result.groups)


@pytest.mark.django_db
def test_an_unrecognised_unit_is_not_enforced():
    world = _world({"Alpha": 60, "Bravo": 50, "Charlie": 30})
    need = chosen_need(world, [CapabilityInput(MILLING, quantity="100", unit="pièces")])
    result = need_consortium_propose(need=need, actor=world["author"], k=1).result
    assert result.status == OPTIMAL and len(result.groups[0].members) == 1
    (rule,) = need_quantity_rules(need)
    assert rule.code == MILLING and not rule.enforced and rule.unit == "pièces"


@pytest.mark.django_db
def test_infeasible_when_the_declared_hours_fall_short():
    world = _world({"Alpha": 60, "Bravo": 30, "Zulu": None})
    need = chosen_need(world, [CapabilityInput(MILLING, quantity="100", unit="h/sem.")])
    result = need_consortium_propose(need=need, actor=world["author"], k=3).result
    assert result.status == INFEASIBLE and not result.groups
    (row,) = result.infeasibility.uncovered
    assert row.code == MILLING and row.quantity == 100.0 and row.available == 90.0


# --- the page -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_panel_says_which_quantities_are_enforced_and_shows_each_share(client):
    world = _world({"Alpha": 60, "Bravo": 50}, codes=(MILLING, WELDING))
    need = chosen_need(
        world,
        [
            CapabilityInput(MILLING, quantity="100", unit="h/semaine"),
            CapabilityInput(WELDING, quantity="500", unit="pièces"),
        ],
    )
    client.force_login(world["author"])
    response = client.get(reverse("needs:consortium", args=[need.pk]), {"max_partners": 5, "alternatives": 1})
    assert response.status_code == 200
    # French spacing (non-breaking before « : », narrow before « ; ») read as plain spaces.
    page = response.content.decode().replace("\u00a0", " ").replace("\u202f", " ")
    assert "quantité prise en compte : 100 h/semaine, d’après la capacité disponible déclarée" in page
    assert (
        "500 pièces : quantité indiquée mais non prise en compte : unité non reconnue ; "
        "seules les heures par semaine sont comparées aux capacités déclarées"
    ) in page
    (group,) = response.context["groups"]
    shares = {m["name"]: [(s["label"], s["hours"]) for s in m["shares"]] for m in group["members"]}
    assert shares == {
        "Alpha": [("Libellé proc.test.milling", 60.0)],
        "Bravo": [("Libellé proc.test.milling", 40.0)],
    }
    assert "Libellé proc.test.milling : 60 h/semaine sur 100" in page
    assert "Libellé proc.test.milling : 40 h/semaine sur 100" in page


@pytest.mark.django_db
def test_the_panel_shows_available_against_required_hours_when_infeasible(client):
    world = _world({"Alpha": 60, "Bravo": 30})
    need = chosen_need(world, [CapabilityInput(MILLING, quantity="100", unit="hours/week")])
    client.force_login(world["author"])
    response = client.get(reverse("needs:consortium", args=[need.pk]), {"max_partners": 5, "alternatives": 1})
    page = response.content.decode()
    assert "Aucun groupement ne satisfait le besoin et les contraintes." in page
    assert "90 h/semaine disponibles (capacités déclarées) pour 100 h/semaine demandées" in page
    assert "aucune entreprise candidate ne le propose" not in page
