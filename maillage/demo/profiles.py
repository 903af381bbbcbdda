"""Capability profiles of the demo territory, seeded and reproducible (docs/demo.md, « Profils »).

* Every demo establishment gets the NAF inference (``profile_infer_from_naf``: *inferred*).
* About 70 % of the **fictitious** companies also declare a profile, applied as one
  ``ProfileSnapshot`` through ``profile_apply_snapshot`` (source ``member``): confirmed
  capabilities drawn from their NAF hints (specialised down the tree, plus the side trades a
  subcontractor of that trade often has), materials, machines with specifications,
  certificates (most valid, some expired), sectors, references (some members-only) and a
  French description written the way members write (jargon, abbreviations).
* Real companies get the inference only: we do not invent claims about real companies.

One generator per SIRET (``[seed, crc32(siret)]``) and fixed dates make the profiles the
same on every run; applying the same snapshot twice writes nothing, so a second
``maillage demo`` changes nothing.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np

from maillage.demo.coherence import (
    FORCE_SPECS,
    SECTOR_CLIENTS,
    TRADE_SECTORS,
    SizeLimits,
    is_heavy,
    side_trades,
    size_limits,
)
from maillage.directory.models import Establishment
from maillage.matching.services import index_refresh_deferred
from maillage.profiles.models import ChangeSource
from maillage.profiles.services import profile_apply_snapshot, profile_infer_from_naf
from maillage.profiles.snapshot import (
    VISIBILITY_MEMBERS,
    VISIBILITY_PUBLIC,
    CertificationEntry,
    EquipmentEntry,
    ProfileSnapshot,
    ReferenceEntry,
    SpecValue,
)
from maillage.taxonomy.models import NafCapabilityHint, TaxonomyNode
from maillage.taxonomy.selectors import taxonomy_reads_cached

DECLARED_SHARE = 0.7
CAPABILITY_TYPES = ("process", "material", "service")
# Certificates valid today end after this day; expired ones ended before it. Fixed, so that
# the drawn profiles never depend on the day the demo is built.
VALID_AFTER = date(2027, 3, 1)
EXPIRED_SHARE = 0.2
# A trade hinted at this weight or more is declared by at least one member (when one fits).
COVERED_HINT_WEIGHT = 0.4
# A side trade nobody declared goes to a member of a division that does it, after the hinted ones.
SIDE_TRADE_PRIORITY = 0.1

MATERIALS = {
    "proc.machining": ("mat.aluminium.7xxx", "mat.aluminium.6xxx", "mat.stainless.austenitic",
                       "mat.steel.alloy", "mat.titanium.ta6v", "mat.copper.brass", "mat.nickel.718",
                       "mat.polymer.high_performance.peek"),
    "proc.surface.anodising": ("mat.aluminium", "mat.aluminium.7xxx", "mat.aluminium.2xxx"),
    "proc.foundry": ("mat.aluminium.cast", "mat.cast_iron.ductile", "mat.zinc", "mat.copper.bronze"),
    "proc.sheet_metal": ("mat.steel.carbon", "mat.stainless", "mat.aluminium.5xxx"),
    "proc.forming": ("mat.steel.carbon", "mat.steel.high_strength", "mat.stainless", "mat.aluminium"),
    "proc.joining": ("mat.stainless", "mat.steel.carbon", "mat.aluminium", "mat.titanium"),
    "proc.plastics": ("mat.polymer.thermoplastic.pa", "mat.polymer.thermoplastic.pp",
                      "mat.polymer.thermoplastic.abs", "mat.polymer.thermoplastic.pc",
                      "mat.polymer.thermoplastic.pom"),
    "proc.composites": ("mat.composite.carbon", "mat.composite.glass"),
    "proc.additive": ("mat.titanium.ta6v", "mat.nickel.718", "mat.aluminium", "mat.metal_powder"),
}  # fmt: skip


@dataclass(frozen=True)
class Machine:
    code: str
    labels: tuple[str, ...]
    specs: tuple[tuple[str, float, float, float], ...]  # key, low, high, rounding step


# The machine a declared process implies (longest prefix wins), with plausible spec ranges.
MACHINES = {
    "proc.machining.milling.5axis": Machine(
        "equip.machine_tool.machining_centre.5axis",
        ("CU 5 axes DMG Mori DMU 65", "Hermle C42 5 axes", "Mazak Variaxis 630", "CU 5 axes continus"),
        (("travel_x", 600, 1500, 50), ("axes", 5, 5, 1), ("spindle_speed", 12000, 24000, 1000)),
    ),
    "proc.machining.milling.large": Machine(
        "equip.machine_tool.machining_centre.gantry",
        ("fraiseuse portique Forest-Liné", "portique grande capacité"),
        (("travel_x", 3000, 12000, 500), ("travel_y", 1500, 4000, 250)),
    ),
    "proc.machining.milling": Machine(
        "equip.machine_tool.machining_centre.vertical",
        ("CU vertical Haas VF-4", "centre d'usinage Brother", "CU DMG Mori CMX 1100"),
        (("travel_x", 600, 2000, 50), ("spindle_speed", 8000, 20000, 1000)),
    ),
    "proc.machining.bar_turning": Machine(
        "equip.machine_tool.lathe.swiss",
        ("tour Tornos Swiss GT", "décolleteuse Citizen L20", "Star SR-32"),
        (("bar_capacity", 12, 38, 1),),
    ),
    "proc.machining.turning": Machine(
        "equip.machine_tool.lathe",
        ("tour CN Okuma", "tour Mazak QT", "tour bi-broche Index"),
        (("max_turning_diameter", 150, 800, 10), ("max_turning_length", 300, 3000, 50)),
    ),
    "proc.machining.edm": Machine(
        "equip.machine_tool.edm.wire", ("érosion fil GF AgieCharmilles", "Fanuc Robocut"),
        (("travel_x", 300, 800, 10), ("max_part_height", 200, 500, 10)),
    ),
    "proc.machining.grinding": Machine(
        "equip.machine_tool.grinder.cylindrical",
        ("rectifieuse Studer", "rectifieuse cylindrique Kellenberger"),
        (("max_grinding_diameter", 100, 400, 10), ("max_grinding_length", 400, 2000, 50)),
    ),
    "proc.forming.stamping": Machine(
        "equip.press.mechanical", ("presse Bruderer", "presse mécanique Schuler", "ligne presse transfert"),
        (("force", 60, 800, 20), ("bed_length", 1000, 3500, 100)),
    ),
    "proc.forming": Machine(
        "equip.press.hydraulic", ("presse hydraulique Pinette", "presse hydraulique double effet"),
        (("force", 100, 1500, 50),),
    ),
    "proc.sheet_metal.cutting.laser": Machine(
        "equip.sheet_metal.laser",
        ("laser fibre Trumpf TruLaser 3030", "laser fibre Bystronic", "laser fibre Amada"),
        (("laser_power", 3, 12, 1), ("sheet_length", 3000, 4000, 1000), ("sheet_width", 1500, 2000, 500)),
    ),
    "proc.sheet_metal.boilermaking": Machine(
        "equip.sheet_metal.plate_roll", ("rouleuse 4 rouleaux Davi", "rouleuse Faccin"),
        (("rolling_width", 2000, 3000, 500),),
    ),
    "proc.sheet_metal": Machine(
        "equip.sheet_metal.press_brake", ("plieuse Amada HG", "presse plieuse Trumpf TruBend", "plieuse LVD"),
        (("force", 80, 400, 10), ("bending_length", 2000, 4000, 500)),
    ),
    "proc.joining.welding.robotic": Machine(
        "equip.welding.robot", ("robot de soudage Fanuc Arc Mate", "cellule robotisée Yaskawa"),
        (("reach", 1400, 2500, 100), ("max_part_length", 1500, 6000, 500)),
    ),
    "proc.plastics": Machine(
        "equip.plastics.injection", ("presse Arburg Allrounder", "presse Engel e-mac", "presse Billion"),
        (("clamping_force", 50, 800, 10),),
    ),
    "proc.foundry.hpdc": Machine(
        "equip.foundry.die_casting", ("machine sous pression Bühler Carat", "presse Idra OL"),
        (("clamping_force", 400, 2000, 50), ("max_shot_mass", 2, 25, 1)),
    ),
    "proc.foundry": Machine(
        "equip.furnace.melting", ("four de fusion à induction", "four à creuset"),
        (("melt_capacity", 200, 3000, 100),),
    ),
    "proc.heat_treatment.vacuum": Machine(
        "equip.furnace.vacuum", ("four sous vide ECM", "four sous vide BMI"),
        (("quench_pressure", 6, 20, 1), ("useful_length", 600, 1500, 100)),
    ),
    "proc.heat_treatment": Machine(
        "equip.furnace.atmosphere", ("four à atmosphère Aichelin", "four de cémentation"),
        (("useful_length", 600, 2000, 100), ("max_temperature", 950, 1150, 50)),
    ),
    "proc.surface.anodising": Machine(
        "equip.surface.line", ("chaîne d'anodisation", "ligne OAD/OAS"),
        (("bath_length", 1500, 6000, 250), ("bath_depth", 800, 2500, 100)),
    ),
    "proc.surface.electroplating": Machine(
        "equip.surface.line", ("chaîne de zingage au tonneau", "ligne de traitement galva"),
        (("bath_length", 1500, 4000, 250),),
    ),
    "proc.surface.painting.powder": Machine(
        "equip.surface.powder_line",
        ("ligne de thermolaquage automatique", "cabine poudre + four de cuisson"),
        (("max_part_length", 2000, 7000, 500), ("max_part_mass", 100, 1000, 50)),
    ),
    "proc.metrology": Machine(
        "equip.metrology.cmm", ("MMT Zeiss Contura", "MMT Hexagon Global", "MMT Mitutoyo Crysta"),
        (("measuring_x", 700, 2000, 100), ("accuracy", 1.5, 4, 0.5)),
    ),
    "proc.ndt.penetrant": Machine(
        "equip.ndt.penetrant_line", ("ligne de ressuage fluorescent",), (("tank_length", 1000, 3000, 250),)
    ),
    "proc.additive": Machine(
        "equip.additive.lpbf", ("EOS M290", "SLM 280", "Trumpf TruPrint 3000"),
        (("laser_power", 400, 1000, 100), ("laser_count", 1, 4, 1)),
    ),
}  # fmt: skip

# Certificates that go with a sector served or a trade (drawn with the given probability).
SECTOR_CERTIFICATIONS = {
    "sector.aeronautics": (("cert.en9100", 0.7), ("cert.nadcap", 0.15)),
    "sector.space": (("cert.en9100", 0.6),),
    "sector.defence": (("cert.en9100", 0.3),),
    "sector.automotive": (("cert.iatf16949", 0.6),),
    "sector.medical": (("cert.iso13485", 0.7),),
    "sector.nuclear": (("cert.rccm", 0.5),),
    "sector.rail": (("cert.en15085", 0.5),),
    "sector.agrifood": (("cert.ifs", 0.4), ("cert.iso22000", 0.2)),
}
TRADE_CERTIFICATIONS = {
    "proc.joining.welding": (("cert.iso3834", 0.4),),
    "proc.sheet_metal.steel_structures": (("cert.en1090", 0.6),),
    "proc.sheet_metal.boilermaking": (("cert.en1090", 0.3),),
}
ISSUERS = ("Bureau Veritas", "AFNOR Certification", "DEKRA", "TÜV Rheinland", "SGS", "LRQA")
# How members shorten words; and the fixed phrases they write.
ABBREVIATIONS = (
    (" à commande numérique", " CN"), ("aluminium", "alu"), ("inoxydables", "inox"),
    ("Fraisage 5 axes", "usinage 5 axes"), ("Mesure tridimensionnelle", "contrôle 3D sur MMT"),
    ("traitement thermique", "TTH"), ("Aéronautique", "aéro"), ("Automobile", "auto"),
    ("Ferroviaire", "ferro"), ("prototypes", "protos"),
)  # fmt: skip
SERIES = (
    "pièces unitaires et petites séries",
    "protos, préséries et séries",
    "moyennes et grandes séries",
    "petites et moyennes séries",
)
CLOSERS = (
    " Réactivité, délais courts, dépannage possible.",
    " BE intégré, accompagnement DFM.",
    " Livraison Alsace / Bade-Wurtemberg.",
    " Contrôle final systématique, PV matière sur demande.",
    "",
)


@dataclass
class ProfilesWritten:
    """Counts for the demo report: profiles written this run, journal rows, profiles declared."""

    profiles_changed: int = 0
    changes: int = 0
    declared: int = 0


class _Vocabulary:
    """The active taxonomy, read once: tree, labels, synonyms, specifications, NAF hints."""

    def __init__(self):
        rows = TaxonomyNode.objects.active().values_list(
            "code", "type", "parent__code", "label_fr", "synonyms_fr", "specs"
        )
        self.nodes = {
            code: (kind, parent, label, synonyms, specs)
            for code, kind, parent, label, synonyms, specs in rows
        }
        self.children: dict[str, list[str]] = {}
        for code, (_kind, parent, *_rest) in self.nodes.items():
            if parent:
                self.children.setdefault(parent, []).append(code)
        for codes in self.children.values():
            codes.sort()
        self.hints: dict[str, list[tuple[str, float]]] = {}
        for naf, code, weight in (
            NafCapabilityHint.objects.filter(node__is_active=True)
            .values_list("naf_id", "node__code", "weight")
            .order_by("naf_id", "-weight", "node__code")
        ):
            self.hints.setdefault(naf, []).append((code, weight))

    def kind(self, code: str) -> str:
        return self.nodes[code][0]

    def specs(self, code: str) -> dict[str, dict]:
        chain = []
        while code:
            chain.append(code)
            code = self.nodes[code][1]
        merged: dict[str, dict] = {}
        for node in reversed(chain):
            for spec in self.nodes[node][4]:
                merged[spec["key"]] = spec
        return merged

    def written_form(self, code: str, rng: np.random.Generator) -> str:
        """A label or a short synonym (the jargon: OAD, UGV, MMT), as members write them."""
        _kind, _parent, label, synonyms, _specs = self.nodes[code]
        short = [s for s in synonyms if len(s.split()) <= 3]
        forms = [label, label, *short[:4]]
        forms = [f[0].lower() + f[1:] if f[1:2].islower() else f for f in forms]
        return forms[int(rng.integers(len(forms)))]


def _pick(rng: np.random.Generator, items: Sequence):
    return items[int(rng.integers(len(items)))]


def _prefixed(table: dict, code: str):
    """The entry of ``table`` under the longest key that is ``code`` or one of its ancestors."""
    best = None
    for key in table:
        if (code == key or code.startswith(key + ".")) and (best is None or len(key) > len(best)):
            best = key
    return table[best] if best else None


def _specialise(vocabulary: _Vocabulary, code: str, rng: np.random.Generator) -> str:
    while vocabulary.children.get(code) and rng.random() < 0.55:
        code = _pick(rng, vocabulary.children[code])
    return code


def _round(value: float, step: float) -> float:
    return float(round(round(value / step) * step, 6))


def _machine(
    vocabulary: _Vocabulary, code: str, rng: np.random.Generator, limits: SizeLimits
) -> EquipmentEntry | None:
    """The machine a process implies, its quantity and forces within the company's size."""
    machine = _prefixed(MACHINES, code)
    if machine is None or machine.code not in vocabulary.nodes:
        return None
    declared = vocabulary.specs(machine.code)
    specs = []
    for key, low, high, step in machine.specs:
        if key in FORCE_SPECS:
            high = min(high, limits.force_tf)
            low = min(low, high / 2)
        if key in declared:
            value = min(_round(rng.uniform(low, high), step), high)
            specs.append(SpecValue(key, value, declared[key]["unit"]))
    return EquipmentEntry(
        code=machine.code,
        label=_pick(rng, machine.labels),
        quantity=int(rng.integers(1, limits.per_type + 1)),
        specs=tuple(specs),
    )


