"""The activity prior: which registered activities (NAF subclasses) win the purchases a query's
words describe, learned from public contracts (docs/engine.md, « Activity prior »).

A buyer asking for « Services de nettoyage de bâtiments » wants cleaning companies (NAF 81.21Z);
the taxonomy covers industry and reads « bâtiments » as the construction sector, and a
directory of companies without profiles holds little more than a name and a NAF label. Public
contracts say who won what: from (words of what was bought, winner's NAF code) pairs, this
module keeps, per word stem, the few NAF codes that win its contracts far more often than
contracts in general. At query time the words' tables are averaged (weighted by how telling
each word is) into a score per NAF code; the searcher adds it, weighted, to the relevance of
the documents of those codes. It is a prior, not evidence: it makes no one a holder of a
capability, it never makes an answer complete, it only orders and widens.

The table is learned by the product (``maillage.matching.prior``) from the public-procurement
relations it imported (the CPV label of each contract × the supplier's NAF code), stored with
the index (``naf_prior.json`` of the main segment) and small: at most ``MAX_CODES`` codes for
each stem seen in at least ``MIN_EXAMPLES`` contracts.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

from maillage.engine.text import Analyzer

FORMAT = 1
# A stem needs this many contracts before its winners mean anything.
MIN_EXAMPLES = 3
# Codes kept per stem, and the least lift over the base rate for a code to be kept.
MAX_CODES = 5
MIN_SCORE = 0.05


def learn(
    examples: Iterable[tuple[str, str]], analyzer: Analyzer, *, min_examples: int = MIN_EXAMPLES
) -> dict:
    """The table from (text of what was bought, NAF code of who won it) pairs.

    Score of code c for stem s: P(c | s) − P(c), the share of the stem's contracts won by c
    beyond the share of all contracts c wins (the big generalists of public works win
    everything; they are no clue), kept when ≥ MIN_SCORE. Weight of a stem: its idf over the
    contracts (« travaux » says less than « élagage »).
    """
    per_stem: dict[str, Counter] = defaultdict(Counter)
    overall: Counter = Counter()
    total = 0
    for text, naf in examples:
        if not naf:
            continue
        total += 1
        overall[naf] += 1
        for stem in {stem for _, stem in analyzer.surface_and_stems(text, query=True) if not stem.isdigit()}:
            per_stem[stem][naf] += 1
    stems = {}
    for stem, counts in per_stem.items():
        seen = sum(counts.values())
        if seen < min_examples:
            continue
        scored = sorted(
            ((code, count / seen - overall[code] / total) for code, count in counts.items()),
            key=lambda item: (-item[1], item[0]),
        )
        kept = [[code, round(score, 4)] for code, score in scored[:MAX_CODES] if score >= MIN_SCORE]
        if kept:
            stems[stem] = {"idf": round(math.log(1 + total / seen), 4), "naf": kept}
    return {"format": FORMAT, "examples": total, "stems": dict(sorted(stems.items()))}


def save(table: dict, path: Path) -> None:
    Path(path).write_text(json.dumps(table, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def load(path: Path) -> dict:
    path = Path(path)
    if not path.exists():
        return {}
    table = json.loads(path.read_text(encoding="utf-8"))
    return table if table.get("format") == FORMAT else {}


def scores(table: dict, stems: Iterable[str]) -> dict[str, float]:
    """NAF code → score in [0, 1] for a query's stems: the idf-weighted mean of the tables of
    its stems that have one (a stem without one neither adds nor dilutes)."""
    entries = table.get("stems") if table else None
    if not entries:
        return {}
    total, mass = defaultdict(float), 0.0
    for stem in dict.fromkeys(stems):
        entry = entries.get(stem)
        if entry is None:
            continue
        mass += entry["idf"]
        for code, score in entry["naf"]:
            total[code] += entry["idf"] * score
    if not mass:
        return {}
    return {code: value / mass for code, value in total.items()}
