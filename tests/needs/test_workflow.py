import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from maillage.needs.errors import NeedTransitionError, NeedValidationError
from maillage.needs.models import NeedClosing, NeedStatus, NeedStatusChange, NeedVisibility
from maillage.needs.services import (
    CapabilityInput,
    EquipmentInput,
    need_close,
    need_create,
    need_open,
    need_outcome_record,
    need_update,
)
from maillage.taxonomy.models import NodeType
from tests.accounts.factories import UserFactory
from tests.directory.factories import EstablishmentFactory, NetworkFactory
from tests.needs.factories import animator, capability_node, member
from tests.referential.factories import CommuneFactory

pytestmark = pytest.mark.django_db

IN_THREE_WEEKS = timezone.localdate() + datetime.timedelta(days=21)


def _create(user, establishment, network, **overrides):
    values = {
        "author": user,
        "network": network,
        "author_establishment": establishment,
        "kind": "part",
        "title": "Usinage de 500 brides inox",
        "description": "Brides DN50, plan joint.",
        "capabilities": [CapabilityInput(capability_node().code, quantity="500", unit="pièces")],
        "deadline": IN_THREE_WEEKS,
    }
    return need_create(**(values | overrides))


def test_member_creates_a_draft_with_capabilities_and_history():
    network = NetworkFactory()
    user, establishment = member(network)
    commune = CommuneFactory()
    capability_node("cert.test.iso9001", NodeType.CERTIFICATION)
    capability_node("equip.test.press", NodeType.EQUIPMENT)
    need = _create(
        user,
        establishment,
        network,
        commune=commune.insee_code,
        max_distance_km=50,
        budget_min="10 000",
        budget_max=Decimal("25000"),
        certifications=["cert.test.iso9001"],
        equipment=[EquipmentInput("equip.test.press")],
    )
    assert need.status == NeedStatus.DRAFT
    capability = need.capabilities.get()
    assert (capability.quantity, capability.unit) == (Decimal("500"), "pièces")
    assert list(need.certifications.values_list("code", flat=True)) == ["cert.test.iso9001"]
    assert need.budget_min == Decimal("10000")
    assert list(need.history.values_list("from_status", "to_status")) == [("", "draft")]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "  "}, "title"),
        ({"kind": "barter"}, "kind"),
        ({"capabilities": [CapabilityInput("proc.does.not.exist")]}, "capabilities[0].code"),
        (
            {"capabilities": [CapabilityInput("proc.test.milling", quantity="beaucoup")]},
            "capabilities[0].quantity",
        ),
        ({"certifications": ["proc.test.milling"]}, "certifications[0]"),
        ({"commune": "99999"}, "commune"),
        ({"max_distance_km": 30}, "max_distance_km"),
        ({"budget_min": 500, "budget_max": 100}, "budget_max"),
        ({"visibility": "secret"}, "visibility"),
    ],
)
def test_bad_input_names_the_field(overrides, field):
    network = NetworkFactory()
    user, establishment = member(network)
    capability_node()
    with pytest.raises(NeedValidationError) as error:
        _create(user, establishment, network, **overrides)
    assert error.value.field == field


def test_user_cannot_post_for_an_establishment_it_does_not_act_for():
    network = NetworkFactory()
    user, _own = member(network)
    with pytest.raises(PermissionDenied):
        _create(user, EstablishmentFactory(), network)


def test_non_member_cannot_post_in_a_network():
    network = NetworkFactory()
    user, establishment = member(NetworkFactory())
    with pytest.raises(PermissionDenied):
        _create(user, establishment, network)


def test_animator_posts_for_the_network_itself():
    network = NetworkFactory()
    need = _create(animator(network), None, network)
    assert need.author_establishment is None


