import factory

from maillage.relations.models import Confidentiality, RelationSource, RelationStatus, SupplyRelation
from tests.directory.factories import EstablishmentFactory


class SupplyRelationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplyRelation

    supplier = factory.SubFactory(EstablishmentFactory)
    client = factory.SubFactory(EstablishmentFactory)
    client_siren = factory.LazyAttribute(lambda o: o.client.organisation.siren if o.client else "")
    source = RelationSource.SUPPLIER
    confidentiality = Confidentiality.PUBLIC
    status = RelationStatus.CONFIRMED
    volume_band = "50k-200k"
    amount = 123456
    amount_year = 2025
