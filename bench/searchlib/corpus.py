"""A synthetic national corpus of industrial establishments, and judged buyer queries.

What is real: communes and their coordinates (COG 2026 + La Poste points), the NAF
distribution (sub-classes of ~7,400 real companies with 50+ employees, kept where the
taxonomy has hints), NAF labels, and the vocabulary (taxonomy labels, synonyms, jargon).
What is drawn: each establishment's *true* capabilities (from its NAF hints, then
specialised down the tree), materials, certificates, machines, and how its profile is
*expressed*: declared (confirmed claims + a description), inferred-only (the NAF hints as
inferred claims, often no text) or description-only; descriptions mix labels, synonyms,
English terms and typos the way members write.

Relevance judgements come from the drawn truth only, never from any system's output:
3 = does the requested capability (or a more specific one) and works the requested material,
2 = does it but the material is not known to match, 1 = does a sibling capability (same
family), 0 = otherwise; a document outside the requested radius is 0.
"""

from __future__ import annotations

import csv
import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from maillage.engine import CapabilityClaim, CertificationClaim, EngineDocument, EquipmentClaim
from maillage.engine.geo import haversine_km
from maillage.engine.taxonomy import EngineTaxonomy
from tests.shared_data import shared_path

ROOT = Path(__file__).resolve().parents[2]
DATA = shared_path("data")
COMMUNES = DATA / "communes" / "communes_2026_geo_epci.csv"
NAF_LABELS = DATA / "naf" / "naf2008_5_niveaux_libelles.csv"
NAF_COMPANIES = DATA / "sirene" / "index_egalite_sirens_unites_legales.csv"

_SURNAMES = (
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefebvre Michel "
    "Garcia David Bertrand Roux Vincent Fournier Morel Girard Andre Mercier Dupont Lambert Bonnet Francois "
    "Martinez Legrand Garnier Faure Rousseau Blanc Guerin Muller Henry Roussel Nicolas Perrin Morin Mathieu "
    "Clement Gauthier Dumont Lopez Fontaine Chevalier Robin Masson Schmitt Meyer Weber Klein Huber Koch"
)
SURNAMES = _SURNAMES.split()
NAME_FORMS = (
    "{word} {surname}",
    "{surname} {word}",
    "Ets {surname}",
    "{word} du {place}",
    "{surname} et Fils",
    "{word} {place}",
    "{initials} {word}",
    "Atelier {surname}",
)
SUFFIXES = ("", "", "", " SAS", " SARL", " Industrie", " Group", " & Cie")
OPENERS = (
    "Entreprise familiale fondée en {year}, ",
    "Depuis {year}, nous ",
    "PME industrielle, ",
    "Notre atelier ",
    "",
    "Spécialiste reconnu, ",
    "Sous-traitant de rang 2, ",
)
VERBS = (
    "nous réalisons",
    "spécialisés en",
    "savoir-faire :",
    "activités :",
    "nous proposons",
    "expertise en",
    "we offer",
    "prestations de",
    "maîtrise de",
)
CLOSERS = (
    " Petites et moyennes séries.",
    " Du prototype à la série.",
    " Réactivité et qualité.",
    " Parc machines récent.",
    " Bureau d'études intégré.",
    "",
    "",
    " Livraison France et export.",
)
MATERIAL_FORMS = {
    "mat.aluminium": ["alu", "aluminium", "alliage d'aluminium"],
    "mat.steel.stainless": ["inox"],
}
CERT_RATES = {"cert.iso9001": 0.35, "cert.iso14001": 0.12, "cert.en9100": 0.05, "cert.iatf16949": 0.04}
TEMPLATES = (
    ("{cap}", 0.25),
    ("{cap} {mat}", 0.12),
    ("je cherche un sous-traitant en {cap} pour des pièces {mat}", 0.1),
    ("sous-traitant {cap}", 0.08),
    ("besoin {cap} près de {place}", 0.08),
    ("{cap} {place}", 0.07),
    ("{cap_en} supplier", 0.08),
    ("entreprise de {cap} {mat}", 0.07),
    ("{cert} {cap}", 0.07),
    ("recherche partenaire {cap} petite série", 0.08),
)


