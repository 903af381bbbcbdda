"""The facts of a search result card, in the page's language: activity, headcount band,
membership, valid certifications, main machines with their most telling figure.

Read by ``profiles.display.result_cards`` for a whole page at once; shaped here for the
template (``search/results.html``), numbers and units by ``maillage.www.typography``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from maillage.directory.models import Network
from maillage.profiles.display import CardMachine, CardNetwork, ResultCard
from maillage.taxonomy.labels import node_label
from maillage.www.search.explanations import inline
from maillage.www.typography import french_spacing, is_french, measure

# A card shows at most this many machines and certifications, and says how many more.
CARD_MACHINES = 3
CARD_CERTIFICATIONS = 4


def member_label_for(cards: dict[str, ResultCard]) -> Callable[[list[CardNetwork]], str] | None:
    """The member badge's words: « Membre du réseau » when the platform holds one network (the
    site is that network), « Membre : <names> » when it holds several. One query, only when a
    result is a member."""
    if not any(card.networks for card in cards.values()):
        return None
    if Network.objects.count() <= 1:
        return lambda networks: _("Membre du réseau")
    return lambda networks: french_spacing(
        _("Membre : %(networks)s") % {"networks": ", ".join(n.name for n in networks)}
    )


def card_facts(row, card: ResultCard, details: list[dict], *, member_label=None) -> None:
    """Fill ``row`` (a ``views.Row``) with ``card``'s facts; the machines the search asked for
    come first."""
    french = is_french()
    establishment = card.establishment
    if establishment.naf is not None:
        row.activity = establishment.naf.short_label or establishment.naf.label
        row.activity_lang = "" if french else "fr"  # INSEE publishes French labels only
    row.headcount_band = establishment.headcount_band
    if card.networks and member_label is not None:
        row.member_label = member_label(card.networks)
    certifications = [node_label(node) for node in card.certifications]
    row.certifications = certifications[:CARD_CERTIFICATIONS]
    row.certifications_more = max(0, len(certifications) - CARD_CERTIFICATIONS)
    asked = {d["matched"]: d.get("spec") for d in details if d["kind"] == "equipment" and d.get("matched")}
    machines = sorted(card.machines, key=lambda m: (m.node.code not in asked, not m.figures, -m.quantity))
    row.machines = [machine_text(m, asked.get(m.node.code)) for m in machines[:CARD_MACHINES]]
    row.machines_more = max(0, len(machines) - CARD_MACHINES)


def machine_text(machine: CardMachine, asked_spec: str | None = None) -> str:
    """« Centre d’usinage 5 axes × 2 — course X : 1 200 mm »: the machine's most telling figure,
    or the one the search asked about."""
    name = node_label(machine.node)
    if machine.quantity > 1:
        name = _("%(machine)s × %(n)s") % {"machine": name, "n": machine.quantity}
    figures = machine.figures
    figure = next((f for f in figures if f.definition["key"] == asked_spec), figures[0] if figures else None)
    if figure is None:
        return french_spacing(name)
    text = _("%(machine)s — %(spec)s : %(value)s") % {
        "machine": name,
        "spec": inline(node_label(figure.definition)),
        "value": measure(figure.value, figure.unit),
    }
    return french_spacing(text)


def spec_labels(card: ResultCard | None) -> dict[tuple[str, str], str]:
    """(machine type code, specification key) → label, for the sentence's equipment part."""
    if card is None:
        return {}
    return {
        (m.node.code, f.definition["key"]): node_label(f.definition) for m in card.machines for f in m.figures
    }
