"""Directory write services: validation through the model validators, atomic bulk upsert."""

import datetime

import polars as pl
import pytest

from maillage.directory import bulk, services
from maillage.directory.errors import DirectoryError
from maillage.directory.models import Establishment, Membership, Network, Organisation


@pytest.fixture
def organisation(db):
    return services.organisation_create(siren="732829320", name="ATELIERS DU RHIN")


def test_organisation_create_refuses_a_bad_siren_key(db):
    with pytest.raises(DirectoryError) as error:
        services.organisation_create(siren="732829321", name="X")
    assert error.value.field == "siren"
    assert not Organisation.objects.exists()


def test_establishment_create_checks_siret_and_its_siren(organisation):
    site = services.establishment_create(siret="73282932000074", organisation=organisation, city="STRASBOURG")
    assert site.organisation == organisation and site.source == "manual"
    with pytest.raises(DirectoryError):
        services.establishment_create(siret="73282932000079", organisation=organisation)
    with pytest.raises(DirectoryError, match="SIREN"):
        services.establishment_create(siret="40483304800022", organisation=organisation)


def test_membership_set_creates_then_updates_only_given_fields(organisation):
    site = services.establishment_create(siret="73282932000074", organisation=organisation)
    network = Network.objects.create(slug="nord-alsace", name="Nord Alsace")
    joined = datetime.date(2024, 1, 15)
    first = services.membership_set(network=network, establishment=site, status="member", joined_on=joined)
    second = services.membership_set(network=network, establishment=site, status="former", category="PME")
    assert first.pk == second.pk and Membership.objects.count() == 1
    assert (second.status, second.joined_on, second.category) == ("former", joined, "PME")
    with pytest.raises(DirectoryError):
        services.membership_set(
            network=network, establishment=site, status="former", left_on=datetime.date(2023, 1, 1)
        )


def _frames(name="ATELIERS", siret="73282932000074", overwrite=True):
    organisations = pl.DataFrame(
        {
            "siren": ["732829320"], "name": [name], "acronym": [""], "legal_category_id": [None],
            "size_category": ["PME"], "naf_id": [None], "headcount_band_id": [None],
            "creation_date": [datetime.date(2001, 2, 3)], "is_active": [True], "overwrite": [overwrite],
        },
        schema_overrides={c: pl.String for c in ("legal_category_id", "naf_id", "headcount_band_id")},
    )  # fmt: skip
    establishments = pl.DataFrame(
        {
            "siret": [siret], "siren": ["732829320"], "name": [""], "trade_name": [""], "naf_id": [None],
            "headcount_band_id": [None], "street": ["1 RUE X"], "address_complement": [""],
            "postal_code": ["67000"],
            "city": ["STRASBOURG"], "commune_id": [None], "latitude": [48.58], "longitude": [7.75],
            "geo_precision": ["address"], "is_head_office": [True], "is_active": [True],
            "creation_date": [None], "source_hash": ["h1"],
        },
        schema_overrides={
            "naf_id": pl.String, "headcount_band_id": pl.String, "commune_id": pl.String,
            "creation_date": pl.Date,
        },
    )  # fmt: skip
    return establishments, organisations


def test_bulk_upsert_creates_then_overwrites_registered_organisations(db):
    establishments, organisations = _frames()
    services.establishments_bulk_upsert(establishments=establishments, organisations=organisations)
    est, org = Establishment.objects.get(), Organisation.objects.get()
    assert (org.name, org.size_category, org.source) == ("ATELIERS", "PME", "sirene")
    assert (est.organisation_id, est.city, est.source_hash) == (org.pk, "STRASBOURG", "h1")
    _, renamed = _frames(name="ATELIERS REUNIS")
    services.establishments_bulk_upsert(establishments=establishments, organisations=renamed)
    assert Organisation.objects.get().name == "ATELIERS REUNIS"
    _, fallback = _frames(name="NOM DE L'ETABLISSEMENT", overwrite=False)
    services.establishments_bulk_upsert(establishments=establishments, organisations=fallback)
    assert Organisation.objects.get().name == "ATELIERS REUNIS"


def test_bulk_upsert_needs_every_organisation_and_writes_nothing_otherwise(db):
    establishments, organisations = _frames()
    with pytest.raises(ValueError, match="without organisation"):
        services.establishments_bulk_upsert(
            establishments=establishments, organisations=organisations.filter(pl.lit(False))
        )
    assert not Organisation.objects.exists()
    with pytest.raises(ValueError, match="missing columns"):
        bulk.upsert_establishments(
            establishments.drop("source_hash"), now=datetime.datetime.now(datetime.UTC)
        )
