"""What every area's forms share: putting a service's refusal on the form that asked for it."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from django import forms

from maillage.errors import MaillageError

# "title", "capabilities[1].quantity", "specs.force", "equipment[0].specs.force"
FIELD_PATH = re.compile(r"(?P<name>\w+)(?:\[(?P<index>\d+)\])?(?:\.(?P<sub>[\w.]+))?")


def _field_name(form: forms.BaseForm, path: str, aliases: Mapping[str, str]) -> str | None:
    """The form field showing ``path``: an alias of the whole path, of its prefix ("specs." →
    "spec_") or of its first name, else the first name itself; None when the form has no such
    field (the error then goes among the non-field errors)."""
    match = FIELD_PATH.fullmatch(path)
    name = match["name"] if match else path
    candidates = [aliases.get(path), aliases.get(name), name]
    for prefix, replacement in aliases.items():
        if prefix.endswith(".") and path.startswith(prefix):
            candidates.insert(0, replacement + path.removeprefix(prefix))
    return next((c for c in candidates if c and c in form.fields), None)


def attach_error(
    form: forms.BaseForm,
    error: MaillageError,
    *,
    aliases: Mapping[str, str] | None = None,
    rows: Mapping[str, Sequence[forms.BaseForm]] | None = None,
) -> None:
    """Show a service's refusal (``MaillageError``) next to the field it names, or at the top of
    the form when the form has no such field.

    ``error.field`` is a path ("title", "capabilities[1].quantity", "specs.force"). ``aliases``
    maps a service's name to the form's ("chosen_establishments" → "chosen"; a key ending with a
    dot maps a prefix: "specs." → "spec_"). ``rows`` maps a list's name to the forms showing its
    items in order, so that "capabilities[1].quantity" lands on the second row's quantity.
    """
    aliases = aliases or {}
    match = FIELD_PATH.fullmatch(error.field or "")
    if match and match["index"] is not None and rows and match["name"] in rows:
        items = rows[match["name"]]
        if int(match["index"]) < len(items):
            row = items[int(match["index"])]
            row.add_error(_field_name(row, match["sub"] or "", aliases), error.message)
            return
    form.add_error(_field_name(form, error.field or "", aliases), error.message)
