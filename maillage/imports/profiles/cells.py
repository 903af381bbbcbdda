"""The grammar of the list cells of a profile spreadsheet, read and written.

Items are separated by ``;``. Each column's items read as follows (see docs/profiles-import.md):

- capabilities, sectors: free text or a taxonomy code — ``fraisage 5 axes; TIG alu``;
- certifications: ``TEXT [(organisme: …, numéro: …, du: AAAA-MM-JJ, au: AAAA-MM-JJ)]`` —
  ``EN 9100 (organisme: Bureau Veritas, numéro: FR-1234, au: 2027-03-31)``;
- equipment: ``[N ×] TEXT [[code]] [(key: value unit, …)]`` — ``2 × presse hydraulique 300 t``;
  measures in the text ("300 t", "1200x800x600 mm") are read as the node's specifications
  unless an explicit ``(…)`` list gives them;
- references: ``CLIENT[: PROJECT] [(public)]`` — ``Airbus: pylônes A350 (public)``; without
  ``(public)`` a reference is visible to network members only.

Export writes the same grammar, with labels that map back to the same codes, so that
exporting then importing changes nothing.

``CellReader.read`` files each item where it belongs when its column is not its type's
(docs/profiles-import.md, « Wrong column »): « ISO13485 » among the capabilities is a
certification, « presse 250 t » a machine, « anodisation » among the machines a capability,
and « découpe jet d'eau 5 axes 3000 bars » a process followed by its machine's figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from maillage.engine.text import Analyzer, fold
from maillage.profiles.snapshot import (
    VISIBILITY_MEMBERS,
    VISIBILITY_PUBLIC,
    CertificationEntry,
    EquipmentEntry,
    ReferenceEntry,
    SpecValue,
)
from maillage.taxonomy.mapping import (
    NUMBER,
    MappingCodeError,
    MappingResult,
    TaxonomyMapper,
    leading_quantity,
    spec_spans,
)
from maillage.taxonomy.units import UnitError, UnitRegistry

DETAILS_RE = re.compile(r"\(([^()]*)\)\s*$")
CODE_IN_BRACKETS_RE = re.compile(r"\[\s*([a-z]+(?:\.[a-z0-9][a-z0-9_]*)+)\s*\]")
SPEC_ITEM_RE = re.compile(rf"^(?P<key>[a-z][a-z0-9_]*)\s*[:=]?\s*(?P<value>-?{NUMBER})\s*(?P<unit>\S*)$")
CERT_KEYS = {
    "organisme": "issuer",
    "issuer": "issuer",
    "certificateur": "issuer",
    "numero": "number",
    "n": "number",
    "number": "number",
    "du": "valid_from",
    "depuis": "valid_from",
    "from": "valid_from",
    "valid_from": "valid_from",
    "au": "valid_until",
    "jusqu au": "valid_until",
    "until": "valid_until",
    "valid_until": "valid_until",
}
VISIBILITY_WORDS = {
    "public": VISIBILITY_PUBLIC,
    "publique": VISIBILITY_PUBLIC,
    "adherents": VISIBILITY_MEMBERS,
    "membres": VISIBILITY_MEMBERS,
    "members": VISIBILITY_MEMBERS,
}


class CellError(ValueError):
    """A cell item that cannot be read; ``reason`` is a rejection code of the import."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass
class ParsedItem:
    """One item of a list cell: what it maps to, or why it waits for an animator.

    ``column`` is where the value is filed; ``written_in`` the spreadsheet column it was written
    in (the same unless ``CellReader.read`` refiled it); ``part`` the words of the item the
    value stands for, when not all: the process before its machine's figures, the figures.
    """

    column: str
    item: str
    result: MappingResult
    entry: object | None = None  # code (str), CertificationEntry or EquipmentEntry when accepted
    warnings: list[str] = field(default_factory=list)
    written_in: str = ""
    part: str = ""

    def __post_init__(self):
        self.written_in = self.written_in or self.column

    @property
    def refiled(self) -> bool:
        return self.written_in != self.column


