"""Declared hours per week older than 90 days (or undated) do not count towards a quantity.

The platform's freshness rule for available capacity (``profiles.selectors.CAPACITY_FRESHNESS``:
stated at most 90 days ago) applies to the consortium builder: stale hours count as not declared,
and the panel says how many candidates are concerned and which members. "Today" is captured once
and passed to the builder (or patched into its module for the page), so no test depends on the
clock moving.
"""

import datetime
import types

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.engine.consortium import INFEASIBLE, OPTIMAL
from maillage.needs import consortium
from maillage.needs.consortium import need_consortium_propose
from maillage.needs.services import CapabilityInput
from maillage.profiles.models import ChangeSource, Profile
from maillage.profiles.selectors import CAPACITY_FRESHNESS
from maillage.profiles.services import profile_capability_set, profile_update
from maillage.taxonomy.services import taxonomy_refresh_tree_paths
from maillage.www.typography import NBSP
from tests.directory.factories import NetworkFactory
from tests.needs.factories import capability_node, chosen_need, member
from tests.referential.factories import CommuneFactory

MILLING = "proc.test.milling"
WELDING = "proc.test.welding"
UNDATED = "undated"


def _world(today, companies):
    """A network, an author, and one company per name → (declared hours, days before ``today``
    the hours were stated or UNDATED, capabilities it confirms), a few km from the place of work."""
    network = NetworkFactory()
    author, author_establishment = member(network)
    commune = CommuneFactory(latitude=48.58, longitude=7.75)
    world = {"network": network, "author": author, "author_establishment": author_establishment}
    world["commune"] = commune
    for i, (name, (hours, age, codes)) in enumerate(companies.items()):
        user, establishment = member(network)
        establishment.name = name
        establishment.latitude, establishment.longitude = 48.58 + 0.01 * (i + 1), 7.75
        establishment.save()
        for code in codes:
            capability_node(code)
            profile_capability_set(
                establishment=establishment, code=code, actor=user, source=ChangeSource.MEMBER
            )
        stated_on = None if age == UNDATED else today - datetime.timedelta(days=age)
        profile_update(
            establishment=establishment,
            actor=user,
            source=ChangeSource.MEMBER,
            capacity_hours_per_week=hours,
            **({"capacity_stated_on": stated_on} if stated_on else {}),
        )
        if age == UNDATED:  # as imported before the date was kept: hours, no date
            Profile.objects.filter(establishment=establishment).update(capacity_stated_on=None)
        world[name] = establishment
    taxonomy_refresh_tree_paths()  # else an empty tree path makes every node a descendant of each
    return world


def _groups(result):
    return [{m.name for m in group.members} for group in result.groups]


HUNDRED_HOURS = [CapabilityInput(MILLING, quantity="100", unit="h/semaine")]


def test_the_rule_is_the_profiles_one():
    # The panel's sentences say « plus de 90 jours »: they must change with the rule.
    assert datetime.timedelta(days=90) == CAPACITY_FRESHNESS


@pytest.mark.django_db
def test_hours_declared_200_days_ago_do_not_count_and_the_group_takes_another_company():
    today = timezone.localdate()
    world = _world(
        today,
        {"Alpha": (60, 200, [MILLING]), "Bravo": (50, 10, [MILLING]), "Charlie": (50, 10, [MILLING])},
    )
    need = chosen_need(world, HUNDRED_HOURS)
    outcome = need_consortium_propose(need=need, actor=world["author"], k=3, today=today)
    assert outcome.result.status == OPTIMAL
    # Fresh, Alpha's 60 h would make Alpha + Bravo and Alpha + Charlie groups too.
    assert _groups(outcome.result) == [{"Bravo", "Charlie"}]
    assert outcome.stale_capacity == {world["Alpha"].siret: today - datetime.timedelta(days=200)}


@pytest.mark.django_db
def test_hours_declared_10_days_ago_count():
    today = timezone.localdate()
    world = _world(
        today,
        {"Alpha": (60, 10, [MILLING]), "Bravo": (50, 10, [MILLING]), "Charlie": (50, 10, [MILLING])},
    )
    need = chosen_need(world, HUNDRED_HOURS)
    outcome = need_consortium_propose(need=need, actor=world["author"], k=3, today=today)
    assert outcome.result.status == OPTIMAL
    assert {"Alpha", "Bravo"} in _groups(outcome.result)
    assert {"Alpha", "Charlie"} in _groups(outcome.result)
    assert outcome.stale_capacity == {}


@pytest.mark.django_db
def test_infeasible_when_only_stale_hours_would_reach_the_quantity():
    today = timezone.localdate()
    world = _world(today, {"Alpha": (60, 200, [MILLING]), "Bravo": (50, 10, [MILLING])})
    need = chosen_need(world, HUNDRED_HOURS)
    result = need_consortium_propose(need=need, actor=world["author"], k=3, today=today).result
    assert result.status == INFEASIBLE and not result.groups
    (row,) = result.infeasibility.uncovered
    assert row.code == MILLING and row.quantity == 100.0 and row.available == 50.0


@pytest.mark.parametrize(("age", "counts"), [(89, True), (90, True), (91, False)])
@pytest.mark.django_db
def test_the_boundary_is_90_days_included(age, counts):
    today = timezone.localdate()
    world = _world(today, {"Alpha": (60, age, [MILLING]), "Bravo": (50, 10, [MILLING])})
    need = chosen_need(world, HUNDRED_HOURS)
    outcome = need_consortium_propose(need=need, actor=world["author"], k=1, today=today)
    if counts:
        assert outcome.result.status == OPTIMAL
        assert _groups(outcome.result) == [{"Alpha", "Bravo"}]
        assert outcome.stale_capacity == {}
    else:
        assert outcome.result.status == INFEASIBLE
        assert list(outcome.stale_capacity) == [world["Alpha"].siret]


