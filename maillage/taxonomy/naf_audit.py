"""The plausibility rule of the NAF → capability hints (docs/taxonomy.md, « Audit of the hints »).

A NAF sub-class says what a company's main activity is, never which machine it owns. So a
hint to a *specific technique* — a process or equipment node three levels down or deeper
(``proc.machining.milling.5axis``, ``proc.machining.edm.wire``, ``equip.machine_tool.lathe.swiss``)
may weigh more than ``SPECIFIC_MAX_WEIGHT`` only when the sub-class *is* that technique: its
label shares a word with the node's labels or synonyms, or with its parent's (« Décolletage »
→ the Swiss-type lathe of bar turning). Everything else is a weak prior, at most 0.3 — the
guidance's « meaningful minority ».
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import Stemmer

from maillage.engine.text import STOP_WORDS_FR, tokenize

SPECIFIC_MAX_WEIGHT = 0.3
SPECIFIC_DEPTH = 3  # proc.machining.milling.5axis: four parts, depth 3
_HEADER = re.compile(r'^\[\s*"(?P<naf>[^"]+)"\s*\]\s*#\s*(?P<label>.+)$')
_STEMMER = Stemmer.Stemmer("french")
_IGNORED = set(STOP_WORDS_FR) | {"fabrication", "autres", "autre", "produits", "nca", "n", "c", "a"}


@dataclass(frozen=True)
class HintVerdict:
    naf: str
    naf_label: str
    node: str
    weight: float
    file: str
    line: int


def naf_labels(directory: Path) -> dict[str, str]:
    """The sub-class labels written beside each table header of the NAF files."""
    labels = {}
    for path in sorted(directory.glob("*.toml")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if match := _HEADER.match(line.strip()):
                labels[match.group("naf")] = match.group("label").strip()
    return labels


def _stems(text: str) -> set[str]:
    return {_STEMMER.stemWord(t) for t in tokenize(text) if t not in _IGNORED and len(t) > 2}


def _node_stems(node) -> set[str]:
    words = [node.label_fr, node.label_en, *node.synonyms_fr, *node.synonyms_en]
    return set().union(*(_stems(word) for word in words if word))


def is_specific(code: str) -> bool:
    return code.startswith(("proc.", "equip.")) and code.count(".") >= SPECIFIC_DEPTH


def naf_hint_audit(data, labels: dict[str, str]) -> tuple[list, list[HintVerdict]]:
    """(hints checked — the specific ones —, hints failing the rule)."""
    checked, failed = [], []
    for hint in data.hints:
        if not is_specific(hint.node):
            continue
        checked.append(hint)
        if hint.weight <= SPECIFIC_MAX_WEIGHT:
            continue
        node = data.nodes[hint.node]
        parent = data.nodes.get(node.parent) if node.parent else None
        own = _node_stems(node) | (_node_stems(parent) if parent else set())
        label = labels.get(hint.naf, "")
        if not _stems(label) & own:
            failed.append(HintVerdict(hint.naf, label, hint.node, hint.weight, hint.file, hint.line))
    return checked, failed