@dataclass
class Corpus:
    documents: list[EngineDocument]
    truth: list[tuple[int, ...]]  # node ids of true capabilities, closed under ancestors
    truth_leaf: list[tuple[int, ...]]
    materials: list[tuple[int, ...]]
    lat: np.ndarray
    lon: np.ndarray
    communes: list[dict]


@dataclass
class JudgedQuery:
    text: str
    lat: float | None
    lon: float | None
    radius_km: float | None
    place: str
    target: str
    grades: dict[int, int] = field(default_factory=dict)  # doc index → 1..3


def read_communes() -> list[dict]:
    with COMMUNES.open(encoding="utf-8") as handle:
        rows = [
            {
                "insee": row["code_insee"],
                "name": row["nom"],
                "dept": row["departement"],
                "population": int(row["population"] or 0),
                "lat": float(row["latitude"]),
                "lon": float(row["longitude"]),
            }
            for row in csv.DictReader(handle)
            if row["latitude"] and row["zone"] == "metro"
        ]
    return rows


def read_naf_labels() -> dict[str, str]:
    with NAF_LABELS.open(encoding="utf-8") as handle:
        return {row["id_5"]: row["label_5"] for row in csv.DictReader(handle)}


def naf_distribution(taxonomy: EngineTaxonomy) -> tuple[list[str], np.ndarray]:
    counts: Counter = Counter()
    with NAF_COMPANIES.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code = row["activite_principale"]
            if code in taxonomy.naf_hints:
                counts[code] += 1
    for code in taxonomy.naf_hints:  # every hinted class exists in France: give it a floor
        counts[code] += 1
    codes = sorted(counts)
    weights = np.array([counts[c] for c in codes], dtype=float)
    return codes, weights / weights.sum()


class _Writer:
    """How members write: labels, synonyms, English, typos."""

    def __init__(self, taxonomy: EngineTaxonomy, rng: np.random.Generator):
        self.taxonomy, self.rng = taxonomy, rng
        self.forms: dict[str, tuple[list[str], list[str]]] = {}
        for code, node in taxonomy.nodes.items():
            french = [node.label_fr] * 3 + list(node.synonyms)
            self.forms[code] = (french, [node.label_en])

    def typo(self, word: str) -> str:
        if len(word) < 5:
            return word
        i = int(self.rng.integers(1, len(word) - 1))
        kind = self.rng.random()
        if kind < 0.4:
            return word[:i] + word[i + 1 :]
        if kind < 0.7:
            return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        return word[:i] + word[i] + word[i:]

    def form(self, code: str, *, english: float = 0.12, typo: float = 0.08) -> str:
        french, english_forms = self.forms[code]
        pool = english_forms if self.rng.random() < english else french
        text = pool[int(self.rng.integers(len(pool)))]
        if self.rng.random() < typo:
            words = text.split()
            k = int(self.rng.integers(len(words)))
            words[k] = self.typo(words[k])
            text = " ".join(words)
        return text


def _specialise(taxonomy: EngineTaxonomy, code: str, rng) -> str:
    while taxonomy.children.get(code) and rng.random() < 0.6:
        children = taxonomy.children[code]
        code = children[int(rng.integers(len(children)))]
    return code