def _equipment(
    vocabulary: _Vocabulary, processes: Sequence[str], rng: np.random.Generator, limits: SizeLimits
) -> list[EquipmentEntry]:
    """Machines of the declared processes, as many as the company's size allows."""
    chosen: dict[tuple[str, str], EquipmentEntry] = {}
    machines = heavy = 0
    for code in processes:
        entry = _machine(vocabulary, code, rng, limits) if rng.random() < 0.8 else None
        if entry is None or (entry.code, entry.label) in chosen:
            continue
        quantity = min(entry.quantity, limits.machines - machines)
        if quantity < 1 or (is_heavy(entry.code) and heavy + quantity > limits.heavy):
            continue
        chosen[(entry.code, entry.label)] = replace(entry, quantity=quantity)
        machines += quantity
        heavy += quantity if is_heavy(entry.code) else 0
    return list(chosen.values())


def _certificate(code: str, rng: np.random.Generator) -> CertificationEntry:
    if rng.random() < EXPIRED_SHARE:
        until = VALID_AFTER - timedelta(days=int(rng.integers(60, 3 * 365)))
    else:
        until = VALID_AFTER + timedelta(days=int(rng.integers(30, 3 * 365)))
    return CertificationEntry(
        code=code,
        issuer=_pick(rng, ISSUERS),
        number=f"{code.split('.')[-1].upper()}-{int(rng.integers(10000, 99999))}",
        valid_from=until - timedelta(days=3 * 365),
        valid_until=until,
    )


