import factory

from maillage.accounts.models import User

DEFAULT_PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@example.org")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Test{n}")
    password = factory.django.Password(DEFAULT_PASSWORD)

    class Params:
        admin = factory.Trait(is_superuser=True, is_staff=True)


class EstablishmentUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "directory.EstablishmentUser"

    user = factory.SubFactory(UserFactory)
    establishment = factory.SubFactory("tests.directory.factories.EstablishmentFactory")