def _draw_hints(taxonomy: EngineTaxonomy, hints, rng) -> tuple[list, list, list, list]:
    """Capabilities, materials, sectors and equipment drawn from the NAF code's hints."""
    caps, mats, sectors, equipment = [], [], [], []
    for code, weight in hints:
        if rng.random() >= weight:
            continue
        kind = code.split(".", 1)[0]
        if kind in ("proc", "svc"):
            caps.append(_specialise(taxonomy, code, rng))
        elif kind == "mat":
            mats.append(_specialise(taxonomy, code, rng))
        elif kind == "sector":
            sectors.append(code)
        elif kind == "equip":
            equipment.append(_specialise(taxonomy, code, rng))
    if not caps:
        top = max((h for h in hints if h[0].startswith(("proc.", "svc."))), key=lambda h: h[1], default=None)
        if top is not None:
            caps.append(_specialise(taxonomy, top[0], rng))
    return list(dict.fromkeys(caps)), mats, sectors, equipment


def _closure(taxonomy: EngineTaxonomy, codes: list[str]) -> tuple[int, ...]:
    """Node ids of ``codes`` and of their ancestors, sorted."""
    node_id = taxonomy.node_id
    closed = set()
    for code in codes:
        closed.add(node_id[code])
        closed.update(node_id[a] for a in taxonomy.ancestors(code))
    return tuple(sorted(closed))


def _draw_certifications(sectors: list[str], rng) -> list[CertificationClaim]:
    certs = []
    for code, rate in CERT_RATES.items():
        sector_bonus = 4 if (code == "cert.en9100" and "sector.aeronautics" in sectors) else 1
        if rng.random() < rate * sector_bonus:
            start = date(2020 + int(rng.integers(0, 6)), 1 + int(rng.integers(0, 12)), 1)
            certs.append(CertificationClaim(code, start, date(start.year + 3, start.month, 1)))
    return certs


def _draw_machines(
    taxonomy: EngineTaxonomy, equipment: list[str], spec_cache: dict, rng
) -> list[EquipmentClaim]:
    machines = []
    for code in equipment[:2]:
        specs = spec_cache.get(code)
        if specs is None:
            specs = spec_cache[code] = taxonomy.effective_specs(code)
        values = {}
        for key, _spec in list(specs.items())[:2]:
            values[key] = float(round(math.exp(rng.uniform(math.log(10), math.log(2000)))))
        machines.append(EquipmentClaim(code, values))
    return machines


