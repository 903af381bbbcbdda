"""One object of every model registered in the admin, for the admin rows of the permission matrix."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.models import Group
from django.utils import timezone

from maillage.accounts.models import Invitation
from maillage.accounts.services import claim_create
from maillage.directory.models import EstablishmentUser, Membership
from maillage.imports.models import ImportRun, MappingDecision, MappingReview
from maillage.journal.models import JournalEntry
from maillage.needs.models import NeedDelivery, NetworkNeedSettings, Notification
from maillage.profiles.models import ProfileChange
from maillage.referential.models import CpvCode, LegalCategory, PostalCode, RomeCode
from maillage.relations.models import PurchaseLine, SupplierMatchReview, SupplyRelation
from maillage.taxonomy.models import NafCapabilityHint, TaxonomyNode, TaxonomyProposal, TaxonomyVersion
from tests.accounts.factories import UserFactory
from tests.needs.factories import NeedFactory
from tests.profiles.factories import ProfileFactory


def admin_objects(world) -> dict[str, dict]:
    """One object per registered model: {"a": …, "b": …} for the scoped ones, {"": …} else."""

    def per_network(make):
        return {"a": make("a", world["peer"]), "b": make("b", world["elsewhere"])}

    soon = timezone.now() + timezone.timedelta(days=7)
    commune, own, member = world["own"].commune, world["own"], world["member"]
    need = NeedFactory(network=world["a"], author=member, author_establishment=own)
    node = TaxonomyNode.objects.create(
        code="proc.matrix", type="process", label_fr="Matrice", label_en="Matrix"
    )
    relation = SupplyRelation.objects.create(
        supplier=world["peer"], client=world["unclaimed"], source="ledger", confidentiality="parties",
        amount=1000,
    )  # fmt: skip
    objects = {
        "accounts.claim": per_network(lambda n, e: claim_create(user=UserFactory(), siret=e.siret)),
        "accounts.invitation": per_network(
            lambda n, e: Invitation.objects.create(
                email=f"{n}@example.org", network=world[n], establishment=e, expires_at=soon
            )
        ),
        "directory.establishment": per_network(lambda n, e: e),
        "directory.establishmentuser": per_network(
            lambda n, e: EstablishmentUser.objects.create(user=UserFactory(), establishment=e)
        ),
        "directory.membership": per_network(lambda n, e: Membership.objects.get(establishment=e)),
        "directory.network": per_network(lambda n, e: world[n]),
        "directory.organisation": per_network(lambda n, e: e.organisation),
    }
    single = {
        "accounts.user": member,
        "auth.group": Group.objects.create(name="Groupe"),
        "imports.importrun": ImportRun.objects.create(
            kind="profiles", file_path="a.xlsx", file_fingerprint="f", options_key="k"
        ),
        "imports.mappingdecision": MappingDecision.objects.create(
            node_type="capability", normalised_text="be"
        ),
        "imports.mappingreview": MappingReview.objects.create(
            column="capabilities",
            node_type="capability",
            raw_text="BE",
            normalised_text="be",
            establishment=own,
        ),
        "journal.journalentry": JournalEntry.objects.create(
            network=world["a"], establishment=own, occurred_on=timezone.localdate(), kind="visit"
        ),
        "needs.need": need,
        "needs.needdelivery": NeedDelivery.objects.create(need=need, user=member, kind="invitation"),
        "needs.networkneedsettings": NetworkNeedSettings.objects.create(network=world["a"]),
        "needs.notification": Notification.objects.create(user=member, need=need, kind="invitation"),
        "profiles.profile": (profile := ProfileFactory(establishment=own)),
        "profiles.profilechange": ProfileChange.objects.create(
            profile=profile, source="animator", object_type="profile", field="description_fr"
        ),
        "referential.commune": commune,
        "referential.cpvcode": CpvCode.objects.create(code="45000000", label="Travaux"),
        "referential.department": commune.department,
        "referential.epci": commune.epci,
        "referential.headcountband": own.headcount_band,
        "referential.legalcategory": LegalCategory.objects.create(code="5710", label="SAS", level=3),
        "referential.nafcode": own.naf,
        "referential.postalcode": PostalCode.objects.create(code="67240", commune=commune),
        "referential.region": commune.department.region,
        "referential.romecode": RomeCode.objects.create(code="H2903", label="Usinage"),
        "relations.purchaseline": PurchaseLine.objects.create(
            relation=relation, key="k", year=2025, amount=10
        ),
        "relations.suppliermatchreview": SupplierMatchReview.objects.create(
            normalised_name="x", raw_name="X", network=world["a"]
        ),
        "relations.supplyrelation": relation,
        "taxonomy.nafcapabilityhint": NafCapabilityHint.objects.create(naf=own.naf, node=node, weight=0.5),
        "taxonomy.taxonomynode": node,
        "taxonomy.taxonomyproposal": TaxonomyProposal.objects.create(
            kind="synonym", network=world["a"], node=node, synonym="matrice"
        ),
        "taxonomy.taxonomyversion": TaxonomyVersion.objects.create(label="v1", content_hash="h"),
    }
    return objects | {label: {"": obj} for label, obj in single.items()}


def autocomplete_source(model) -> str | None:
    """A foreign key to ``model`` (on its primary key), for the autocomplete URL's query."""

    for source in sorted(apps.get_models(), key=lambda m: m._meta.label_lower):
        for related in source._meta.get_fields():
            if (
                related.concrete and related.is_relation and related.remote_field.model is model
                and getattr(related.remote_field, "field_name", model._meta.pk.name) == model._meta.pk.name
            ):  # fmt: skip
                meta = source._meta
                return f"app_label={meta.app_label}&model_name={meta.model_name}&field_name={related.name}"
    return None
