"""Needs against the real engine: the demo territory and its search index."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from maillage.directory.models import Establishment, Membership, Network
from maillage.engine.consortium import OPTIMAL
from maillage.engine.geo import haversine_km
from maillage.needs.consortium import need_consortium_propose
from maillage.needs.models import NeedRecipient
from maillage.needs.selectors import need_candidates, need_settings
from maillage.needs.services import CapabilityInput, need_create, need_open
from maillage.profiles.models import CapabilityStatus, ProfileCapability

pytestmark = pytest.mark.django_db


def _network_and_animator():
    network = Network.objects.filter(animators__isnull=False).order_by("pk").first()
    return network, network.animators.order_by("pk").first()


def _common_codes(network, n):
    """``n`` capability codes confirmed by several members of ``network``."""
    rows = (
        ProfileCapability.objects.filter(
            status=CapabilityStatus.CONFIRMED,
            profile__establishment__memberships__network=network,
            profile__establishment__memberships__status=Membership.Status.MEMBER,
        )
        .values_list("node__code", flat=True)
        .order_by("node__code")
    )
    counts = {}
    for code in rows:
        counts[code] = counts.get(code, 0) + 1
    return [code for code, _n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:n]]


def _need(network, author, codes, **extra):
    place = (
        Establishment.objects.filter(memberships__network=network, commune__latitude__isnull=False)
        .order_by("siret")
        .first()
        .commune
    )
    return need_create(
        author=author, network=network, kind="tender", title="Lot mécanique et traitement de surface",
        capabilities=[CapabilityInput(code) for code in codes], commune=place.insee_code, max_distance_km=120,
        deadline=timezone.localdate() + datetime.timedelta(days=30), **extra,
    ), place  # fmt: skip


def test_candidates_are_members_within_the_distance_best_first(demo_index):
    network, animator = _network_and_animator()
    codes = _common_codes(network, 2)
    need, place = _need(network, animator, codes)
    candidates = need_candidates(need, limit=15)
    assert candidates
    scores = [c.score for c in candidates]
    assert scores == sorted(scores, reverse=True)
    members = set(
        Membership.objects.filter(network=network, status=Membership.Status.MEMBER).values_list(
            "establishment_id", flat=True
        )
    )
    assert {c.establishment_id for c in candidates} <= members
    for candidate in candidates:
        establishment = Establishment.objects.get(pk=candidate.establishment_id)
        distance = float(
            haversine_km(place.latitude, place.longitude, establishment.latitude, establishment.longitude)
        )
        assert distance <= 120 + 0.5
    assert all(c.explanation for c in candidates)


def test_opening_sends_the_engine_best_batch(demo_index, django_capture_on_commit_callbacks):
    network, animator = _network_and_animator()
    need, _place = _need(network, animator, _common_codes(network, 1))
    expected = [c.establishment_id for c in need_candidates(need, limit=need_settings(network).batch_size)]
    with django_capture_on_commit_callbacks(execute=True):
        need_open(need=need, actor=animator)
    sent = list(
        NeedRecipient.objects.filter(need=need).order_by("rank").values_list("establishment_id", flat=True)
    )
    assert sent == expected and len(sent) > 0
    users = {m.to[0] for m in mail.outbox}
    assert users == set(
        Establishment.objects.filter(pk__in=sent, user_links__isnull=False).values_list(
            "user_links__user__email", flat=True
        )
    )


def test_consortium_covers_every_capability_of_the_need(demo_index):
    network, animator = _network_and_animator()
    codes = _common_codes(network, 3)
    need, _place = _need(network, animator, codes)
    result = need_consortium_propose(need=need, actor=animator, k=2).result
    assert result.status == OPTIMAL
    best = result.groups[0]
    assert {c.capability for c in best.contributions} == set(codes)
    assert 1 <= len(best.members) <= 5