# Where a value written in a column may belong instead, in order of preference on a tie.
ELSEWHERE = {
    "capabilities": ("certifications", "equipment", "sectors"),
    "equipment": ("capabilities", "certifications"),
}
# Readings that stand whatever else the text could be: a code written as such, an animator's decision.
SURE_METHODS = ("code", "decision")
# A market is taken from another column only when named exactly (« aéronautique »): phrases
# read for sectors mislead (« guerre des mines » is no quarry, « construction de sous-marins »
# no building trade — measured on the real capabilities of tests' BITD panel).
EXACT_ONLY = {"sectors": ("code", "decision", "label", "synonym")}
# Where a process name stops and its machine's figures start: the first word opening on a digit.
FIGURES_RE = re.compile(r"\s(?=\d)")


def split_items(cell: str) -> list[str]:
    return [" ".join(part.split()) for part in cell.split(";") if part.strip()]


def parse_date(text: str, what: str) -> date:
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CellError("bad_date", f"{what} : date illisible « {text} » (attendu AAAA-MM-JJ ou JJ/MM/AAAA)")


def _details(item: str) -> tuple[str, list[tuple[str, str]] | None]:
    """Split "TEXT (k: v, k: v)" when every part of the parentheses is a "key: value"."""
    match = DETAILS_RE.search(item)
    if not match:
        return item, None
    pairs = []
    for part in match[1].split(","):
        if ":" not in part:
            return item, None
        key, value = part.split(":", 1)
        pairs.append((" ".join(fold(key).replace("°", " ").replace("'", " ").split()), value.strip()))
    return item[: match.start()].strip(), pairs


