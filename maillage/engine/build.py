"""Build a segment from EngineDocuments.

The per-document Python work is kept to dictionary look-ups (each distinct word is folded
and stemmed once); counting, BM25F weighting and sorting are done once at the end with
numpy over flat arrays, which is what makes a national build fit in two minutes.
"""

import math
import zlib
from array import array
from collections.abc import Iterable
from datetime import date

import numpy as np

from maillage.engine.documents import (
    CONFIRMED,
    CORE,
    INFERRED,
    MENTIONED,
    PROPOSED,
    EngineDocument,
    capability_claims,
    certification_claims,
    equipment_claims,
)
from maillage.engine.segment import PostingTable, Segment, StringColumn
from maillage.engine.taxonomy import EngineTaxonomy
from maillage.engine.text import TOKEN_RE, fold, tokenize

FIELDS = ("name", "capabilities", "description", "equipment", "references", "naf", "own_words")
FIELD_LABELS_FR = (
    "nom",
    "savoir-faire",
    "description",
    "équipements",
    "références",
    "activité NAF",
    "ses propres mots, en attente de validation",
)
FIELD_WEIGHTS = np.array([3.0, 2.0, 1.0, 1.2, 0.7, 0.5, 1.0])
FIELD_B = np.array([0.5, 0.5, 0.75, 0.5, 0.75, 0.3, 0.75])
K1 = 1.2
STATUS_CODES = {CONFIRMED: 0, INFERRED: 1, PROPOSED: 2, MENTIONED: 3}
STATUS_NAMES = {code: name for name, code in STATUS_CODES.items()}
GEO_CELL_DEG = 0.2
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
DAY_MIN, DAY_MAX = np.iinfo(np.int32).min, np.iinfo(np.int32).max
MENTION_WEIGHT = 0.55


def claim_weight(status: str, level: str, hint_weight: float) -> float:
    """How strongly a claim says the company does it (ranking only; every claim matches)."""
    if status == CONFIRMED:
        return 1.0 if level == CORE else 0.85
    if status == PROPOSED:
        return 0.45
    if status == INFERRED:
        return 0.3 + 0.3 * max(0.0, min(1.0, hint_weight))
    return MENTION_WEIGHT


def day_number(value: date | None, default: int) -> int:
    return default if value is None else value.toordinal() - EPOCH_ORDINAL


def geo_cell(lat: float, lon: float) -> str:
    return f"{math.floor(lat / GEO_CELL_DEG)},{math.floor(lon / GEO_CELL_DEG)}"


class _SurfaceIds(dict):
    """folded word → term id (-1 for a stop word), filled on first sight."""

    def __init__(self, builder: "SegmentBuilder"):
        super().__init__()
        self.builder = builder

    def __missing__(self, token: str) -> int:
        stem = self.builder.analyzer.stem(token)
        term = -1 if stem is None else self.builder.term_id(stem)
        self[token] = term
        return term


