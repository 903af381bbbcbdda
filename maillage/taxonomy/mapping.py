"""Free text written by members → taxonomy codes, with a confidence in [0, 1].

Spreadsheet cells say "fraiseuse 5 axes", "TIG alu", "EN9100" or "anodisation dur". Each item
of a cell is mapped within the node types its column expects (``COLUMN_TYPES``), in this order:

1. a taxonomy code written as such (``proc.machining.milling``): 1.0;
2. a decision an animator already took for the same normalised text and column: 1.0;
3. a label or synonym, compared without case, accents or punctuation: 1.0 (0.6 when two
   nodes of the column share it: the animator chooses);
4. taxonomy phrases found in the analysed text (the engine's ``match_concepts`` over French
   and English stems, so plurals and inflections match): 0.95 for one concept covering the
   whole text, 0.92 for several ("TIG alu" → TIG welding + aluminium); words left over lower
   the confidence, a lot when they are taxonomy vocabulary (another concept we did not
   recognise), a little when they are not ("usinage 5 axes continu");
5. the same after correcting words that are one or two edits away from the vocabulary of the
   column (optimal string alignment distance, so "fraisgae" is one transposition from
   "fraisage"): each correction multiplies the confidence by 0.94 (one edit) or 0.88 (two);
6. otherwise, the nearest labels and synonyms by rapidfuzz similarity, only as proposals.

Results at or above ``AUTO_ACCEPT`` are applied; the others go to the animators' review queue
with their proposals, never guessed. The analyser, folding and phrase matching are the search
engine's (``maillage.engine.text``, ``maillage.engine.taxonomy``), so imports and search read
member text the same way. No database access here except in ``TaxonomyMapper.from_database``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from maillage.engine.taxonomy import EngineNode, EngineTaxonomy, SpecDef
from maillage.engine.text import english_only_words, tokenize

# Measured on tests/taxonomy/mapping_labelled.csv (bench/mapping.py); see docs/profiles-import.md.
AUTO_ACCEPT = 0.85

COLUMN_TYPES: dict[str, tuple[str, ...]] = {
    "capabilities": ("process", "material", "service"),
    "certifications": ("certification",),
    "sectors": ("sector",),
    "equipment": ("equipment",),
}
# The remembered decisions are keyed by text and by this group of node types.
COLUMN_KIND = {
    "capabilities": "capability",
    "certifications": "certification",
    "sectors": "sector",
    "equipment": "equipment",
}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


CODE_RE = re.compile(r"^(proc|mat|cert|sector|equip|svc)(\.[a-z0-9][a-z0-9_]*)+$")
# Words members add around a capability that name none ("pièces", "séries", "tous types").
FILLER_WORDS = _words(
    """
    piece pieces serie series petite petites moyenne moyennes grande grandes tout tous toute
    toutes type types divers diverse diverses various etc realisation realisations travail
    travaux atelier interne integre integree sur plan unitaire unitaires
    """
)
# Versions, editions and medals of a standard name the same certification ("ISO 9001 v2015").
CERTIFICATION_QUALIFIERS = _words("v version versions rev revision ed edition gold silver bronze platinum")
YEAR_RE = re.compile(r"^(19[89]|20[0-4])[0-9]$")
# A certification "en cours" or "visée" is not held: never applied without an animator.
NOT_HELD = _words(
    "cours prevu prevue vise visee objectif preparation envisage envisagee planned progress pending"
)
# "NF EN 9100", "NF EN ISO 9001": AFNOR's prefix of a standard, not the NF mark.
NF_PREFIX_RE = re.compile(r"^nf\s+(?=(en|iso)\b)")
CONJUNCTION_RE = re.compile(r"\s+(?:et|and|&|\+)\s+|\s*[,/]\s*")
LEFTOVER_UNKNOWN = 0.9  # per word we do not know at all: a qualifier ("continu", "miroir")
LEFTOVER_KNOWN = 0.6  # per vocabulary word left over: another concept we could not place
LEFTOVER_OWN = 0.98  # per word of the matched node's own terms or of its ancestors' ("galva à chaud")
EDIT_PENALTY = {1: 0.94, 2: 0.88}


def normalise(text: str) -> str:
    """The key of a free-text value: folded tokens joined by spaces ("EN9100" → "en 9100")."""
    return " ".join(tokenize(text))


NUMBER = r"\d+(?:[.,]\d+)?"
UNIT_WORD = r"(?:°\s?C|[^\W\d_][^\s\d;,()]*(?:[23³²])?)"
SPEC_RE = re.compile(
    rf"(?<![\w.,])(?P<value>{NUMBER}(?:\s*[x×X*]\s*{NUMBER}){{0,2}})\s*(?P<unit>{UNIT_WORD})?(?![\w])"
)
QUANTITY_RE = re.compile(r"^\s*(?P<quantity>\d+)\s*(?:x|×|\*)?\s+(?=[^\W\d_])")


def unit_spellings() -> frozenset[str]:
    from maillage.taxonomy.units import UnitRegistry

    registry = UnitRegistry.from_file()
    return frozenset(s.casefold() for unit in registry.units.values() for s in unit.spellings())


_UNITS: frozenset[str] | None = None


def spec_spans(text: str) -> list[re.Match]:
    """Numbers that are measures: with a unit of units.toml, or bare.

    A number followed by any other word ("5 axes", "4 rouleaux") belongs to the name.
    """
    global _UNITS
    if _UNITS is None:
        _UNITS = unit_spellings()
    spans = []
    for match in SPEC_RE.finditer(text):
        unit = match["unit"]
        if unit is None or unit.casefold().rstrip(".") in _UNITS or unit[0] == "°":
            spans.append(match)
    return spans


def leading_quantity(text: str) -> tuple[int, str]:
    """ "3 × tour CN", "2 presses" → (3, "tour CN"), (2, "presses"); "300 t presse" is a measure."""
    match = QUANTITY_RE.match(text)
    if match is None:
        return 1, text
    spans = spec_spans(text)
    if spans and spans[0].start() == match.start("quantity") and spans[0]["unit"]:
        return 1, text
    return int(match["quantity"]), text[match.end() :]


def strip_specs(text: str) -> str:
    """The equipment's name without its leading quantity and its measures."""
    _quantity, text = leading_quantity(text)
    for match in reversed(spec_spans(text)):
        text = text[: match.start()] + " " + text[match.end() :]
    return " ".join(text.split())