def test_workflow_draft_open_closed_with_history(django_capture_on_commit_callbacks, fake_candidates):
    network = NetworkFactory()
    user, establishment = member(network)
    need = _create(user, establishment, network)
    with django_capture_on_commit_callbacks(execute=True):
        need_open(need=need, actor=user, note="go")
    need_close(need=need, actor=user, closing=NeedClosing.NOT_AWARDED, note="personne")
    need.refresh_from_db()
    assert (need.status, need.closing) == (NeedStatus.CLOSED, NeedClosing.NOT_AWARDED)
    rows = list(
        NeedStatusChange.objects.filter(need=need).values_list("from_status", "to_status", "closing", "note")
    )
    assert rows == [
        ("", "draft", "", ""),
        ("draft", "open", "", "go"),
        ("open", "closed", "not_awarded", "personne"),
    ]
    assert all(change.actor == user for change in need.history.all())


def test_a_closed_need_cannot_reopen_nor_close_again():
    network = NetworkFactory()
    user, establishment = member(network)
    need = _create(user, establishment, network)
    need_close(need=need, actor=user, closing=NeedClosing.CANCELLED)
    with pytest.raises(NeedTransitionError):
        need_open(need=need, actor=user)
    with pytest.raises(NeedTransitionError):
        need_close(need=need, actor=user, closing=NeedClosing.AWARDED)


def test_a_draft_can_only_be_cancelled():
    network = NetworkFactory()
    user, establishment = member(network)
    need = _create(user, establishment, network)
    with pytest.raises(NeedTransitionError):
        need_close(need=need, actor=user, closing=NeedClosing.AWARDED)
    with pytest.raises(NeedValidationError) as error:
        need_close(need=need, actor=user, closing="maybe")
    assert error.value.field == "closing"


def test_need_with_past_deadline_cannot_open():
    network = NetworkFactory()
    user, establishment = member(network)
    need = _create(user, establishment, network, deadline=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(NeedValidationError) as error:
        need_open(need=need, actor=user)
    assert error.value.field == "deadline"
    need.refresh_from_db()
    assert need.status == NeedStatus.DRAFT


def test_chosen_visibility_needs_a_chosen_company_to_open():
    network = NetworkFactory()
    user, establishment = member(network)
    need = _create(user, establishment, network, visibility=NeedVisibility.CHOSEN)
    with pytest.raises(NeedValidationError) as error:
        need_open(need=need, actor=user)
    assert error.value.field == "chosen_establishments"


def test_stranger_cannot_change_status_but_animator_can():
    network = NetworkFactory()
    user, establishment = member(network)
    need = _create(user, establishment, network)
    with pytest.raises(PermissionDenied):
        need_close(need=need, actor=UserFactory(), closing=NeedClosing.CANCELLED)
    need_close(need=need, actor=animator(network), closing=NeedClosing.CANCELLED)
    need.refresh_from_db()
    assert need.closing == NeedClosing.CANCELLED


def test_update_replaces_content_and_is_refused_once_closed():
    network = NetworkFactory()
    user, establishment = member(network)
    need = _create(user, establishment, network)
    other = capability_node("proc.test.welding")
    need_update(
        need=need, actor=user, kind="research", title="Soudage laser", deadline=IN_THREE_WEEKS,
        capabilities=[CapabilityInput(other.code)],
    )  # fmt: skip
    assert list(need.capabilities.values_list("node__code", flat=True)) == ["proc.test.welding"]
    need_close(need=need, actor=user, closing=NeedClosing.CANCELLED)
    with pytest.raises(PermissionDenied):
        need_update(need=need, actor=user, kind="part", title="x", deadline=IN_THREE_WEEKS)


def test_outcome_closes_an_open_need_as_awarded(django_capture_on_commit_callbacks, fake_candidates):
    network = NetworkFactory()
    user, establishment = member(network)
    need = _create(user, establishment, network)
    with django_capture_on_commit_callbacks(execute=True):
        need_open(need=need, actor=user)
    with pytest.raises(NeedValidationError) as error:
        need_outcome_record(need=need, actor=user, awarded=True)
    assert error.value.field == "contracted_local"
    need_outcome_record(need=need, actor=user, awarded=True, contracted_local=True, amount="12500")
    need.refresh_from_db()
    assert (need.status, need.closing, need.outcome_amount) == ("closed", "awarded", Decimal("12500"))
    assert need.history.last().to_status == NeedStatus.CLOSED
