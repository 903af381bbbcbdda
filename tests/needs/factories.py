"""Need factories; directory ones come from tests.directory.factories, users from tests.accounts."""

import datetime

import factory
from django.utils import timezone

from maillage.directory.models import EstablishmentUser
from maillage.needs.models import Need, NeedKind, NeedRecipient, NeedVisibility
from maillage.taxonomy.models import NodeSource, NodeType, TaxonomyNode
from tests.accounts.factories import UserFactory
from tests.directory.factories import EstablishmentFactory, MembershipFactory, NetworkFactory


class NeedFactory(factory.django.DjangoModelFactory):
    """A draft written directly (tests of behaviour create needs through ``need_create``)."""

    class Meta:
        model = Need

    network = factory.SubFactory(NetworkFactory)
    author = factory.SubFactory(UserFactory)
    kind = NeedKind.PART
    title = factory.Sequence(lambda n: f"Besoin n° {n}")
    deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=21))
    visibility = NeedVisibility.MEMBERS


class NeedRecipientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NeedRecipient

    need = factory.SubFactory(NeedFactory)
    establishment = factory.SubFactory(EstablishmentFactory)
    batch = 1
    rank = factory.Sequence(lambda n: n + 1)


def capability_node(code: str = "proc.test.milling", kind: str = NodeType.PROCESS) -> TaxonomyNode:
    node, _ = TaxonomyNode.objects.get_or_create(
        code=code,
        defaults={
            "type": kind,
            "label_fr": f"Libellé {code}",
            "label_en": code,
            "source": NodeSource.ANIMATOR,
        },
    )
    if not node.tree_path:
        # A root node's materialised path, as the loader writes it: without one, subtree
        # lookups ("this node or below") would match every node.
        node.tree_path, node.depth = f"/{node.pk}/", 0
        node.save(update_fields=["tree_path", "depth"])
    return node


def member(network, *, email: str | None = None):
    """A user acting for an establishment that is a member of ``network``: (user, establishment)."""
    membership = MembershipFactory(network=network)
    user = UserFactory(**({"email": email} if email else {}))
    EstablishmentUser.objects.create(user=user, establishment=membership.establishment)
    return user, membership.establishment


def animator(network):
    user = UserFactory()
    network.animators.add(user)
    return user


def chosen_need(world: dict, capabilities):
    """An open-to-chosen-companies need of ``world["author"]`` sent to every company of ``world``
    (its capitalised keys), so that consortium tests need no search index."""
    from maillage.needs.services import need_create

    companies = [value for key, value in world.items() if key[:1].isupper()]
    return need_create(
        author=world["author"],
        network=world["network"],
        author_establishment=world["author_establishment"],
        kind="part",
        title="Usinage de brides",
        capabilities=capabilities,
        commune=world["commune"].insee_code,
        deadline=timezone.localdate() + datetime.timedelta(days=20),
        visibility=NeedVisibility.CHOSEN,
        chosen_establishments=companies,
    )
