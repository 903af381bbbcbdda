"""Who may see which relation, and its exact amount: the one place pages, exports and API ask.

Audiences, by confidentiality level (a disputed relation is shown only to its parties, to the
animators of their networks and to platform administrators, whatever its level):

============  ========  ======================  ==========================  =========  =====
level         visitor   member of a network     animator of a network of    a party's  admin
                        of either party         either party                users
============  ========  ======================  ==========================  =========  =====
public        yes       yes                     yes                         yes        yes
network       no        yes                     yes                         yes        yes
animators     no        no                      yes                         yes        yes
parties       no        no                      no                          yes        yes
============  ========  ======================  ==========================  =========  =====

"Member of a network of either party": the user acts for an establishment that is a current
member of a network where the supplier or the client is a current member. "Animator of a
network of either party": the party has any membership (prospect included) in a network the
user animates, as for editing its profile.

The exact amount (ledger or DECP spend) is narrower than the relation: its parties, the
animators of their networks (except for a parties-only relation) and administrators see it;
everyone who sees the relation sees it when it comes from public procurement data and is public.
Others see the volume band only.
"""

from __future__ import annotations

from django.db.models import BooleanField, Case, CharField, OuterRef, Q, QuerySet, Subquery, Value, When

from maillage.accounts.permissions import _is_active_user, animated_networks, member_networks
from maillage.directory.models import Establishment, EstablishmentUser, Membership, Network, current_member
from maillage.relations.models import Confidentiality, RelationSource, RelationStatus, SupplyRelation


def _either(establishments) -> Q:
    return Q(supplier_id__in=establishments) | Q(client_id__in=establishments)


def _scopes(user) -> tuple[Q, Q, Q]:
    """(party, animator, member circle) conditions for an active, non-admin user."""
    own = EstablishmentUser.objects.filter(user=user).values("establishment_id")
    animated = Membership.objects.filter(network__in=Network.objects.filter(animators=user)).values(
        "establishment_id"
    )
    circle = Membership.objects.current().filter(network__in=member_networks(user)).values("establishment_id")
    return _either(own), _either(animated), _either(circle)


def visibility_q(user) -> Q | None:
    """The condition of the relations ``user`` may see; None means every relation."""
    not_disputed = ~Q(status=RelationStatus.DISPUTED)
    public = Q(confidentiality=Confidentiality.PUBLIC)
    if not _is_active_user(user):
        return public & not_disputed
    if user.is_superuser:
        return None
    party, animator, circle = _scopes(user)
    return (
        party
        | (public & not_disputed)
        | (Q(confidentiality=Confidentiality.NETWORK) & circle & not_disputed)
        | (~Q(confidentiality=Confidentiality.PARTIES) & animator)
    )


def amount_visibility_q(user) -> Q | None:
    public_data = Q(source=RelationSource.PUBLIC_PROCUREMENT, confidentiality=Confidentiality.PUBLIC)
    if not _is_active_user(user):
        return public_data
    if user.is_superuser:
        return None
    party, animator, _circle = _scopes(user)
    return party | public_data | (~Q(confidentiality=Confidentiality.PARTIES) & animator)


def relations_visible(
    user,
    *,
    queryset: QuerySet[SupplyRelation] | None = None,
    network: Network | None = None,
    establishment: Establishment | None = None,
) -> QuerySet[SupplyRelation]:
    """Relations ``user`` may see, annotated with ``amount_visible``; optionally those of a
    network, or those where ``establishment`` is supplier or client.

    Every page, export and API endpoint lists relations through this function and shows
    ``amount`` only when ``amount_visible`` is true (``displayed_amount`` does it).
    """
    relations = SupplyRelation.objects.all() if queryset is None else queryset
    condition = visibility_q(user)
    if condition is not None:
        relations = relations.filter(condition)
    if network is not None:
        relations = relations.filter(
            _either(Membership.objects.filter(network=network).values("establishment_id"))
        )
    if establishment is not None:
        relations = relations.filter(_either([establishment.pk]))
    amount_condition = amount_visibility_q(user)
    if amount_condition is None:
        annotation = Value(True, output_field=BooleanField())
    else:
        annotation = Case(
            When(amount_condition, then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    return relations.annotate(
        amount_visible=annotation, supplier_name_known=_supplier_name_known()
    ).select_related(
        "supplier__organisation", "client__organisation", "category_node", "cpv", "supplier_commune"
    )


def _supplier_name_known():
    """For an outside supplier named by its SIRET alone, the name another ledger or DECP record
    gave the same SIRET (a SIRET→name pairing is public, as SIRENE publishes it)."""
    named = (
        SupplyRelation.objects.filter(supplier_siret=OuterRef("supplier_siret"))
        .exclude(supplier_name="")
        .order_by("pk")
        .values("supplier_name")[:1]
    )
    return Case(
        When(Q(supplier__isnull=True, supplier_name="") & ~Q(supplier_siret=""), then=Subquery(named)),
        default=Value(""),
        output_field=CharField(),
    )


def displayed_amount(relation: SupplyRelation):
    """The exact amount when the viewer may see it (relation from ``relations_visible``), else None."""
    return relation.amount if getattr(relation, "amount_visible", False) else None


def can_view_relation(user, relation: SupplyRelation) -> bool:
    return relations_visible(user, queryset=SupplyRelation.objects.filter(pk=relation.pk)).exists()


def is_party_user(user, relation: SupplyRelation) -> str | None:
    """ "supplier" or "client" when ``user`` acts for that side of the relation, else None."""
    if not _is_active_user(user):
        return None
    own = set(EstablishmentUser.objects.filter(user=user).values_list("establishment_id", flat=True))
    if relation.supplier_id in own:
        return "supplier"
    if relation.client_id in own:
        return "client"
    return None


def can_answer(user, relation: SupplyRelation) -> bool:
    """The other side confirms or disputes: the client for a supplier's declaration, and so on."""
    side = is_party_user(user, relation)
    if side is None:
        return False
    if relation.source == RelationSource.SUPPLIER:
        return side == "client"
    if relation.source == RelationSource.CLIENT:
        return side == "supplier"
    return True  # animator, ledger, public procurement: either party answers


def members_spoken_for(user) -> QuerySet[Establishment]:
    """The companies an animator declares relations for: the current members of the networks she
    animates (every network's for a platform administrator). A prospect or a former member is
    not hers to speak for."""
    if not _is_active_user(user):
        return Establishment.objects.none()
    return Establishment.objects.filter(current_member("memberships__", network__in=animated_networks(user)))


def declarable_establishments(user) -> QuerySet[Establishment]:
    """The establishments ``user`` may declare a relation for: those she acts for, and
    ``members_spoken_for``.

    The declaration page, the link to it and ``relation_declare`` (through ``members_spoken_for``
    and ``is_establishment_user``) ask these questions, so that no one is shown a link that
    answers 403.
    """
    if not _is_active_user(user):
        return Establishment.objects.none()
    own = Establishment.objects.filter(user_links__user=user).values("pk")
    spoken_for = members_spoken_for(user).values("pk")
    return Establishment.objects.filter(Q(pk__in=own) | Q(pk__in=spoken_for)).select_related(
        "commune", "organisation"
    )


def declares_for_members(user) -> bool:
    """``user`` may declare on behalf of member companies (she animates a network, or is an admin)."""
    return animated_networks(user).exists()