def generate_corpus(taxonomy: EngineTaxonomy, n: int, *, seed: int = 2026) -> Corpus:
    rng = np.random.default_rng(seed)
    communes = read_communes()
    naf_labels = read_naf_labels()
    codes, weights = naf_distribution(taxonomy)
    population = np.array([c["population"] for c in communes], dtype=float)
    place_p = np.sqrt(population + 50)
    place_p /= place_p.sum()
    naf_draw = rng.choice(len(codes), size=n, p=weights)
    place_draw = rng.choice(len(communes), size=n, p=place_p)
    kinds = rng.random(n)
    writer = _Writer(taxonomy, rng)
    node_id = taxonomy.node_id
    documents, truth, truth_leaf, materials = [], [], [], []
    lat = np.empty(n)
    lon = np.empty(n)
    spec_cache = {}
    for i in range(n):
        naf = codes[naf_draw[i]]
        hints = taxonomy.naf_hints[naf]
        commune = communes[place_draw[i]]
        caps, mats, sectors, equipment = _draw_hints(taxonomy, hints, rng)
        truth.append(_closure(taxonomy, caps))
        truth_leaf.append(tuple(node_id[c] for c in caps))
        materials.append(_closure(taxonomy, mats))
        certs = _draw_certifications(sectors, rng)
        machines = _draw_machines(taxonomy, equipment, spec_cache, rng)
        year = int(rng.integers(1950, 2022))
        kind = kinds[i]
        described = caps + mats
        if kind < 0.3:  # declared profile
            claims = [
                CapabilityClaim(c, "confirmed", "core" if k == 0 else "secondary") for k, c in enumerate(caps)
            ]
            claims += [CapabilityClaim(m, "confirmed", "secondary") for m in mats]
            description = _description(writer, described, year, rng)
            completeness = float(rng.uniform(0.6, 1.0))
        elif kind < 0.8:  # inferred only: the NAF hints, generic, plus sometimes a short line
            claims = [
                CapabilityClaim(code, "inferred", "core", w) for code, w in hints if code.startswith("proc.")
            ]
            description = _description(writer, described[:1], year, rng) if rng.random() < 0.4 else ""
            certs, machines, sectors = [], [], []
            completeness = float(rng.uniform(0.05, 0.3))
        else:  # description only
            claims = []
            description = _description(writer, described, year, rng)
            completeness = float(rng.uniform(0.3, 0.6))
        main = caps[0] if caps else None
        word = (taxonomy.label(main).split()[0] if main and rng.random() < 0.6 else "Industrie").capitalize()
        surname = SURNAMES[int(rng.integers(len(SURNAMES)))]
        form = NAME_FORMS[int(rng.integers(len(NAME_FORMS)))]
        initials = "".join(chr(65 + int(x)) for x in rng.integers(0, 26, 3))
        name = form.format(word=word, surname=surname, place=commune["name"], initials=initials)
        name += SUFFIXES[int(rng.integers(len(SUFFIXES)))]
        references = ""
        if sectors and rng.random() < 0.5:
            references = "Marchés : " + ", ".join(writer.form(s, english=0.1, typo=0.0) for s in sectors)
        jitter = rng.normal(0, 0.02, 2)
        lat[i], lon[i] = commune["lat"] + jitter[0], commune["lon"] + jitter[1]
        band = int(rng.choice([0, 1, 2, 3, 4, 5, 6], p=[0.3, 0.25, 0.18, 0.14, 0.07, 0.04, 0.02]))
        low, high = [(1, 9), (10, 19), (20, 49), (50, 99), (100, 249), (250, 499), (500, 999)][band]
        documents.append(
            EngineDocument(
                doc_key=f"{i:014d}",
                name=name,
                naf_code=naf,
                naf_label=naf_labels.get(naf, ""),
                description=description,
                capabilities=claims,
                certifications=certs,
                equipment=machines,
                sectors=sectors if kind < 0.3 else [],
                references_text=references,
                headcount_min=low,
                headcount_max=high,
                department=commune["dept"],
                commune=commune["name"],
                lat=float(lat[i]),
                lon=float(lon[i]),
                networks=[f"reseau-{commune['dept']}"] if rng.random() < 0.2 else [],
                completeness=completeness,
            )
        )
    return Corpus(documents, truth, truth_leaf, materials, lat, lon, communes)


def _description(writer: _Writer, codes: list[str], year: int, rng) -> str:
    if not codes:
        return ""
    opener = OPENERS[int(rng.integers(len(OPENERS)))].format(year=year)
    verb = VERBS[int(rng.integers(len(VERBS)))]
    forms = [writer.form(code) for code in codes]
    closer = CLOSERS[int(rng.integers(len(CLOSERS)))]
    return f"{opener}{verb} {', '.join(forms)}.{closer}"


def _holders(corpus: Corpus) -> tuple[dict[int, list[int]], dict[int, set[int]]]:
    """Inverted truth: node id → docs that truly do it (or something more specific), and the
    same for materials."""
    holders: dict[int, list[int]] = {}
    for doc, nodes in enumerate(corpus.truth):
        for node in nodes:
            holders.setdefault(node, []).append(doc)
    material_holders: dict[int, set[int]] = {}
    for doc, nodes in enumerate(corpus.materials):
        for node in nodes:
            material_holders.setdefault(node, set()).add(doc)
    return holders, material_holders


