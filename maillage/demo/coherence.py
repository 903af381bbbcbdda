"""Coherence rules of the generated demo companies (docs/demo.md, « Cohérence des entreprises
fictives »): the profile generator draws within them and ``demo_coherence_violations`` checks
the whole written demo against them (the tests require no violation).

* **Trades offered** come from the taxonomy's NAF hints of the company's own sub-class, plus
  the side trades a subcontractor of that division often has (``SIDE_TRADES``).
* **What a company buys** (its needs, its purchase ledger) is what its usual suppliers offer:
  ``SUPPLIER_DIVISIONS`` names those suppliers' NAF divisions for each division (or class),
  and the taxonomy's NAF hints of those divisions turn them into trades — no second
  NAF→capability table. A few services every plant buys are always allowed.
* **Sectors served** are the ones hinted for its NAF sub-class or those its declared trades
  serve (``TRADE_SECTORS``); a reference names a client of one of these sectors.
* **Means follow size**: machines, their quantity and press or clamping force are bounded by
  the headcount band (``SIZE_LIMITS``): a 1–2-person company has one or two modest machines.
* **Dates**: a year the description gives is never before the company's creation year, and
  « créée en <year> » is the creation year itself.

Trades are taxonomy codes compared in the taxonomy tree (parent links, not code prefixes): a
rule naming ``proc.plastics.injection`` allows it and what is below it
(``proc.plastics.overmoulding``), not its parent ``proc.plastics``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

# Side trades: what a subcontractor of a NAF division (or class) often does besides its main
# activity. Metalworking shops finish, treat and inspect their parts, or have a foundry or press line.
_METAL_SIDE_TRADES = (
    "proc.machining.milling.5axis",
    "proc.machining.milling.3axis",
    "proc.machining.turning",
    "proc.machining.bar_turning",
    "proc.machining.edm.wire",
    "proc.machining.grinding.cylindrical",
    "proc.surface.anodising.hard",
    "proc.surface.anodising.sulphuric",
    "proc.surface.painting.powder",
    "proc.surface.electroplating.zinc",
    "proc.surface.passivation",
    "proc.joining.welding.tig",
    "proc.joining.welding.robotic",
    "proc.joining.welding.mig_mag",
    "proc.foundry.hpdc",
    "proc.foundry.sand",
    "proc.heat_treatment.vacuum",
    "proc.heat_treatment.case_hardening",
    "proc.sheet_metal.cutting.laser",
    "proc.sheet_metal.bending",
    "proc.sheet_metal.boilermaking",
    "proc.forming.stamping.progressive",
    "proc.ndt.penetrant",
    "proc.metrology.cmm",
    "proc.additive.lpbf",
    "proc.assembly",
)
_PLASTICS_SIDE_TRADES = (
    "proc.plastics.injection",
    "proc.plastics.overmoulding",
    "proc.plastics.bi_injection",
    "proc.plastics.extrusion",
    "proc.plastics.thermoforming",
    "proc.surface.decoration",
    "proc.machining.plastics",
    "proc.composites.rtm",
    "proc.composites.infusion",
)
# Electronics, electrical equipment and repair shops machine, weld, fold and paint what they
# build or mend; they do not cast, anodise or print metal.
_LIGHT_METAL_SIDE_TRADES = (
    "proc.machining.milling.3axis",
    "proc.machining.turning",
    "proc.joining.welding.tig",
    "proc.joining.welding.mig_mag",
    "proc.sheet_metal.cutting.laser",
    "proc.sheet_metal.bending",
    "proc.surface.painting.powder",
    "proc.metrology.cmm",
    "proc.assembly",
)
SIDE_TRADES = {
    **{division: _METAL_SIDE_TRADES for division in ("24", "25", "28", "29", "30")},
    **{division: _LIGHT_METAL_SIDE_TRADES for division in ("26", "27", "33")},
    "22": _PLASTICS_SIDE_TRADES,
    "20": ("proc.chemistry.formulation",),
    "20.16": ("proc.plastics.compounding", "proc.chemistry.formulation"),
    "20.17": ("proc.plastics.compounding", "proc.chemistry.formulation"),
}

# Whom each NAF division (or class: the longest key wins) buys from, as NAF divisions.
SUPPLIER_DIVISIONS = {
    "10": ("10", "11", "17", "22", "23"),  # ingredients; packaging: cardboard, plastics, glass
    "11": ("10", "11", "17", "22", "23"),
    "13": ("13", "20", "22"),  # yarns, dyes and finishes, plastics
    "14": ("13", "15", "20", "22"),
    "15": ("13", "15", "20", "22"),
    "16": ("16", "20"),  # timber, glues and finishes
    "17": ("17", "18", "20", "22"),
    "18": ("17", "18", "20"),
    "20": ("17", "20", "22", "25", "28", "33"),  # basic chemistry: vessels, pumps, maintenance
    "20.4": ("17", "18", "20", "22", "23"),  # soaps, detergents, perfumes: packaging, bottles
    "21": ("17", "18", "20", "21", "22", "23"),  # pharmacy: actives and packaging
    "22": ("20", "22", "25", "28"),  # polymers, moulds, machines
    "23": ("20", "23", "25", "28", "33"),
    "24": ("24", "25", "28", "33"),
    "25": ("24", "25", "28", "33"),
    "26": ("22", "25", "26", "27", "28"),  # enclosures, boards, cables
    "27": ("22", "24", "25", "26", "27", "28"),
    "28": ("22", "24", "25", "26", "27", "28", "33"),
    "29": ("22", "24", "25", "26", "27", "28", "29"),
    "30": ("22", "24", "25", "26", "27", "28", "29", "30", "33"),
    "31": ("13", "16", "22", "25"),  # furniture: fabrics, panels, plastics, fittings
    "32": ("20", "22", "24", "25", "26", "32"),
    "33": ("24", "25", "26", "27", "28", "33"),
    "35": ("25", "27", "28", "33"),
    "36": ("22", "25", "28", "33"),
    "37": ("22", "25", "28", "33"),
    "38": ("25", "28", "33"),
    "39": ("25", "28", "33"),
    "71": ("26", "71", "72"),  # engineering and testing: instruments, other labs
    "72": ("20", "25", "26", "71", "72"),  # R&D: reagents, prototypes, instruments
}
# What every plant may buy, whatever it makes.
GENERIC_NEEDS = frozenset({"svc.design", "svc.testing", "svc.maintenance", "svc.logistics", "proc.metrology"})

# Sectors a declared trade serves (a subcontractor's markets), longest prefix wins.
TRADE_SECTORS = {
    "proc.machining": ("sector.aeronautics", "sector.automotive", "sector.medical", "sector.defence",
                       "sector.industrial_equipment", "sector.energy"),
    "proc.surface": ("sector.aeronautics", "sector.automotive", "sector.industrial_equipment"),
    "proc.foundry": ("sector.automotive", "sector.rail", "sector.industrial_equipment"),
    "proc.plastics": ("sector.automotive", "sector.medical", "sector.cosmetics", "sector.packaging"),
    "proc.sheet_metal": ("sector.rail", "sector.industrial_equipment", "sector.construction",
                         "sector.agricultural_machinery"),
    "proc.joining": ("sector.nuclear", "sector.energy", "sector.rail"),
    "proc.additive": ("sector.aeronautics", "sector.medical", "sector.space"),
}  # fmt: skip

# A reference names a client of a sector the company serves (stored in French, as members write).
SECTOR_CLIENTS = {
    "sector.automotive": "un équipementier automobile rang 1",
    "sector.aeronautics": "un motoriste aéronautique",
    "sector.space": "un maître d'œuvre spatial",
    "sector.defence": "un industriel de la défense",
    "sector.rail": "un constructeur ferroviaire",
    "sector.medical": "un fabricant de dispositifs médicaux",
    "sector.industrial_equipment": "un fabricant de machines spéciales",
    "sector.energy": "un groupe de l'énergie",
    "sector.nuclear": "un exploitant nucléaire",
    "sector.cosmetics": "une maison de parfums et cosmétiques",
    "sector.luxury": "une marque de luxe",
    "sector.packaging": "un fabricant d'emballages",
    "sector.agrifood": "un groupe agroalimentaire",
    "sector.pharma": "un laboratoire pharmaceutique",
    "sector.chemicals": "un groupe chimique",
    "sector.construction": "une entreprise générale du bâtiment",
    "sector.agricultural_machinery": "un constructeur de machines agricoles",
    "sector.electrical_equipment": "un fabricant d'équipements électriques",
    "sector.electronics": "un fabricant de cartes électroniques",
    "sector.furniture": "un fabricant de mobilier",
    "sector.paper_printing": "un imprimeur",
    "sector.steel_metals": "un sidérurgiste",
    "sector.textile_fashion": "une marque de prêt-à-porter",
    "sector.water_environment": "un syndicat des eaux",
    "sector.wood_industry": "un fabricant de maisons à ossature bois",
    "sector.research": "un laboratoire de recherche public",
}


@dataclass(frozen=True)
class SizeLimits:
    """What a company of a headcount class may own."""

    machines: int  # machines in all (sum of quantities)
    per_type: int  # of one model
    force_tf: float  # rated force of a press or press brake, clamping force of a press (tf)
    heavy: int  # heavy installations (``HEAVY_EQUIPMENT``)


# (largest headcount of the class, limits); an unknown or non-employer band counts as the smallest.
SIZE_LIMITS = (
    (2, SizeLimits(machines=2, per_type=1, force_tf=100, heavy=0)),
    (9, SizeLimits(machines=4, per_type=2, force_tf=300, heavy=1)),
    (49, SizeLimits(machines=8, per_type=3, force_tf=800, heavy=3)),
    (None, SizeLimits(machines=12, per_type=4, force_tf=2000, heavy=6)),
)
HEAVY_EQUIPMENT = (
    "equip.machine_tool.machining_centre.gantry",
    "equip.foundry",
    "equip.furnace",
    "equip.surface",
    "equip.additive",
)
FORCE_SPECS = ("force", "clamping_force")
YEAR = re.compile(r"\b(19\d\d|20\d\d)\b")
FOUNDED = re.compile(r"créée en (\d{4})")
PEOPLE = re.compile(r"(\d+) personnes")


def _longest(table: Mapping[str, Sequence[str]], naf: str) -> Sequence[str]:
    keys = [key for key in table if naf.startswith(key)]
    return table[max(keys, key=len)] if keys else ()


def side_trades(naf: str) -> Sequence[str]:
    return _longest(SIDE_TRADES, naf)


def size_limits(max_employees: int | None, min_employees: int | None = None) -> SizeLimits:
    """The limits of a band given by its bounds (a band without bounds: the smallest class)."""
    if max_employees is None and min_employees is None:
        return SIZE_LIMITS[0][1]
    for ceiling, limits in SIZE_LIMITS:
        if ceiling is None or (max_employees is not None and max_employees <= ceiling):
            return limits
    return SIZE_LIMITS[-1][1]


def is_heavy(equipment_code: str) -> bool:
    return any(equipment_code == h or equipment_code.startswith(h + ".") for h in HEAVY_EQUIPMENT)


def _is_trade(code: str) -> bool:
    return code.startswith(("proc.", "svc."))


def _prefixed(code: str, key: str) -> bool:
    return code == key or code.startswith(key + ".")


class ActivityRules:
    """The rules above, over the taxonomy: its NAF hints (``{naf: [(code, weight), …]}``) and
    its tree (``{code: parent code}``).

    Trades are compared in the tree: a company may declare a hinted trade or one below it
    (« surmoulage » under « injection plastique »), never a broader one.
    """

    def __init__(self, hints: Mapping[str, Sequence[tuple[str, float]]], parents: Mapping[str, str | None]):
        self.hints = hints
        self.parents = parents
        # What a division's companies are known for (hints only: side trades are what a shop
        # may also do, not what its clients come to it for).
        self._division_offers: dict[str, set[str]] = {}
        for naf, pairs in hints.items():
            self._division_offers.setdefault(naf[:2], set()).update(c for c, _w in pairs if _is_trade(c))

    def ancestors(self, code: str) -> list[str]:
        """``code`` and its parents up to the root, nearest first."""
        chain = []
        while code and code not in chain:
            chain.append(code)
            code = self.parents.get(code) or ""
        return chain

    def is_under(self, code: str, roots: Iterable[str]) -> bool:
        """Whether ``code`` is one of ``roots`` or below one of them in the taxonomy tree."""
        return not set(roots).isdisjoint(self.ancestors(code))

    def offers(self, naf: str) -> set[str]:
        """The trades (tree roots) a company of this sub-class may declare."""
        return {code for code, _w in self.hints.get(naf, ()) if _is_trade(code)} | set(side_trades(naf))

    def may_offer(self, naf: str, code: str) -> bool:
        return self.is_under(code, self.offers(naf))

    def needs(self, naf: str) -> set[str]:
        """The trades (tree roots) a company of this sub-class may ask for or buy."""
        roots = set(GENERIC_NEEDS)
        for division in _longest(SUPPLIER_DIVISIONS, naf):
            roots |= self._division_offers.get(division, set())
        return roots

    def may_buy(self, naf: str, code: str) -> bool:
        return self.is_under(code, self.needs(naf))

    def sectors(self, naf: str, trades: Iterable[str]) -> set[str]:
        """Sectors a company of this sub-class declaring these trades may serve."""
        allowed = {code for code, _w in self.hints.get(naf, ()) if code.startswith("sector.")}
        for code in trades:  # TRADE_SECTORS is keyed by code prefix, as the generator reads it
            keys = [k for k in TRADE_SECTORS if _prefixed(code, k)]
            if keys:
                allowed |= set(TRADE_SECTORS[max(keys, key=len)])
        return allowed


# --- the check over what was written ---------------------------------------------------------


@dataclass(frozen=True)
class Company:
    """What the check reads of one generated company and its declared profile."""

    siret: str
    naf: str
    min_employees: int | None
    max_employees: int | None
    created: date | None
    trades: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    equipment: tuple[tuple[str, int, dict[str, float]], ...] = ()  # (code, quantity, specs)
    reference_clients: tuple[str, ...] = ()
    description: str = ""


def company_violations(rules: ActivityRules, company: Company) -> list[str]:
    """Every rule this company breaks, in words (empty: coherent)."""
    found = []
    siret, naf = company.siret, company.naf
    for code in company.trades:
        if _is_trade(code) and not rules.may_offer(naf, code):
            found.append(f"{siret} ({naf}) déclare {code}, hors de son activité")
    allowed_sectors = rules.sectors(naf, company.trades)
    for sector in company.sectors:
        if sector not in allowed_sectors:
            found.append(f"{siret} ({naf}) sert le secteur {sector}, hors de son activité")
    clients = {client: sector for sector, client in SECTOR_CLIENTS.items()}
    for client in company.reference_clients:
        sector = clients.get(client)
        if sector not in company.sectors or sector not in allowed_sectors:
            found.append(f"{siret} ({naf}) cite la référence « {client} » hors de ses secteurs")
    limits = size_limits(company.max_employees, company.min_employees)
    band = f"{company.min_employees}–{company.max_employees} salariés"
    if sum(quantity for _c, quantity, _s in company.equipment) > limits.machines:
        found.append(f"{siret} ({band}) a plus de {limits.machines} machines")
    if sum(quantity for code, quantity, _s in company.equipment if is_heavy(code)) > limits.heavy:
        found.append(f"{siret} ({band}) a plus de {limits.heavy} installations lourdes")
    for code, quantity, specs in company.equipment:
        if quantity > limits.per_type:
            found.append(f"{siret} ({band}) a {quantity} × {code}")
        for key in FORCE_SPECS:
            if specs.get(key, 0) > limits.force_tf:
                found.append(f"{siret} ({band}) a une {code} de {specs[key]:g} tf")
    found += _date_violations(company)
    return found


def _date_violations(company: Company) -> list[str]:
    found = []
    text, created = company.description, company.created
    if created is not None:
        for year in YEAR.findall(text):
            if int(year) < created.year:
                found.append(f"{company.siret} (créée en {created.year}) écrit « {year} »")
        for year in FOUNDED.findall(text):
            if int(year) != created.year:
                found.append(f"{company.siret} (créée en {created.year}) se dit créée en {year}")
    elif YEAR.search(text):
        found.append(f"{company.siret} (date de création inconnue) donne une année")
    for people in PEOPLE.findall(text):
        low, high = company.min_employees, company.max_employees
        if low is None or int(people) < low or (high is not None and int(people) > high):
            found.append(f"{company.siret} ({low}–{high} salariés) se dit de {people} personnes")
    return found
