"""Read and validate the taxonomy data files (no database).

Layout of ``maillage/taxonomy/data`` (see docs/taxonomy.md):

- ``manifest.toml``: ``version = "…"``, the label of this state of the files;
- ``units.toml``: the units equipment specifications may use;
- ``nodes/<type>/<family>.toml``: a top-level ``type`` and ``[[node]]`` tables;
- ``naf/<section>.toml``: one ``["25.62A"]`` table per NAF sub-class, ``"node.code" = weight``.

Every problem is collected (not only the first one) with the file, the line, the node code
and the field, so that a reviewer fixes a pull request in one pass.
"""

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from maillage.taxonomy.models import CODE_PREFIXES, CODE_RE, NodeType, normalise_term
from maillage.taxonomy.units import UnitError, UnitRegistry

DATA_DIR = Path(__file__).resolve().parent / "data"

NODE_KEYS = {
    "code",
    "type",
    "parent",
    "label_fr",
    "label_en",
    "synonyms_fr",
    "synonyms_en",
    "description_fr",
    "description_en",
    "rome",
    "cpv",
    "specs",
    "scheme",
    "issuer_type",
    "expires",
    "validity_years",
}
CERTIFICATION_KEYS = {"scheme", "issuer_type", "expires", "validity_years"}
SPEC_KEYS = {"key", "label_fr", "label_en", "unit", "min", "max"}
SCHEMES = {
    "management_system",
    "process_accreditation",
    "product_conformity",
    "regulatory_approval",
    "professional_qualification",
    "design_code",
    "label",
}
ISSUER_TYPES = {
    "accredited_body",
    "national_accreditation_body",
    "pri",
    "authority",
    "industry_body",
    "customer",
    "self_declaration",
}
NAF_RE = re.compile(r"^\d{2}\.\d{2}[A-Z]$")
ROME_RE = re.compile(r"^[A-N]\d{4}$")
CPV_RE = re.compile(r"^(\d{8})(-\d)?$")
SPEC_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    line: int | None = None
    code: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += ", " + _("ligne %(line)d") % {"line": self.line}
        if self.code:
            where += ", " + _("nœud %(code)s") % {"code": self.code}
        if self.field:
            where += ", " + _("champ « %(field)s »") % {"field": self.field}
        return f"{where} : {self.message}"


@dataclass
class NodeRecord:
    code: str
    type: str
    label_fr: str
    label_en: str
    parent: str | None
    file: str
    line: int
    position: int
    synonyms_fr: list[str] = field(default_factory=list)
    synonyms_en: list[str] = field(default_factory=list)
    description_fr: str = ""
    description_en: str = ""
    rome: list[str] = field(default_factory=list)
    cpv: list[str] = field(default_factory=list)
    specs: list[dict] = field(default_factory=list)
    attributes: dict = field(default_factory=dict)


@dataclass(frozen=True)
class HintRecord:
    naf: str
    node: str
    weight: float
    file: str
    line: int


@dataclass
class TaxonomyData:
    version: str = ""
    content_hash: str = ""
    units: UnitRegistry | None = None
    nodes: dict[str, NodeRecord] = field(default_factory=dict)
    hints: list[HintRecord] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


class _Lines:
    """Line numbers of node blocks, fields and NAF tables: tomllib does not keep positions."""

    NODE_HEADER = re.compile(r"^\s*\[\[\s*node\s*\]\]")
    TABLE_HEADER = re.compile(r'^\s*\[\s*"?([^"\]]+)"?\s*\]')
    KEY = re.compile(r'^\s*("([^"]+)"|[A-Za-z0-9_]+)\s*=')

    def __init__(self, text: str):
        self.nodes: list[tuple[int, dict[str, int]]] = []
        self.tables: dict[str, tuple[int, dict[str, int]]] = {}
        self.top: dict[str, int] = {}
        current: dict[str, int] | None = None
        for number, line in enumerate(text.splitlines(), start=1):
            if self.NODE_HEADER.match(line):
                current = {}
                self.nodes.append((number, current))
                continue
            header = self.TABLE_HEADER.match(line)
            if header:
                current = {}
                self.tables[header.group(1)] = (number, current)
                continue
            key = self.KEY.match(line)
            if key:
                name = key.group(2) or key.group(1)
                (self.top if current is None else current).setdefault(name, number)

    def node(self, index: int) -> tuple[int, dict[str, int]]:
        return self.nodes[index] if index < len(self.nodes) else (1, {})