@dataclass(frozen=True)
class Size:
    """A headcount band's bounds (None: unknown) and the company's creation date."""

    min_employees: int | None = None
    max_employees: int | None = None
    created: date | None = None


def declared_snapshot(
    vocabulary: _Vocabulary, naf: str, rng: np.random.Generator, *, size: Size
) -> ProfileSnapshot:
    """What a fictitious member declares: its trade from the NAF hints, side trades, means —
    within the coherence rules of ``maillage.demo.coherence`` (docs/demo.md)."""
    hints = vocabulary.hints.get(naf, [])
    processes: list[str] = []
    for code, weight in hints:
        if vocabulary.kind(code) in ("process", "service") and rng.random() < (
            0.9 if weight >= 0.5 else 0.35
        ):
            processes.append(_specialise(vocabulary, code, rng))
    side = side_trades(naf)
    for _ in range(int(rng.integers(0, 3)) if side else 0):
        code = _pick(rng, side)
        if code in vocabulary.nodes:
            processes.append(code)
    if not processes:
        processes = [code for code, _w in hints if vocabulary.kind(code) in ("process", "service")][:1]
    processes = list(dict.fromkeys(processes))
    materials = [code for code, _w in hints if vocabulary.kind(code) == "material" and rng.random() < 0.8]
    for code in processes:
        pool = _prefixed(MATERIALS, code)
        if pool:
            materials += [_pick(rng, pool) for _ in range(int(rng.integers(1, 3)))]
    materials = [m for m in dict.fromkeys(materials) if m in vocabulary.nodes]

    sectors = [code for code, _w in hints if vocabulary.kind(code) == "sector"]
    for code in processes:
        pool = _prefixed(TRADE_SECTORS, code)
        if pool and rng.random() < 0.7:
            sectors.append(_pick(rng, pool))
    sectors = [s for s in dict.fromkeys(sectors) if s in vocabulary.nodes]

    certificates = ["cert.iso9001"] if rng.random() < 0.65 else []
    certificates += [c for c, w in hints if vocabulary.kind(c) == "certification" and rng.random() < w]
    for sector in sectors:
        certificates += [c for c, p in SECTOR_CERTIFICATIONS.get(sector, ()) if rng.random() < p]
    for code in processes:
        certificates += [c for c, p in (_prefixed(TRADE_CERTIFICATIONS, code) or ()) if rng.random() < p]
    certifications = [_certificate(c, rng) for c in dict.fromkeys(certificates) if c in vocabulary.nodes]

    equipment = _equipment(vocabulary, processes, rng, size_limits(size.max_employees, size.min_employees))
    # A reference names a client of a sector the company serves, for one of its own trades.
    clients = [s for s in sectors if s in SECTOR_CLIENTS]
    references = []
    for _ in range(int(rng.integers(0, 3)) if clients else 0):
        client = SECTOR_CLIENTS[_pick(rng, clients)]
        project = f"{vocabulary.written_form(_pick(rng, processes), rng)}, {_pick(rng, SERIES)}"
        visibility = VISIBILITY_MEMBERS if rng.random() < 0.5 else VISIBILITY_PUBLIC
        references.append(ReferenceEntry(client=client, project=project, visibility=visibility))
    references = list({(r.client, r.project): r for r in references}.values())
    description = _description(
        vocabulary, rng, processes, materials, equipment, certifications, sectors, size
    )
    return ProfileSnapshot(
        description=description,
        capabilities=tuple(processes + materials),
        certifications=tuple(certifications),
        equipment=tuple(equipment),
        sectors=tuple(sectors),
        references=tuple(references),
    )