def generate_queries(
    taxonomy: EngineTaxonomy, corpus: Corpus, count: int, *, seed: int = 7
) -> list[JudgedQuery]:
    rng = np.random.default_rng(seed)
    writer = _Writer(taxonomy, rng)
    codes = taxonomy.codes
    n = len(corpus.documents)
    holders, material_holders = _holders(corpus)
    template_p = np.array([p for _, p in TEMPLATES])
    template_p /= template_p.sum()
    queries = []
    attempts = 0
    while len(queries) < count and attempts < count * 50:
        attempts += 1
        target_doc = int(rng.integers(n))
        leaves = corpus.truth_leaf[target_doc]
        if not leaves:
            continue
        code = codes[leaves[int(rng.integers(len(leaves)))]]
        if code.count(".") < 2:
            continue
        if rng.random() < 0.2 and code.count(".") >= 3:
            code = taxonomy.nodes[code].parent  # a parent matches the whole subtree
        material = None
        mats = [codes[m] for m in corpus.materials[target_doc] if codes[m].count(".") >= 1]
        if mats and rng.random() < 0.5:
            material = mats[int(rng.integers(len(mats)))]
        template = TEMPLATES[int(rng.choice(len(TEMPLATES), p=template_p))][0]
        if "{mat}" in template and material is None:
            template = template.replace(" {mat}", "").replace(" pour des pièces", "")
        if "{cert}" in template:
            template = template.replace("{cert} ", rng.choice(["ISO 9001 ", "certifié ", ""]))
        located = rng.random() < 0.75
        place = corpus.documents[target_doc].commune
        if not located:
            template = template.replace(" près de {place}", "").replace(" {place}", "")
        radius = float(rng.choice([20, 30, 50, 80])) if located else None
        mat_text = ""
        if material:
            forms = MATERIAL_FORMS.get(material) or [taxonomy.label(material).lower()]
            mat_text = forms[int(rng.integers(len(forms)))]
        text = template.format(
            cap=writer.form(code, english=0.1, typo=0.12).lower(),
            cap_en=taxonomy.nodes[code].label_en.lower(),
            mat=mat_text,
            place=place,
        )
        query = JudgedQuery(
            text=" ".join(text.split()),
            lat=float(corpus.lat[target_doc]) if located else None,
            lon=float(corpus.lon[target_doc]) if located else None,
            radius_km=radius,
            place=place if located else "",
            target=code,
        )
        node = taxonomy.node_id[code]
        exact = np.array(holders.get(node, []), dtype=np.int64)
        parent = taxonomy.nodes[code].parent
        siblings = np.array(holders.get(taxonomy.node_id[parent], []) if parent else [], dtype=np.int64)
        if located:
            exact = exact[_within(corpus, exact, query)]
            siblings = siblings[_within(corpus, siblings, query)]
        grades = dict.fromkeys(siblings.tolist(), 1)
        wanted_material = material_holders.get(taxonomy.node_id[material], set()) if material else None
        for doc in exact.tolist():
            grades[doc] = 3 if wanted_material is None or doc in wanted_material else 2
        if not any(g >= 2 for g in grades.values()):
            continue
        query.grades = grades
        queries.append(query)
    return queries


def _within(corpus: Corpus, docs: np.ndarray, query: JudgedQuery) -> np.ndarray:
    if not len(docs):
        return np.zeros(0, bool)
    return haversine_km(query.lat, query.lon, corpus.lat[docs], corpus.lon[docs]) <= query.radius_km


def peer_text(doc: EngineDocument, taxonomy: EngineTaxonomy) -> dict[str, str]:
    """The same facts the engine indexes, as plain text fields for the peers."""
    labels = []
    for claim in doc.capabilities:
        code = claim.node_code if hasattr(claim, "node_code") else claim[0]
        node = taxonomy.nodes.get(code)
        if node:
            labels += [node.label_fr, node.label_en]
    for code in doc.sectors:
        labels.append(taxonomy.label(code))
    for claim in doc.certifications:
        labels.append(taxonomy.label(claim.node_code))
    equipment = " ".join(taxonomy.label(e.node_code) for e in doc.equipment)
    return {
        "name": doc.name,
        "capabilities": " ".join(labels),
        "description": doc.description,
        "equipment": equipment,
        "references": doc.references_text,
        "naf": doc.naf_label,
    }
