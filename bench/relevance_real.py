#!/usr/bin/env python3
"""Relevance on real public data: Maillage's engine against plain BM25 (bm25s) and SQLite FTS5.

    .venv/bin/python bench/relevance_real.py [--json] [--queries N]

Everything read here is real public data the team did not write (``shared/data``, provenance
in its SOURCES.md); nothing comes from the taxonomy except what the product itself derives
(the inferred claims of the engine's documents).

Documents (the same for every system and every set)
    * the 7,361 real legal units of ``sirene/index_egalite_sirens_unites_legales.csv``:
      key SIREN, real NAF subclass (``activite_principale``) and its INSEE label
      (``naf/naf2008_5_niveaux_libelles.csv``), real name and department from the most recent
      row of ``sirene/index_egalite_fh_2022.csv`` (Raison Sociale, Département);
    * the 30 companies of ``entreprises_bitd/entreprises.csv``: their published ``description``
      (only that field: never the capability list the BITD set judges with) is added to the
      document of their SIREN (the SIREN of their head office in ``etablissements.csv``) when
      it is among the 7,361, else they become a document of their own (name, ``code_ape``).
    For Maillage, each document also carries the capabilities its NAF code makes likely, as
    *inferred* claims, exactly as the product does for an establishment without a profile
    (``maillage.matching.documents.DocumentMapper._inferred_from_naf``: every NAF hint of the
    taxonomy, core when its weight is ≥ 0.9), and its index carries the activity prior
    (``maillage/engine/prior.py``) learned as the product learns it — CPV label of a public
    contract × the winner's NAF code — from the DECP contracts of the **tuning** part only
    (``prior_examples``, which asserts that no held-out object or label is among them).
    The peers index the plain published text: name,
    description, NAF label (BM25 over one concatenated field; FTS5 with the engine's field
    weights), French Snowball stems, folded accents, French stop words (bench/searchlib/peers.py).

Judged sets (the relevance rule never looks at the taxonomy or at any system's output)
    * ``bitd_capacites`` — query: one capability phrase of ``entreprises_bitd/entreprise_capacites.csv``
      as published (« Radars & veille aérienne »), duplicates merged; relevant (grade 2): every
      BITD company that lists that phrase.
    * ``decp_objets`` — query: the ``objet`` of a real contract of
      ``commande_publique/decp_2019_extrait_flat.csv`` (as the buyer wrote it, duplicates merged)
      whose holder (``titulaire_id``, SIREN = its first 9 digits) is one of the 7,361;
      relevant: grade 2 = the holders of that object; grade 1 = the other documents whose NAF
      subclass equals a holder's (a company of the same registered activity as the winner).
    * ``decp_cpv`` — query: the French CPV 2008 label (``commande_publique/cpv_2008_fr.csv``) of
      the ``codeCPV`` of those contracts; grade 2 = the holders of the contracts with that CPV,
      grade 1 = the other documents whose NAF subclass equals one of theirs.
    ``sets`` also reports one *view* that is not a set and stays out of the totals:
    ``decp_objets_section_c``, the ``decp_objets`` queries one of whose holders is a
    manufacturer (NAF divisions 10 to 33), the platform's own ground.
    Each set is split by the query: SHA-1 of ``set name + query text``, held out when the
    first 8 hex digits modulo 100 are < 40 (≈ 40 %), tuning otherwise. The script has no
    parameter to choose: both parts are computed the same way and reported side by side; no
    one tunes anything on the held-out part.

Metrics, per query then averaged: nDCG@10 (gains 2^grade − 1, ideal from every judged
document); recall@10 = relevant (grade ≥ 1) in the top 10 / min(10, relevant);
``naf_only_share`` = over all top-10 hits of the part, the share matched on the NAF code alone:
for Maillage, a hit whose every matched query concept is an *inferred* claim and whose matched
words lie only in the inferred capability labels or the NAF label; for the peers, a hit whose
matched query stems occur in its NAF label and nowhere else. The last line printed is one JSON
object: ``{"tuning": {SYSTEM: {"queries", "ndcg10", "recall10", "naf_only_share"}}, "held_out":
{...}, "sets": {SET: {"documents", "tuning": {...}, "held_out": {...}}}, "documents": n,
"runtime_s": s}``.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import hashlib
import json
import math
import os
import re
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.shared_data import shared_path  # noqa: E402

SYSTEMS = ("maillage", "bm25", "sqlite_fts5")
SETS = ("bitd_capacites", "decp_objets", "decp_cpv")
SECTION_C_VIEW = "decp_objets_section_c"
K = 10
HELD_OUT_PERCENT = 40
SPACES = re.compile(r"\s+")


def data(*parts: str) -> Path:
    return shared_path("data", *parts)


def clean(text: str) -> str:
    return SPACES.sub(" ", (text or "").replace("\ufeff", "")).strip()


# ---------------------------------------------------------------------------------- documents
@dataclass
class Doc:
    key: str
    name: str
    naf: str
    department: str = ""
    description: str = ""


def read_csv(path: Path, delimiter: str = ",") -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def naf_labels() -> dict[str, str]:
    return {row["id_5"]: row["label_5"] for row in read_csv(data("naf", "naf2008_5_niveaux_libelles.csv"))}


def bitd_sirens() -> dict[str, str]:
    """BITD company id → SIREN of its head office (else its most frequent SIREN)."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    head: dict[str, str] = {}
    for row in read_csv(data("entreprises_bitd", "etablissements.csv")):
        siren = clean(row["siren"])
        if not re.fullmatch(r"\d{9}", siren):
            continue
        counts[row["entreprise_id"]][siren] += 1
        if row["est_siege"] == "true":
            head.setdefault(row["entreprise_id"], siren)
    return {cid: head.get(cid) or max(c, key=c.get) for cid, c in counts.items()}


