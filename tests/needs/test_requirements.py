"""Needs reach companies that can do the work (issue 13, item 2), against the real engine.

The case seen: 5-axis milling + hard anodising + EN 9100 near Haguenau was first sent to a toy
maker whose only link was a 5-axis milling deduced from its NAF code. Required capabilities and
certifications are now requirements for sending; NAF-only matches go, when the network allows
it, in a last batch « à confirmer ».
"""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from maillage.directory.models import EstablishmentUser
from maillage.matching.index import index_build, reader
from maillage.needs import sending
from maillage.needs.errors import NeedValidationError
from maillage.needs.models import NeedRecipient, NetworkNeedSettings, Notification
from maillage.needs.selectors import need_next_candidates
from maillage.needs.services import CapabilityInput, need_create, need_open, network_need_settings_update
from maillage.profiles.models import CapabilityStatus, ChangeSource, ProfileCapability
from maillage.profiles.services import profile_capability_set, profile_certification_add, profile_for
from maillage.www.typography import NBSP
from tests.accounts.factories import UserFactory
from tests.directory.factories import EstablishmentFactory, MembershipFactory, NetworkFactory
from tests.profiles.conftest import taxonomy  # noqa: F401
from tests.referential.factories import CommuneFactory
from tests.taxonomy.shipped import shipped_taxonomy_fixture

_shipped_taxonomy_loaded = shipped_taxonomy_fixture("module")
pytestmark = pytest.mark.django_db

MILLING_5AXIS = "proc.machining.milling.5axis"
HARD_ANODISING = "proc.surface.anodising.hard"
TURNING = "proc.machining.turning"
EN9100 = "cert.en9100"
CAPABILITIES = (MILLING_5AXIS, HARD_ANODISING, TURNING)


def _company(world, name, *, confirmed=(), inferred=(), certified=True, expired=False, point=(48.82, 7.79)):
    establishment = EstablishmentFactory(
        name=name, commune=world["commune"], latitude=point[0], longitude=point[1]
    )
    MembershipFactory(network=world["network"], establishment=establishment)
    slug = name.lower().replace(" ", "-").replace("é", "e").replace("à", "a")
    user = UserFactory(email=f"{slug}@example.org")
    EstablishmentUser.objects.create(user=user, establishment=establishment)
    for code in confirmed:
        profile_capability_set(establishment=establishment, code=code, actor=None, source=ChangeSource.MEMBER)
    for code in inferred:
        # What profile_infer_from_naf writes for a hint of the establishment's NAF code.
        ProfileCapability.objects.create(
            profile=profile_for(establishment), node=world["nodes"][code], status=CapabilityStatus.INFERRED,
            level="core", inference_weight=0.9,
        )  # fmt: skip
    if certified:
        today = timezone.localdate()
        until = today - datetime.timedelta(days=10) if expired else today + datetime.timedelta(days=400)
        profile_certification_add(
            establishment=establishment, code=EN9100, actor=None, source=ChangeSource.MEMBER,
            valid_from=today - datetime.timedelta(days=800), valid_until=until,
        )  # fmt: skip
    world[name] = establishment
    return establishment


@pytest.fixture
def world(taxonomy, settings, tmp_path):  # noqa: F811
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    network = NetworkFactory(slug="pole-aero", name="Pôle aéro")
    NetworkNeedSettings.objects.create(network=network, batch_size=10, batch_delay_hours=24)
    commune = CommuneFactory(insee_code="67180", name="Haguenau", latitude=48.8156, longitude=7.7906)
    world = {"network": network, "commune": commune, "nodes": taxonomy}
    author_establishment = EstablishmentFactory(name="Donneur d'ordres", commune=commune)
    MembershipFactory(network=network, establishment=author_establishment)
    author = UserFactory(email="acheteur@example.org")
    EstablishmentUser.objects.create(user=author, establishment=author_establishment)
    world.update(author=author, author_establishment=author_establishment)
    _company(world, "Jouets Haguenau", inferred=[MILLING_5AXIS], certified=False)
    _company(world, "Jouets Alsace", inferred=list(CAPABILITIES), certified=False)
    _company(world, "Aéro Précision", confirmed=CAPABILITIES)
    _company(world, "Usinage Expiré", confirmed=CAPABILITIES, expired=True)
    _company(world, "Atelier Sud", confirmed=[MILLING_5AXIS, TURNING])
    _company(world, "Atelier Delta", confirmed=[MILLING_5AXIS, HARD_ANODISING], inferred=[TURNING])
    reader.reset()
    index_build()
    yield world
    reader.reset()


