"""The shipped taxonomy files: valid, large enough, accurate on what the issue lists, linked to real codes."""

import csv
from collections import Counter

import pytest

from maillage.taxonomy.models import CODE_PREFIXES, NodeType, normalise_term
from maillage.taxonomy.units import UnitError, UnitRegistry
from tests.taxonomy.conftest import SHARED_DATA

NAF_FILE = SHARED_DATA / "naf" / "naf2008_5_niveaux_libelles.csv"
ROME_FILE = SHARED_DATA / "rome" / "unix_referentiel_code_rome_v460_utf8.csv"
CPV_FILE = SHARED_DATA / "commande_publique" / "cpv_2008_fr.csv"


def terms_of(record) -> set[str]:
    return {
        normalise_term(term)
        for term in (record.label_fr, record.label_en, *record.synonyms_fr, *record.synonyms_en)
    }


def test_shipped_files_have_no_validation_error(shipped):
    assert [str(problem) for problem in shipped.errors] == []
    assert shipped.version


def test_at_least_300_nodes_of_every_type(shipped):
    counts = Counter(record.type for record in shipped.nodes.values())
    assert sum(counts.values()) >= 300
    assert set(counts) == set(NodeType.values)
    assert counts[NodeType.PROCESS] >= 150
    assert min(counts.values()) >= 30


def test_every_code_starts_with_the_prefix_of_its_type(shipped):
    wrong = [
        code
        for code, record in shipped.nodes.items()
        if not code.startswith(CODE_PREFIXES[record.type] + ".")
    ]
    assert wrong == []


