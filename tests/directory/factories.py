"""Directory factories: organisations, establishments, networks, memberships.

Traits and hooks say how an object stands in a network instead of a "world" dict built by
hand: ``EstablishmentFactory(member_of=network)`` joins it, ``EstablishmentFactory(users=[u])``
lets ``u`` act for it, ``NetworkFactory(animators=[u], epcis=[e])`` gives the network its
animators and territory.
"""

import factory

from maillage.directory.models import Establishment, EstablishmentUser, Membership, Network, Organisation
from maillage.directory.synthetic import siret_make
from tests.referential.factories import CommuneFactory, HeadcountBandFactory, NafCodeFactory, siren_for


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    siren = factory.Sequence(lambda n: siren_for(50_000 + n))
    name = factory.Sequence(lambda n: f"Entreprise {n:04d}")


class EstablishmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Establishment
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    siret = factory.LazyAttribute(lambda o: siret_make(o.organisation.siren, 1))
    name = factory.LazyAttribute(lambda o: o.organisation.name)
    commune = factory.SubFactory(CommuneFactory)
    naf = factory.SubFactory(NafCodeFactory)
    headcount_band = factory.SubFactory(HeadcountBandFactory)

    @factory.post_generation
    def member_of(self, create, network, **kwargs):
        """``member_of=network``: a current member of it."""
        if create and network is not None:
            Membership.objects.create(network=network, establishment=self, status=Membership.Status.MEMBER)

    @factory.post_generation
    def users(self, create, users, **kwargs):
        """``users=[user, …]``: people who act for the establishment."""
        if create and users:
            for user in users:
                EstablishmentUser.objects.create(user=user, establishment=self)


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"reseau-{n}")
    name = factory.Sequence(lambda n: f"Réseau {n}")
    description = "Un réseau d'industriels."

    @factory.post_generation
    def animators(self, create, users, **kwargs):
        if create and users:
            self.animators.add(*users)

    @factory.post_generation
    def epcis(self, create, epcis, **kwargs):
        """``epcis=[epci, …]``: the network's territory."""
        if create and epcis:
            self.epcis.add(*epcis)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    network = factory.SubFactory(NetworkFactory)
    establishment = factory.SubFactory(EstablishmentFactory)
    status = Membership.Status.MEMBER

    class Params:
        prospect = factory.Trait(status=Membership.Status.PROSPECT)
        former = factory.Trait(status=Membership.Status.FORMER)