class SegmentBuilder:
    def __init__(
        self, taxonomy: EngineTaxonomy, *, avg_lengths: list[float] | None = None, typo: bool = True
    ):
        self.taxonomy = taxonomy
        self.analyzer = taxonomy.analyzer
        self.avg_lengths = avg_lengths
        self.typo = typo
        self.terms: dict[str, int] = {}
        self.surface = _SurfaceIds(self)
        self.n = 0
        self.unknown_codes: dict[str, int] = {}
        # Per-document columns.
        self.keys: list[str] = []
        self.names: list[str] = []
        self.lat = array("f")
        self.lon = array("f")
        self.hmin = array("i")
        self.hmax = array("i")
        self.quality = array("f")
        self.naf_ids = array("i")
        self.dept_ids = array("i")
        self.commune_ids = array("i")
        self.values: dict[str, dict[str, int]] = {"naf": {}, "department": {}, "commune": {}}
        # Flat entries, turned into posting tables by finish().
        self.tokens = array("i")
        self.run_doc = array("i")
        self.run_field = array("b")
        self.run_len = array("i")
        self.c_node, self.c_doc, self.c_weight = array("i"), array("i"), array("f")
        self.c_status, self.c_level = array("b"), array("b")
        self.t_node, self.t_doc, self.t_from, self.t_until = array("i"), array("i"), array("i"), array("i")
        self.e_node, self.e_doc = array("i"), array("i")
        self.s_key, self.s_doc, self.s_value = array("i"), array("i"), array("f")
        self.spec_keys: dict[str, int] = {}
        self.n_key, self.n_doc = array("i"), array("i")
        self.network_keys: dict[str, int] = {}
        self.g_key, self.g_doc = array("i"), array("i")
        self.cell_keys: dict[str, int] = {}
        self._label_cache: dict[str, list[int]] = {}
        self._naf_cache: dict[str, list[int]] = {}
        self._build_phrases()

    # -- vocabulary ----------------------------------------------------------------
    def term_id(self, stem: str) -> int:
        term = self.terms.get(stem)
        if term is None:
            term = self.terms[stem] = len(self.terms)
        return term

    def _seq(self, text: str) -> list[int]:
        if not text:
            return []
        ids = list(map(self.surface.__getitem__, TOKEN_RE.findall(fold(text))))
        return [t for t in ids if t >= 0]

    def _build_phrases(self) -> None:
        self.phrases: dict[tuple[int, ...], int] = {}
        self.phrase_first: dict[int, int] = {}
        taxonomy = self.taxonomy
        taxonomy.match_concepts([])  # builds its phrase table
        for stems, code in taxonomy._phrases.items():
            key = tuple(self.term_id(stem) for stem in stems)
            self.phrases[key] = taxonomy.node_id[code]
            self.phrase_first[key[0]] = max(self.phrase_first.get(key[0], 0), len(key))

    def _mentions(self, seq: list[int]) -> set[int]:
        first, phrases, found, count = self.phrase_first, self.phrases, set(), len(seq)
        for index in [i for i, term in enumerate(seq) if term in first]:
            for length in range(min(first[seq[index]], count - index), 0, -1):
                node = phrases.get(tuple(seq[index : index + length]))
                if node is not None:
                    found.add(node)
                    break
        return found

    def _labels(self, code: str) -> list[int]:
        cached = self._label_cache.get(code)
        if cached is None:
            node = self.taxonomy.nodes[code]
            cached = self._label_cache[code] = self._seq(f"{node.label_fr} {node.label_en}")
        return cached

    def _value_id(self, kind: str, value: str) -> int:
        table = self.values[kind]
        index = table.get(value)
        if index is None:
            index = table[value] = len(table)
        return index

    def _unknown(self, code: str) -> None:
        self.unknown_codes[code] = self.unknown_codes.get(code, 0) + 1

    # -- documents -----------------------------------------------------------------
    def add_all(self, documents: Iterable[EngineDocument]) -> "SegmentBuilder":
        for document in documents:
            self.add(document)
        return self

    def add(self, doc: EngineDocument) -> int:
        local = self.n
        self.n += 1
        self.keys.append(doc.doc_key)
        self.names.append(doc.name)
        has_point = doc.lat is not None and doc.lon is not None
        self.lat.append(doc.lat if has_point else math.nan)
        self.lon.append(doc.lon if has_point else math.nan)
        self.hmin.append(-1 if doc.headcount_min is None else int(doc.headcount_min))
        self.hmax.append(-1 if doc.headcount_max is None else int(doc.headcount_max))
        self.naf_ids.append(self._value_id("naf", doc.naf_code or ""))
        self.dept_ids.append(self._value_id("department", doc.department or ""))
        self.commune_ids.append(self._value_id("commune", doc.commune or ""))

        # Capabilities (and sectors), strongest claim per node.
        best: dict[int, tuple[float, int, int]] = {}
        cap_seq, confirmed, n_claims = self._add_capabilities(doc, best)
        equip_seq = self._add_equipment(doc, local, best)
        cap_seq += self._add_certifications(doc, local, best)

        naf_seq = self._naf_cache.get(doc.naf_label)
        if naf_seq is None:
            naf_seq = self._naf_cache[doc.naf_label] = self._seq(doc.naf_label)
        name_seq = self._seq(doc.name)
        desc_seq = self._seq(doc.description)
        ref_seq = self._seq(doc.references_text)
        # Words awaiting review are searched, never read for concepts: no claim until decided.
        own_seq = self._seq(doc.own_words)
        for field, seq in enumerate((name_seq, cap_seq, desc_seq, equip_seq, ref_seq, naf_seq, own_seq)):
            if seq:
                self.tokens.extend(seq)
                self.run_doc.append(local)
                self.run_field.append(field)
                self.run_len.append(len(seq))

        described = self._mentions(desc_seq)
        for node in self._mentions(name_seq) | described | self._mentions(ref_seq):
            held = best.setdefault(node, (MENTION_WEIGHT, 3, 1))
            if held[1] == STATUS_CODES[INFERRED] and node in described:
                # Described in its own words: evidence beyond the NAF code (the weight, for ranking,
                # stays). A word of its name alone does not count (« Chaudronnerie X » is a name).
                best[node] = (held[0], STATUS_CODES[MENTIONED], held[2])
        for node, (weight, status, level) in best.items():
            self.c_node.append(node)
            self.c_doc.append(local)
            self.c_weight.append(weight)
            self.c_status.append(status)
            self.c_level.append(level)

        for network in doc.networks:
            self.n_key.append(self.network_keys.setdefault(network, len(self.network_keys)))
            self.n_doc.append(local)
        if has_point:
            cell = geo_cell(doc.lat, doc.lon)
            self.g_key.append(self.cell_keys.setdefault(cell, len(self.cell_keys)))
            self.g_doc.append(local)
        share = confirmed / n_claims if n_claims else 0.0
        self.quality.append(0.6 * max(0.0, min(1.0, float(doc.completeness or 0.0))) + 0.4 * share)
        return local

    def _add_capabilities(self, doc: EngineDocument, best: dict) -> tuple[list[int], int, int]:
        """Capability and sector claims into ``best``; their label tokens, confirmed and claim counts."""
        nodes = self.taxonomy.node_id
        cap_seq: list[int] = []
        confirmed = 0
        claims = capability_claims(doc.capabilities)
        for claim in claims:
            node = nodes.get(claim.node_code)
            if node is None:
                self._unknown(claim.node_code)
                continue
            status = STATUS_CODES.get(claim.status, 1)
            entry = (
                claim_weight(claim.status, claim.level, claim.weight),
                status,
                0 if claim.level == CORE else 1,
            )
            confirmed += claim.status == CONFIRMED
            if node not in best or best[node][0] < entry[0]:
                best[node] = entry
            cap_seq += self._labels(claim.node_code)
        for code in doc.sectors:
            node = nodes.get(code)
            if node is None:
                self._unknown(code)
                continue
            best.setdefault(node, (1.0, 0, 1))
            cap_seq += self._labels(code)
        return cap_seq, confirmed, len(claims)

    def _add_equipment(self, doc: EngineDocument, local: int, best: dict) -> list[int]:
        """Equipment nodes and their specs; their label tokens."""
        nodes = self.taxonomy.node_id
        equip_seq: list[int] = []
        equipment_nodes = set()
        for claim in equipment_claims(doc.equipment):
            node = nodes.get(claim.node_code)
            if node is None:
                self._unknown(claim.node_code)
                continue
            equip_seq += self._labels(claim.node_code)
            if node not in equipment_nodes:
                equipment_nodes.add(node)
                self.e_node.append(node)
                self.e_doc.append(local)
            best.setdefault(node, (1.0, 0, 1))
            for key, value in claim.specs.items():
                spec = f"{claim.node_code}|{key}"
                spec_id = self.spec_keys.setdefault(spec, len(self.spec_keys))
                self.s_key.append(spec_id)
                self.s_doc.append(local)
                self.s_value.append(float(value))
        return equip_seq

    def _add_certifications(self, doc: EngineDocument, local: int, best: dict) -> list[int]:
        """Certifications and their validity; their label tokens (searched with the capabilities)."""
        nodes = self.taxonomy.node_id
        labels: list[int] = []
        for claim in certification_claims(doc.certifications):
            node = nodes.get(claim.node_code)
            if node is None:
                self._unknown(claim.node_code)
                continue
            self.t_node.append(node)
            self.t_doc.append(local)
            self.t_from.append(day_number(claim.valid_from, DAY_MIN))
            self.t_until.append(day_number(claim.valid_until, DAY_MAX))
            best.setdefault(node, (1.0, 0, 1))
            labels += self._labels(claim.node_code)
        return labels

    # -- arrays --------------------------------------------------------------------
    def _text_table(self) -> tuple[PostingTable, list[float]]:
        n_fields = len(FIELDS)
        tokens = np.frombuffer(self.tokens, dtype=np.int32)
        run_len = np.frombuffer(self.run_len, dtype=np.int32)
        run_doc = np.frombuffer(self.run_doc, dtype=np.int32)
        run_field = np.frombuffer(self.run_field, dtype=np.int8).astype(np.int64)
        lengths = np.zeros((max(self.n, 1), n_fields), dtype=np.float64)
        lengths[run_doc, run_field] = run_len
        if self.avg_lengths is None:
            avg = np.maximum(lengths[: self.n].mean(axis=0) if self.n else np.ones(n_fields), 1.0)
        else:
            avg = np.asarray(self.avg_lengths, dtype=np.float64)
            if len(avg) < n_fields:  # a main segment built before a field was added
                avg = np.concatenate((avg, np.ones(n_fields - len(avg))))
        keys = sorted(self.terms, key=self.terms.get)
        if len(tokens) == 0:
            empty = {"impact": np.zeros(0, np.float32), "fields": np.zeros(0, np.uint8)}
            return PostingTable(
                keys, np.zeros(len(keys) + 1, np.int64), np.zeros(0, np.int32), empty
            ), avg.tolist()
        docs = np.repeat(run_doc.astype(np.int64), run_len)
        fields = np.repeat(run_field, run_len)
        combined = (tokens.astype(np.int64) << 27) | (docs << 3) | fields
        combined.sort()
        boundaries = np.flatnonzero(np.diff(combined)) + 1
        starts = np.concatenate(([0], boundaries))
        unique = combined[starts]
        tf = np.diff(np.concatenate((starts, [len(combined)]))).astype(np.float64)
        del combined
        u_field = (unique & 7).astype(np.int64)
        u_doc = ((unique >> 3) & ((1 << 24) - 1)).astype(np.int64)
        norm = 1.0 - FIELD_B[u_field] + FIELD_B[u_field] * lengths[u_doc, u_field] / avg[u_field]
        weighted = FIELD_WEIGHTS[u_field] * tf / norm
        pair = unique >> 3
        pair_starts = np.concatenate(([0], np.flatnonzero(np.diff(pair)) + 1))
        summed = np.add.reduceat(weighted, pair_starts)
        mask = np.bitwise_or.reduceat((1 << u_field).astype(np.uint8), pair_starts)
        pairs = pair[pair_starts]
        term_ids = pairs >> 24
        doc_ids = (pairs & ((1 << 24) - 1)).astype(np.int32)
        impact = (summed / (K1 + summed)).astype(np.float32)
        counts = np.bincount(term_ids, minlength=len(keys))
        indptr = np.zeros(len(keys) + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        # Already sorted by (term, doc): no second sort.
        return PostingTable(keys, indptr, doc_ids, {"impact": impact, "fields": mask}), avg.tolist()

    def _typo_words(self, text: PostingTable) -> list[list[str]]:
        """Words a misspelling may be corrected to: the taxonomy's vocabulary, and the
        documents' words whose stem occurs in two documents or more (a one-off is more
        likely a typo itself than a target)."""
        df = np.diff(text.indptr)
        words = {}
        for surface, term in self.surface.items():
            if term >= 0 and len(surface) >= 4 and not surface.isdigit() and df[term] >= 2:
                words[surface] = text.keys[term]
        for node in self.taxonomy.nodes.values():
            for phrase in [node.label_fr, node.label_en, *node.synonyms]:
                for surface in tokenize(phrase):
                    stem = self.analyzer.stem(surface)
                    if stem is not None and len(surface) >= 4 and not surface.isdigit():
                        words.setdefault(surface, stem)
        return sorted([surface, stem] for surface, stem in words.items())

    def finish(self) -> Segment:
        if self.n >= 1 << 24:
            raise ValueError("un segment compte au plus 16 777 215 documents")
        n = self.n
        codes = self.taxonomy.codes
        text, avg = self._text_table()
        concept = PostingTable.from_entries(
            codes,
            np.frombuffer(self.c_node, np.int32),
            np.frombuffer(self.c_doc, np.int32),
            weight=np.frombuffer(self.c_weight, np.float32),
            status=np.frombuffer(self.c_status, np.int8).astype(np.uint8),
            level=np.frombuffer(self.c_level, np.int8).astype(np.uint8),
        )
        cert = PostingTable.from_entries(
            codes,
            np.frombuffer(self.t_node, np.int32),
            np.frombuffer(self.t_doc, np.int32),
            valid_from=np.frombuffer(self.t_from, np.int32),
            valid_until=np.frombuffer(self.t_until, np.int32),
        )
        equip = PostingTable.from_entries(
            codes, np.frombuffer(self.e_node, np.int32), np.frombuffer(self.e_doc, np.int32)
        )
        spec = PostingTable.from_entries(
            list(self.spec_keys),
            np.frombuffer(self.s_key, np.int32),
            np.frombuffer(self.s_doc, np.int32),
            value=np.frombuffer(self.s_value, np.float32),
        )
        network = PostingTable.from_entries(
            list(self.network_keys), np.frombuffer(self.n_key, np.int32), np.frombuffer(self.n_doc, np.int32)
        )
        geo = PostingTable.from_entries(
            list(self.cell_keys), np.frombuffer(self.g_key, np.int32), np.frombuffer(self.g_doc, np.int32)
        )
        # Forward views, sorted by doc: facets and explanations read one document's claims.
        c_doc = np.frombuffer(self.c_doc, np.int32)
        order = np.argsort(c_doc, kind="stable")
        fwd_indptr = np.zeros(n + 1, np.int64)
        np.cumsum(np.bincount(c_doc, minlength=n), out=fwd_indptr[1:])
        t_doc = np.frombuffer(self.t_doc, np.int32)
        t_order = np.argsort(t_doc, kind="stable")
        cfwd_indptr = np.zeros(n + 1, np.int64)
        np.cumsum(np.bincount(t_doc, minlength=n), out=cfwd_indptr[1:])
        width = max([len(k.encode("utf-8")) for k in self.keys] + [14])
        doc_key = np.array([k.encode("utf-8") for k in self.keys], dtype=f"S{width}")
        stats = {
            "avg_lengths": avg,
            "unknown_codes": self.unknown_codes,
        }
        segment = Segment(
            n=n,
            doc_key=doc_key,
            key_order=np.argsort(doc_key, kind="stable").astype(np.int32),
            name=StringColumn.from_strings(self.names),
            lat=np.frombuffer(self.lat, np.float32).copy(),
            lon=np.frombuffer(self.lon, np.float32).copy(),
            headcount_min=np.frombuffer(self.hmin, np.int32).copy(),
            headcount_max=np.frombuffer(self.hmax, np.int32).copy(),
            quality=np.frombuffer(self.quality, np.float32).copy(),
            naf=np.frombuffer(self.naf_ids, np.int32).astype(np.int16),
            department=np.frombuffer(self.dept_ids, np.int32).astype(np.int16),
            commune=np.frombuffer(self.commune_ids, np.int32).copy(),
            naf_values=list(self.values["naf"]),
            department_values=list(self.values["department"]),
            commune_values=list(self.values["commune"]),
            text=text,
            concept=concept,
            cert=cert,
            equip=equip,
            spec=spec,
            network=network,
            geo=geo,
            fwd_indptr=fwd_indptr,
            fwd_node=np.frombuffer(self.c_node, np.int32)[order].astype(np.int16),
            fwd_status=np.frombuffer(self.c_status, np.int8)[order].astype(np.uint8),
            cfwd_indptr=cfwd_indptr,
            cfwd_node=np.frombuffer(self.t_node, np.int32)[t_order].astype(np.int16),
            cfwd_until=np.frombuffer(self.t_until, np.int32)[t_order].copy(),
            cfwd_from=np.frombuffer(self.t_from, np.int32)[t_order].copy(),
            stats=stats,
        )
        segment.typo_words = self._typo_words(text) if self.typo else []
        return segment


def build_segment(taxonomy: EngineTaxonomy, documents: Iterable[EngineDocument], **options) -> Segment:
    return SegmentBuilder(taxonomy, **options).add_all(documents).finish()


def deletes(word: str) -> set[str]:
    """The word and every form with one character removed (SymSpell, distance 1)."""
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def typo_arrays(words: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
    hashes, owners = [], []
    for index, (surface, _stem) in enumerate(words):
        for variant in deletes(surface):
            hashes.append(zlib.crc32(variant.encode()))
            owners.append(index)
    hashes_arr = np.array(hashes, dtype=np.uint32)
    order = np.argsort(hashes_arr, kind="stable")
    return hashes_arr[order], np.array(owners, dtype=np.int32)[order]