def _need(world, *, wished=()):
    return need_create(
        author=world["author"], network=world["network"], author_establishment=world["author_establishment"],
        kind="part", title="Carters aéronautiques usinés 5 axes et anodisés durs",
        capabilities=[CapabilityInput(code, required=code not in wished) for code in CAPABILITIES],
        certifications=[EN9100], commune="67180", max_distance_km=50,
        deadline=timezone.localdate() + datetime.timedelta(days=30),
    )  # fmt: skip


def _send_everything(need, captured):
    with captured(execute=True):
        need_open(need=need, actor=need.author)
    batch = 1
    while not type(need).objects.get(pk=need.pk).sending_done and batch < 10:
        batch += 1
        sending.need_send_batch(need_id=need.pk, batch=batch)


def _reached(need) -> dict[str, NeedRecipient]:
    return {row.establishment.name: row for row in need.recipients.select_related("establishment")}


def test_the_toy_maker_case_reaches_no_one_who_lacks_a_requirement(world, django_capture_on_commit_callbacks):
    need = _need(world)
    _send_everything(need, django_capture_on_commit_callbacks)
    assert set(_reached(need)) == {"Aéro Précision"}
    assert {m.to[0] for m in mail.outbox} == {"aero-precision@example.org"}


def test_naf_only_matches_go_last_and_to_be_confirmed_when_the_network_allows_it(
    world, django_capture_on_commit_callbacks
):
    NetworkNeedSettings.objects.filter(network=world["network"]).update(send_unconfirmed_matches=True)
    need = _need(world)
    _send_everything(need, django_capture_on_commit_callbacks)
    reached = _reached(need)
    # The toy makers hold no EN 9100, the expired one neither: never sent, even « à confirmer ».
    assert set(reached) == {"Aéro Précision", "Atelier Delta"}
    assert (reached["Aéro Précision"].batch, reached["Aéro Précision"].unconfirmed) == (1, False)
    assert (reached["Atelier Delta"].batch, reached["Atelier Delta"].unconfirmed) == (2, True)
    to_confirm = next(m for m in mail.outbox if m.to == ["atelier-delta@example.org"])
    assert "à confirmer" in to_confirm.subject.lower()
    assert "code NAF" in to_confirm.body and "confirm" in to_confirm.body
    confirmed = next(m for m in mail.outbox if m.to == ["aero-precision@example.org"])
    assert "à confirmer" not in confirmed.subject.lower()
    notification = Notification.objects.get(need=need, user__email="atelier-delta@example.org")
    assert notification.stage == f"e{world['Atelier Delta'].pk}"


def test_recipients_record_the_evidence_of_each_requirement(world, django_capture_on_commit_callbacks):
    NetworkNeedSettings.objects.filter(network=world["network"]).update(send_unconfirmed_matches=True)
    need = _need(world)
    _send_everything(need, django_capture_on_commit_callbacks)
    evidence = {
        name: {check["code"]: check["evidence"] for check in row.requirements}
        for name, row in _reached(need).items()
    }
    assert evidence["Aéro Précision"] == {
        MILLING_5AXIS: "confirmed", HARD_ANODISING: "confirmed", TURNING: "confirmed", EN9100: "valid",
    }  # fmt: skip
    assert evidence["Atelier Delta"][TURNING] == "inferred"