# Each item the issue names, with spellings members use that must reach the node.
ISSUE_ITEMS = {
    "proc.machining.turning": ["tournage", "turning"],
    "proc.machining.milling.3axis": ["fraisage 3 axes", "3-axis milling"],
    "proc.machining.milling.4axis": ["fraisage 4 axes", "4-axis milling"],
    "proc.machining.milling.5axis": [
        "fraisage 5 axes",
        "usinage 5 axes",
        "fraiseuse 5 axes",
        "5-axis milling",
    ],
    "proc.machining.grinding": ["rectification", "grinding"],
    "proc.machining.edm.wire": ["électroérosion à fil", "électroérosion fil", "wire EDM", "wire erosion"],
    "proc.machining.edm.sinker": [
        "électroérosion par enfonçage",
        "enfonçage",
        "sinker EDM",
        "die-sinking EDM",
    ],
    "proc.machining.bar_turning": ["décolletage", "decolletage", "bar turning", "swiss-type turning"],
    "proc.sheet_metal.cutting.laser": ["découpe laser", "laser cutting"],
    "proc.sheet_metal.cutting.plasma": ["découpe plasma", "plasma cutting"],
    "proc.sheet_metal.cutting.waterjet": ["découpe jet d'eau", "waterjet cutting", "water jet cutting"],
    "proc.sheet_metal.punching": ["poinçonnage", "punching"],
    "proc.sheet_metal.bending": ["pliage", "bending", "press brake bending"],
    "proc.forming.stamping": ["emboutissage", "découpage emboutissage", "stamping"],
    "proc.forming.deep_drawing": ["emboutissage profond", "deep drawing"],
    "proc.forging": ["forge", "forging"],
    "proc.forming.spinning": ["repoussage", "metal spinning"],
    "proc.joining.welding.mig_mag": ["soudage MIG/MAG", "MIG", "MAG", "GMAW"],
    "proc.joining.welding.tig": ["soudage TIG", "TIG", "GTAW"],
    "proc.joining.welding.laser": ["soudage laser", "laser welding"],
    "proc.joining.welding.friction_stir": ["soudage par friction-malaxage", "FSW", "friction stir welding"],
    "proc.joining.welding.resistance.spot": ["soudage par points", "spot welding"],
    "proc.joining.brazing": ["brasage", "brazing"],
    "proc.joining.riveting": ["rivetage", "riveting"],
    "proc.joining.bonding": ["collage structural", "collage", "adhesive bonding"],
    "proc.foundry.sand": ["moulage en sable", "sand casting"],
    "proc.foundry.gravity": ["coquille gravité", "gravity die casting"],
    "proc.foundry.hpdc": ["fonderie sous pression", "high-pressure die casting", "HPDC"],
    "proc.foundry.investment": ["cire perdue", "microfusion", "investment casting"],
    "proc.plastics.injection": ["injection plastique", "injection moulding", "injection molding"],
    "proc.plastics.bi_injection": ["bi-injection", "injection bi-matière", "bi-matière", "two-shot moulding"],
    "proc.plastics.overmoulding": ["surmoulage", "overmoulding", "overmolding"],
    "proc.plastics.extrusion": ["extrusion plastique", "plastic extrusion"],
    "proc.plastics.blow_moulding": ["soufflage", "extrusion-soufflage", "blow moulding"],
    "proc.plastics.thermoforming": ["thermoformage", "thermoforming"],
    "proc.plastics.rotomoulding": ["rotomoulage", "rotational moulding", "rotomolding"],
    "proc.composites.hand_layup": ["moulage au contact", "hand lay-up"],
    "proc.composites.rtm": ["RTM", "resin transfer moulding"],
    "proc.composites.prepreg": ["préimprégnés", "autoclave", "prepreg"],
    "proc.composites.filament_winding": ["enroulement filamentaire", "filament winding"],
    "proc.composites.pultrusion": ["pultrusion"],
    "proc.additive.lpbf": ["fusion laser sur lit de poudre", "SLM", "laser powder bed fusion"],
    "proc.additive.ded": ["DED", "directed energy deposition"],
    "proc.additive.sls": ["frittage laser sélectif", "SLS"],
    "proc.additive.fdm": ["FDM", "dépôt de filament fondu"],
    "proc.additive.binder_jetting": ["projection de liant", "binder jetting"],
    "proc.surface.anodising": ["anodisation", "anodizing", "anodising"],
    "proc.surface.anodising.hard": [
        "anodisation dure",
        "oxydation anodique dure",
        "hard anodizing",
        "hard anodising",
    ],
    "proc.surface.painting": ["peinture industrielle", "industrial painting"],
    "proc.surface.painting.powder": ["thermolaquage", "peinture poudre", "powder coating"],
    "proc.surface.galvanising": ["galvanisation à chaud", "galvanisation", "hot-dip galvanizing"],
    "proc.surface.electroplating": ["dépôts électrolytiques", "galvanoplastie", "electroplating"],
    "proc.surface.pvd": ["PVD", "physical vapour deposition"],
    "proc.surface.shot_peening": ["grenaillage de précontrainte", "shot peening"],
    "proc.surface.passivation": ["passivation"],
    "proc.heat_treatment": ["traitement thermique", "heat treatment"],
    "proc.assembly": ["assemblage", "montage", "assembly"],
    "proc.assembly.cabling": ["câblage", "cabling"],
    "proc.electronics.pcb_assembly": ["assemblage de cartes électroniques", "PCBA", "PCB assembly"],
    "proc.electronics.pcb_assembly.smt": ["CMS", "SMT"],
    "proc.electronics.wire_harness": ["faisceaux électriques", "wire harness", "wiring harness"],
    "proc.metrology.cmm": ["MMT", "CMM", "mesure tridimensionnelle"],
    "proc.ndt.ultrasonic": ["ultrasons", "ultrasonic testing"],
    "proc.ndt.radiography": ["radiographie", "rayons X", "X-ray inspection"],
    "proc.ndt.penetrant": ["ressuage", "penetrant testing"],
    "proc.ndt.magnetic_particle": ["magnétoscopie", "magnetic particle inspection"],
    "svc.design.cad": ["CAO", "CAD"],
    "svc.design.simulation": ["simulation numérique", "éléments finis", "FEA"],
    "svc.design.prototyping": ["prototypage", "prototyping"],
    "svc.maintenance": ["maintenance industrielle", "maintenance"],
    "svc.logistics": ["logistique", "logistics"],
    "mat.steel": ["aciers", "acier", "steel"],
    "mat.stainless": ["inox", "acier inoxydable", "stainless steel"],
    "mat.aluminium": ["aluminium", "alu", "aluminum"],
    "mat.aluminium.2xxx": ["2024"],
    "mat.aluminium.5xxx": ["5083"],
    "mat.aluminium.6xxx": ["6061"],
    "mat.aluminium.7xxx": ["7075", "série 7000"],
    "mat.titanium": ["titane", "titanium"],
    "mat.nickel": ["superalliages", "Inconel", "nickel alloys"],
    "mat.copper": ["cuivre", "copper"],
    "mat.polymer": ["plastiques", "polymères", "plastics"],
    "mat.composite": ["composites", "composite materials"],
    "mat.ceramic": ["céramiques", "ceramics"],
    "mat.wood": ["bois", "wood"],
    "mat.glass": ["verre", "glass"],
    "mat.textile": ["textiles", "fabrics"],
    "cert.iso9001": ["ISO 9001"],
    "cert.iso14001": ["ISO 14001"],
    "cert.iso45001": ["ISO 45001"],
    "cert.iso50001": ["ISO 50001"],
    "cert.en9100": ["EN 9100", "EN9100", "AS9100"],
    "cert.iatf16949": ["IATF 16949", "IATF"],
    "cert.iso13485": ["ISO 13485"],
    "cert.nadcap": ["Nadcap"],
    "cert.nadcap.heat_treating": ["Nadcap traitement thermique", "Nadcap heat treating"],
    "cert.nadcap.ndt": ["Nadcap CND", "Nadcap NDT"],
    "cert.nadcap.chemical_processing": ["Nadcap CP"],
    "cert.nadcap.welding": ["Nadcap soudage"],
    "cert.iso22000": ["ISO 22000"],
    "cert.ifs": ["IFS"],
    "cert.brcgs": ["BRC", "BRCGS"],
    "cert.rccm": ["RCC-M", "RCCM"],
    "cert.qualiopi": ["Qualiopi"],
    "sector.aeronautics": ["aéronautique", "aerospace"],
    "sector.space": ["spatial", "space"],
    "sector.automotive": ["automobile", "automotive"],
    "sector.rail": ["ferroviaire", "rail"],
    "sector.naval": ["naval", "shipbuilding"],
    "sector.nuclear": ["nucléaire", "nuclear"],
    "sector.defence": ["défense", "defence", "defense"],
    "sector.energy": ["énergie", "energy"],
    "sector.medical": ["médical", "medical devices"],
    "sector.agrifood": ["agroalimentaire", "food industry"],
    "sector.chemicals": ["chimie", "chemicals"],
    "sector.construction": ["BTP", "bâtiment", "construction"],
    "sector.luxury": ["luxe", "luxury"],
    "equip.press": ["presse", "press"],
    "equip.machine_tool.machining_centre": ["centre d'usinage", "machining centre"],
    "equip.sheet_metal.laser": ["machine de découpe laser", "laser cutter"],
}


