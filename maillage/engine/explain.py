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
        # A broader concept tried for a relaxed search (relax.py), by the concept asked.
        self._broader = {concept.broader_of: concept for concept in plan.concepts if concept.broader_of}
        self._cert_ids = {i for i, code in enumerate(taxonomy.codes) if code.startswith("cert.")}

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
        if any(node in self._cert_ids for node, _status in held):
            # A certificate is held while valid on the day (the claims keep expired ones).
            valid = self._valid_certificates(segment, local)
            held = [(node, status) for node, status in held if node not in self._cert_ids or node in valid]
        parts += self._concepts(held, details)
        parts += self._words_found(segment, local, details)
        parts += self._certifications(segment, local, details)
        parts += self._equipment(segment, local, details)
        parts += self._activity_prior(segment, local, details)
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

    def _activity_prior(self, segment: Segment, local: int, details: list[dict]) -> list[str]:
        """The activity prior (prior.py) that lifted this result, said as what it is: a habit
        of public buyers about its registered activity, not something the company said."""
        if not self.plan.naf_prior:
            return []
        code = segment.naf_values[int(segment.naf[local])]
        score = self.plan.naf_prior.get(code, 0.0)
        if score <= 0:
            return []
        details.append({"kind": "activity_prior", "naf": code, "score": round(score, 2)})
        return [f"son activité (code NAF {code}) remporte souvent les marchés publics de ce type"]

    def _valid_certificates(self, segment: Segment, local: int) -> set[int]:
        start, end = int(segment.cfwd_indptr[local]), int(segment.cfwd_indptr[local + 1])
        return {
            int(node)
            for node, valid_from, valid_until in zip(
                np.asarray(segment.cfwd_node[start:end]).tolist(),
                np.asarray(segment.cfwd_from[start:end]).tolist(),
                np.asarray(segment.cfwd_until[start:end]).tolist(),
                strict=True,
            )
            if valid_from <= self.day <= valid_until
        }

    def _strongest(self, held: list[tuple[int, int]], code: str) -> tuple[int, int] | None:
        wanted = self._descendant_ids[code]
        best = None
        for node, status in held:
            if node in wanted and (best is None or STATUS_RANK[status] < STATUS_RANK[best[1]]):
                best = (node, status)
        return best

    def _concepts(self, held: list[tuple[int, int]], details: list[dict]) -> list[str]:
        parts = []
        codes = self.taxonomy.codes
        for concept in self.plan.concepts:
            if concept.broader_of:
                continue  # said with the concept asked, below
            best = self._strongest(held, concept.code)
            label = self.taxonomy.label(concept.code)
            asked = label if concept.structured else f"« {concept.phrase} »"
            if best is None:
                detail = {"kind": "capability", "requested": concept.code, "matched": None}
                text = f"{asked} : non trouvé dans sa fiche"
                broader = self._broader.get(concept.code)
                closest = self._strongest(held, broader.code) if broader is not None else None
                if closest is not None:
                    node, status = closest
                    detail.update(closest=codes[node], closest_status=STATUS_KEYS[status])
                    text += (
                        f" (le plus proche : {self._path(broader.code, codes[node])}, {STATUS_FR[status]})"
                    )
                details.append(detail)
                parts.append(text)
                continue
            node, status = best
            code = codes[node]
            target = self._path(concept.code, code)
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

    def _path(self, asked: str, held: str) -> str:
        label = self.taxonomy.label(asked)
        return label if held == asked else f"{label} › {self.taxonomy.label(held)}"

    def lacking(self, segment: Segment, local: int, details: list[dict]) -> list[dict]:
        """What a result misses of the query (``details`` from ``explain``): each required
        concept, certification or equipment not held, and — when the text names no concept —
        each word of it not found."""
        required = {concept.code for concept in self.plan.concepts if concept.required}
        lacking, seen = [], set()
        for detail in details:
            kind, code = detail["kind"], detail.get("requested")
            if kind not in ("capability", "certification", "equipment") or detail.get("matched"):
                continue
            if (kind == "capability" and code not in required) or code in seen:
                continue
            seen.add(code)
            if code.startswith("cert."):  # typed in the text (« EN 9100 »): a certificate all the same
                kind = "certification"
            lacking.append({"kind": kind, "code": code, "label": self.taxonomy.label(code)})
        found = {surface for surface, _mask in self._found(segment, local)}
        for term in self.plan.required_words():
            if term.surface not in found:
                lacking.append({"kind": "word", "word": term.surface})
        return lacking

    def _found(self, segment: Segment, local: int) -> list[tuple[str, int]]:
        found = self._words.get((id(segment), local))
        if found is None:  # explain() called without prefetch()
            found = []
            for term in self.plan.terms:
                position = segment.text.find(term.stem, local)
                if position is not None:
                    found.append((term.surface, int(segment.text.cols["fields"][position])))
            self._words[(id(segment), local)] = found
        return found

    def _words_found(self, segment: Segment, local: int, details: list[dict]) -> list[str]:
        words = []
        found = self._found(segment, local)
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
