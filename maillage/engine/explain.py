"""Readable reasons for a result, in French, with the same facts in structured form.

The structured ``details`` let the web layer render its own wording through gettext; the
``text`` is what the command line and the API print as is.
"""

from datetime import date

import numpy as np

from maillage.engine.build import DAY_MAX, DAY_MIN, EPOCH_ORDINAL, FIELD_LABELS_FR, FIELDS
from maillage.engine.segment import Segment

# The strongest evidence first: confirmed, proposed, mentioned; inferred from the NAF code last.
STATUS_RANK = {0: 0, 2: 1, 3: 2, 4: 3, 1: 4}
STATUS_FR = {
    0: "déclaré par l'entreprise",
    1: "déduit de son activité (code NAF), à confirmer",
    2: "proposé, en attente de validation",
    3: "cité dans sa présentation",
    4: "d'après son nom, à confirmer",
}
STATUS_KEYS = {0: "confirmed", 1: "inferred", 2: "proposed", 3: "mentioned", 4: "named"}


def _day(value: int) -> str:
    return date.fromordinal(int(value) + EPOCH_ORDINAL).strftime("%d/%m/%Y")


def _number(value: float) -> str:
    text = f"{value:,.1f}".replace(",", " ").replace(".", ",")
    return text[:-2] if text.endswith(",0") else text