class CellReader:
    """Reads list cells into snapshot entries with a mapper and the unit registry."""

    def __init__(self, mapper: TaxonomyMapper, units: UnitRegistry | None = None):
        self.mapper = mapper
        self.units = units or UnitRegistry.from_file()
        self.analyzer = Analyzer()

    def _map(self, text: str, column: str) -> MappingResult:
        try:
            return self.mapper.map(text, column)
        except MappingCodeError as exc:
            raise CellError("unknown_code", str(exc)) from exc

    # -- any column, each item filed where it belongs ---------------------------------------
    def read(self, cell: str, column: str) -> list[ParsedItem]:
        """The items of a cell of ``column``, each filed in the column of its type.

        An item the column's own reading accepts stays, except a process name followed by
        figures (below). An item it does not accept goes to the other column (ELSEWHERE)
        whose reading accepts it with the highest confidence; failing that, a capability waits
        for a review in the column that recognised the most (« ISO 9001 en cours » as a
        certification), any other item in its own column. Codes written as such and animators'
        decisions are never second-guessed.
        """
        items = []
        for item in split_items(cell):
            items += self._filed(item, column)
        return items

    def _one(self, item: str, column: str) -> ParsedItem:
        if column == "certifications":
            return self._certification(item)
        if column == "equipment":
            return self._equipment(item)
        return self._code(item, column)

    def _one_or_none(self, item: str, column: str) -> ParsedItem | None:
        """The item read as a value of ``column``; None when that column's grammar refuses it."""
        try:
            return self._one(item, column)
        except CellError:
            return None

    def _trial(self, item: str, column: str) -> ParsedItem | None:
        """The same, and None too when an animator said the text names nothing there."""
        parsed = self._one_or_none(item, column)
        return None if parsed is None or parsed.result.rejected_by_animator else parsed

    def _filed(self, item: str, column: str) -> list[ParsedItem]:
        own = self._one(item, column)
        result = own.result
        if column not in ELSEWHERE or result.method in SURE_METHODS or result.rejected_by_animator:
            return [own]
        if column == "capabilities":
            with_figures = self._name_and_figures(item)
            if with_figures:
                return with_figures
        if result.accepted or (column == "equipment" and _has_figures(item)):
            return [own]  # a name with its figures among the machines names a machine
        trials = [
            t
            for t in (self._trial(item, other) for other in ELSEWHERE[column])
            if t is not None and t.result.method in EXACT_ONLY.get(t.column, (t.result.method,))
        ]
        accepted = [t for t in trials if t.result.accepted]
        if accepted:
            best = max(accepted, key=lambda t: t.result.confidence)  # the first on a tie
            best.written_in = column
            return [best]
        # Unsure everywhere: among the capabilities (« ISO 9001 en cours »), the value waits where
        # something was recognised; among the machines, as a machine (« postes MIG »).
        recognised = [t for t in trials if t.result.codes and t.result.method not in ("fuzzy", "none")]
        if recognised and column == "capabilities":
            best = max(recognised, key=lambda t: t.result.confidence)
            if not result.codes or best.result.confidence > result.confidence:
                best.written_in = column
                return [best]
        return [own]

    def _name_and_figures(self, item: str) -> list[ParsedItem]:
        """« presse 250 t », « découpe jet d'eau 5 axes 3000 bars »: a name followed by
        figures, one at least with a unit. When the name is better read as a machine than as
        a process, the whole item is that machine (its figures read as specifications). When
        it is a process, it is the capability, and the whole item is also read as the machine
        the figures describe: filed when the mapper is sure, else waiting for a review (the
        company's words stay searchable meanwhile). [] when neither applies: the item is
        read as usual."""
        cut = FIGURES_RE.search(item)
        if cut is None or not _has_figures(item[cut.end() :]):
            return []
        name = item[: cut.start()].strip()
        process, named_machine = self._trial(name, "capabilities"), self._trial(name, "equipment")
        as_process, as_machine = _sure(process), _sure(named_machine)
        machine = self._one_or_none(item, "equipment")
        if machine is not None:
            machine.written_in = "capabilities"
        if as_machine > as_process:
            if machine is not None and machine.result.accepted and machine.entry.specs:
                return [machine]
            return []
        if not as_process or machine is None:
            return []
        if not machine.result.codes and not machine.result.rejected_by_animator:
            return []  # figures of no machine we know: the item is read as written
        process.item, process.part = item, name
        machine.part = item[cut.end() :].strip()
        return [process, machine]

    # -- capabilities and sectors --------------------------------------------------------
    def codes(self, cell: str, column: str) -> list[ParsedItem]:
        return [self._code(item, column) for item in split_items(cell)]

    def _code(self, item: str, column: str) -> ParsedItem:
        result = self._map(item, column)
        return ParsedItem(column, item, result, result.codes if result.accepted else None)

    # -- certifications ------------------------------------------------------------------
    def certifications(self, cell: str) -> list[ParsedItem]:
        return [self._certification(item) for item in split_items(cell)]

    def _certification(self, item: str) -> ParsedItem:
        text, pairs = _details(item)
        values: dict[str, object] = {}
        for key, value in pairs or []:
            name = CERT_KEYS.get(key)
            if name is None:
                raise CellError(
                    "bad_cell",
                    f"« {item} » : précision inconnue « {key} » (organisme, numéro, du, au)",
                )
            values[name] = parse_date(value, item) if name.startswith("valid") else value
        result = self._map(text, "certifications")
        entry = None
        if result.accepted:
            if len(result.codes) != 1 and values:
                raise CellError("bad_cell", f"« {item} » : une seule certification par élément")
            entry = [CertificationEntry(code=code, **values) for code in result.codes]
        return ParsedItem("certifications", item, result, entry)

    # -- equipment -----------------------------------------------------------------------
    def equipment(self, cell: str) -> list[ParsedItem]:
        return [self._equipment(item) for item in split_items(cell)]

    def _equipment(self, item: str) -> ParsedItem:
        quantity, text = leading_quantity(item)
        text, pairs = _details(text)
        code_match = CODE_IN_BRACKETS_RE.search(text)
        if code_match:
            result = self._map(code_match[1], "equipment")
            text = (text[: code_match.start()] + text[code_match.end() :]).strip()
        else:
            result = self._map(text, "equipment")
        entry = None
        if result.accepted:
            if len(result.codes) != 1:
                raise CellError("bad_cell", f"« {item} » : un seul équipement par élément")
            (code,) = result.codes
            if pairs is not None:
                specs = self._explicit_specs(code, pairs, item)
            else:
                specs = self.specs_from_text(code, text, item)
            if quantity < 1:
                raise CellError("bad_cell", f"« {item} » : quantité nulle")
            entry = EquipmentEntry(code=code, label=text, quantity=quantity, specs=tuple(specs))
        return ParsedItem("equipment", item, result, entry)

    def _spec_value(self, spec, value: float, unit_text: str, item: str) -> SpecValue:
        quantity = self.units.units[spec.unit].quantity
        try:
            unit = self.units.resolve(unit_text, quantity)
        except UnitError as exc:
            raise CellError("bad_unit", f"« {item} » : {spec.label_fr} : {exc}") from exc
        converted = self.units.convert(value, unit.code, spec.unit)
        return SpecValue(spec.key, round(converted, 6), spec.unit)

    def _explicit_specs(self, code: str, pairs, item: str) -> list[SpecValue]:
        declared = self.mapper.effective_specs(code)
        specs = []
        for key, raw in pairs:
            spec = declared.get(key.replace(" ", "_"))
            match = SPEC_ITEM_RE.match(f"{key.replace(' ', '_')}: {raw}")
            if spec is None or match is None:
                known = ", ".join(declared) or "aucune"
                raise CellError(
                    "bad_spec",
                    f"« {item} » : caractéristique inconnue « {key} » pour {code} (connues : {known})",
                )
            unit = match["unit"] or ("count" if self.units.units[spec.unit].quantity == "count" else "")
            if not unit:
                raise CellError("missing_unit", f"« {item} » : {spec.label_fr} : unité manquante")
            specs.append(self._spec_value(spec, _number(match["value"]), unit, item))
        return specs

    def specs_from_text(self, code: str, text: str, item: str) -> list[SpecValue]:
        """Measures written in the member's words, assigned to the node's declared specs.

        A unit is looked up only among the quantities the node declares ("300 t" is a force for
        a press, "300 kg" is refused). Several specs of one quantity: a word just before the
        number picks one ("diamètre 400 mm"), else dimensions "A x B x C" fill them in declared
        order, else the first one not yet filled.
        """
        declared = list(self.mapper.effective_specs(code).values())
        taken: set[str] = set()
        specs: list[SpecValue] = []
        for match in spec_spans(text):
            values = [_number(v) for v in re.split(r"\s*[x×X*]\s*", match["value"])]
            unit_text = (match["unit"] or "").rstrip(".")
            hint = self._hint(text[: match.start()])
            if not unit_text:
                counts = [s for s in declared if self.units.units[s.unit].quantity == "count"]
                chosen = [s for s in counts if hint & self._spec_stems(s)]
                if len(values) == 1 and (chosen or len(counts) == 1):
                    spec = (chosen or counts)[0]
                    specs.append(SpecValue(spec.key, values[0], spec.unit))
                    taken.add(spec.key)
                    continue
                raise CellError(
                    "missing_unit",
                    f"« {item} » : unité manquante pour « {match[0].strip()} » ({self._expected(declared)})",
                )
            fitting = [s for s in declared if self._fits(unit_text, s)]
            if not fitting:
                raise CellError("bad_unit", self._unit_message(unit_text, declared, item))
            free = [s for s in fitting if s.key not in taken]
            if len(values) > 1:
                if len(values) > len(free):
                    raise CellError(
                        "bad_spec", f"« {item} » : {len(values)} dimensions pour {len(free)} caractéristiques"
                    )
                targets = free[: len(values)]
            else:
                hinted = [s for s in free if hint & self._spec_stems(s)]
                targets = (hinted or free)[:1]
                if not targets:
                    raise CellError("bad_spec", f"« {item} » : « {match[0].strip()} » donnée deux fois")
            for spec, value in zip(targets, values, strict=True):
                specs.append(self._spec_value(spec, value, unit_text, item))
                taken.add(spec.key)
        return specs

    def _fits(self, unit_text: str, spec) -> bool:
        try:
            self.units.resolve(unit_text, self.units.units[spec.unit].quantity)
        except UnitError:
            return False
        return True

    def _unit_message(self, unit_text: str, declared, item: str) -> str:
        if not declared:
            return f"« {item} » : ce type d'équipement n'a pas de caractéristique mesurable"
        quantity = self.units.units[declared[0].unit].quantity
        try:
            self.units.resolve(unit_text, quantity)
        except UnitError as exc:
            return f"« {item} » : {exc} ({self._expected(declared)})"
        return f"« {item} » : unité « {unit_text} » inattendue ({self._expected(declared)})"

    def _expected(self, declared) -> str:
        if not declared:
            return "aucune caractéristique mesurable pour ce type"
        return "attendu : " + ", ".join(f"{s.label_fr.lower()} en {s.unit}" for s in declared)

    def _hint(self, before: str) -> set[str]:
        words = self.analyzer.stems(before)[-2:]
        return set(words)

    def _spec_stems(self, spec) -> set[str]:
        return set(self.analyzer.stems(f"{spec.key.replace('_', ' ')} {spec.label_fr}"))

    # -- references ----------------------------------------------------------------------
    def references(self, cell: str) -> list[ReferenceEntry]:
        entries = []
        for item in split_items(cell):
            visibility = VISIBILITY_MEMBERS
            match = DETAILS_RE.search(item)
            if match and fold(match[1]).strip() in VISIBILITY_WORDS:
                visibility = VISIBILITY_WORDS[fold(match[1]).strip()]
                item = item[: match.start()].strip()
            client, _sep, project = item.partition(":")
            if not client.strip():
                raise CellError("bad_cell", f"« {item} » : référence sans client")
            entries.append(ReferenceEntry(client.strip(), project.strip(), visibility))
        return entries