def _spec(spec: dict) -> SpecDef:
    return SpecDef(spec["key"], spec.get("label_fr", spec["key"]), spec.get("unit", ""))


@dataclass(frozen=True)
class Candidate:
    code: str
    score: float


@dataclass(frozen=True)
class MappingResult:
    text: str
    column: str
    codes: tuple[str, ...]  # what the text names (several for "TIG alu"); empty when unmapped
    confidence: float
    method: str  # code | decision | label | synonym | ambiguous | concepts | typo | fuzzy | none
    candidates: tuple[Candidate, ...] = ()  # proposals for the review queue, best first
    corrections: tuple[tuple[str, str], ...] = ()
    rejected_by_animator: bool = False

    @property
    def normalised(self) -> str:
        return normalise(self.text)

    @property
    def accepted(self) -> bool:
        return bool(self.codes) and self.confidence >= AUTO_ACCEPT


class MappingCodeError(ValueError):
    """A code written as such is unknown or of a type the column does not take."""


@dataclass
class _ColumnIndex:
    types: tuple[str, ...]
    taxonomy: EngineTaxonomy  # restricted to the column's types: phrases match only there
    terms: dict[str, set[str]] = field(default_factory=dict)  # normalised term → codes
    labels: set[tuple[str, str]] = field(default_factory=set)  # (normalised label, code)
    vocabulary: list[str] = field(default_factory=list)
    choices: list[str] = field(default_factory=list)  # normalised terms for rapidfuzz
    choice_codes: list[str] = field(default_factory=list)


