"""The taxonomy as the engine sees it: a tree of codes with labels, synonyms and spec units.

Built from any records that look like ``maillage.taxonomy.loader.NodeRecord`` (the TOML
files) or like database rows, so the engine never imports Django. Saved as JSON inside the
index directory, so a searcher needs nothing else.
"""

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from maillage.engine.text import Analyzer, english_only_words


@dataclass
class SpecDef:
    key: str
    label_fr: str
    unit: str


@dataclass
class EngineNode:
    code: str
    type: str
    parent: str | None
    label_fr: str
    label_en: str
    synonyms: list[str] = field(default_factory=list)  # French and English, as written
    specs: list[SpecDef] = field(default_factory=list)  # own specs only; see effective_specs


class EngineTaxonomy:
    def __init__(
        self,
        nodes: Iterable[EngineNode],
        naf_hints: dict[str, list[tuple[str, float]]] | None = None,
        english_words: Iterable[str] | None = None,
    ):
        self.nodes: dict[str, EngineNode] = {node.code: node for node in nodes}
        self.naf_hints = naf_hints or {}
        self.codes = sorted(self.nodes)
        self.node_id = {code: index for index, code in enumerate(self.codes)}
        self.children: dict[str, list[str]] = {code: [] for code in self.codes}
        for node in self.nodes.values():
            if node.parent in self.children:
                self.children[node.parent].append(node.code)
        self._descendants: dict[str, list[str]] = {}
        if english_words is None:
            english_words = english_only_words(
                [n.label_en for n in self.nodes.values()], [n.label_fr for n in self.nodes.values()]
            )
        self.analyzer = Analyzer(english_words)
        self._phrases: dict[tuple[str, ...], str] | None = None
        self._first: dict[str, int] | None = None

    # -- construction -----------------------------------------------------------------
    @classmethod
    def from_records(cls, records: Iterable, hints: Iterable = ()) -> "EngineTaxonomy":
        """From loader NodeRecords (or rows with code, type, parent, label_fr/en,
        synonyms_fr/en, specs as dicts) and hints with naf, node, weight."""
        nodes = []
        french_syn, english_syn = [], []
        for record in records:
            synonyms_fr = list(getattr(record, "synonyms_fr", []) or [])
            synonyms_en = list(getattr(record, "synonyms_en", []) or [])
            french_syn += synonyms_fr
            english_syn += synonyms_en
            specs = [
                SpecDef(spec["key"], spec.get("label_fr", spec["key"]), spec.get("unit", ""))
                for spec in (getattr(record, "specs", None) or [])
            ]
            nodes.append(
                EngineNode(
                    code=record.code,
                    type=str(record.type),
                    parent=record.parent or None,
                    label_fr=record.label_fr,
                    label_en=record.label_en,
                    synonyms=synonyms_fr + synonyms_en,
                    specs=specs,
                )
            )
        naf_hints: dict[str, list[tuple[str, float]]] = {}
        for hint in hints:
            naf_hints.setdefault(hint.naf, []).append((hint.node, float(hint.weight)))
        english = [n.label_en for n in nodes] + english_syn
        french = [n.label_fr for n in nodes] + french_syn
        return cls(nodes, naf_hints, english_only_words(english, french))

    def to_json(self) -> dict:
        return {
            "nodes": [asdict(node) for node in self.nodes.values()],
            "naf_hints": self.naf_hints,
            "english_words": sorted(self.analyzer.english_words),
        }

    @classmethod
    def from_json(cls, data: dict) -> "EngineTaxonomy":
        nodes = []
        for raw in data["nodes"]:
            raw = dict(raw)
            raw["specs"] = [SpecDef(**spec) for spec in raw.get("specs", [])]
            nodes.append(EngineNode(**raw))
        hints = {naf: [tuple(pair) for pair in pairs] for naf, pairs in data.get("naf_hints", {}).items()}
        return cls(nodes, hints, data.get("english_words", ()))

    def save(self, path: Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> "EngineTaxonomy":
        return cls.from_json(json.loads(Path(path).read_text(encoding="utf-8")))

    # -- tree ---------------------------------------------------------------------------
    def __contains__(self, code: str) -> bool:
        return code in self.nodes

    def descendants(self, code: str) -> list[str]:
        """The node and its whole subtree."""
        cached = self._descendants.get(code)
        if cached is None:
            cached, stack = [], [code]
            while stack:
                current = stack.pop()
                cached.append(current)
                stack.extend(self.children.get(current, ()))
            self._descendants[code] = cached
        return cached

    def ancestors(self, code: str) -> list[str]:
        chain, current = [], self.nodes.get(code)
        while current is not None and current.parent and current.parent not in chain:
            chain.append(current.parent)
            current = self.nodes.get(current.parent)
        return chain

    def effective_specs(self, code: str) -> dict[str, SpecDef]:
        specs: dict[str, SpecDef] = {}
        for ancestor in [code, *self.ancestors(code)]:
            for spec in self.nodes[ancestor].specs:
                specs.setdefault(spec.key, spec)
        return specs

    def label(self, code: str) -> str:
        node = self.nodes.get(code)
        return node.label_fr if node else code

    # -- free text → concepts ----------------------------------------------------------
    def _build_phrases(self) -> None:
        phrases: dict[tuple[str, ...], str] = {}
        depth = {code: len(self.ancestors(code)) for code in self.codes}
        # Labels win over synonyms, then the deeper node, so the mapping is deterministic.
        for pass_labels in (True, False):
            for code in sorted(self.codes, key=lambda c: (-depth[c], c)):
                node = self.nodes[code]
                terms = [node.label_fr, node.label_en] if pass_labels else node.synonyms
                for term in terms:
                    key = tuple(self.analyzer.stems(term))
                    if key and key not in phrases:
                        phrases[key] = code
        self._phrases = phrases
        longest: dict[str, int] = {}
        for key in phrases:
            longest[key[0]] = max(longest.get(key[0], 0), len(key))
        self._first = longest

    def match_concepts(self, stems: list[str]) -> list[tuple[int, int, str]]:
        """Greedy longest matches (start, end, code) of taxonomy phrases in a stem sequence."""
        if self._phrases is None:
            self._build_phrases()
        phrases, first = self._phrases, self._first
        found, index, count = [], 0, len(stems)
        while index < count:
            longest = first.get(stems[index], 0)
            matched = False
            for length in range(min(longest, count - index), 0, -1):
                code = phrases.get(tuple(stems[index : index + length]))
                if code is not None:
                    found.append((index, index + length, code))
                    index += length
                    matched = True
                    break
            if not matched:
                index += 1
        return found