def _sure(parsed: ParsedItem | None) -> float:
    """The confidence of an accepted reading, 0 for none."""
    return parsed.result.confidence if parsed is not None and parsed.result.accepted else 0.0


def _has_figures(text: str) -> bool:
    """A measure with a unit in the text (« 3000 bars », « 250 t »); « 5 axes » is a name."""
    return any(span["unit"] for span in spec_spans(text))


def _number(text: str) -> float:
    return float(text.replace(",", "."))


# -- writing -------------------------------------------------------------------------------
def format_number(value: float) -> str:
    """Shortest text that reads back as the same float."""
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))


def format_codes(codes, column: str, mapper: TaxonomyMapper) -> str:
    return "; ".join(mapper.export_term(code, column) for code in codes)


def format_certifications(entries, mapper: TaxonomyMapper) -> str:
    items = []
    for entry in entries:
        details = [
            f"{name}: {value}"
            for name, value in (
                ("organisme", entry.issuer),
                ("numéro", entry.number),
                ("du", entry.valid_from.isoformat() if entry.valid_from else ""),
                ("au", entry.valid_until.isoformat() if entry.valid_until else ""),
            )
            if value
        ]
        text = mapper.export_term(entry.code, "certifications")
        items.append(f"{text} ({', '.join(details)})" if details else text)
    return "; ".join(items)


def format_equipment(entries) -> str:
    items = []
    for entry in entries:
        parts = [f"{entry.quantity} ×"] if entry.quantity != 1 else []
        if entry.label:
            parts.append(entry.label)
        parts.append(f"[{entry.code}]")
        if entry.specs:
            specs = ", ".join(f"{s.name}: {format_number(s.value)} {s.unit}" for s in entry.specs)
            parts.append(f"({specs})")
        items.append(" ".join(parts))
    return "; ".join(items)


def format_references(entries) -> str:
    items = []
    for entry in entries:
        text = f"{entry.client}: {entry.project}" if entry.project else entry.client
        if entry.visibility == VISIBILITY_PUBLIC:
            text += " (public)"
        items.append(text)
    return "; ".join(items)