def content_hash(data_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(data_dir.rglob("*.toml")):
        digest.update(path.relative_to(data_dir).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _read_toml(path: Path, name: str, errors: list[Problem]) -> tuple[dict | None, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        errors.append(Problem(name, _("lecture impossible (%(error)s)") % {"error": exc}))
        return None, ""
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        errors.append(
            Problem(
                name,
                _("TOML invalide : %(error)s") % {"error": exc},
                line=int(line.group(1)) if line else None,
            )
        )
        return None, text


def _string_list(value, problem) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        problem(_("une liste de textes est attendue"))
        return []
    cleaned = [" ".join(item.split()) for item in value]
    if any(not item for item in cleaned):
        problem(_("texte vide dans la liste"))
    seen: set[str] = set()
    for item in cleaned:
        if item.casefold() in seen:
            problem(_("« %(value)s » figure deux fois") % {"value": item})
        seen.add(item.casefold())
    return [item for item in cleaned if item]


def validate_specs(specs, units: UnitRegistry) -> list[tuple[str, str]]:
    """(field, message) for each problem in a list of specification definitions."""
    problems = []
    if not isinstance(specs, list):
        return [("specs", _("une liste de caractéristiques est attendue"))]
    keys: set[str] = set()
    for index, spec in enumerate(specs):
        where = f"specs[{index}]"
        if not isinstance(spec, dict):
            problems.append((where, _("une table {key = …, unit = …} est attendue")))
            continue
        for unknown in sorted(set(spec) - SPEC_KEYS):
            problems.append((f"{where}.{unknown}", _("clé inconnue")))
        key = spec.get("key")
        if not isinstance(key, str) or not SPEC_KEY_RE.match(key):
            problems.append((f"{where}.key", _("clé absente ou invalide (minuscules, chiffres, _)")))
        elif key in keys:
            problems.append(
                (f"{where}.key", _("caractéristique « %(key)s » déclarée deux fois") % {"key": key})
            )
        else:
            keys.add(key)
        for label in ("label_fr", "label_en"):
            if not isinstance(spec.get(label), str) or not spec[label].strip():
                problems.append((f"{where}.{label}", _("libellé manquant")))
        unit = spec.get("unit")
        if unit not in units.units:
            problems.append((f"{where}.unit", _("unité inconnue « %(unit)s »") % {"unit": unit}))
        bounds = [spec.get(name) for name in ("min", "max")]
        for name, bound in zip(("min", "max"), bounds, strict=True):
            if bound is not None and (isinstance(bound, bool) or not isinstance(bound, int | float)):
                problems.append((f"{where}.{name}", _("un nombre est attendu")))
        if all(isinstance(bound, int | float) for bound in bounds) and bounds[0] >= bounds[1]:
            problems.append((f"{where}.max", _("max doit être supérieur à min")))
    return problems


def _read_node(raw, file_type, name, index, lines: _Lines, position, units, errors) -> NodeRecord | None:
    start, field_lines = lines.node(index)
    if not isinstance(raw, dict):
        errors.append(Problem(name, _("[[node]] doit être une table"), line=start))
        return None
    code = raw.get("code")

    def problem(message, field_name=None):
        line = field_lines.get(field_name.split("[")[0].split(".")[0], start) if field_name else start
        errors.append(
            Problem(name, message, line=line, code=code if isinstance(code, str) else None, field=field_name)
        )

    if not isinstance(code, str) or not code:
        problem(_("code manquant"), "code")
        return None
    if not CODE_RE.match(code):
        problem(_("code invalide : minuscules, chiffres et _ en segments séparés par des points"), "code")
    for unknown in sorted(set(raw) - NODE_KEYS):
        problem(_("champ inconnu"), unknown)
    node_type = raw.get("type", file_type)
    if node_type not in NodeType.values:
        problem(
            _("type inconnu « %(type)s » (attendu : %(choices)s)")
            % {"type": node_type, "choices": ", ".join(NodeType.values)},
            "type",
        )
        return None
    prefix = CODE_PREFIXES[node_type]
    if not code.startswith(prefix + "."):
        problem(
            _("un code de type %(type)s commence par « %(prefix)s. »")
            % {"type": node_type, "prefix": prefix},
            "code",
        )
    labels = {}
    for label in ("label_fr", "label_en"):
        value = raw.get(label)
        if not isinstance(value, str) or not value.strip():
            problem(_("libellé manquant"), label)
            value = ""
        labels[label] = " ".join(value.split())
    parent = _read_parent(raw, code, problem)
    record = NodeRecord(
        code=code,
        type=node_type,
        parent=parent,
        file=name,
        line=start,
        position=position,
        **labels,
    )
    _read_texts(raw, record, problem)
    _read_specs(raw, node_type, record, units, problem)
    _read_certification(raw, node_type, record, problem)
    return record


def _read_parent(raw, code: str, problem) -> str | None:
    if "parent" in raw:
        parent = raw["parent"]
        if not isinstance(parent, str):
            problem(_("un code est attendu"), "parent")
            parent = None
        return parent or None
    # Codes are stable but the tree may change: the parent defaults to the code's
    # prefix and is written out only for a node filed elsewhere.
    segments = code.split(".")
    return ".".join(segments[:-1]) if len(segments) > 2 else None


def _read_texts(raw, record: NodeRecord, problem) -> None:
    """Synonyms, descriptions, ROME and CPV codes."""
    for key in ("synonyms_fr", "synonyms_en"):
        if key in raw:
            setattr(record, key, _string_list(raw[key], lambda message, key=key: problem(message, key)))
    for key in ("description_fr", "description_en"):
        if key in raw:
            if isinstance(raw[key], str):
                setattr(record, key, raw[key].strip())
            else:
                problem(_("un texte est attendu"), key)
    for item in _string_list(raw.get("rome", []), lambda message: problem(message, "rome")):
        if ROME_RE.match(item):
            record.rome.append(item)
        else:
            problem(_("code ROME invalide « %(code)s »") % {"code": item}, "rome")
    for item in _string_list(raw.get("cpv", []), lambda message: problem(message, "cpv")):
        match = CPV_RE.match(item)
        if match:
            record.cpv.append(match.group(1))
        else:
            problem(_("code CPV invalide « %(code)s » (8 chiffres)") % {"code": item}, "cpv")


def _read_specs(raw, node_type, record: NodeRecord, units, problem) -> None:
    if "specs" in raw:
        if node_type != NodeType.EQUIPMENT:
            problem(_("seuls les types d’équipement ont des caractéristiques mesurables"), "specs")
        elif units is not None:
            for field_name, message in validate_specs(raw["specs"], units):
                problem(message, field_name)
            record.specs = [dict(spec) for spec in raw["specs"] if isinstance(spec, dict)]


def _read_certification(raw, node_type, record: NodeRecord, problem) -> None:
    certification = {key: raw[key] for key in CERTIFICATION_KEYS if key in raw}
    if certification and node_type != NodeType.CERTIFICATION:
        problem(_("réservé aux certifications"), sorted(certification)[0])
    elif certification:
        if "scheme" in certification and certification["scheme"] not in SCHEMES:
            problem(
                _("type de référentiel inconnu (attendu : %(choices)s)")
                % {"choices": ", ".join(sorted(SCHEMES))},
                "scheme",
            )
        if "issuer_type" in certification and certification["issuer_type"] not in ISSUER_TYPES:
            problem(
                _("type d’émetteur inconnu (attendu : %(choices)s)")
                % {"choices": ", ".join(sorted(ISSUER_TYPES))},
                "issuer_type",
            )
        if "expires" in certification and not isinstance(certification["expires"], bool):
            problem(_("true ou false attendu"), "expires")
        years = certification.get("validity_years")
        if years is not None and (isinstance(years, bool) or not isinstance(years, int) or years <= 0):
            problem(_("un nombre entier d’années est attendu"), "validity_years")
        record.attributes = certification


def _read_node_file(path: Path, name: str, data: TaxonomyData, position: int) -> int:
    parsed, text = _read_toml(path, name, data.errors)
    if parsed is None:
        return position
    lines = _Lines(text)
    file_type = parsed.get("type")
    if file_type is not None and file_type not in NodeType.values:
        data.errors.append(
            Problem(
                name,
                _("type inconnu « %(type)s » (attendu : %(choices)s)")
                % {"type": file_type, "choices": ", ".join(NodeType.values)},
                line=lines.top.get("type"),
                field="type",
            )
        )
        return position
    for unknown in sorted(set(parsed) - {"type", "node"}):
        data.errors.append(
            Problem(name, _("clé inconnue en tête de fichier"), line=lines.top.get(unknown), field=unknown)
        )
    nodes = parsed.get("node", [])
    if not isinstance(nodes, list):
        data.errors.append(Problem(name, _("les nœuds s’écrivent [[node]]"), field="node"))
        return position
    for index, raw in enumerate(nodes):
        position += 1
        record = _read_node(raw, file_type, name, index, lines, position, data.units, data.errors)
        if record is None:
            continue
        previous = data.nodes.get(record.code)
        if previous is not None:
            data.errors.append(
                Problem(
                    name,
                    _("code en double (déjà défini dans %(file)s, ligne %(line)d)")
                    % {"file": previous.file, "line": previous.line},
                    line=record.line,
                    code=record.code,
                    field="code",
                )
            )
            continue
        data.nodes[record.code] = record
    return position


def _check_tree(data: TaxonomyData) -> None:
    for record in data.nodes.values():
        if record.parent is None:
            continue
        parent = data.nodes.get(record.parent)
        if parent is None:
            data.errors.append(
                Problem(
                    record.file,
                    _("parent inconnu « %(parent)s »") % {"parent": record.parent},
                    line=record.line,
                    code=record.code,
                    field="parent",
                )
            )
        elif parent.type != record.type:
            data.errors.append(
                Problem(
                    record.file,
                    _("le parent « %(parent)s » est de type %(type)s")
                    % {"parent": parent.code, "type": parent.type},
                    line=record.line,
                    code=record.code,
                    field="parent",
                )
            )
    reported: set[str] = set()
    for record in data.nodes.values():
        chain = [record.code]
        current = record
        while current.parent is not None and current.parent in data.nodes:
            current = data.nodes[current.parent]
            if current.code in chain:
                cycle = chain[chain.index(current.code) :] + [current.code]
                if not reported.intersection(cycle):
                    data.errors.append(
                        Problem(
                            record.file,
                            _("cycle de parents : %(cycle)s") % {"cycle": " → ".join(cycle)},
                            line=record.line,
                            code=record.code,
                            field="parent",
                        )
                    )
                reported.update(cycle)
                break
            chain.append(current.code)


def _check_terms(data: TaxonomyData) -> None:
    """Two nodes of one type must not share a label or synonym: mapping free text would guess."""
    owners: dict[tuple[str, str], str] = {}
    for record in data.nodes.values():
        terms = {record.label_fr, record.label_en, *record.synonyms_fr, *record.synonyms_en}
        for term in sorted(terms):
            key = (record.type, normalise_term(term))
            if not key[1]:
                continue
            owner = owners.setdefault(key, record.code)
            if owner != record.code:
                data.errors.append(
                    Problem(
                        record.file,
                        _("« %(term)s » désigne déjà le nœud %(other)s") % {"term": term, "other": owner},
                        line=record.line,
                        code=record.code,
                        field="synonyms",
                    )
                )


def _read_hint_file(
    path: Path, name: str, data: TaxonomyData, seen: dict[tuple[str, str], HintRecord]
) -> None:
    parsed, text = _read_toml(path, name, data.errors)
    if parsed is None:
        return
    lines = _Lines(text)
    for naf, hints in parsed.items():
        start, key_lines = lines.tables.get(naf, (lines.top.get(naf, 1), {}))
        if not NAF_RE.match(naf):
            data.errors.append(
                Problem(name, _("sous-classe NAF invalide « %(code)s »") % {"code": naf}, line=start)
            )
            continue
        if not isinstance(hints, dict) or not hints:
            data.errors.append(
                Problem(name, _("table vide ou invalide pour %(code)s") % {"code": naf}, line=start)
            )
            continue
        for node_code, weight in hints.items():
            line = key_lines.get(node_code, start)
            if node_code not in data.nodes:
                data.errors.append(
                    Problem(
                        name, _("nœud inconnu (indice NAF %(naf)s)") % {"naf": naf}, line=line, code=node_code
                    )
                )
                continue
            if isinstance(weight, bool) or not isinstance(weight, int | float) or not 0 < weight <= 1:
                data.errors.append(
                    Problem(
                        name, _("poids attendu entre 0 (exclu) et 1"), line=line, code=node_code, field=naf
                    )
                )
                continue
            record = HintRecord(naf, node_code, float(weight), name, line)
            previous = seen.get((naf, node_code))
            if previous is not None:
                data.errors.append(
                    Problem(
                        name,
                        _("indice en double (déjà dans %(file)s, ligne %(line)d)")
                        % {"file": previous.file, "line": previous.line},
                        line=line,
                        code=node_code,
                        field=naf,
                    )
                )
                continue
            seen[(naf, node_code)] = record
            data.hints.append(record)


def read_taxonomy(data_dir: Path = DATA_DIR) -> TaxonomyData:
    data_dir = Path(data_dir)
    data = TaxonomyData(content_hash=content_hash(data_dir))
    manifest, _text = _read_toml(data_dir / "manifest.toml", "manifest.toml", data.errors)
    if manifest is not None:
        version = manifest.get("version")
        if isinstance(version, str) and version.strip():
            data.version = version.strip()
        else:
            data.errors.append(Problem("manifest.toml", _("version manquante"), field="version"))
    units, _text = _read_toml(data_dir / "units.toml", "units.toml", data.errors)
    if units is not None:
        try:
            data.units = UnitRegistry.from_mapping(units)
        except (UnitError, KeyError, TypeError, ValueError) as exc:
            data.errors.append(
                Problem("units.toml", _("fichier d’unités incohérent : %(error)s") % {"error": exc})
            )
    position = 0
    node_files = sorted((data_dir / "nodes").rglob("*.toml"))
    if not node_files:
        data.errors.append(Problem("nodes/", _("aucun fichier de nœuds")))
    for path in node_files:
        position = _read_node_file(path, path.relative_to(data_dir).as_posix(), data, position)
    _check_tree(data)
    _check_terms(data)
    seen: dict[tuple[str, str], HintRecord] = {}
    for path in sorted((data_dir / "naf").rglob("*.toml")):
        _read_hint_file(path, path.relative_to(data_dir).as_posix(), data, seen)
    return data