def read_documents() -> tuple[list[Doc], dict[str, str]]:
    """The documents, and BITD company id → document key."""
    names: dict[str, tuple[str, str, str]] = {}
    for row in read_csv(data("sirene", "index_egalite_fh_2022.csv"), delimiter=";"):
        siren, year = clean(row["SIREN"]), clean(row["Année"])
        if siren not in names or year >= names[siren][0]:
            names[siren] = (year, clean(row["Raison Sociale"]), clean(row["Département"]))
    docs: dict[str, Doc] = {}
    for row in read_csv(data("sirene", "index_egalite_sirens_unites_legales.csv")):
        siren = clean(row["siren"])
        _, name, department = names.get(siren, ("", "", ""))
        docs[siren] = Doc(siren, name, clean(row["activite_principale"]), department)
    sirens = bitd_sirens()
    bitd_keys = {}
    for row in read_csv(data("entreprises_bitd", "entreprises.csv")):
        siren = sirens.get(row["id"], "")
        key = siren if siren in docs else f"bitd-{row['slug']}"
        if key not in docs:
            docs[key] = Doc(
                key, clean(row["entreprise"]), clean(row["code_ape"]), clean(row["siege_departement"])
            )
        docs[key].description = clean(row["description"])
        bitd_keys[row["id"]] = key
    return list(docs.values()), bitd_keys


# ------------------------------------------------------------------------------- judged sets
@dataclass
class Query:
    set_name: str
    text: str
    grades: dict[int, int] = field(default_factory=dict)  # document index → grade

    @property
    def held_out(self) -> bool:
        digest = hashlib.sha1(f"{self.set_name}\n{self.text}".encode()).hexdigest()
        return int(digest[:8], 16) % 100 < HELD_OUT_PERCENT


def bitd_queries(bitd_keys: dict[str, str], position: dict[str, int]) -> list[Query]:
    holders: dict[str, set[int]] = defaultdict(set)
    surface: dict[str, str] = {}
    for row in read_csv(data("entreprises_bitd", "entreprise_capacites.csv")):
        text = clean(row["capacite"])
        key = bitd_keys.get(row["entreprise_id"])
        if text and key:
            surface.setdefault(text.casefold(), text)
            holders[text.casefold()].add(position[key])
    return [
        Query("bitd_capacites", surface[k], dict.fromkeys(sorted(v), 2)) for k, v in sorted(holders.items())
    ]