@pytest.mark.django_db
def test_the_same_hours_count_or_not_depending_on_today():
    stated = timezone.localdate() - datetime.timedelta(days=100)
    world = _world(stated, {"Alpha": (60, 0, [MILLING]), "Bravo": (50, 0, [MILLING])})
    need = chosen_need(world, HUNDRED_HOURS)
    on_time = need_consortium_propose(
        need=need, actor=world["author"], k=1, today=stated + datetime.timedelta(days=90)
    )
    too_late = need_consortium_propose(
        need=need, actor=world["author"], k=1, today=stated + datetime.timedelta(days=91)
    )
    assert on_time.result.status == OPTIMAL and on_time.stale_capacity == {}
    assert too_late.result.status == INFEASIBLE
    assert set(too_late.stale_capacity) == {world["Alpha"].siret, world["Bravo"].siret}


@pytest.mark.django_db
def test_hours_without_a_date_do_not_count():
    today = timezone.localdate()
    world = _world(
        today,
        {"Alpha": (60, UNDATED, [MILLING]), "Bravo": (50, 10, [MILLING]), "Charlie": (50, 10, [MILLING])},
    )
    assert Profile.objects.get(establishment=world["Alpha"]).capacity_stated_on is None
    need = chosen_need(world, HUNDRED_HOURS)
    outcome = need_consortium_propose(need=need, actor=world["author"], k=3, today=today)
    assert _groups(outcome.result) == [{"Bravo", "Charlie"}]
    assert outcome.stale_capacity == {world["Alpha"].siret: None}


@pytest.mark.django_db
def test_stale_hours_matter_only_when_a_quantity_in_hours_is_enforced():
    today = timezone.localdate()
    world = _world(today, {"Alpha": (60, 200, [MILLING]), "Bravo": (50, 10, [MILLING])})
    need = chosen_need(world, [CapabilityInput(MILLING, quantity="100", unit="pièces")])
    outcome = need_consortium_propose(need=need, actor=world["author"], k=1, today=today)
    assert outcome.result.status == OPTIMAL and len(outcome.result.groups[0].members) == 1
    assert outcome.stale_capacity == {}


@pytest.mark.django_db
def test_an_excluded_company_is_not_listed():
    today = timezone.localdate()
    world = _world(
        today,
        {"Alpha": (60, 200, [MILLING]), "Bravo": (50, 10, [MILLING]), "Charlie": (50, 10, [MILLING])},
    )
    need = chosen_need(world, HUNDRED_HOURS)
    outcome = need_consortium_propose(
        need=need, actor=world["author"], k=1, today=today, excluded=[world["Alpha"]]
    )
    assert outcome.stale_capacity == {}


# --- the page -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_panel_counts_the_candidates_and_marks_the_member_concerned(client, monkeypatch):
    today = timezone.localdate()
    monkeypatch.setattr(consortium, "timezone", types.SimpleNamespace(localdate=lambda: today))
    world = _world(
        today,
        {
            # Alone on welding, so in every group; its 60 h of milling are 200 days old.
            "Alpha": (60, 200, [MILLING, WELDING]),
            "Bravo": (60, 10, [MILLING]),
            "Charlie": (50, 10, [MILLING]),
            "Delta": (40, UNDATED, [MILLING]),
            "Echo": (30, 120, [MILLING]),
        },
    )
    need = chosen_need(world, [*HUNDRED_HOURS, CapabilityInput(WELDING)])
    client.force_login(world["author"])
    response = client.get(reverse("needs:consortium", args=[need.pk]), {"max_partners": 5, "alternatives": 1})
    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["stale_capacity"] == 2 and response.context["undated_capacity"] == 1
    assert (
        f"2 entreprises candidates ont une capacité déclarée trop ancienne (plus de 90 jours){NBSP}: "
        "elle n’est pas prise en compte."
    ) in page
    undated = (
        f"1 entreprise candidate a une capacité déclarée sans date{NBSP}: elle n’est pas prise en compte."
    )
    assert undated in page
    (group,) = response.context["groups"]
    set_aside = {m["name"]: m["capacity_set_aside"] for m in group["members"]}
    assert set_aside == {"Alpha": "old", "Bravo": None, "Charlie": None}
    assert page.count("capacité déclarée il y a plus de 90 jours, non prise en compte") == 1
    shares = {m["name"]: [s["hours"] for s in m["shares"]] for m in group["members"]}
    assert shares == {"Alpha": [], "Bravo": [60.0], "Charlie": [40.0]}


@pytest.mark.django_db
def test_the_panel_says_nothing_when_every_capacity_is_fresh(client):
    today = timezone.localdate()
    world = _world(today, {"Alpha": (60, 10, [MILLING]), "Bravo": (50, 10, [MILLING])})
    need = chosen_need(world, HUNDRED_HOURS)
    client.force_login(world["author"])
    response = client.get(reverse("needs:consortium", args=[need.pk]), {"max_partners": 5, "alternatives": 1})
    page = response.content.decode()
    assert f"quantité prise en compte{NBSP}: 100 h/semaine" in page
    assert "trop ancienne" not in page and "sans date" not in page
    assert "non prise en compte</small>" not in page