class TaxonomyMapper:
    # Reads the animators' remembered decisions for ``from_database``. They are recorded by the
    # imports' review queue (``imports.models.MappingDecision``), a layer above taxonomy, which
    # registers its reader here in ``ImportsConfig.ready``: taxonomy never imports it.
    decision_reader: ClassVar[Callable[[], Mapping[tuple[str, str], str]] | None] = None

    def __init__(
        self, nodes: Iterable[EngineNode], *, decisions: Mapping[tuple[str, str], str] | None = None
    ):
        self.nodes: dict[str, EngineNode] = {node.code: node for node in nodes}
        self.taxonomy = EngineTaxonomy(self.nodes.values())
        english = english_only_words(
            [n.label_en for n in self.nodes.values()], [n.label_fr for n in self.nodes.values()]
        )
        self._english = english
        self.analyzer = self.taxonomy.analyzer
        # (normalised text, column kind) → code, or "" when the animator said "map to nothing".
        self.decisions: dict[tuple[str, str], str] = dict(decisions or {})
        self.all_vocabulary = {
            token for node in self.nodes.values() for term in self._terms(node) for token in tokenize(term)
        }
        self._columns = {column: self._index(types) for column, types in COLUMN_TYPES.items()}

    # -- construction -----------------------------------------------------------------
    @classmethod
    def from_records(cls, records: Iterable, **kwargs) -> TaxonomyMapper:
        """From the loader's NodeRecords (the files), e.g. for tests and benchmarks."""
        nodes = [
            EngineNode(
                code=record.code,
                type=str(record.type),
                parent=record.parent or None,
                label_fr=record.label_fr,
                label_en=record.label_en,
                synonyms=[*record.synonyms_fr, *record.synonyms_en],
                specs=[_spec(spec) for spec in record.specs],
            )
            for record in records
        ]
        return cls(nodes, **kwargs)

    @classmethod
    def from_database(cls, *, with_decisions: bool = True) -> TaxonomyMapper:
        """Active nodes of the database (animators' additions and synonyms included)."""
        from maillage.taxonomy.models import TaxonomyNode

        rows = list(TaxonomyNode.objects.active().select_related("parent"))
        nodes = [
            EngineNode(
                code=row.code,
                type=row.type,
                parent=row.parent.code if row.parent_id else None,
                label_fr=row.label_fr,
                label_en=row.label_en,
                synonyms=row.all_synonyms(),
                specs=[_spec(spec) for spec in row.specs],
            )
            for row in rows
        ]
        decisions = cls.decision_reader() if with_decisions and cls.decision_reader else {}
        return cls(nodes, decisions=decisions)

    @staticmethod
    def _terms(node: EngineNode) -> list[str]:
        return [node.label_fr, node.label_en, *node.synonyms]

    def _index(self, types: tuple[str, ...]) -> _ColumnIndex:
        nodes = [node for node in self.nodes.values() if node.type in types]
        index = _ColumnIndex(types=types, taxonomy=EngineTaxonomy(nodes, english_words=self._english))
        vocabulary = set()
        for node in nodes:
            for position, term in enumerate(self._terms(node)):
                key = normalise(term)
                if not key:
                    continue
                index.terms.setdefault(key, set()).add(node.code)
                if position < 2:
                    index.labels.add((key, node.code))
                index.choices.append(key)
                index.choice_codes.append(node.code)
                vocabulary.update(token for token in key.split() if not token.isdigit())
        index.vocabulary = sorted(vocabulary)
        return index

    # -- mapping ------------------------------------------------------------------------
    def map(self, text: str, column: str) -> MappingResult:
        index = self._columns[column]
        raw = " ".join(text.split())
        if column == "equipment":
            raw = strip_specs(raw)
        key = normalise(raw)
        if not key:
            return MappingResult(raw, column, (), 0.0, "none")
        code = raw.lower()
        if CODE_RE.match(code):
            node = self.nodes.get(code)
            if node is None:
                raise MappingCodeError(f"code inconnu « {raw} »")
            if node.type not in index.types:
                raise MappingCodeError(
                    f"« {raw} » est un nœud de type {node.type}, la colonne {column} attend "
                    + " / ".join(index.types)
                )
            return MappingResult(raw, column, (code,), 1.0, "code")
        decided = self.decisions.get((key, COLUMN_KIND[column]))
        if decided is not None:
            if decided == "":
                return MappingResult(raw, column, (), 1.0, "decision", rejected_by_animator=True)
            if decided in self.nodes:
                return MappingResult(raw, column, (decided,), 1.0, "decision")
        result = self._map_text(raw, key, column, index)
        if column == "certifications" and NOT_HELD & set(key.split()):
            return MappingResult(
                raw, column, result.codes, min(result.confidence, 0.5), "not_held", result.candidates
            )
        return result

    def _map_text(self, raw: str, key: str, column: str, index: _ColumnIndex) -> MappingResult:
        if column == "certifications":
            key = NF_PREFIX_RE.sub("", key)
            raw = NF_PREFIX_RE.sub("", normalise(raw))
        for variant in dict.fromkeys((key, key.replace(" ", "") if "-" in raw else key)):
            codes = index.terms.get(variant)
            if codes:
                if len(codes) == 1:
                    (only,) = codes
                    method = "label" if (variant, only) in index.labels else "synonym"
                    return MappingResult(raw, column, (only,), 1.0, method)
                candidates = tuple(Candidate(c, 0.6) for c in sorted(codes))
                return MappingResult(raw, column, (), 0.6, "ambiguous", candidates)

        parts = [part for part in CONJUNCTION_RE.split(raw) if part.strip()]
        if len(parts) > 1:
            mapped = [self._map_text(part, normalise(part), column, index) for part in parts]
            if all(m.accepted for m in mapped):
                codes = self._drop_ancestors([c for m in mapped for c in m.codes], index)
                confidence = min(m.confidence for m in mapped)
                return MappingResult(
                    raw, column, codes, confidence, "parts", tuple(Candidate(c, confidence) for c in codes)
                )

        found = self._concepts(raw, index, column)
        proposals = self._fuzzy(key, index)
        corrected, corrections, factor = self._correct(key, index)
        if corrections:
            exact = index.terms.get(corrected)
            if exact and len(exact) == 1:
                retry = (tuple(exact), 1.0)
            else:
                retry = self._concepts(corrected, index, column)
            if retry is not None and (found is None or retry[1] * factor > found[1]):
                found = (retry[0], retry[1] * factor)
            else:
                corrections = ()
        if found is not None:
            codes, confidence = found
            candidates = tuple(Candidate(c, round(confidence, 3)) for c in codes)
            extra = tuple(p for p in proposals if p.code not in codes)
            return MappingResult(
                raw,
                column,
                codes,
                round(confidence, 3),
                "typo" if corrections else "concepts",
                (*candidates, *extra)[:5],
                corrections,
            )
        best = proposals[0].score if proposals else 0.0
        return MappingResult(raw, column, (), round(best, 3), "fuzzy" if proposals else "none", proposals)

    def _concepts(self, text: str, index: _ColumnIndex, column: str) -> tuple[tuple[str, ...], float] | None:
        pairs = self.analyzer.surface_and_stems(text)
        pairs = [(surface, stem) for surface, stem in pairs if not self._filler(surface, column)]
        if not pairs:
            return None
        stems = [stem for _surface, stem in pairs]
        matches = index.taxonomy.match_concepts(stems)
        if not matches:
            return None
        covered = set()
        for start, end, _code in matches:
            covered.update(range(start, end))
        leftover = [pairs[i][0] for i in range(len(pairs)) if i not in covered]
        codes, leftover = self._specialise([code for _s, _e, code in matches], leftover, index)
        own = set()
        for code in codes:
            for related in (code, *index.taxonomy.ancestors(code)):
                node = self.nodes[related]
                own.update(token for term in self._terms(node) for token in tokenize(term))
                if column == "equipment":
                    for spec in index.taxonomy.effective_specs(code).values():
                        own.update(tokenize(f"{spec.key.replace('_', ' ')} {spec.label_fr}"))
        confidence = 0.95 if len(codes) == 1 else 0.92
        for word in leftover:
            if word in own:
                confidence *= LEFTOVER_OWN
            elif word in self.all_vocabulary and not word.isdigit():
                confidence *= LEFTOVER_KNOWN
            else:
                confidence *= LEFTOVER_UNKNOWN
        return codes, confidence

    @staticmethod
    def _filler(surface: str, column: str) -> bool:
        if surface in FILLER_WORDS:
            return True
        if column != "certifications":
            return False
        return surface in CERTIFICATION_QUALIFIERS or bool(YEAR_RE.match(surface))

    def _drop_ancestors(self, codes: Iterable[str], index: _ColumnIndex) -> tuple[str, ...]:
        unique = list(dict.fromkeys(codes))
        return tuple(
            sorted(c for c in unique if not any(c in index.taxonomy.ancestors(o) for o in unique if o != c))
        )

    def _specialise(self, codes: list[str], leftover: list[str], index: _ColumnIndex):
        """Drop ancestors of other matches; let left-over words pick a descendant.

        "fraiseuse 5 axes" matches the machining centre on "fraiseuse"; "5 axes" is in the
        terms of its child "centre d'usinage 5 axes", which is what the member meant. Numbers
        must agree both ways, so "3 axes" never picks a term that says "5 axes (3+2)".
        """
        unique = self._drop_ancestors(codes, index)
        if leftover and len(unique) == 1:
            wanted = {self.analyzer.stem(w) for w in leftover} - {None}
            digits = {w for w in wanted if w.isdigit()}
            best = None
            for descendant in index.taxonomy.descendants(unique[0])[1:]:
                node = index.taxonomy.nodes[descendant]
                for term in self._terms(node):
                    stems = set(self.analyzer.stems(term))
                    if wanted <= stems and {w for w in stems if w.isdigit()} == digits:
                        depth = len(index.taxonomy.ancestors(descendant))
                        if best is None or depth > best[0]:
                            best = (depth, descendant)
            if best is not None:
                return (best[1],), []
        return unique, leftover

    def _correct(self, key: str, index: _ColumnIndex) -> tuple[str, tuple[tuple[str, str], ...], float]:
        """Replace words absent from the column's vocabulary by a unique near neighbour."""
        known = index.vocabulary
        known_set = set(known)
        out, corrections, factor = [], [], 1.0
        for token in key.split():
            if token in known_set or token.isdigit() or len(token) < 4 or token in FILLER_WORDS:
                out.append(token)
                continue
            limit = 1 if len(token) < 7 else 2
            near = process.extract(token, known, scorer=OSA.distance, score_cutoff=limit, limit=3)
            if not near:
                out.append(token)
                continue
            best = min(distance for _w, distance, _i in near)
            winners = [word for word, distance, _i in near if distance == best]
            if len(winners) != 1:
                out.append(token)
                continue
            out.append(winners[0])
            corrections.append((token, winners[0]))
            factor *= EDIT_PENALTY[best]
        return " ".join(out), tuple(corrections), factor

    def _fuzzy(self, key: str, index: _ColumnIndex, limit: int = 3) -> tuple[Candidate, ...]:
        found = process.extract(key, index.choices, scorer=fuzz.WRatio, limit=limit * 4, score_cutoff=60)
        seen: dict[str, float] = {}
        for _choice, score, position in found:
            code = index.choice_codes[position]
            # Proposals only: scaled so that no fuzzy match alone reaches AUTO_ACCEPT.
            seen.setdefault(code, round(min(score / 100 * 0.8, 0.8), 3))
        return tuple(Candidate(code, score) for code, score in list(seen.items())[:limit])

    # -- helpers for imports and exports --------------------------------------------------
    def node(self, code: str) -> EngineNode | None:
        return self.nodes.get(code)

    def effective_specs(self, code: str):
        return self.taxonomy.effective_specs(code)

    def export_term(self, code: str, column: str) -> str:
        """The French label when it maps back to ``code`` alone in ``column``, else the code."""
        node = self.nodes[code]
        key = normalise(node.label_fr)
        index = self._columns[column]
        if index.terms.get(key) == {code} and (key, COLUMN_KIND[column]) not in self.decisions:
            return node.label_fr
        return code