def _opener(rng: np.random.Generator, size: Size) -> str:
    """How the description starts: only what is true of the company (its creation year, a
    head count within its band, « PME » for an SME)."""
    year = size.created.year if size.created else None
    low, high = size.min_employees, size.max_employees
    openers = [""]
    if year:
        openers += [f"Sous-traitant depuis {year} : ", f"Depuis {year}, "]
        if high is not None and high < 250:
            openers.append(f"PME familiale créée en {year}. ")
    if low and high is not None and high < 50:
        openers.append(f"Atelier de {int(rng.integers(low, high + 1))} personnes, ")
    return _pick(rng, openers)


def _description(vocabulary, rng, processes, materials, equipment, certifications, sectors, size) -> str:
    opener = _opener(rng, size)
    trades = ", ".join(vocabulary.written_form(code, rng) for code in processes)
    if opener.endswith(". "):
        trades = trades[:1].upper() + trades[1:]
    parts = [f"{opener}{trades}, {_pick(rng, SERIES)}."]
    if materials:
        parts.append("Matières : " + ", ".join(vocabulary.written_form(m, rng) for m in materials[:4]) + ".")
    if equipment:
        parts.append("Parc : " + ", ".join(e.label for e in equipment[:3]) + ".")
    valid = [c for c in certifications if c.valid_until and c.valid_until > VALID_AFTER]
    if valid:
        names = [vocabulary.nodes[c.code][2].replace("EN ", "EN").replace("ISO ", "ISO") for c in valid]
        parts.append("Certif " + " + ".join(names) + ".")
    if sectors:
        parts.append("Marchés : " + ", ".join(vocabulary.nodes[s][2] for s in sectors[:3]) + ".")
    text = " ".join(parts) + _pick(rng, CLOSERS)
    for long, short in ABBREVIATIONS:
        if rng.random() < 0.6:
            text = text.replace(long, short)
    return text[0].upper() + text[1:]