class Explainer:
    def __init__(self, taxonomy, query, plan, day: int):
        self.taxonomy, self.query, self.plan, self.day = taxonomy, query, plan, day
        self._words: dict[tuple[int, int], list[tuple[str, int]]] = {}
        self.node_ids = taxonomy.node_id
        self._descendant_ids = {
            concept.code: {self.node_ids[c] for c in taxonomy.descendants(concept.code)}
            for concept in plan.concepts
        }

    def prefetch(self, segment: Segment, locals_: list[int]) -> None:
        """Which query words each result holds, one binary search per word for the page."""
        if not locals_:
            return
        wanted = np.array(sorted(locals_), dtype=np.int64)
        for term in self.plan.terms:
            span = segment.text.span(term.stem)
            if span is None:
                continue
            docs = segment.text.docs[span[0] : span[1]]
            positions = np.searchsorted(docs, wanted)
            inside = positions < len(docs)
            hit = np.zeros(len(wanted), bool)
            hit[inside] = docs[positions[inside]] == wanted[inside]
            fields = segment.text.cols["fields"]
            for local, position in zip(wanted[hit].tolist(), positions[hit].tolist(), strict=True):
                key = (id(segment), local)
                self._words.setdefault(key, []).append((term.surface, int(fields[span[0] + position])))

    def explain(self, segment: Segment, local: int, distance_km: float | None) -> tuple[str, list[dict]]:
        details: list[dict] = []
        parts: list[str] = []
        start, end = int(segment.fwd_indptr[local]), int(segment.fwd_indptr[local + 1])
        held = list(
            zip(
                np.asarray(segment.fwd_node[start:end]).tolist(),
                np.asarray(segment.fwd_status[start:end]).tolist(),
                strict=True,
            )
        )
        parts += self._concepts(held, details)
        parts += self._words_found(segment, local, details)
        parts += self._certifications(segment, local, details)
        parts += self._equipment(segment, local, details)
        if self.query.headcount_min is not None or self.query.headcount_max is not None:
            low, high = int(segment.headcount_min[local]), int(segment.headcount_max[local])
            details.append({"kind": "headcount", "min": low, "max": high})
            parts.append(f"effectif {low}–{high} salariés")
        for network in self.query.networks:
            if segment.network.find(network, local) is not None:
                details.append({"kind": "network", "network": network})
                parts.append(f"membre du réseau {network}")
        commune = segment.commune_values[int(segment.commune[local])]
        if distance_km is not None and self.query.location is not None:
            origin = self.query.location.label
            where = f"à {_number(distance_km)} km" + (f" de {origin}" if origin else "")
            if commune:
                where += f" ({commune})"
            if self.query.location.radius_km is not None:
                where += f", dans le rayon de {_number(self.query.location.radius_km)} km"
            details.append({"kind": "distance", "km": distance_km, "commune": commune})
            parts.append(where)
        text = "; ".join(parts) if parts else "correspond aux critères demandés"
        return text[0].upper() + text[1:] + ".", details

    def _concepts(self, held: list[tuple[int, int]], details: list[dict]) -> list[str]:
        parts = []
        codes = self.taxonomy.codes
        for concept in self.plan.concepts:
            wanted = self._descendant_ids[concept.code]
            best = None
            for node, status in held:
                if node in wanted and (best is None or STATUS_RANK[status] < STATUS_RANK[best[1]]):
                    best = (node, status)
            label = self.taxonomy.label(concept.code)
            asked = label if concept.structured else f"« {concept.phrase} »"
            if best is None:
                details.append({"kind": "capability", "requested": concept.code, "matched": None})
                parts.append(f"{asked} : non trouvé dans sa fiche")
                continue
            node, status = best
            code = codes[node]
            target = label if code == concept.code else f"{label} › {self.taxonomy.label(code)}"
            details.append(
                {
                    "kind": "capability",
                    "requested": concept.code,
                    "matched": code,
                    "status": STATUS_KEYS[status],
                }
            )
            parts.append(f"{asked} → {target} ({STATUS_FR[status]})")
        return parts

    def _words_found(self, segment: Segment, local: int, details: list[dict]) -> list[str]:
        words = []
        found = self._words.get((id(segment), local))
        if found is None:  # explain() called without prefetch()
            found = []
            for term in self.plan.terms:
                position = segment.text.find(term.stem, local)
                if position is not None:
                    found.append((term.surface, int(segment.text.cols["fields"][position])))
        for surface, mask in found:
            found_in = [i for i in range(len(FIELDS)) if mask & (1 << i)]
            fields = [FIELD_LABELS_FR[i] for i in found_in]
            # ``field_keys`` name the same fields for a translated rendering (``own_words``: the
            # company's words still awaiting review, never a claim).
            keys = [FIELDS[i] for i in found_in]
            details.append({"kind": "text", "word": surface, "fields": fields, "field_keys": keys})
            words.append(f"« {surface} » ({', '.join(fields)})")
        if words:
            return ["mots trouvés : " + ", ".join(words)]
        return []

    def _certifications(self, segment: Segment, local: int, details: list[dict]) -> list[str]:
        parts = []
        start, end = int(segment.cfwd_indptr[local]), int(segment.cfwd_indptr[local + 1])
        nodes = np.asarray(segment.cfwd_node[start:end]).tolist()
        for code in self.query.certifications:
            wanted = {self.node_ids[c] for c in self.taxonomy.descendants(code)}
            found = None
            for offset, node in enumerate(nodes):
                valid_from, valid_until = (
                    int(segment.cfwd_from[start + offset]),
                    int(segment.cfwd_until[start + offset]),
                )
                if node in wanted and valid_from <= self.day <= valid_until:
                    found = (node, valid_until)
                    break
            if found is None:
                details.append({"kind": "certification", "requested": code, "matched": None})
                parts.append(f"certification {self.taxonomy.label(code)} : non trouvée ou expirée")
                continue
            matched = self.taxonomy.codes[found[0]]
            until = None if found[1] in (DAY_MAX, DAY_MIN) else _day(found[1])
            details.append(
                {"kind": "certification", "requested": code, "matched": matched, "valid_until": until}
            )
            text = f"certification {self.taxonomy.label(matched)} valable le {_day(self.day)}"
            parts.append(text + (f" (jusqu'au {until})" if until else ""))
        return parts

    def _equipment(self, segment: Segment, local: int, details: list[dict]) -> list[str]:
        parts = []
        for constraint in self.query.equipment:
            found = None
            for node in self.taxonomy.descendants(constraint.node_code):
                if constraint.spec is None:
                    if segment.equip.find(node, local) is not None:
                        found = (node, None)
                        break
                    continue
                key = f"{node}|{constraint.spec}"
                span = segment.spec.span(key)
                if span is None:
                    continue
                docs = segment.spec.docs[span[0] : span[1]]
                values = segment.spec.cols["value"][span[0] : span[1]][docs == local]
                for value in values:
                    if (constraint.minimum is None or value >= constraint.minimum) and (
                        constraint.maximum is None or value <= constraint.maximum
                    ):
                        found = (node, float(value))
                        break
                if found:
                    break
            if found is None:
                details.append({"kind": "equipment", "requested": constraint.node_code, "matched": None})
                parts.append(f"équipement {self.taxonomy.label(constraint.node_code)} : non trouvé")
                continue
            node, value = found
            text = f"équipement : {self.taxonomy.label(node)}"
            detail = {"kind": "equipment", "requested": constraint.node_code, "matched": node}
            if value is not None:
                spec = self.taxonomy.effective_specs(node)[constraint.spec]
                bounds = []
                if constraint.minimum is not None:
                    bounds.append(f"≥ {_number(constraint.minimum)} {spec.unit}")
                if constraint.maximum is not None:
                    bounds.append(f"≤ {_number(constraint.maximum)} {spec.unit}")
                text += (
                    f", {spec.label_fr.lower()} {_number(value)} {spec.unit} ({' et '.join(bounds)} demandé)"
                )
                detail.update({"spec": constraint.spec, "value": value, "unit": spec.unit})
            details.append(detail)
            parts.append(text)
        return parts
