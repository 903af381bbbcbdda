"""Import French public procurement data (DECP) as public buyer → supplier relations.

The files are read by this package's parser (``maillage.imports.decp.parser``: JSON
``{"marches": [...]}`` or the flattened CSV), which validate CPV codes, SIRET, amounts and dates
and name the file, record and field of every rejection. Here each (market, holder) becomes:
- a relation per (buyer, holder, CPV code), public and confirmed (published data), whose client
  is the buyer's establishment when the directory has it, else an outside entity (SIRET, name);
- a purchase line per (market, holder): the market's annual amount split evenly among its
  holders (DECP does not say who gets what), in the year of notification.

The same market read from the JSON and from the flattened CSV gives the same keys, so importing
both changes nothing the second time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from maillage.directory.models import Establishment
from maillage.imports.batch import Item, Rejected, purchase_total_problem, run_batches
from maillage.imports.decp.parser import (
    CONCESSION,
    DecpFileError,
    DecpMarket,
    DecpReject,
    iter_decp_csv,
    iter_decp_json,
)
from maillage.imports.limits import decimal_field_problem
from maillage.referential.models import CpvCode
from maillage.relations.models import (
    Confidentiality,
    PurchaseLine,
    RelationEvent,
    RelationSource,
    RelationStatus,
    SupplyRelation,
)
from maillage.relations.services import relations_refresh_amounts

LABELS = {
    "missing": "valeur absente",
    "bad_siret": "SIRET invalide",
    "bad_vat": "TVA intracommunautaire invalide",
    "bad_cpv": "code CPV mal formé",
    "unknown_cpv": "code CPV inconnu",
    "bad_amount": "montant illisible",
    "bad_duration": "durée illisible",
    "bad_date": "date illisible",
    "no_holder": "aucun titulaire",
    "bad_record": "enregistrement illisible",
    "bad_text": "texte refusé par la base (caractère NUL)",
}


@dataclass
class DecpOptions:
    path: Path
    wet_run: bool = False
    batch_size: int = 1000
    rejects_path: Path | None = None


def _items(path: Path, cpv_codes) -> Iterator[Item]:
    """Markets and rejections in file order: rejections are attached to the next market's seq."""
    rejects: list[DecpReject] = []
    reader = iter_decp_csv if path.suffix.lower() == ".csv" else iter_decp_json
    markets = reader(path, rejects, cpv_codes=cpv_codes)
    seq = 0
    done = 0
    for market in markets:
        seq += 1
        # Rejections found before this market belong to this seq: a resumed run skips them too.
        for reject in rejects[done:]:
            yield _rejection(seq, reject)
        done = len(rejects)
        line = market.position.removeprefix("ligne ")
        try:
            yield Item(seq, line, (market, purchase_amount(market)))
        except Rejected as rejection:
            yield Item(
                seq, f"{line} (id {market.market_id})" if market.market_id else line, rejection=rejection
            )
    for reject in rejects[done:]:
        yield _rejection(seq + 1, reject)


def _rejection(seq: int, reject: DecpReject) -> Item:
    detail = reject.detail if reject.whole_record else f"titulaire écarté, marché conservé : {reject.detail}"
    reason = reject.reason if reject.whole_record else f"{reject.reason}_holder"
    position = reject.position.removeprefix("ligne ")
    position = f"{position} (id {reject.market_id})" if reject.market_id else position
    return Item(seq, position, rejection=Rejected(reason, reject.field, detail, reject.value))


def purchase_amount(market: DecpMarket) -> Decimal | None:
    """One holder's yearly share, as its purchase line stores it; Rejected when the column cannot.

    Checked here, for the dry run and the wet run alike and whatever the database: SQLite would
    store what PostgreSQL refuses (more than 12 digits before the point), and a share that
    rounds to 0.00 € is not a purchase.
    """
    if market.amount is None:
        return None
    field = "valeurGlobale" if market.kind == CONCESSION else "montant"
    problem = decimal_field_problem(market.amount, PurchaseLine, "amount")
    share = None
    if problem is None:
        share = market.annual_amount() / max(market.holder_count, 1)
        problem = decimal_field_problem(share, PurchaseLine, "amount")
    if problem:
        raise Rejected("bad_amount", field, f"montant refusé : {problem}", str(market.amount))
    return Decimal(str(round(share, 2)))


