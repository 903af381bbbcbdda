"""What an uploaded file really is, told from its bytes (the name and the browser's type lie).

Accepted: PDF, PNG, JPEG, STEP (ISO 10303-21) and DXF (ASCII or binary). Anything else,
or a file whose extension names another of these types, is refused with a message that
names the file.

A file whose extension names none of them is accepted, but its name then takes the extension
of what it is (``attachment_name``): a PDF named ``facture.html`` or ``logo.svg`` becomes
``facture.pdf``, so that whoever downloads it never opens a PDF–HTML polyglot as a web page.
Renamed rather than refused, because machines and mail gateways export plans as ``.bin`` or
with no extension at all, and those files are sound.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from django.utils.translation import gettext as _

from maillage.needs.errors import NeedValidationError
from maillage.needs.models import AttachmentType

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
DXF_BINARY_SENTINEL = b"AutoCAD Binary DXF\r\n\x1a\x00"
# A DXF section opener is the group code 0 then SECTION, then group code 2 and its name.
DXF_SECTIONS = {"HEADER", "CLASSES", "TABLES", "BLOCKS", "ENTITIES", "OBJECTS", "THUMBNAILIMAGE"}
DXF_PAIRS_CHECKED = 200

EXTENSIONS = {
    ".pdf": AttachmentType.PDF,
    ".png": AttachmentType.PNG,
    ".jpg": AttachmentType.JPEG,
    ".jpeg": AttachmentType.JPEG,
    ".step": AttachmentType.STEP,
    ".stp": AttachmentType.STEP,
    ".dxf": AttachmentType.DXF,
}
# The extension given to a file whose own names none of its type's.
CANONICAL_EXTENSION = {
    AttachmentType.PDF: ".pdf",
    AttachmentType.PNG: ".png",
    AttachmentType.JPEG: ".jpg",
    AttachmentType.STEP: ".step",
    AttachmentType.DXF: ".dxf",
}
_GROUP_CODE = re.compile(rb"-?\d{1,4}")
# A suffix that reads as an extension (".html", ".bin"), not a version or a date (".12").
_EXTENSION_LIKE = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,5}")


def _is_pdf(head: bytes) -> bool:
    # The specification lets the header sit anywhere in the first 1,024 bytes.
    return b"%PDF-" in head[:1024]


def _is_png(head: bytes) -> bool:
    return head.startswith(PNG_SIGNATURE) and head[12:16] == b"IHDR"


def _is_jpeg(head: bytes) -> bool:
    return head.startswith(JPEG_SIGNATURE)


def _is_step(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text.startswith(b"ISO-10303-21;") and b"HEADER;" in text[:4096]


def _is_dxf(head: bytes) -> bool:
    """ASCII DXF: alternate lines of integer group codes and values, opening a known section."""
    if head.startswith(DXF_BINARY_SENTINEL):
        return True
    lines = head.lstrip(b"\xef\xbb\xbf").splitlines()
    if len(lines) < 4:
        return False
    pairs = [
        (lines[i].strip(), lines[i + 1].strip())
        for i in range(0, min(len(lines) - 1, 2 * DXF_PAIRS_CHECKED), 2)
    ]
    for code, _value in pairs:
        if not _GROUP_CODE.fullmatch(code):
            return False
    meaningful = [(int(code), value) for code, value in pairs if int(code) != 999]  # 999: comments
    if len(meaningful) < 2:
        return False
    (first_code, first_value), (second_code, second_value) = meaningful[0], meaningful[1]
    return (
        first_code == 0
        and first_value == b"SECTION"
        and second_code == 2
        and second_value.decode("ascii", "replace") in DXF_SECTIONS
    )


SNIFFERS = [
    (AttachmentType.PDF, _is_pdf),
    (AttachmentType.PNG, _is_png),
    (AttachmentType.JPEG, _is_jpeg),
    (AttachmentType.STEP, _is_step),
    (AttachmentType.DXF, _is_dxf),
]
HEAD_BYTES = 64 * 1024


def sniff(head: bytes) -> AttachmentType | None:
    for kind, test in SNIFFERS:
        if test(head):
            return kind
    return None


def attachment_type(*, name: str, head: bytes, size: int, max_bytes: int) -> AttachmentType:
    """The checked type of a file named ``name`` whose first bytes are ``head``; raises
    ``NeedValidationError("attachments", …)`` naming the file otherwise."""
    if size == 0:
        raise NeedValidationError("attachments", _("« %(name)s » est vide.") % {"name": name})
    if size > max_bytes:
        raise NeedValidationError(
            "attachments",
            _("« %(name)s » pèse %(size).1f Mo : %(max).0f Mo au plus par fichier.")
            % {"name": name, "size": size / 1_000_000, "max": max_bytes / 1_000_000},
        )
    kind = sniff(head)
    if kind is None:
        raise NeedValidationError(
            "attachments",
            _("« %(name)s » n’est ni un PDF, ni une image PNG ou JPEG, ni un plan STEP ou DXF.")
            % {"name": name},
        )
    claimed = EXTENSIONS.get(PurePath(name).suffix.lower())
    if claimed is not None and claimed != kind:
        raise NeedValidationError(
            "attachments",
            _(
                "« %(name)s » porte l’extension d’un fichier %(claimed)s "
                "mais son contenu est un fichier %(kind)s."
            )
            % {"name": name, "claimed": claimed.label, "kind": kind.label},
        )
    return kind


def attachment_name(name: str, kind: AttachmentType, *, max_length: int = 200) -> str:
    """``name`` ending with an extension of ``kind``: kept if it has one, else given one."""
    suffix = PurePath(name).suffix
    if EXTENSIONS.get(suffix.lower()) == kind:
        return name
    stem = name[: -len(suffix)] if suffix and _EXTENSION_LIKE.fullmatch(suffix) else name
    extension = CANONICAL_EXTENSION[AttachmentType(kind)]
    return (stem or "fichier")[: max_length - len(extension)] + extension