def establishment_rng(seed: int, siret: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(f"profile:{siret}".encode())])


def demo_profiles_ensure(*, sirets: Sequence[str], seed: int) -> ProfilesWritten:
    """Inference for every establishment; a declared profile for ~70 % of fictitious ones."""
    vocabulary = _Vocabulary()
    written = ProfilesWritten()
    establishments = list(
        Establishment.objects.filter(siret__in=list(sirets))
        .select_related("organisation", "headcount_band")
        .order_by("siret")
    )
    snapshots = {e.siret: _drawn(e, vocabulary, seed) for e in establishments}
    _cover_hinted_trades(vocabulary, establishments, snapshots)
    # One index refresh at the end; each taxonomy node and NAF hint read once for all profiles.
    with index_refresh_deferred(), taxonomy_reads_cached():
        for establishment in establishments:
            _ensure_one(establishment, snapshots[establishment.siret], written)
    return written


def _drawn(establishment: Establishment, vocabulary: _Vocabulary, seed: int) -> ProfileSnapshot | None:
    """The profile a fictitious member declares (None: inference only)."""
    rng = establishment_rng(seed, establishment.siret)
    fictitious = establishment.is_generated and establishment.organisation.is_generated
    if not (fictitious and establishment.naf_id and rng.random() < DECLARED_SHARE):
        return None
    band = establishment.headcount_band
    size = Size(
        min_employees=band.min_employees if band else None,
        max_employees=band.max_employees if band else None,
        created=establishment.organisation.creation_date,
    )
    snapshot = declared_snapshot(vocabulary, establishment.naf_id, rng, size=size)
    return snapshot if snapshot.capabilities else None