@pytest.mark.parametrize("code", sorted(ISSUE_ITEMS))
def test_issue_listed_item_exists_with_its_common_spellings(shipped, code):
    record = shipped.nodes[code]
    missing = [term for term in ISSUE_ITEMS[code] if normalise_term(term) not in terms_of(record)]
    assert missing == [], f"{code}: {missing}"


def test_synonyms_reach_a_single_node_per_type(shipped):
    owners: dict[tuple[str, str], set[str]] = {}
    for record in shipped.nodes.values():
        for term in terms_of(record):
            owners.setdefault((record.type, term), set()).add(record.code)
    assert [key for key, codes in owners.items() if len(codes) > 1] == []


SPEC_EXPECTATIONS = {
    "equip.press.hydraulic": {"force": "tf", "bed_length": "mm", "bed_width": "mm"},
    "equip.machine_tool.machining_centre.5axis": {
        "travel_x": "mm",
        "travel_y": "mm",
        "travel_z": "mm",
        "max_part_mass": "kg",
        "spindle_speed": "rpm",
    },
    "equip.sheet_metal.laser": {"laser_power": "kW", "sheet_length": "mm", "max_thickness": "mm"},
    "equip.welding.robot": {"max_part_length": "mm", "max_part_mass": "kg"},
    "equip.plastics.injection.multi": {
        "clamping_force": "tf",
        "shot_volume": "cm³",
        "injection_units": "count",
    },
    "equip.handling.overhead_crane": {"lifting_capacity": "t"},
}


def effective_specs(shipped, code):
    chain = []
    record = shipped.nodes[code]
    while record is not None:
        chain.append(record)
        record = shipped.nodes.get(record.parent) if record.parent else None
    specs = {}
    for record in reversed(chain):
        specs.update({spec["key"]: spec["unit"] for spec in record.specs})
    return specs


@pytest.mark.parametrize("code", sorted(SPEC_EXPECTATIONS))
def test_equipment_types_declare_measurable_specifications_with_units(shipped, code):
    specs = effective_specs(shipped, code)
    assert specs.items() >= SPEC_EXPECTATIONS[code].items()


def test_every_equipment_family_declares_or_inherits_specifications(shipped):
    leaves = [
        code
        for code, record in shipped.nodes.items()
        if record.type == NodeType.EQUIPMENT
        and not any(other.parent == code for other in shipped.nodes.values())
    ]
    assert len(leaves) >= 60
    assert [code for code in leaves if not effective_specs(shipped, code)] == []


