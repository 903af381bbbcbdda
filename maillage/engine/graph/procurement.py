"""Public contracts as a supply graph: plain records in, ``SupplyGraph`` out.

The DECP files are parsed on the Django side (``maillage.imports.decp.parser``), which hands
the engine these records; the engine knows nothing of the file formats.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from maillage.engine.graph.model import PUBLIC, GraphEdge, GraphNode, SupplyGraph


@dataclass(frozen=True, slots=True)
class ContractHolder:
    """A holder of a contract: ``key`` is its SIRET, or ``TYPE:identifier`` otherwise."""

    key: str
    id_type: str = "SIRET"
    name: str = ""


@dataclass(frozen=True, slots=True)
class PublicContract:
    buyer: str  # the buyer's SIRET
    category: str  # CPV code
    annual_amount: float | None  # euros per year for the whole contract, None when unknown
    holders: tuple[ContractHolder, ...]
    holder_count: int = 0  # holders of the whole contract (a flattened row carries one); 0: len(holders)
    buyer_name: str = ""


def contracts_graph(contracts: Iterable[PublicContract], *, key: str = "siret") -> SupplyGraph:
    """Holders → buyers, one public relation per (contract, holder), category = CPV code.

    Volume = the contract's annual amount split evenly among its holders (DECP does not say
    who gets what); ``key="siren"`` merges establishments into their legal unit.
    """
    if key not in ("siret", "siren"):
        raise ValueError(f"key : « {key} » (siret ou siren attendu)")

    def node_key(identifier: str, id_type: str = "SIRET") -> str:
        if key == "siren" and id_type == "SIRET":
            return identifier[:9]
        return identifier

    nodes: dict[str, GraphNode] = {}
    edges: list[GraphEdge] = []
    for contract in contracts:
        buyer = node_key(contract.buyer)
        nodes.setdefault(buyer, GraphNode(buyer, contract.buyer_name))
        annual = contract.annual_amount
        holders = contract.holder_count or len(contract.holders)
        share = None if annual is None else annual / max(holders, 1)
        for holder in contract.holders:
            supplier = node_key(holder.key, holder.id_type)
            nodes.setdefault(supplier, GraphNode(supplier, holder.name))
            edges.append(GraphEdge(supplier, buyer, contract.category, share, share, PUBLIC))
    return SupplyGraph.build(nodes.values(), edges)
