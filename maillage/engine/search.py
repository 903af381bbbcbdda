"""Answer a SearchQuery over an EngineIndex: filter, score, rank, page, facet, explain.

Scores live in dense float32 arrays the size of a segment: posting lists are added in with
numpy fancy indexing (doc ids are unique within a posting list), which costs a few
milliseconds even for a common word over a national index.
"""

import math
import threading
import time
import zlib
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial

import numpy as np

from maillage.engine import prior, ranking, relax
from maillage.engine.build import DAY_MAX, EPOCH_ORDINAL, GEO_CELL_DEG, deletes
from maillage.engine.errors import QueryError
from maillage.engine.explain import Explainer
from maillage.engine.facets import HEADCOUNT_BANDS, facet_counts
from maillage.engine.geo import haversine_km
from maillage.engine.query import SearchQuery, validate
from maillage.engine.ranking import COMPLETE_CLASS, HELD_SAID, HELD_UNSAID, NOT_HELD
from maillage.engine.segment import Segment
from maillage.engine.store import EngineIndex

# A word found only in the name weighs this much when the query names capabilities: « usinage
# près de Haguenau » is about machining, not about companies called « Haguenau ».
NAME_ONLY_WEIGHT_WITH_CONCEPTS = 0.3
NAME_FIELD_MASK = 1  # bit 0 of a posting's ``fields``: the name (build.FIELDS)
# Evidence before inference: among the results holding an asked capability, those holding it
# by a declared, proposed or mentioned claim come before those holding it only by NAF
# inference (or a word of their name); the places these holders take in the ranking are the
# ones their relevance gives them, so a result holding no asked capability is ranked by its
# relevance alone. A company whose name holds the whole query, when the query names more than
# a capability (« Injection plastique Heitz »), comes first: rank = relevance + EVIDENCE_TIER ×
# tier; the hit shows the relevance alone.
EVIDENCE_TIER = 2.0
# A word the index does not know, replaced by the nearest one it knows, is a guess: « scolaire »
# is no typo of « solaire ». It counts for this share of its idf.
CORRECTED_WEIGHT = 0.5
# Above every other tier: a result meeting every requirement of the query (``SearchHit.complete``,
# see ``ranking.complete``) ranks above every result that misses one. 4 × EVIDENCE_TIER clears the
# evidence and name tiers (2 + 4) and the relevance (≤ 1).
COMPLETE_TIER = 4 * EVIDENCE_TIER
# The activity prior (prior.py): a document whose NAF code wins the contracts the query's words
# describe gains up to PRIOR_WEIGHT beside the words and concepts' relevance (the sum is scaled
# back to ≤ 1, which the tiers rely on), and a document whose code scores at least PRIOR_WIDEN
# becomes a candidate even without a word of the query (a cleaning company named « ONET » for
# « nettoyage de locaux »). A prior, not evidence: it never makes a holder of a capability nor
# a complete answer.
# Chosen on the tuning part of bench/relevance_real.py by 2-fold cross-validation (the prior
# learned on one fold's contracts, judged on the other's queries): 0.3 / 0.6 / 1.0 gave nDCG@10
# 0.164 / 0.176 / 0.179 (0.115 without); 0.6 keeps the words the larger share. Widening at
# 0.1–0.2 beats no widening (0.167).
PRIOR_WEIGHT = 0.6
PRIOR_WIDEN = 0.2
# Scored candidates of recent queries, per process: page 2+ and a filter panel redrawn by htmx
# ask the same query again. Bounded by bytes (a query matching a national index holds ~20 B
# per candidate) and emptied whenever the index moves to a new generation.
RESULT_CACHE_ENTRIES = 64
RESULT_CACHE_BYTES = 48 << 20


@dataclass
class QueryTerm:
    stem: str
    surface: str
    weight: float  # idf × occurrences in the query
    corrected_from: str | None = None


@dataclass
class QueryConcept:
    code: str
    phrase: str  # what the buyer wrote, or the code for a structured requirement
    structured: bool = False
    weight: float = 0.0  # idf of the words it was read from (0 for a structured requirement)
    # A complete answer holds it. Not so a wished capability, nor a broader concept tried when
    # nobody holds the one asked (``broader_of``: the concept asked; see relax.py).
    required: bool = True
    broader_of: str | None = None