def test_press_tonnage_accepts_tonnes_and_refuses_kilograms(shipped):
    units = shipped.units
    force = shipped.nodes["equip.press"].specs[0]
    quantity = units.units[force["unit"]].quantity
    assert units.resolve("t", quantity).code == "tf"
    assert units.resolve("tonnes", quantity).code == "tf"
    assert units.convert(300, "tf", "kN") == pytest.approx(2941.995)
    with pytest.raises(UnitError, match="masse"):
        units.resolve("kg", quantity)
    assert units.resolve("t", "mass").code == "t"


def test_certifications_say_their_scheme_issuer_and_whether_they_expire(shipped):
    certifications = [record for record in shipped.nodes.values() if record.type == NodeType.CERTIFICATION]
    incomplete = [
        record.code
        for record in certifications
        if not {"scheme", "issuer_type", "expires"} <= record.attributes.keys()
    ]
    assert incomplete == []
    assert shipped.nodes["cert.iso9001"].attributes["expires"] is True
    assert shipped.nodes["cert.rccm"].attributes["expires"] is False
    assert shipped.nodes["cert.en9100"].parent == "cert.iso9001"


def naf_subclasses_in_scope() -> dict[str, str]:
    with NAF_FILE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {
        row["id_5"]: row["label_5"]
        for row in rows
        if row["id_1"] in {"C", "D", "E"} or row["id_3"] in {"71.1", "71.2", "72.1"}
    }


def test_every_naf_subclass_of_sections_c_d_e_and_groups_71_1_71_2_72_1_has_hints(shipped):
    in_scope = naf_subclasses_in_scope()
    assert len(in_scope) == 283  # NAF rév. 2: 258 in C, 8 in D, 8 in E, 9 in 71.1/71.2/72.1
    hinted = {hint.naf for hint in shipped.hints}
    assert sorted(set(in_scope) - hinted) == []


def test_every_hinted_naf_code_exists_and_weights_are_likelihoods(shipped):
    with NAF_FILE.open(encoding="utf-8") as handle:
        known = {row["id_5"] for row in csv.DictReader(handle)}
    assert sorted({hint.naf for hint in shipped.hints} - known) == []
    assert all(0 < hint.weight <= 1 for hint in shipped.hints)


def test_naf_hints_point_at_the_expected_capabilities(shipped):
    by_naf: dict[str, dict[str, float]] = {}
    for hint in shipped.hints:
        by_naf.setdefault(hint.naf, {})[hint.node] = hint.weight
    assert by_naf["25.62A"]["proc.machining.bar_turning"] >= 0.9
    assert by_naf["25.62B"]["proc.machining"] >= 0.9
    assert by_naf["25.61Z"]["proc.surface"] >= 0.9
    assert by_naf["30.30Z"]["sector.aeronautics"] >= 0.9
    assert by_naf["33.16Z"]["svc.maintenance.aircraft"] >= 0.9
    assert by_naf["71.20B"]["svc.testing"] >= 0.9


def test_rome_links_use_existing_rome_codes(shipped):
    with ROME_FILE.open(encoding="utf-8") as handle:
        known = {row["code_rome"] for row in csv.DictReader(handle)}
    used = {code for record in shipped.nodes.values() for code in record.rome}
    assert len(used) >= 100
    assert sorted(used - known) == []
    assert "H2903" in shipped.nodes["proc.machining.milling"].rome


def test_cpv_links_use_existing_cpv_codes(shipped):
    with CPV_FILE.open(encoding="utf-8") as handle:
        known = {row["CODE"][:8] for row in csv.DictReader(handle)}
    used = {code for record in shipped.nodes.values() for code in record.cpv}
    assert len(used) >= 50
    assert sorted(used - known) == []


def test_shipped_units_file_is_consistent():
    registry = UnitRegistry.from_file()
    for quantity in registry.quantities.values():
        assert registry.units[quantity.base].factor == 1
    owners: dict[tuple[str, str], set[str]] = {}
    for unit in registry.units.values():
        for spelling in unit.spellings():
            owners.setdefault((unit.quantity, spelling.casefold()), set()).add(unit.code)
    # Within one quantity a spelling names one unit, whatever its case ("MW" and "mW" would clash).
    assert [key for key, codes in owners.items() if len(codes) > 1] == []
