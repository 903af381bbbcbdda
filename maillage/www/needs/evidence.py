"""The need page's words for a candidate's requirement checks (``maillage.needs.evidence``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from maillage.needs import evidence
from maillage.needs.models import Need
from maillage.taxonomy.labels import node_label
from maillage.www.typography import measure

MET, MISSING, TO_CONFIRM = "met", "missing", "to_confirm"


@dataclass(frozen=True)
class CheckLine:
    label: str
    state: str  # MET (✓), MISSING (✗) or TO_CONFIRM (« à confirmer »)
    required: bool
    words: str  # the evidence, in words


def need_labels(need: Need) -> dict[str, str]:
    """The need's requirement codes → their labels in the page's language."""
    nodes = [row.node for row in need.capabilities.select_related("node")]
    nodes += list(need.certifications.all())
    nodes += [row.node for row in need.equipment.select_related("node")]
    return {node.code: node.label for node in nodes}


def _words(check: dict) -> str:
    kind, found = check.get("kind"), check.get("evidence")
    if found == evidence.CONFIRMED:
        return _("déclaré par l’entreprise")
    if found == evidence.PROPOSED:
        return _("confirmé par le réseau")
    if found == evidence.MENTIONED:
        return _("cité dans sa présentation")
    if found == evidence.INFERRED:
        return _("seulement déduit de son code NAF")
    if found == evidence.NAMED:
        return _("seulement d’après son nom")
    if found == evidence.VALID:
        if check.get("valid_until"):
            return _("certificat valable jusqu’au %(date)s") % {"date": check["valid_until"]}
        return _("certificat valable")
    if found == evidence.DECLARED:
        return _("équipement déclaré")
    if kind == "certification":
        return _("absente ou expirée")
    if kind == "equipment":
        return _("équipement non déclaré")
    return _("absent de sa fiche")


def check_lines(checks, labels: dict[str, str]) -> list[CheckLine]:
    lines = []
    for check in checks or ():
        if evidence.is_met(check):
            state = MET
        elif check.get("evidence") in evidence.UNSAID:
            state = TO_CONFIRM
        else:
            state = MISSING
        code = check.get("code", "")
        lines.append(CheckLine(labels.get(code, code), state, bool(check.get("required")), _words(check)))
    return lines


def equipment_words(need: Need) -> list[str]:
    """The need's machines in words: « Presse hydraulique (Force ≥ 300 t) », "Hydraulic press
    (Force ≥ 300 t)": the specification's label and unit, never its key."""
    words = []
    for row in need.equipment.select_related("node"):
        text = row.node.label
        if row.spec:
            spec = next((s for s in row.node.effective_specs() if s["key"] == row.spec), {"key": row.spec})
            unit = spec.get("unit", "")
            bounds = [
                f"{sign} {measure(value, unit)}"
                for sign, value in (("≥", row.minimum), ("≤", row.maximum))
                if value is not None
            ]
            text += f" ({' '.join([node_label(spec), *bounds])})"
        words.append(text)
    return words