def test_a_wished_capability_ranks_but_filters_no_one(world, django_capture_on_commit_callbacks):
    need = _need(world, wished=[HARD_ANODISING])
    _send_everything(need, django_capture_on_commit_callbacks)
    reached = _reached(need)
    assert set(reached) == {"Aéro Précision", "Atelier Sud"}
    assert reached["Aéro Précision"].rank < reached["Atelier Sud"].rank
    checks = {c["code"]: c for c in reached["Atelier Sud"].requirements}
    assert checks[HARD_ANODISING] == {
        "kind": "capability", "code": HARD_ANODISING, "required": False, "evidence": "missing"
    }  # fmt: skip


def test_next_candidates_list_the_ones_to_confirm_only_when_the_network_allows_it(world):
    need = _need(world)
    assert [c.name for c in need_next_candidates(need, limit=10)] == ["Aéro Précision"]
    NetworkNeedSettings.objects.filter(network=world["network"]).update(send_unconfirmed_matches=True)
    candidates = [(c.name, c.unconfirmed) for c in need_next_candidates(need, limit=10)]
    assert candidates == [("Aéro Précision", False), ("Atelier Delta", True)]


def _opened_with_a_wished_capability(world, captured):
    NetworkNeedSettings.objects.filter(network=world["network"]).update(send_unconfirmed_matches=True)
    need = _need(world, wished=[HARD_ANODISING])
    with captured(execute=True):
        need_open(need=need, actor=need.author)
    return need


def test_need_page_shows_each_requirement_met_missing_or_to_confirm_with_its_evidence(
    client, world, django_capture_on_commit_callbacks
):
    need = _opened_with_a_wished_capability(world, django_capture_on_commit_callbacks)
    assert set(_reached(need)) == {"Aéro Précision", "Atelier Sud"}
    client.force_login(world["author"])
    page = client.get(reverse("needs:detail", args=[need.pk])).content.decode()
    reached, candidates = page.split('id="candidates-title"')
    assert MILLING_5AXIS not in page and "evidence" not in page
    assert "✓" in reached and "déclaré par l’entreprise" in reached
    assert "certificat valable jusqu’au" in reached
    assert "✗" in reached and "absent de sa fiche" in reached and "(souhaité)" in reached
    assert "Atelier Delta" in candidates and "à confirmer" in candidates
    assert "seulement déduit de son code NAF" in candidates
    client.cookies["django_language"] = "en"
    page = client.get(reverse("needs:detail", args=[need.pk])).content.decode()
    assert "declared by the company" in page and "to be confirmed" in page
    assert "only deduced from its NAF code" in page and "missing from its profile" in page
    assert "déclaré par l’entreprise" not in page


def test_a_company_reached_to_confirm_sees_it_in_its_notifications_and_inbox(
    client, world, django_capture_on_commit_callbacks
):
    need = _opened_with_a_wished_capability(world, django_capture_on_commit_callbacks)
    sending.need_send_batch(need_id=need.pk, batch=2)
    user = world["Atelier Delta"].user_links.get().user
    client.force_login(user)
    notifications = client.get(reverse("needs:notifications")).content.decode()
    assert "à confirmer" in notifications
    inbox = client.get(reverse("needs:inbox")).content.decode()
    assert f"Reçu «{NBSP}à confirmer{NBSP}»" in inbox
    client.force_login(world["Aéro Précision"].user_links.get().user)
    assert "à confirmer" not in client.get(reverse("needs:notifications")).content.decode()


def test_an_animator_turns_on_the_last_batch_to_confirm(world):
    animator = UserFactory()
    world["network"].animators.add(animator)
    row = network_need_settings_update(
        network=world["network"], actor=animator, send_unconfirmed_matches=True
    )
    assert row.send_unconfirmed_matches is True
    with pytest.raises(NeedValidationError):
        network_need_settings_update(network=world["network"], actor=animator, send_unconfirmed_matches=1)
