"""Profile factories. Establishments come from ``tests.directory.factories`` (no twins here).

Rows point at nodes of the real taxonomy (the ``taxonomy`` fixture loads it): pass ``node``
or rely on the defaults below. Tests of behaviour go through the services instead.
"""

import factory

from maillage.profiles.models import (
    CapabilityLevel,
    CapabilityStatus,
    Certification,
    Equipment,
    Profile,
    ProfileCapability,
)
from maillage.taxonomy.models import TaxonomyNode
from tests.directory.factories import EstablishmentFactory


def _node(code: str):
    return factory.LazyFunction(lambda: TaxonomyNode.objects.get(code=code))


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile
        django_get_or_create = ["establishment"]

    establishment = factory.SubFactory(EstablishmentFactory)


class ProfileCapabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProfileCapability

    profile = factory.SubFactory(ProfileFactory)
    node = _node("proc.machining.milling")
    level = CapabilityLevel.CORE
    status = CapabilityStatus.CONFIRMED


class EquipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Equipment

    profile = factory.SubFactory(ProfileFactory)
    node = _node("equip.press.hydraulic")
    label = factory.Sequence(lambda n: f"Presse n° {n}")


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certification

    profile = factory.SubFactory(ProfileFactory)
    node = _node("cert.iso9001")
    number = factory.Sequence(lambda n: f"FR-{n:05d}")