@dataclass
class Interpretation:
    terms: list[QueryTerm] = field(default_factory=list)
    concepts: list[QueryConcept] = field(default_factory=list)
    corrections: dict[str, str] = field(default_factory=dict)
    # Words no document holds, not read as a concept and too far from any indexed word to be
    # corrected: ignored. ``suggestions``: such a word → a close indexed word (« Vouliez-vous
    # dire … ? »), within edit distance 2 whatever its length.
    unknown: list[str] = field(default_factory=list)
    suggestions: dict[str, str] = field(default_factory=dict)
    # NAF code → activity-prior score of the query's words (prior.py), empty without a table.
    naf_prior: dict[str, float] = field(default_factory=dict)

    @property
    def names_concepts(self) -> bool:
        """The text names a capability, material, certification… that a complete answer holds."""
        return any(concept.required and not concept.structured for concept in self.concepts)

    def required_words(self) -> list[QueryTerm]:
        """Words a complete answer holds: when the text names no concept, every indexed word but
        lone numbers; when it names one, none (the other words rank, they do not exclude)."""
        if self.names_concepts:
            return []
        return [term for term in self.terms if not term.stem.isdigit()]


@dataclass
class SearchHit:
    doc_key: str
    name: str
    score: float
    distance_km: float | None
    explanation: str
    details: list[dict]
    # Meets every requirement of the query (docs/search.md, « complete »); else ``lacking``
    # lists what it misses: {"kind": capability|certification|equipment, "code", "label"} or
    # {"kind": "word", "word"}.
    complete: bool = True
    lacking: list[dict] = field(default_factory=list)


@dataclass
class SearchResults:
    total: int
    page: int
    page_size: int
    hits: list[SearchHit]
    facets: dict | None
    interpretation: Interpretation
    took_ms: float
    # How many results meet every requirement (they rank first); and, when none did and
    # ``query.relax`` asked for it, how the search was widened (relax.py): the hits are then
    # the closest answers, each with what it lacks.
    complete_total: int = 0
    relaxed: list[dict] = field(default_factory=list)


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Optimal string alignment distance (adjacent transpositions count 1)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if previous2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


@dataclass
class _Scored:
    """Everything a query's pages share: its reading, per-segment candidates, total, facets."""

    plan: Interpretation
    scored: list[tuple[np.ndarray, np.ndarray, np.ndarray]]
    total: int
    facets: dict | None
    nbytes: int
    complete_total: int = 0
    # The query actually run: the one asked, or its relaxed form (relax.py), and how.
    query: SearchQuery | None = None
    relaxed: list[dict] = field(default_factory=list)