def _ancestors(vocabulary: _Vocabulary, code: str) -> set[str]:
    chain = set()
    while code:
        chain.add(code)
        code = vocabulary.nodes[code][1] if code in vocabulary.nodes else None
    return chain


def _cover_hinted_trades(
    vocabulary: _Vocabulary,
    establishments: Sequence[Establishment],
    snapshots: dict[str, ProfileSnapshot | None],
) -> None:
    """Every trade a NAF code hints at (weight ≥ COVERED_HINT_WEIGHT), and every side trade of the
    members' divisions, is declared by at least one member whose NAF hints it (or whose division
    does it), when there is one: the random draw may leave a trade to nobody
    (« polissage » once the NAF-hint audit lowered other weights), and a buyer asking for it would
    then only find NAF inferences. The member given the trade is the one whose NAF hints it the
    most (then the smallest SIRET): the same on every run."""
    declared = set()
    for snapshot in snapshots.values():
        for code in snapshot.capabilities if snapshot else ():
            declared |= _ancestors(vocabulary, code)
    candidates: dict[str, list[tuple[float, str]]] = {}
    for establishment in establishments:
        if snapshots[establishment.siret] is None:
            continue
        for code, weight in vocabulary.hints.get(establishment.naf_id, []):
            if weight >= COVERED_HINT_WEIGHT and vocabulary.kind(code) in ("process", "service"):
                candidates.setdefault(code, []).append((-weight, establishment.siret))
        # A side trade of its division too (« anodisation dure » for a metalworking shop): the
        # demo's showcase need asks for one, and no NAF class hints it strongly enough.
        for code in side_trades(establishment.naf_id):
            candidates.setdefault(code, []).append((-SIDE_TRADE_PRIORITY, establishment.siret))
    for code in sorted(candidates):
        if code in declared:
            continue
        _weight, siret = min(candidates[code])
        snapshot = snapshots[siret]
        label = vocabulary.nodes[code][2]
        snapshots[siret] = replace(
            snapshot,
            capabilities=(*snapshot.capabilities, code),
            description=f"{snapshot.description} Aussi : {label[0].lower() + label[1:]}.",
        )
        declared |= _ancestors(vocabulary, code)


def _ensure_one(
    establishment: Establishment, snapshot: ProfileSnapshot | None, written: ProfilesWritten
) -> None:
    diffs = [profile_infer_from_naf(establishment=establishment, actor=None, source=ChangeSource.INFERENCE)]
    if snapshot is not None:
        written.declared += 1
        diffs.append(
            profile_apply_snapshot(
                establishment=establishment, snapshot=snapshot, actor=None, source=ChangeSource.MEMBER
            )
        )
    changes = sum(len(diff.changes) for diff in diffs)
    written.changes += changes
    written.profiles_changed += bool(changes)