def run_decp_import(options: DecpOptions):
    path = Path(options.path)
    if not path.exists():
        raise DecpFileError(f"{path} : fichier introuvable")
    cpv_codes = frozenset(CpvCode.objects.values_list("code", flat=True)) or None
    establishments: dict[str, int | None] = {}

    def establishment_id(siret: str) -> int | None:
        if siret not in establishments:
            establishments[siret] = (
                Establishment.objects.filter(siret=siret).values_list("pk", flat=True).first()
            )
        return establishments[siret]

    def write(payload: tuple[DecpMarket, Decimal | None], counts: Counter, run) -> set:
        touched = set()
        market, share = payload
        buyer_id = establishment_id(market.buyer_siret)
        for holder in market.holders:
            supplier_id = establishment_id(holder.identifier) if holder.id_type == "SIRET" else None
            counts["suppliers_in_directory" if supplier_id else "suppliers_outside"] += 1
            external_key = f"decp:{market.buyer_siret}:{holder.key}:{market.cpv}"[:120]
            relation, created = SupplyRelation.objects.get_or_create(
                external_key=external_key,
                defaults={
                    "supplier_id": supplier_id,
                    "supplier_siret": holder.identifier if holder.id_type == "SIRET" else "",
                    "supplier_identifier": "" if holder.id_type == "SIRET" else holder.key[:40],
                    "supplier_name": holder.name[:255],
                    "supplier_country": holder.identifier[:2] if holder.id_type == "TVA" else "FR",
                    "client_id": buyer_id,
                    "client_siren": market.buyer_siret[:9],
                    "client_siret": market.buyer_siret,
                    "client_name": market.buyer_name[:255],
                    "cpv_id": market.cpv if cpv_codes is None or market.cpv in cpv_codes else None,
                    "category_text": market.cpv,
                    "source": RelationSource.PUBLIC_PROCUREMENT,
                    "confidentiality": Confidentiality.PUBLIC,
                    "status": RelationStatus.CONFIRMED,
                    "since": market.notified_on.year if market.notified_on else None,
                },
            )
            if created:
                counts["relations_created"] += 1
                RelationEvent.objects.create(
                    relation=relation,
                    kind=RelationEvent.Kind.IMPORTED,
                    comment=f"{market.source}, {market.position}, marché {market.market_id}",
                )
            touched.add(relation.pk)
            if share is None or market.notified_on is None:
                counts["lines_without_amount"] += 1
                continue
            line_key = (
                f"decp:{market.buyer_siret}:{market.market_id}:{holder.key}:{market.cpv}:{market.notified_on}"
            )[:120]
            year = market.notified_on.year
            problem = purchase_total_problem(relation_id=relation.pk, year=year, key=line_key, amount=share)
            if problem:
                field = "valeurGlobale" if market.kind == CONCESSION else "montant"
                raise Rejected("bad_amount", field, problem, str(market.amount))
            _, line_created = PurchaseLine.objects.update_or_create(
                key=line_key,
                defaults={
                    "relation": relation,
                    "year": market.notified_on.year,
                    "amount": share,
                    "file_name": market.source,
                    "line": market.position,
                    "import_run": run,
                },
            )
            counts["lines_created" if line_created else "lines_unchanged"] += 1
        return touched

    def finish(touched: set) -> None:
        relations_refresh_amounts(relation_ids=touched)

    return run_batches(
        kind="decp",
        path=path,
        items=_items(path, cpv_codes),
        write=write,
        finish_batch=finish,
        extra_options={},
        wet_run=options.wet_run,
        batch_size=options.batch_size,
        rejects_path=options.rejects_path,
    )