def decp_contracts(position: dict[str, int]) -> list[dict]:
    rows = []
    for row in read_csv(data("commande_publique", "decp_2019_extrait_flat.csv")):
        siren = clean(row["titulaire_id"])[:9]
        if siren in position and clean(row["objet"]):
            rows.append(
                {"objet": clean(row["objet"]), "cpv": clean(row["codeCPV"])[:8], "holder": position[siren]}
            )
    return rows


def section_c_queries(queries: list[Query], docs: list[Doc]) -> list[int]:
    """The queries one of whose holders (grade 2) is a manufacturer (NAF divisions 10 to 33)."""
    return [
        i
        for i, q in enumerate(queries)
        if any(
            g == 2 and docs[d].naf[:2].isdigit() and 10 <= int(docs[d].naf[:2]) <= 33
            for d, g in q.grades.items()
        )
    ]


def graded(
    set_name: str, text: str, holders: set[int], by_naf: dict[str, list[int]], docs: list[Doc]
) -> Query:
    grades = {}
    for holder in holders:
        for other in by_naf.get(docs[holder].naf, []):
            grades[other] = 1
    grades.update(dict.fromkeys(holders, 2))
    return Query(set_name, text, grades)


def decp_queries(docs: list[Doc], position: dict[str, int]) -> tuple[list[Query], list[Query]]:
    by_naf: dict[str, list[int]] = defaultdict(list)
    for i, doc in enumerate(docs):
        by_naf[doc.naf].append(i)
    contracts = decp_contracts(position)
    objects: dict[str, set[int]] = defaultdict(set)
    surface: dict[str, str] = {}
    for c in contracts:
        if len(c["objet"]) <= 1000:  # the engine refuses longer queries
            surface.setdefault(c["objet"].casefold(), c["objet"])
            objects[c["objet"].casefold()].add(c["holder"])
    cpv_labels = {
        clean(r["CODE"])[:8]: clean(r["FR"]) for r in read_csv(data("commande_publique", "cpv_2008_fr.csv"))
    }
    by_cpv: dict[str, set[int]] = defaultdict(set)
    for c in contracts:
        if c["cpv"] in cpv_labels:
            by_cpv[cpv_labels[c["cpv"]]].add(c["holder"])
    object_set = [graded("decp_objets", surface[k], v, by_naf, docs) for k, v in sorted(objects.items())]
    cpv_set = [graded("decp_cpv", label, v, by_naf, docs) for label, v in sorted(by_cpv.items())]
    return object_set, cpv_set


def prior_examples(
    docs: list[Doc], position: dict[str, int], sets: dict[str, list[Query]]
) -> list[tuple[str, str]]:
    """What the product learns its activity prior from (maillage.matching.prior): the CPV label
    of each public contract × the winner's NAF code, here from the contracts of the **tuning**
    part only: a contract whose object or CPV label is a held-out query (or would be, for an
    object too long to be one) is left out, and this is asserted."""
    cpv_labels = {
        clean(r["CODE"])[:8]: clean(r["FR"]) for r in read_csv(data("commande_publique", "cpv_2008_fr.csv"))
    }
    held_objects = {q.text.casefold() for q in sets["decp_objets"] if q.held_out}
    held_labels = {q.text for q in sets["decp_cpv"] if q.held_out}
    examples = []
    for c in decp_contracts(position):
        label = cpv_labels.get(c["cpv"])
        if not label or c["objet"].casefold() in held_objects or label in held_labels:
            continue
        if Query("decp_objets", c["objet"]).held_out or Query("decp_cpv", label).held_out:
            continue
        examples.append((label, docs[c["holder"]].naf, c["objet"]))
    assert not any(label in held_labels or objet.casefold() in held_objects for label, _, objet in examples)
    return [(label, naf) for label, naf, _ in examples]


# ------------------------------------------------------------------------------------ systems
def load_taxonomy():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from maillage.engine import EngineTaxonomy
    from maillage.taxonomy.loader import read_taxonomy

    taxonomy_data = read_taxonomy()
    if taxonomy_data.errors:
        raise SystemExit(f"taxonomy files invalid: {taxonomy_data.errors[0]}")
    return EngineTaxonomy.from_records(taxonomy_data.nodes.values(), taxonomy_data.hints)


