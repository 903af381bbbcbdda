"""Referential factories: regions, departments, EPCIs, communes, NAF codes, headcount bands.

Defaults are one real place (Bas-Rhin, Grand Est) so that a test names only what it checks.
"""

import factory
import numpy as np

from maillage.directory.synthetic import luhn_check_digits
from maillage.referential.models import Commune, Department, Epci, HeadcountBand, NafCode, Region
from maillage.referential.text import normalize_name


def siren_for(n: int) -> str:
    """A valid SIREN (Luhn) made from a sequence number: distinct for distinct ``n``."""
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

    siren = factory.Sequence(siren_for)
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
