"""The import report's lines for values written in another column than their type's.

« ligne 12, colonne savoir-faire : « ISO13485 » reconnu comme certification ISO 13485, rangé
parmi les certifications ». ``CellReader.read`` decides where each value goes; this says so,
one note per item of a cell (a process and its machine's figures share one note).
"""

from __future__ import annotations

from maillage.imports.profiles.cells import ParsedItem, format_number
from maillage.taxonomy.mapping import TaxonomyMapper

# The spreadsheet columns as the report names them.
COLUMN_FR = {
    "capabilities": "savoir-faire",
    "certifications": "certifications",
    "equipment": "équipements",
    "sectors": "secteurs",
}
TYPE_FR = {
    "capabilities": "savoir-faire",
    "certifications": "certification",
    "equipment": "équipement",
    "sectors": "secteur servi",
}
AMONG_FR = {
    "capabilities": "les savoir-faire",
    "certifications": "les certifications",
    "equipment": "les équipements",
    "sectors": "les secteurs servis",
}
WAITING_FR = "cherchable dès maintenant comme ses propres mots"


def _labels(item: ParsedItem, mapper: TaxonomyMapper, codes) -> str:
    labels = []
    for code in codes:
        node = mapper.node(code)
        label = node.label_fr if node else code
        specs = getattr(item.entry, "specs", ())
        if specs and item.result.accepted:
            declared = mapper.effective_specs(code)
            label += " (" + ", ".join(
                f"{(declared[s.name].label_fr if s.name in declared else s.name).lower()} "
                f"{format_number(s.value)} {s.unit}"
                for s in specs
            ) + ")"  # fmt: skip
        labels.append(label)
    return ", ".join(labels)


def _phrase(item: ParsedItem, mapper: TaxonomyMapper) -> str:
    kind, among = TYPE_FR[item.column], AMONG_FR[item.column]
    words = f"« {item.part} »" if item.part else f"« {item.item} »"
    if item.result.accepted:
        labels = _labels(item, mapper, item.result.codes)
        return f"{words} reconnu comme {kind} {labels}, rangé parmi {among}"
    if item.result.rejected_by_animator:
        return f"{words} lu comme {kind}, écarté par une décision d'animateur"
    proposed = [c.code for c in item.result.candidates[:1]] or list(item.result.codes[:1])
    hint = f" (proposé : {_labels(item, mapper, proposed)})" if proposed else ""
    return f"{words} lu comme {kind}{hint}, en attente de validation parmi {among} ; {WAITING_FR}"


def refiled_notes(items: list[ParsedItem], mapper: TaxonomyMapper) -> list[dict]:
    """One note per refiled cell item: the column written in, the text, where it went and why."""
    notes: list[dict] = []
    for item in items:
        if not (item.refiled or item.part):
            continue
        note = notes[-1] if notes and notes[-1]["text"] == item.item else None
        if note is None or note["column"] != item.written_in:
            note = {"column": item.written_in, "text": item.item, "filed_in": [], "codes": [], "phrases": []}
            notes.append(note)
        note["filed_in"].append(item.column)
        note["codes"] += list(item.result.codes) if item.result.accepted else []
        note["pending"] = note.get("pending", False) or not (
            item.result.accepted or item.result.rejected_by_animator
        )
        note["phrases"].append(_phrase(item, mapper))
    for note in notes:
        detail, head = " ; ".join(note.pop("phrases")), f"« {note['text']} »"
        note["detail"] = detail if detail.startswith(head) else f"{head} : {detail}"
    return notes


def note_line(file_name: str, line: int, note: dict) -> str:
    """« adherents.csv, ligne 12, colonne savoir-faire : « ISO13485 » reconnu comme … »."""
    column = COLUMN_FR.get(note["column"], note["column"])
    return f"{file_name}, ligne {line}, colonne {column} : {note['detail']}"