def inferred_from_naf(taxonomy, naf: str) -> list:
    """As maillage.matching.documents.DocumentMapper._inferred_from_naf."""
    from maillage.engine import CapabilityClaim

    return [
        CapabilityClaim(code, "inferred", "core" if weight >= 0.9 else "secondary", weight)
        for code, weight in taxonomy.naf_hints.get(naf, [])
    ]


class MaillageSystem:
    """The engine built directly (as bench/search.py does); reports whether each hit is NAF-only."""

    NON_NAF_FIELDS = {"nom", "description", "équipements", "références"}

    def __init__(self, taxonomy, docs: list[Doc], labels: dict[str, str], examples=()):
        from maillage.engine import EngineDocument, EngineIndex, Searcher, prior

        self.directory = tempfile.TemporaryDirectory(prefix="bench-relevance-")
        documents = [
            EngineDocument(
                doc_key=str(i), name=d.name, naf_code=d.naf, naf_label=labels.get(d.naf, ""),
                description=d.description, capabilities=inferred_from_naf(taxonomy, d.naf),
                department=d.department,
            )
            for i, d in enumerate(docs)
        ]  # fmt: skip
        self.naf_prior = prior.learn(examples, taxonomy.analyzer) if examples else None
        EngineIndex.build(self.directory.name, taxonomy, documents, naf_prior=self.naf_prior)
        self.searcher = Searcher(EngineIndex(self.directory.name), auto_refresh=False)

    def search(self, text: str) -> list[tuple[int, bool]]:
        from maillage.engine import QueryError, SearchQuery

        try:
            results = self.searcher.search(SearchQuery(text=text, page_size=K))
        except QueryError:
            return []
        return [(int(hit.doc_key), self.naf_only(hit.details)) for hit in results.hits]

    def naf_only(self, details: list[dict]) -> bool:
        concepts = [d for d in details if d.get("kind") == "capability" and d.get("matched")]
        words = [d for d in details if d.get("kind") == "text"]
        if not concepts and not words:
            return True  # brought in by the activity prior alone: its NAF code
        if any(d.get("status") != "inferred" for d in concepts):
            return False
        return not any(self.NON_NAF_FIELDS.intersection(d.get("fields", ())) for d in words)

    def close(self) -> None:
        self.directory.cleanup()


class PeerSystem:
    """bm25s or SQLite FTS5 from bench/searchlib/peers.py, over the plain published text."""

    def __init__(self, name: str, docs: list[Doc], labels: dict[str, str]):
        from bench.searchlib import peers

        self.peer = peers.Bm25s() if name == "bm25" else peers.SqliteFts5()
        texts = [
            {"name": d.name, "capabilities": "", "description": d.description, "equipment": "",
             "references": "", "naf": labels.get(d.naf, "")}
            for d in docs
        ]  # fmt: skip
        analyzer = peers.FrenchAnalyzer()
        self.terms = analyzer.terms
        self.naf_terms = [set(self.terms(t["naf"])) for t in texts]
        self.other_terms = [set(self.terms(f"{t['name']} {t['description']}")) for t in texts]
        zeros = np.zeros(len(docs))
        with contextlib.redirect_stdout(sys.stderr):  # bm25s prints progress on stdout
            self.peer.build(texts, zeros, zeros)

    def search(self, text: str) -> list[tuple[int, bool]]:
        asked = set(self.terms(text))
        ranking = self.peer.search(text, None, None, None, k=K)
        return [(i, bool(asked & self.naf_terms[i]) and not asked & self.other_terms[i]) for i in ranking[:K]]

    def close(self) -> None:
        if hasattr(self.peer, "close"):
            self.peer.close()


# ------------------------------------------------------------------------------------ metrics
def ndcg10(ranking: list[int], grades: dict[int, int]) -> float:
    dcg = sum((2 ** grades.get(doc, 0) - 1) / math.log2(i + 2) for i, doc in enumerate(ranking[:K]))
    ideal = sorted(grades.values(), reverse=True)[:K]
    best = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / best if best else 0.0


