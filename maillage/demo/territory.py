"""The demo network and its territory: eight EPCIs of North Alsace around Haguenau."""

from __future__ import annotations

from django.db import transaction

from maillage.directory.models import Network
from maillage.referential.models import Epci

NETWORK_SLUG = "alsace-du-nord"
NETWORK_NAME = "Industries Alsace du Nord"
# Stored content, not interface text: it is the network's own description, in French.
NETWORK_DESCRIPTION = (
    "Le réseau des industriels de l'Alsace du Nord, de Haguenau à Wissembourg et de la Sauer "
    "au Rhin : mécanique, plasturgie, agroalimentaire, énergie et bureaux d'études s'y "
    "retrouvent pour partager achats, compétences et projets.\n"
    "Territoire de démonstration : les entreprises réelles y côtoient des établissements "
    "fictifs, signalés comme tels."
)
# Its English version, shown on English pages (``Network.localised_description``).
NETWORK_DESCRIPTION_EN = (
    "The network of North Alsace's manufacturers, from Haguenau to Wissembourg and from the "
    "Sauer to the Rhine: engineering, plastics, food, energy and design offices meet there to "
    "share purchases, skills and projects.\n"
    "Demonstration territory: real companies sit alongside fictitious establishments, marked "
    "as such."
)
# SIREN of each EPCI (COG 2026), checked against epci.json of the referential.
TERRITORY_EPCIS = {
    "200067874": "CA de Haguenau",
    "200013050": "CC Sauer-Pechelbronn",
    "200040178": "CC de l'Outre-Forêt",
    "246701098": "CC du Pays de Niederbronn-les-Bains",
    "246700926": "CC du Pays de Wissembourg",
    "200041283": "CC de la Plaine du Rhin",
    "246700843": "CC de la Basse-Zorn",
    "200041325": "CC du Pays Rhénan",
}


class TerritoryError(Exception):
    """The referential lacks an EPCI of the demo territory."""


@transaction.atomic
def network_ensure() -> tuple[Network, int]:
    """The demo network with its EPCIs; the count is 1 when anything had to be written."""
    epcis = list(Epci.objects.filter(siren__in=TERRITORY_EPCIS))
    missing = sorted(set(TERRITORY_EPCIS) - {epci.siren for epci in epcis})
    if missing:
        raise TerritoryError(
            "EPCI absents du référentiel : "
            + ", ".join(f"{siren} ({TERRITORY_EPCIS[siren]})" for siren in missing)
            + ". Chargez le référentiel : maillage load-referential --wet-run."
        )
    network, created = Network.objects.get_or_create(
        slug=NETWORK_SLUG,
        defaults={
            "name": NETWORK_NAME,
            "description": NETWORK_DESCRIPTION,
            "description_en": NETWORK_DESCRIPTION_EN,
        },
    )
    translated = False
    if not network.description_en and network.description == NETWORK_DESCRIPTION:
        # A demo network built before the English version existed (never an animator's text).
        network.description_en = NETWORK_DESCRIPTION_EN
        network.save(update_fields=["description_en"])
        translated = True
    have = set(network.epcis.values_list("siren", flat=True))
    added = [epci for epci in epcis if epci.siren not in have]
    if added:
        network.epcis.add(*added)
    return network, int(created or translated or bool(added))
