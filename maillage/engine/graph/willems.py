"""Loader of the 38 real multi-echelon supply chains of Willems (2008).

Each ``NN.csv`` is an Excel XML-map export (UTF-8 with a BOM): a ``/chain`` line, a header
of XPath-like column names (``/arcs/arc/@from``, ``/stages/stage/@stageName``…; the number
of ``StageTime_k`` columns varies by file), then arc rows and stage rows mixed. A stage feeds
the stages it has arcs to, so an arc ``from → to`` is a supplier → client relation.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

from maillage.engine.graph.errors import ChainFileError
from maillage.engine.graph.model import GraphEdge, GraphNode, SupplyGraph

ARC_FROM = "/arcs/arc/@from"
ARC_TO = "/arcs/arc/@to"
STAGE = "/stages/stage/@"
# "Parts" appears 43 times in the source for what every other row calls "Part".
CLASSIFICATION_ALIASES = {"Parts": "Part"}
CLASSIFICATIONS = ("Part", "Manuf", "Trans", "Dist", "Retail")


@dataclass(frozen=True, slots=True)
class Stage:
    name: str
    classification: str
    rel_depth: int
    cost: float | None  # cost added per unit
    time: float | None  # stage time in days
    avg_demand: float | None  # set on demand (mostly Retail) stages


@dataclass(frozen=True)
class SupplyChain:
    chain: str  # "01" … "38"
    stages: list[Stage]
    arcs: list[tuple[str, str]]

    def graph(self) -> SupplyGraph:
        """Stages as nodes (category = classification), arcs as relations of the supplier's class.

        The data set has no volume per arc: every relation's volume is unknown.
        """
        nodes = [GraphNode(s.name, s.name, category=s.classification) for s in self.stages]
        kind = {s.name: s.classification for s in self.stages}
        edges = [GraphEdge(a, b, category=kind[a]) for a, b in self.arcs]
        return SupplyGraph.build(nodes, edges)


def _number(raw: str, *, path: Path, line: int, column: str) -> float | None:
    if raw.strip() == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ChainFileError(
            f"{path.name}, ligne {line}, champ {column} : nombre illisible « {raw} »"
        ) from None
    if not math.isfinite(value):
        raise ChainFileError(f"{path.name}, ligne {line}, champ {column} : nombre non fini « {raw} »")
    return value


def read_chain(path: Path) -> SupplyChain:
    """Read one ``NN.csv``; any malformed line raises ChainFileError naming file, line and field."""
    path = Path(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = csv.reader(handle)
        first = next(rows, None)
        if not first or first[0] != "/chain":
            raise ChainFileError(f"{path.name}, ligne 1 : « /chain » attendu en tête de fichier")
        header = next(rows, None) or []
        for required in (ARC_FROM, ARC_TO, STAGE + "stageName", STAGE + "stageClassification"):
            if required not in header:
                raise ChainFileError(f"{path.name}, ligne 2, champ {required} : colonne absente")
        col = {name: i for i, name in enumerate(header)}
        stages: list[Stage] = []
        arcs: list[tuple[int, str, str]] = []
        for line, row in enumerate(rows, start=3):
            if len(row) != len(header):
                raise ChainFileError(
                    f"{path.name}, ligne {line} : {len(row)} colonnes au lieu de {len(header)}"
                )
            source, target = row[col[ARC_FROM]].strip(), row[col[ARC_TO]].strip()
            name = row[col[STAGE + "stageName"]].strip()
            if source or target:
                if not (source and target):
                    missing = ARC_TO if source else ARC_FROM
                    raise ChainFileError(f"{path.name}, ligne {line}, champ {missing} : extrémité d'arc vide")
                arcs.append((line, source, target))
            if name:
                stages.append(_stage(row, col, path=path, line=line))
            elif not (source or target):
                raise ChainFileError(f"{path.name}, ligne {line} : ni arc ni étape")
    known = {stage.name for stage in stages}
    if len(known) != len(stages):
        raise ChainFileError(f"{path.name} : nom d'étape en double")
    for line, source, target in arcs:
        for column, value in ((ARC_FROM, source), (ARC_TO, target)):
            if value not in known:
                raise ChainFileError(
                    f"{path.name}, ligne {line}, champ {column} : étape inconnue « {value} »"
                )
    return SupplyChain(path.stem, stages, [(a, b) for _, a, b in arcs])


def _stage(row: list[str], col: dict[str, int], *, path: Path, line: int) -> Stage:
    def number(field: str) -> float | None:
        column = STAGE + field
        if column not in col:
            return None
        return _number(row[col[column]], path=path, line=line, column=column)

    raw_class = row[col[STAGE + "stageClassification"]].strip()
    classification = CLASSIFICATION_ALIASES.get(raw_class, raw_class)
    if classification not in CLASSIFICATIONS:
        raise ChainFileError(
            f"{path.name}, ligne {line}, champ {STAGE}stageClassification : classe inconnue « {raw_class} »"
        )
    depth = number("relDepth")
    return Stage(
        name=row[col[STAGE + "stageName"]].strip(),
        classification=classification,
        rel_depth=int(depth) if depth is not None else 0,
        cost=number("stageCost"),
        time=number("stageTime"),
        avg_demand=number("avgDemand"),
    )


def read_chains(folder: Path) -> list[SupplyChain]:
    """Every ``NN.csv`` of ``folder`` (the data set's ``raw/`` folder), in chain order."""
    paths = sorted(Path(folder).glob("[0-9][0-9].csv"))
    if not paths:
        raise ChainFileError(f"{folder} : aucun fichier NN.csv")
    return [read_chain(path) for path in paths]
