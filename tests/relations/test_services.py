import pytest
from django.core.exceptions import PermissionDenied

from maillage.directory.models import EstablishmentUser
from maillage.relations.errors import RelationError
from maillage.relations.models import Confidentiality, RelationEvent, RelationSource, RelationStatus
from maillage.relations.services import (
    relation_confirm,
    relation_declare,
    relation_dispute,
    relation_set_confidentiality,
)
from tests.accounts.factories import UserFactory
from tests.directory.factories import EstablishmentFactory, MembershipFactory


@pytest.fixture
def parties(db):
    supplier, client = EstablishmentFactory(), EstablishmentFactory()
    supplier_user, client_user = UserFactory(), UserFactory()
    EstablishmentUser.objects.create(user=supplier_user, establishment=supplier)
    EstablishmentUser.objects.create(user=client_user, establishment=client)
    return supplier, client, supplier_user, client_user


def test_supplier_declares_and_client_confirms(parties):
    supplier, client, supplier_user, client_user = parties
    relation = relation_declare(
        actor=supplier_user, side="supplier", supplier=supplier, client=client, since=2019
    )
    assert relation.status == RelationStatus.PENDING
    assert relation.source == RelationSource.SUPPLIER
    assert relation.confidentiality == Confidentiality.PARTIES  # narrowest by default
    with pytest.raises(PermissionDenied):
        relation_confirm(actor=supplier_user, relation=relation)
    relation_confirm(actor=client_user, relation=relation)
    relation.refresh_from_db()
    assert relation.status == RelationStatus.CONFIRMED
    assert list(relation.events.values_list("kind", flat=True)) == ["declared", "confirmed"]


def test_client_disputes_with_a_reason_and_history_is_kept(parties):
    supplier, client, supplier_user, client_user = parties
    relation = relation_declare(actor=supplier_user, side="supplier", supplier=supplier, client=client)
    with pytest.raises(RelationError):
        relation_dispute(actor=client_user, relation=relation, comment="  ")
    relation_dispute(actor=client_user, relation=relation, comment="Jamais travaillé ensemble")
    relation.refresh_from_db()
    assert relation.status == RelationStatus.DISPUTED
    event = relation.events.get(kind=RelationEvent.Kind.DISPUTED)
    assert event.actor == client_user and event.comment == "Jamais travaillé ensemble"


def test_stranger_cannot_declare_for_a_supplier(parties):
    supplier, client, _, client_user = parties
    with pytest.raises(PermissionDenied):
        relation_declare(actor=UserFactory(), side="supplier", supplier=supplier, client=client)
    with pytest.raises(PermissionDenied):
        relation_declare(actor=client_user, side="supplier", supplier=supplier, client=client)


def test_animator_declares_for_a_member_and_either_party_confirms(parties):
    supplier, client, _, client_user = parties
    network = MembershipFactory(establishment=supplier).network
    animator = UserFactory()
    network.animators.add(animator)
    relation = relation_declare(
        actor=animator, side="animator", supplier=supplier, client=client, confidentiality="network"
    )
    assert relation.source == RelationSource.ANIMATOR
    relation_confirm(actor=client_user, relation=relation)
    assert relation.status == RelationStatus.CONFIRMED


def test_animator_of_another_network_cannot_declare(parties):
    supplier, client, _, _ = parties
    other = MembershipFactory().network
    animator = UserFactory()
    other.animators.add(animator)
    with pytest.raises(PermissionDenied):
        relation_declare(actor=animator, side="animator", supplier=supplier, client=client)


@pytest.mark.parametrize("status", ["prospect", "former"])
def test_animator_cannot_declare_for_a_company_that_is_not_a_current_member(parties, status):
    supplier, client, _, _ = parties
    network = MembershipFactory(establishment=supplier, status=status).network
    animator = UserFactory()
    network.animators.add(animator)
    with pytest.raises(PermissionDenied):
        relation_declare(actor=animator, side="animator", supplier=supplier, client=client)
    assert not supplier.supplier_relations.exists()


def test_outside_client_needs_siren_or_name(parties):
    supplier, _, supplier_user, _ = parties
    with pytest.raises(RelationError):
        relation_declare(actor=supplier_user, side="supplier", supplier=supplier)
    with pytest.raises(RelationError):
        relation_declare(
            actor=supplier_user, side="supplier", supplier=supplier, client_siren="12AB", client_name="X"
        )
    relation = relation_declare(
        actor=supplier_user,
        side="supplier",
        supplier=supplier,
        client_siren="552100554",
        client_name="Groupe Automobile",
        client_country="DE",
    )
    assert relation.client is None and relation.client_label == "Groupe Automobile"


def test_animator_may_narrow_but_not_widen_confidentiality(parties):
    supplier, client, supplier_user, _ = parties
    network = MembershipFactory(establishment=supplier).network
    animator = UserFactory()
    network.animators.add(animator)
    relation = relation_declare(
        actor=supplier_user, side="supplier", supplier=supplier, client=client, confidentiality="network"
    )
    with pytest.raises(PermissionDenied):
        relation_set_confidentiality(actor=animator, relation=relation, confidentiality="public")
    relation_set_confidentiality(actor=animator, relation=relation, confidentiality="animators")
    relation_set_confidentiality(actor=supplier_user, relation=relation, confidentiality="public")
    relation.refresh_from_db()
    assert relation.confidentiality == "public"
    changes = [e.changes["confidentiality"] for e in relation.events.filter(kind="changed")]
    assert changes == [["network", "animators"], ["animators", "public"]]
