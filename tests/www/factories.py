"""Minimal directory and referential factories for the page tests."""

import factory
import numpy as np

from maillage.directory.models import Establishment, Membership, Network, Organisation
from maillage.directory.synthetic import luhn_check_digits, siret_make
from maillage.referential.models import Commune, Department, Epci, HeadcountBand, NafCode, Region
from maillage.referential.text import normalize_name


def _siren(n: int) -> str:
    payload = 20_000_000 + n
    return f"{payload}{int(luhn_check_digits(np.array([payload]), 8)[0])}"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = "44"
    name = "Grand Est"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["code"]

    code = "67"
    name = "Bas-Rhin"
    region = factory.SubFactory(RegionFactory)


class EpciFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Epci

    siren = factory.Sequence(_siren)
    name = factory.Sequence(lambda n: f"CC numéro {n}")
    kind = Epci.Kind.CC


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune

    # Five characters whatever the session length: the sequence wraps (each test starts empty).
    insee_code = factory.Sequence(lambda n: f"67{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    # As the loader writes it: the name lookups (commune_resolve) read this column.
    search_name = factory.LazyAttribute(lambda commune: normalize_name(commune.name))
    department = factory.SubFactory(DepartmentFactory)
    epci = factory.SubFactory(EpciFactory)
    population = 1000
    latitude = 48.8
    longitude = 7.8
    postal_codes = factory.LazyFunction(lambda: ["67500"])


class NafCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NafCode
        django_get_or_create = ["code"]

    code = "25.62B"
    level = NafCode.Level.SUBCLASS
    label = "Mécanique industrielle"
    section = "C"


class HeadcountBandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HeadcountBand
        django_get_or_create = ["code"]

    code = "12"
    label = "20 à 49 salariés"
    min_employees = 20
    max_employees = 49


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    siren = factory.Sequence(lambda n: _siren(50_000 + n))
    name = factory.Sequence(lambda n: f"Entreprise {n:04d}")


class EstablishmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Establishment

    organisation = factory.SubFactory(OrganisationFactory)
    siret = factory.LazyAttribute(lambda o: siret_make(o.organisation.siren, 1))
    name = factory.LazyAttribute(lambda o: o.organisation.name)
    commune = factory.SubFactory(CommuneFactory)
    naf = factory.SubFactory(NafCodeFactory)
    headcount_band = factory.SubFactory(HeadcountBandFactory)


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network

    slug = factory.Sequence(lambda n: f"reseau-{n}")
    name = factory.Sequence(lambda n: f"Réseau {n}")
    description = "Un réseau d'industriels."


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    network = factory.SubFactory(NetworkFactory)
    establishment = factory.SubFactory(EstablishmentFactory)
    status = Membership.Status.MEMBER