def recall10(ranking: list[int], grades: dict[int, int]) -> float:
    relevant = {doc for doc, grade in grades.items() if grade >= 1}
    return len(relevant.intersection(ranking[:K])) / min(K, len(relevant)) if relevant else 0.0


def figures(queries: list[Query], results: list[list[tuple[int, bool]]]) -> dict:
    if not queries:
        return {"queries": 0, "ndcg10": None, "recall10": None, "naf_only_share": None}
    rankings = [[doc for doc, _ in r] for r in results]
    hits = [naf_only for r in results for _, naf_only in r]
    return {
        "queries": len(queries),
        "ndcg10": round(
            float(np.mean([ndcg10(r, q.grades) for r, q in zip(rankings, queries, strict=True)])), 4
        ),
        "recall10": round(
            float(np.mean([recall10(r, q.grades) for r, q in zip(rankings, queries, strict=True)])), 4
        ),
        "naf_only_share": round(sum(hits) / len(hits), 4) if hits else 0.0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print only the final JSON line")
    parser.add_argument("--queries", type=int, default=0, help="at most N queries per set (0: all)")
    args = parser.parse_args(argv)
    began = time.perf_counter()

    def say(message: str) -> None:
        if not args.json:
            print(message, flush=True)

    docs, bitd_keys = read_documents()
    labels = naf_labels()
    position = {d.key: i for i, d in enumerate(docs)}
    object_set, cpv_set = decp_queries(docs, position)
    sets = {
        "bitd_capacites": bitd_queries(bitd_keys, position),
        "decp_objets": object_set,
        "decp_cpv": cpv_set,
    }
    examples = prior_examples(docs, position, sets)
    if args.queries:
        sets = {name: qs[: args.queries] for name, qs in sets.items()}
    say(f"{len(docs)} documents; " + ", ".join(f"{n}: {len(q)} queries" for n, q in sets.items()))
    say(f"activity prior learned from {len(examples)} tuning contracts")

    taxonomy = load_taxonomy()
    results: dict[str, dict[str, list]] = {}
    for name in SYSTEMS:
        start = time.perf_counter()
        system = (
            MaillageSystem(taxonomy, docs, labels, examples)
            if name == "maillage"
            else PeerSystem(name, docs, labels)
        )
        results[name] = {s: [system.search(q.text) for q in qs] for s, qs in sets.items()}
        system.close()
        say(f"{name}: {time.perf_counter() - start:.1f} s")

    report: dict = {"tuning": {}, "held_out": {}, "sets": {}}
    for part in ("tuning", "held_out"):
        for name in SYSTEMS:
            chosen = [
                (q, r)
                for s, qs in sets.items()
                for q, r in zip(qs, results[name][s], strict=True)
                if q.held_out == (part == "held_out")
            ]
            report[part][name] = figures([q for q, _ in chosen], [r for _, r in chosen])
    views = {s: (s, range(len(qs))) for s, qs in sets.items()}
    # A view, not a set (left out of the totals): the contract objects won by a manufacturer.
    views[SECTION_C_VIEW] = ("decp_objets", section_c_queries(sets["decp_objets"], docs))
    for view, (s, indices) in views.items():
        qs = sets[s]
        entry: dict = {"documents": len(docs)} | ({"subset_of": s} if view != s else {})
        for part in ("tuning", "held_out"):
            keep = [i for i in indices if qs[i].held_out == (part == "held_out")]
            entry[part] = {
                name: figures([qs[i] for i in keep], [results[name][s][i] for i in keep]) for name in SYSTEMS
            }
        report["sets"][view] = entry
    report["documents"] = len(docs)
    report["runtime_s"] = round(time.perf_counter() - began, 1)
    if not args.json:
        for part in ("tuning", "held_out"):
            for s in [*views, "all"]:
                block = report[part] if s == "all" else report["sets"][s][part]
                for name in SYSTEMS:
                    say(f"{part:9s} {s:22s} {name:12s} {json.dumps(block[name])}")
    print(json.dumps(report, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