@dataclass
class QualityReport:
    """Precision and recall of the auto-accepted mappings over a labelled set.

    Counted over (text, code) pairs: a labelled text expects zero ("none"), one or several codes.
    A pair proposed and expected is a true positive; proposed and not expected, a false positive
    (every code accepted for a "none" text is one); expected and not accepted (wrong code, or sent
    to review), a false negative.
    """

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    rows: int = 0
    reviewed: int = 0
    errors: list[dict] = field(default_factory=list)

    @property
    def precision(self) -> float:
        proposed = self.true_positives + self.false_positives
        return self.true_positives / proposed if proposed else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0

    def as_dict(self) -> dict:
        return {
            "rows": self.rows,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "true_positives": self.true_positives,
            "false_positives": self.false_positives,
            "false_negatives": self.false_negatives,
            "sent_to_review": self.reviewed,
        }


def evaluate(mapper: TaxonomyMapper, rows: Iterable[dict]) -> dict[str, QualityReport]:
    """Reports per column and overall (key "all") for rows with column, text and expected."""
    reports: dict[str, QualityReport] = {"all": QualityReport()}
    for row in rows:
        expected = set() if row["expected"] == "none" else set(row["expected"].split("|"))
        try:
            result = mapper.map(row["text"], row["column"])
        except MappingCodeError:
            result = MappingResult(row["text"], row["column"], (), 0.0, "error")
        accepted = set(result.codes) if result.accepted else set()
        for report in (reports["all"], reports.setdefault(row["column"], QualityReport())):
            report.rows += 1
            report.reviewed += bool(not result.accepted and expected)
            report.true_positives += len(accepted & expected)
            report.false_positives += len(accepted - expected)
            report.false_negatives += len(expected - accepted)
            if accepted != expected and report is reports["all"]:
                report.errors.append(
                    {
                        "column": row["column"],
                        "text": row["text"],
                        "expected": sorted(expected),
                        "got": list(result.codes),
                        "confidence": result.confidence,
                        "method": result.method,
                    }
                )
    return reports
