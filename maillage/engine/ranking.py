"""How the searcher ranks: relevance of words and concepts, completeness, and the page order
(complete answers first, evidence before inference among the holders of an asked capability).

Pure numpy over one segment's candidates; ``search.py`` gathers the inputs and the segments.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from maillage.engine.build import UNSAID_CODES

if TYPE_CHECKING:
    from maillage.engine.search import Interpretation

# Relevance = the words' BM25F score, plus each concept read in the text weighing as much as
# the words it was read from (their idf) × CONCEPT_WEIGHT: a concept reinforces its own words,
# it does not replace the rest of the query (« nettoyage de bâtiments » is about cleaning, even
# though « bâtiments » alone reads as the construction sector).
CONCEPT_WEIGHT = 1.5
# Share of the relevance given to the coverage of structured requirements when not strict.
COVERAGE_WEIGHT = 0.35
# What a candidate holds of the asked capabilities: nothing, only by inference (or its
# name), by a said claim; + COMPLETE_CLASS for a complete answer (see evidence_first).
NOT_HELD, HELD_UNSAID, HELD_SAID = 0, 1, 2
COMPLETE_CLASS = 2


def best(scored, wanted: int, held: int | None = None) -> list[tuple]:
    """The ``wanted`` best candidates over the segments (all, or those of one ``held`` class),
    as (key, segment number, local id, distance, held class), best first."""
    pool = []
    for number, (candidates, scores, distances, classes) in enumerate(scored):
        if held is None:
            chosen = (
                np.argpartition(-scores, wanted - 1)[:wanted] if len(scores) > wanted else range(len(scores))
            )
        elif classes is None:
            continue
        else:
            chosen = np.flatnonzero(classes == held)
            if len(chosen) > wanted:
                chosen = chosen[np.argpartition(-scores[chosen], wanted - 1)[:wanted]]
        chosen = np.asarray(chosen, np.int64)
        for i in chosen.tolist():
            pool.append(
                (
                    float(scores[i]),
                    number,
                    int(candidates[i]),
                    float(distances[i]),
                    NOT_HELD if classes is None else int(classes[i]),
                )
            )
    pool.sort(key=lambda item: (-item[0], item[1], item[2]))
    return pool[:wanted]


def evidence_first(scored, wanted: int) -> list[tuple]:
    """The ``wanted`` first results: by rank (complete answers first), then the places held by
    results holding an asked capability are given to them in evidence order — those that said
    it (best first), then those holding it only by inference —, among the complete answers and
    then among the partial ones. So an inferred claim never outranks a said one of an asked
    capability within a group, a complete answer never follows a partial one, and a result
    holding none keeps the place its rank gives it."""
    ranked = best(scored, wanted)
    for said, unsaid in (
        (HELD_SAID + COMPLETE_CLASS, HELD_UNSAID + COMPLETE_CLASS),
        (HELD_SAID, HELD_UNSAID),
    ):
        places = [i for i, item in enumerate(ranked) if item[4] in (said, unsaid)]
        if not places:
            continue
        holders = best(scored, len(places), said)
        if len(holders) < len(places):
            holders += best(scored, len(places) - len(holders), unsaid)
        for place, holder in zip(places, holders, strict=True):
            ranked[place] = holder
    return ranked


def complete(candidates, plan: Interpretation, requirements, concepts_held, words_held) -> np.ndarray:
    """Which candidates meet every requirement: each structured one (capability, certification
    valid on the day, equipment bound), each required concept of the text, and — when the text
    names no concept — each of its words (lone numbers aside)."""
    met = np.zeros(len(candidates), np.int32)
    asked = len(requirements)
    for mask in requirements:
        met += mask[candidates]
    typed = [c for c in plan.concepts if c.required and not c.structured]
    words = plan.required_words()
    if typed:
        asked += len(typed)
        met += concepts_held[candidates]
    elif words:
        asked += len(words)
        met += words_held[candidates]
    return met >= asked


def candidates(n, query, text, lexical, concept, typed, hard, requirements) -> np.ndarray:
    if text is not None or concept is not None:
        # What the text matched decides the candidates; filters alone only when the text
        # matched nothing the index knows (no words, or only unknown ones).
        signal = lexical if lexical is not None else (text > 0) if text is not None else None
        if typed is not None:
            signal = typed if signal is None else (signal | typed)
        if signal is None:
            signal = concept > 0
        if not query.strict and requirements:
            for requirement in requirements:
                signal |= requirement
        return np.flatnonzero(signal if hard is None else signal & hard)
    if hard is not None:
        return np.flatnonzero(hard)
    if not query.strict and requirements:
        return np.flatnonzero(np.logical_or.reduce(requirements))
    return np.arange(n)


def said(status: np.ndarray) -> np.ndarray:
    """Which claims are evidence: declared, proposed or mentioned (not inferred, not named)."""
    said = np.ones(len(status), bool)
    for code in UNSAID_CODES:
        said &= status != code
    return said


def idf(size: int, df: int) -> float:
    return math.log(1 + (size - df + 0.5) / (df + 0.5))


def concept_masses(plan: Interpretation) -> list[float]:
    """What each concept weighs beside the words: the idf of the words it was read from ×
    CONCEPT_WEIGHT; a structured requirement weighs as much as the whole text (or 1)."""
    text_mass = sum(term.weight for term in plan.terms)
    return [
        max(text_mass, 1.0) if concept.structured else CONCEPT_WEIGHT * concept.weight
        for concept in plan.concepts
    ]


def relevance(candidates, query, plan: Interpretation, text, concept, requirements) -> np.ndarray:
    """(words' score + concepts' score) / what a document holding every word and concept at
    full strength would get; then the coverage of soft structured requirements."""
    mass = sum(term.weight for term in plan.terms) if text is not None else 0.0
    score = text[candidates] if text is not None else np.zeros(len(candidates), np.float32)
    if concept is not None:
        mass += sum(concept_masses(plan))
        score = score + concept[candidates]
    relevance = score / np.float32(mass) if mass > 0 else np.ones(len(candidates), np.float32)
    if requirements and not query.strict:
        coverage = np.mean([mask[candidates] for mask in requirements], axis=0)
        if text is None and concept is None:
            return coverage.astype(np.float32)
        relevance = (1 - COVERAGE_WEIGHT) * relevance + COVERAGE_WEIGHT * coverage
    return relevance
