"""Journal factories (entries written directly; behaviour tests go through the services)."""

import factory
from django.utils import timezone

from maillage.journal.models import EntryKind, JournalEntry
from tests.directory.factories import EstablishmentFactory, NetworkFactory


class JournalEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JournalEntry

    network = factory.SubFactory(NetworkFactory)
    establishment = factory.SubFactory(EstablishmentFactory)
    occurred_on = factory.LazyFunction(timezone.localdate)
    kind = EntryKind.VISIT
