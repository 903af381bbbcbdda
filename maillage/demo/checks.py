"""The coherence rules (``maillage.demo.coherence``) checked over what the demo wrote.

``demo_coherence_violations`` reads every generated company of the demo with its declared
profile, every need its members posted and every purchase line of its ledgers, and returns
each broken rule in words; the tests require an empty list, ``maillage demo -v 2`` prints it.
"""

from __future__ import annotations

from collections import defaultdict

from maillage.demo.coherence import ActivityRules, Company, company_violations
from maillage.directory.models import Establishment, Network
from maillage.needs.models import Need, NeedCapability
from maillage.profiles.models import (
    CapabilityStatus,
    Equipment,
    EquipmentSpec,
    Profile,
    ProfileCapability,
    ProfileReference,
    ProfileSector,
)
from maillage.relations.models import SupplyRelation
from maillage.taxonomy.models import NafCapabilityHint, TaxonomyNode


def activity_rules() -> ActivityRules:
    hints: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for naf, code, weight in (
        NafCapabilityHint.objects.filter(node__is_active=True)
        .values_list("naf_id", "node__code", "weight")
        .order_by("naf_id", "-weight", "node__code")
    ):
        hints[naf].append((code, weight))
    parents = dict(TaxonomyNode.objects.values_list("code", "parent__code"))
    return ActivityRules(hints, parents)


def generated_companies() -> list[Company]:
    """Every fictitious demo company (organisation and establishment generated) with its profile."""
    establishments = (
        Establishment.objects.filter(source="demo", is_generated=True, organisation__is_generated=True)
        .exclude(naf=None)
        .select_related("organisation", "headcount_band")
        .order_by("siret")
    )
    profiles = dict(
        Profile.objects.filter(establishment__in=establishments).values_list("establishment_id", "pk")
    )

    def grouped(rows):
        out = defaultdict(list)
        for key, *value in rows:
            out[key].append(value[0] if len(value) == 1 else tuple(value))
        return out

    ids = list(profiles.values())
    trades = grouped(
        ProfileCapability.objects.filter(profile_id__in=ids, status=CapabilityStatus.CONFIRMED).values_list(
            "profile_id", "node__code"
        )
    )
    sectors = grouped(
        ProfileSector.objects.filter(profile_id__in=ids).values_list("profile_id", "node__code")
    )
    clients = grouped(ProfileReference.objects.filter(profile_id__in=ids).values_list("profile_id", "client"))
    specs = grouped(
        EquipmentSpec.objects.filter(equipment__profile_id__in=ids).values_list(
            "equipment_id", "key", "value"
        )
    )
    machines = grouped(
        Equipment.objects.filter(profile_id__in=ids).values_list("profile_id", "node__code", "quantity", "pk")
    )
    descriptions = dict(Profile.objects.filter(pk__in=ids).values_list("pk", "description_fr"))
    companies = []
    for establishment in establishments:
        profile = profiles.get(establishment.pk)
        band = establishment.headcount_band
        companies.append(
            Company(
                siret=establishment.siret,
                naf=establishment.naf_id,
                min_employees=band.min_employees if band else None,
                max_employees=band.max_employees if band else None,
                created=establishment.organisation.creation_date,
                trades=tuple(trades.get(profile, ())),
                sectors=tuple(sectors.get(profile, ())),
                equipment=tuple(
                    (code, quantity or 1, {k: float(v) for k, v in specs.get(pk, ()) if v is not None})
                    for code, quantity, pk in machines.get(profile, ())
                ),
                reference_clients=tuple(clients.get(profile, ())),
                description=descriptions.get(profile, ""),
            )
        )
    return companies


def demo_coherence_violations(network: Network, rules: ActivityRules | None = None) -> list[str]:
    """Every coherence rule the demo breaks (docs/demo.md), in words; empty when coherent."""
    rules = rules or activity_rules()
    found = []
    for company in generated_companies():
        found += company_violations(rules, company)
    for need_id, naf, is_generated, code, title in NeedCapability.objects.filter(
        need__network=network
    ).values_list(
        "need_id",
        "need__author_establishment__naf_id",
        "need__author_establishment__organisation__is_generated",
        "node__code",
        "need__title",
    ):
        if not is_generated:
            found.append(f"besoin {need_id} « {title} » publié au nom d'une entreprise réelle")
        elif not rules.may_buy(naf or "", code):
            found.append(f"besoin {need_id} « {title} » : {code} n'est pas un achat d'une activité {naf}")
    for client, naf, is_generated, code in (
        SupplyRelation.objects.filter(source="ledger")
        .exclude(category_node=None)
        .values_list(
            "client__siret", "client__naf_id", "client__organisation__is_generated", "category_node__code"
        )
        .distinct()
    ):
        if not is_generated:
            found.append(f"registre d'achats inventé pour l'entreprise réelle {client}")
        elif not rules.may_buy(naf or "", code):
            found.append(f"{client} ({naf}) achète {code}, hors de ce que son activité achète")
    if (
        Need.objects.filter(network=network)
        .exclude(author_establishment__organisation__is_generated=True)
        .exists()
    ):
        found.append("un besoin de la démo n'est pas publié par une entreprise fictive")
    return found