class Searcher:
    def __init__(
        self,
        index: EngineIndex,
        *,
        auto_refresh: bool = True,
        cache_entries: int = RESULT_CACHE_ENTRIES,
        cache_bytes: int = RESULT_CACHE_BYTES,
    ):
        self.index = index
        self.auto_refresh = auto_refresh
        self.cache_entries, self.cache_bytes = cache_entries, cache_bytes
        self._cache: OrderedDict[tuple, _Scored] = OrderedDict()
        self._cache_generation = None
        self._cache_lock = threading.Lock()

    @property
    def taxonomy(self):
        return self.index.taxonomy

    # -- query understanding -----------------------------------------------------------
    def correct(self, surface: str, *, limit: int | None = None) -> tuple[str, str] | None:
        """The most frequent indexed word within edit distance 1 (2 from 7 letters, or ``limit``)
        of ``surface`` (SymSpell look-up: one deletion on each side, so two substitutions are
        out of reach; words of 4 letters or more, as the dictionary holds)."""
        index = self.index
        if len(surface) < 4 or surface.isdigit() or not len(index.typo_hash):
            return None
        candidates: set[int] = set()
        for variant in deletes(surface):
            key = zlib.crc32(variant.encode())
            lo = np.searchsorted(index.typo_hash, key, side="left")
            hi = np.searchsorted(index.typo_hash, key, side="right")
            candidates.update(int(owner) for owner in index.typo_owner[lo:hi])
        best, best_rank = None, None
        if limit is None:
            limit = 1 if len(surface) < 7 else 2
        for owner in candidates:
            word, stem = index.typo_words[owner]
            distance = edit_distance(surface, word, limit)
            if distance > limit:
                continue
            rank = (distance, -index.df(stem), word)
            if best_rank is None or rank < best_rank:
                best, best_rank = (word, stem), rank
        return best

    def interpret(self, query: SearchQuery) -> Interpretation:
        analyzer = self.taxonomy.analyzer
        interpretation = Interpretation()
        stems, surfaces = [], []
        written = analyzer.surface_and_stems(query.text or "", query=True)
        interpretation.naf_prior = prior.scores(
            getattr(self.index, "naf_prior", None), [stem for _, stem in written]
        )
        for surface, stem in written:
            if query.correct_typos and self.index.df(stem) == 0 and stem not in self.taxonomy_stems:
                corrected = self.correct(surface)
                if corrected is not None:
                    interpretation.corrections[surface] = corrected[0]
                    surface, stem = corrected
            stems.append(stem)
            surfaces.append(surface)
        size = max(self.index.size, 1)
        in_concept = set()
        for start, end, code in self.taxonomy.match_concepts(stems):
            if all(surface.isdigit() for surface in surfaces[start:end]) and not _standard(
                code, surfaces[start:end]
            ):
                continue  # a lone number is no capability (« 5 » alone is not « 5 axes »)
            weight = sum(ranking.idf(size, self.index.df(stem)) for stem in set(stems[start:end]))
            # A sector read in the text (« bâtiments » → construction) says whom a company serves,
            # not what it can do: it ranks, it is not something a complete answer must hold.
            interpretation.concepts.append(
                QueryConcept(
                    code,
                    " ".join(surfaces[start:end]),
                    weight=weight,
                    required=not code.startswith("sector."),
                )
            )
            in_concept.update(range(start, end))
        self._unknown(interpretation, surfaces, stems, in_concept)
        seen: dict[str, QueryTerm] = {}
        reverse = {v: k for k, v in interpretation.corrections.items()}
        for surface, stem in zip(surfaces, stems, strict=True):
            df = self.index.df(stem)
            if df == 0:
                continue
            idf = ranking.idf(size, df)
            if stem in seen:
                seen[stem].weight += idf * 0.5
            else:
                corrected_from = reverse.get(surface)
                weight = idf if corrected_from is None else idf * CORRECTED_WEIGHT
                seen[stem] = QueryTerm(stem, surface, weight, corrected_from)
        interpretation.terms = list(seen.values())
        for code in query.capabilities:
            if code not in {c.code for c in interpretation.concepts}:
                interpretation.concepts.append(QueryConcept(code, code, structured=True))
        for code in query.wished_capabilities:
            if code not in {c.code for c in interpretation.concepts}:
                interpretation.concepts.append(QueryConcept(code, code, structured=True, required=False))
        return interpretation

    def _unknown(self, interpretation: Interpretation, surfaces, stems, in_concept: set[int]) -> None:
        """The words nobody holds, outside the concepts read, and a close word for each if any."""
        for position, (surface, stem) in enumerate(zip(surfaces, stems, strict=True)):
            if position in in_concept or surface.isdigit() or self.index.df(stem) > 0:
                continue
            if surface in interpretation.unknown:
                continue
            interpretation.unknown.append(surface)
            close = self.correct(surface, limit=2)
            if close is not None and close[0] != surface:
                interpretation.suggestions[surface] = close[0]

    @property
    def taxonomy_stems(self) -> set[str]:
        cached = getattr(self.taxonomy, "_stems", None)
        if cached is None:
            self.taxonomy.match_concepts([])
            cached = {stem for phrase in self.taxonomy._phrases for stem in phrase}
            self.taxonomy._stems = cached
        return cached

    # -- per segment ---------------------------------------------------------------------
    def _docs_of(
        self,
        segment: Segment,
        codes: list[str],
        *,
        confirmed_only: bool = False,
        evidenced_only: bool = False,
    ) -> np.ndarray:
        parts = []
        for code in codes:
            span = segment.concept.span(code)
            if span is None or span[0] == span[1]:
                continue
            docs = segment.concept.docs[span[0] : span[1]]
            if confirmed_only:
                docs = docs[segment.concept.cols["status"][span[0] : span[1]] == 0]
            elif evidenced_only:
                docs = docs[ranking.said(segment.concept.cols["status"][span[0] : span[1]])]
            parts.append(docs)
        return np.concatenate(parts) if parts else np.zeros(0, np.int32)

    def _requirement_masks(self, segment: Segment, query: SearchQuery, day: int) -> list[np.ndarray]:
        """One boolean mask per structured requirement that may be soft (coverage)."""
        n, taxonomy, masks = segment.n, self.taxonomy, []
        for code in query.capabilities:
            mask = np.zeros(n, bool)
            docs = self._docs_of(
                segment,
                taxonomy.descendants(code),
                confirmed_only=query.confirmed_only,
                evidenced_only=query.evidenced_only,
            )
            mask[docs] = True
            masks.append(mask)
        for code in query.certifications:
            masks.append(self._certified(segment, code, day))
        for constraint in query.equipment:
            mask = np.zeros(n, bool)
            for node in taxonomy.descendants(constraint.node_code):
                if constraint.spec is None:
                    span = segment.equip.span(node)
                    if span is not None:
                        mask[segment.equip.docs[span[0] : span[1]]] = True
                    continue
                span = segment.spec.span(f"{node}|{constraint.spec}")
                if span is None:
                    continue
                values = segment.spec.cols["value"][span[0] : span[1]]
                ok = np.ones(len(values), bool)
                if constraint.minimum is not None:
                    ok &= values >= constraint.minimum
                if constraint.maximum is not None:
                    ok &= values <= constraint.maximum
                mask[segment.spec.docs[span[0] : span[1]][ok]] = True
            masks.append(mask)
        return masks

    def _certified(self, segment: Segment, code: str, day: int) -> np.ndarray:
        """Which documents hold ``code`` (or a descendant) valid on ``day``."""
        mask = np.zeros(segment.n, bool)
        for node in self.taxonomy.descendants(code):
            span = segment.cert.span(node)
            if span is None:
                continue
            start, end = span
            valid = (segment.cert.cols["valid_from"][start:end] <= day) & (
                segment.cert.cols["valid_until"][start:end] >= day
            )
            mask[segment.cert.docs[start:end][valid]] = True
        return mask

    def _hard_mask(self, segment: Segment, query: SearchQuery, tombstones) -> np.ndarray | None:
        n, mask = segment.n, None

        def both(other):
            nonlocal mask
            mask = other if mask is None else (mask & other)

        if query.headcount_min is not None:
            # A band without an upper bound (« 10 000 salariés et plus ») has max -1, min known.
            open_ended = (segment.headcount_max < 0) & (segment.headcount_min >= 0)
            both((segment.headcount_max >= query.headcount_min) | open_ended)
        if query.headcount_max is not None:
            both((segment.headcount_min <= query.headcount_max) & (segment.headcount_min >= 0))
        if query.naf_codes:
            wanted = [
                i
                for i, value in enumerate(segment.naf_values)
                if any(value.startswith(c) for c in query.naf_codes)
            ]
            both(np.isin(segment.naf, wanted))
        if query.departments:
            wanted = [
                i for i, value in enumerate(segment.department_values) if value in set(query.departments)
            ]
            both(np.isin(segment.department, wanted))
        if query.networks:
            allowed = np.zeros(n, bool)
            for network in query.networks:
                span = segment.network.span(network)
                if span is not None:
                    allowed[segment.network.docs[span[0] : span[1]]] = True
            both(allowed)
        if query.territory_doc_keys is not None:
            both(_located(segment, query.territory_doc_keys))
        if query.exclude_capabilities or query.exclude_doc_keys:
            allowed = ~_located(segment, query.exclude_doc_keys)
            for code in query.exclude_capabilities:
                allowed[self._docs_of(segment, self.taxonomy.descendants(code))] = False
            both(allowed)
        location = query.location
        if location is not None and location.radius_km is not None:
            # The grid cells around the circle; the exact distance is checked on candidates.
            both(self._near_cells(segment, location.lat, location.lon, location.radius_km))
        if tombstones is not None:
            both(~np.asarray(tombstones))
        return mask

    def _near_cells(self, segment: Segment, lat: float, lon: float, radius_km: float) -> np.ndarray:
        dlat = radius_km / 111.0
        dlon = radius_km / (111.0 * max(math.cos(math.radians(lat)), 0.01))
        cells = range(math.floor((lat - dlat) / GEO_CELL_DEG), math.floor((lat + dlat) / GEO_CELL_DEG) + 1)
        columns = range(math.floor((lon - dlon) / GEO_CELL_DEG), math.floor((lon + dlon) / GEO_CELL_DEG) + 1)
        mask = np.zeros(segment.n, bool)
        for i in cells:
            for j in columns:
                span = segment.geo.span(f"{i},{j}")
                if span is not None:
                    mask[segment.geo.docs[span[0] : span[1]]] = True
        return mask

    def _score_segment(self, segment, tombstones, query, plan: Interpretation, day: int):
        n = segment.n
        hard = self._hard_mask(segment, query, tombstones)
        requirements = self._requirement_masks(segment, query, day)
        if query.strict:
            for requirement in requirements:
                hard = requirement if hard is None else hard & requirement
        text, lexical, name_typed, words_held = (
            self._text_scores(segment, plan) if plan.terms else (None, None, None, None)
        )
        concept, typed, held, concepts_held = (
            self._concept_scores(segment, query, plan, day) if plan.concepts else (None, None, None, None)
        )
        candidates = ranking.candidates(n, query, text, lexical, concept, typed, hard, requirements)
        prior_by_value = None
        if plan.naf_prior:
            # Words no document holds but the contracts know (« nettoyage » in a directory of
            # names and NAF labels): the prior's documents alone, not the whole index.
            chosen = text is not None or concept is not None or self._has_structure(query)
            candidates, prior_by_value = _widened(
                segment, plan.naf_prior, candidates if chosen else candidates[:0], hard
            )
        distance = np.full(len(candidates), np.nan)
        location = query.location
        if location is not None and len(candidates):
            distance = haversine_km(
                location.lat, location.lon, segment.lat[candidates], segment.lon[candidates]
            )
            if location.radius_km is not None:
                inside = distance <= location.radius_km
                candidates, distance = candidates[inside], distance[inside]
        if not len(candidates):
            return candidates, np.zeros(0, np.float32), np.zeros(0), None
        relevance = ranking.relevance(candidates, query, plan, text, concept, requirements)
        if prior_by_value is not None:
            boost = prior_by_value[np.asarray(segment.naf)[candidates]]  # each candidate's code's score
            relevance = (relevance + np.float32(PRIOR_WEIGHT) * boost) / np.float32(1 + PRIOR_WEIGHT)
        score = relevance * (0.85 + 0.15 * np.asarray(segment.quality)[candidates])
        if location is not None:
            # ``distance`` is already that of these candidates (computed above, then filtered).
            if location.radius_km is not None:
                score = score * (1.0 - 0.25 * np.nan_to_num(distance / location.radius_km, nan=1.0))
            if location.decay_km is not None:
                factor = 0.3 + 0.7 * np.exp(-np.nan_to_num(distance, nan=1e9) / location.decay_km)
                score = score * factor
        complete = ranking.complete(candidates, plan, requirements, concepts_held, words_held)
        if held is not None:
            held = held[candidates]
        if name_typed is not None:
            typed_name = name_typed[candidates]
            score = score + EVIDENCE_TIER * typed_name
            if held is not None:
                held = np.where(typed_name, NOT_HELD, held).astype(np.int8)  # first, whatever it holds
        score = score + COMPLETE_TIER * complete
        if held is not None:
            # Evidence orders the holders among the complete ones, then among the partial ones.
            held = np.where(complete & (held != NOT_HELD), held + COMPLETE_CLASS, held).astype(np.int8)
        return candidates, score.astype(np.float32), distance, held

    @staticmethod
    def _text_scores(
        segment, plan: Interpretation
    ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None, np.ndarray]:
        """The words' scores; which documents a word (not a lone number) selects when the query
        holds a number (else None: any score selects); when the query names concepts and more
        than them, which documents' names hold the whole query (else None); and how many of the
        query's words (lone numbers aside) each document holds."""
        n = segment.n
        text = np.zeros(n, np.float32)
        words_held = np.zeros(n, np.int16)
        # A lone number (« 5 ») never selects a document by itself: only words do.
        numbers = any(term.stem.isdigit() for term in plan.terms)
        lexical = np.zeros(n, bool) if numbers else None
        # With concepts, words found only in a name weigh less, unless the name holds
        # every word of the query (« Tôlerie Dupont » is a company name).
        by_name = np.zeros(n, np.float32) if plan.concepts else None
        in_name = np.zeros(n, np.int16) if plan.concepts else None
        for term in plan.terms:
            span = segment.text.span(term.stem)
            if span is None:
                continue
            docs = segment.text.docs[span[0] : span[1]]
            impact = np.float32(term.weight) * segment.text.cols["impact"][span[0] : span[1]]
            if by_name is not None:
                fields = segment.text.cols["fields"][span[0] : span[1]]
                name_only = fields == NAME_FIELD_MASK
                by_name[docs[name_only]] += impact[name_only]
                in_name[docs[(fields & NAME_FIELD_MASK) != 0]] += 1
                impact = np.where(name_only, 0, impact)
            text[docs] += impact
            if not term.stem.isdigit():
                words_held[docs] += 1
                if lexical is not None:
                    lexical[docs] = True
        name_typed = _name_weighted(text, by_name, in_name, plan) if by_name is not None else None
        return text, lexical, name_typed, words_held

    def _concept_scores(
        self, segment, query, plan: Interpretation, day: int
    ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray, np.ndarray]:
        """Concepts read in the typed text; a structured requirement (a filter) narrows them.
        Returns the concept scores (each concept's strongest claim × its mass), which documents
        hold a typed concept (or None), per document whether it holds an asked concept by a
        declared, proposed or mentioned claim (HELD_SAID), only otherwise (HELD_UNSAID) or not,
        and how many of the required typed concepts each document holds (a certification: valid)."""
        n = segment.n
        concept = np.zeros(n, np.float32)
        held_by = np.zeros(n, np.int8)
        held_count = np.zeros(n, np.int16)
        typed = None
        for item, mass in zip(plan.concepts, ranking.concept_masses(plan), strict=True):
            best = np.zeros(n, np.float32)
            for node in self.taxonomy.descendants(item.code):
                span = segment.concept.span(node)
                if span is None or span[0] == span[1]:
                    continue
                docs = segment.concept.docs[span[0] : span[1]]
                weights = segment.concept.cols["weight"][span[0] : span[1]]
                status = segment.concept.cols["status"][span[0] : span[1]]
                if query.confirmed_only:
                    keep = status == 0
                    docs, weights, status = docs[keep], weights[keep], status[keep]
                best[docs] = np.maximum(best[docs], weights)
                held_by[docs[ranking.said(status)]] = HELD_SAID
                held_by[docs] = np.maximum(held_by[docs], HELD_UNSAID)
            concept += np.float32(mass) * best
            held = best > 0
            if not item.structured:
                typed = held if typed is None else (typed | held)
                if item.required:
                    # A certificate counts while valid (the concept table keeps expired ones).
                    held_count += self._certified(segment, item.code, day) if _is_cert(item.code) else held
        return concept, typed, held_by, held_count

    # -- the whole search ----------------------------------------------------------------
    def search(self, query: SearchQuery, *, today: date | None = None) -> SearchResults:
        started = time.perf_counter()
        if self.auto_refresh:
            self.index.refresh()
        validate(query, self.taxonomy)
        day = (query.certification_date or today or date.today()).toordinal() - EPOCH_ORDINAL
        segments = self.index.segments()
        key = (repr(replace(query, page=1, page_size=1)), day)
        scored = self._cached(key, segments)
        if scored is None:
            plan = self.interpret(query)
            if (
                not plan.terms
                and not plan.concepts
                and not plan.naf_prior
                and query.text.strip()
                and not self._has_structure(query)
            ):
                # Only unknown words: nothing can match, say so rather than list everything.
                return SearchResults(0, query.page, query.page_size, [], None, plan, _ms(started))
            scored = self._score(query, plan, day, segments)
            if query.relax and not scored.complete_total:
                scored = self._relaxed(query, plan, day, segments, scored)
            self._store(key, segments, scored)
        plan = scored.plan
        wanted = query.page * query.page_size
        page = ranking.evidence_first(scored.scored, wanted)[(query.page - 1) * query.page_size :]
        explainer = Explainer(self.taxonomy, scored.query or query, plan, day)
        for number, (segment, _tombstones) in enumerate(segments):
            explainer.prefetch(segment, [item[2] for item in page if item[1] == number])
        hits = []
        for score, number, local, distance, _held in page:
            segment = segments[number][0]
            distance_km = None if math.isnan(distance) else round(distance, 1)
            complete = score >= COMPLETE_TIER
            score -= EVIDENCE_TIER * (score // EVIDENCE_TIER)  # the tier orders, not shown
            text, details = explainer.explain(segment, local, distance_km)
            hits.append(
                SearchHit(
                    segment.key(local),
                    segment.name[local],
                    round(score, 4),
                    distance_km,
                    text,
                    details,
                    complete=complete,
                    lacking=[] if complete else explainer.lacking(segment, local, details),
                )
            )
        return SearchResults(
            scored.total,
            query.page,
            query.page_size,
            hits,
            scored.facets,
            plan,
            _ms(started),
            complete_total=scored.complete_total,
            relaxed=scored.relaxed,
        )

    def _relaxed(self, query: SearchQuery, plan: Interpretation, day: int, segments, scored) -> _Scored:
        """Nobody meets every requirement: the closest answers (relax.py), each step reported."""
        variants = [(query, [], scored)]
        wider = relax.place_dropped(query)
        if wider is not None:
            # Complete answers beyond the place come before partial ones within it.
            widened = self._score(wider[0], plan, day, segments)
            if widened.complete_total:
                return replace(widened, query=wider[0], relaxed=wider[1])
            variants.append((*wider, widened))
        for relaxed, steps, current in variants:
            held = partial(self._anyone_holds, query=relaxed, segments=segments, day=day)
            current_plan, broader, soften = relax.broader_plan(self.taxonomy, plan, held)
            if broader:
                relaxed = replace(relaxed, strict=False) if soften else relaxed
                current, steps = self._score(relaxed, current_plan, day, segments), steps + broader
            if not current.total and relaxed.strict and relax.has_requirements(relaxed):
                relaxed = replace(relaxed, strict=False)
                current = self._score(relaxed, current_plan, day, segments)
                steps = [*steps, {"kind": "requirements"}]
            if current.total:
                return replace(current, query=relaxed, relaxed=steps)
        return scored

    def _anyone_holds(self, code: str, query: SearchQuery, segments, day: int) -> bool:
        """Does a document within the query's hard filters hold ``code`` (a certificate: valid)?"""
        for segment, tombstones in segments:
            if _is_cert(code):
                docs = np.flatnonzero(self._certified(segment, code, day))
            else:
                docs = self._docs_of(
                    segment,
                    self.taxonomy.descendants(code),
                    confirmed_only=query.confirmed_only,
                    evidenced_only=query.evidenced_only and code in query.capabilities,
                )
            hard = self._hard_mask(segment, query, tombstones)
            if hard is not None:
                docs = docs[hard[docs]]
            location = query.location
            if len(docs) and location is not None and location.radius_km is not None:
                distance = haversine_km(location.lat, location.lon, segment.lat[docs], segment.lon[docs])
                docs = docs[distance <= location.radius_km]
            if len(docs):
                return True
        return False

    def _score(self, query: SearchQuery, plan: Interpretation, day: int, segments) -> _Scored:
        scored, total, facet_sets, nbytes, complete = [], 0, [], 0, 0
        for segment, tombstones in segments:
            candidates, scores, distances, held = self._score_segment(segment, tombstones, query, plan, day)
            total += len(candidates)
            complete += int(np.count_nonzero(scores >= COMPLETE_TIER))
            if query.facets:
                facet_sets.append((segment, candidates))
            scored.append((candidates, scores, distances, held))
            nbytes += (
                candidates.nbytes + scores.nbytes + distances.nbytes + (0 if held is None else held.nbytes)
            )
        facets = self._facets(facet_sets, day, confirmed_only=query.confirmed_only) if query.facets else None
        return _Scored(plan, scored, total, facets, nbytes, complete, query)

    def _cached(self, key: tuple, segments) -> _Scored | None:
        with self._cache_lock:
            if not self._same_generation(segments):
                self._cache.clear()
                # Held, not just their ids: an id may be reused once the old segment is freed.
                self._cache_generation = (self.index.generation, segments)
                return None
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
            return found

    def _same_generation(self, segments) -> bool:
        """Segments and tombstones are replaced, never modified in place, by a new generation."""
        if self._cache_generation is None:
            return False
        generation, cached = self._cache_generation
        return (
            generation == self.index.generation
            and len(cached) == len(segments)
            and all(s is c and t is u for (s, t), (c, u) in zip(segments, cached, strict=True))
        )

    def _store(self, key: tuple, segments, scored: _Scored) -> None:
        if self.cache_entries <= 0 or scored.nbytes > self.cache_bytes // 4:
            return
        with self._cache_lock:
            if not self._same_generation(segments):
                return
            self._cache[key] = scored
            used = sum(entry.nbytes for entry in self._cache.values())
            while len(self._cache) > self.cache_entries or used > self.cache_bytes:
                _key, dropped = self._cache.popitem(last=False)
                used -= dropped.nbytes

    @staticmethod
    def _has_structure(query: SearchQuery) -> bool:
        return bool(
            query.capabilities
            or query.certifications
            or query.equipment
            or query.naf_codes
            or query.networks
            or query.departments
            or query.territory_doc_keys is not None
            or query.headcount_min is not None
            or query.headcount_max is not None
            or (query.location is not None and query.location.radius_km is not None)
        )

    def _facets(self, sets, day: int, *, confirmed_only: bool = False) -> dict:
        return facet_counts(self.taxonomy, sets, day, confirmed_only=confirmed_only)


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


def search(index: EngineIndex, query: SearchQuery, **kwargs) -> SearchResults:
    return Searcher(index).search(query, **kwargs)


__all__ = ["DAY_MAX", "HEADCOUNT_BANDS", "QueryError", "SearchHit", "SearchResults", "Searcher", "search"]


def _name_weighted(text, by_name, in_name, plan: Interpretation) -> np.ndarray | None:
    """Add the name-only words to ``text`` (0.3 of their weight unless the name holds the whole
    query); returns which names hold the whole query when more than a capability was typed."""
    whole_name = in_name >= len(plan.terms)
    factor = np.where(whole_name, 1, np.float32(NAME_ONLY_WEIGHT_WITH_CONCEPTS))
    text += factor.astype(np.float32) * by_name
    covered = {word for concept in plan.concepts for word in concept.phrase.split()}
    if any(term.surface not in covered for term in plan.terms):
        # « Injection plastique Heitz »: a name, not only a capability, was typed.
        return whole_name
    return None


def _widened(segment: Segment, scores: dict[str, float], candidates, hard) -> tuple[np.ndarray, np.ndarray]:
    """The candidates with the documents whose NAF code's prior reaches PRIOR_WIDEN (within the
    hard filters), and the activity-prior score of each NAF value of the segment. Reads only
    the documents of those codes (``_naf_postings``), never the whole segment."""
    by_value = np.array([scores.get(code, 0.0) for code in segment.naf_values] or [0.0], np.float32)
    order, starts = _naf_postings(segment)
    likely = np.flatnonzero(by_value >= PRIOR_WIDEN)
    widen = [order[starts[value] : starts[value + 1]] for value in likely.tolist()]
    if widen:
        widen = np.concatenate(widen)
        if hard is not None:
            widen = widen[hard[widen]]
        # ``candidates`` is sorted and unique: keep the widened documents it lacks (no re-sort of
        # the whole set, which cost more than the rest of the prior at 1.2 M documents).
        if len(candidates):
            at = np.minimum(np.searchsorted(candidates, widen), len(candidates) - 1)
            widen = widen[candidates[at] != widen]
        candidates = np.concatenate((candidates, widen))
    return candidates, by_value


_NAF_POSTINGS: dict[int, tuple] = {}
_NAF_POSTINGS_LOCK = threading.Lock()


def _naf_postings(segment: Segment) -> tuple[np.ndarray, np.ndarray]:
    """The segment's documents sorted by NAF value, and where each value starts: built once per
    segment and process (an argsort of the NAF column, ~0.1 s at 1.2 M), kept while it lives."""
    key = id(segment.naf)
    cached = _NAF_POSTINGS.get(key)
    if cached is None or cached[0] is not segment.naf:
        naf = np.asarray(segment.naf)
        order = np.argsort(naf, kind="stable")
        starts = np.searchsorted(naf[order], np.arange(len(segment.naf_values) + 1))
        cached = (segment.naf, order, starts)
        with _NAF_POSTINGS_LOCK:
            if len(_NAF_POSTINGS) > 8:  # old generations: segments are few, drop them all
                _NAF_POSTINGS.clear()
            _NAF_POSTINGS[key] = cached
    return cached[1], cached[2]


def _standard(code: str, surfaces: list[str]) -> bool:
    """A standard's number (« EN 9100 », « AS9100 »: « en » and « as » are stop words) names a
    certification; a short number (« 5 », « 300 ») names nothing by itself."""
    return _is_cert(code) and all(len(surface) >= 4 for surface in surfaces)


def _located(segment: Segment, keys) -> np.ndarray:
    """Which documents of ``segment`` have one of these keys."""
    mask = np.zeros(segment.n, bool)
    for key in keys:
        local = segment.locate(key)
        if local is not None:
            mask[local] = True
    return mask


def _is_cert(code: str) -> bool:
    return code.startswith("cert.")
