import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from maillage.needs.attachments import attachment_name, attachment_type, sniff
from maillage.needs.errors import NeedValidationError
from maillage.needs.models import AttachmentType, NeedAttachment, NetworkNeedSettings
from maillage.needs.services import need_attachment_add
from tests.directory.factories import NetworkFactory
from tests.needs.factories import NeedFactory, member

MB = 1_000_000


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
STEP = (
    b"ISO-10303-21;\nHEADER;\nFILE_DESCRIPTION(('bride'),'2;1');\nFILE_NAME('bride.stp','2026-01-01',(''),(''),'','','');\n"
    b"FILE_SCHEMA(('AUTOMOTIVE_DESIGN'));\nENDSEC;\nDATA;\n#1=CARTESIAN_POINT('',(0.,0.,0.));\nENDSEC;\n"
    b"END-ISO-10303-21;\n"
)
DXF = (
    b"999\nbride\n  0\nSECTION\n  2\nHEADER\n  9\n$ACADVER\n  1\nAC1015\n  0\nENDSEC\n"
    b"  0\nSECTION\n  2\nENTITIES\n  0\nLINE\n  8\n0\n 10\n0.0\n 20\n0.0\n 11\n10.0\n 21\n5.0\n"
    b"  0\nENDSEC\n  0\nEOF\n"
)
DXF_BINARY = b"AutoCAD Binary DXF\r\n\x1a\x00" + b"\x00" * 40


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PDF, AttachmentType.PDF),
        (_png(), AttachmentType.PNG),
        (JPEG, AttachmentType.JPEG),
        (STEP, AttachmentType.STEP),
        (DXF, AttachmentType.DXF),
        (DXF.replace(b"\n", b"\r\n"), AttachmentType.DXF),
        (DXF_BINARY, AttachmentType.DXF),
    ],
)
def test_type_is_told_by_content(content, expected):
    assert sniff(content) == expected


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00\x03\x00\x00\x00",  # a Windows executable
        "Bonjour, voici le plan en pièce jointe.\n".encode(),
        b"0\nSECTION\n2\nNOPE\n",  # group codes, but no known section
        b"  0\nSECTION\nabc\nHEADER\n",  # a value where a group code should be
        b"\x89PNG\r\n\x1a\nnot an IHDR chunk",
        b"ISO-10303-22;\nHEADER;\n",
    ],
)
def test_other_content_is_refused_naming_the_file(content):
    with pytest.raises(NeedValidationError) as error:
        attachment_type(name="plan.pdf", head=content, size=len(content), max_bytes=MB)
    assert error.value.field == "attachments"
    assert "plan.pdf" in error.value.message


def test_an_extension_that_lies_is_refused():
    with pytest.raises(NeedValidationError) as error:
        attachment_type(name="photo.png", head=PDF, size=len(PDF), max_bytes=MB)
    assert "photo.png" in error.value.message and "PDF" in error.value.message


def test_an_unknown_extension_with_known_content_is_accepted():
    assert attachment_type(name="plan-v2.bin", head=STEP, size=len(STEP), max_bytes=MB) == AttachmentType.STEP


def test_empty_and_oversized_files_are_refused():
    with pytest.raises(NeedValidationError, match="vide"):
        attachment_type(name="vide.pdf", head=b"", size=0, max_bytes=MB)
    with pytest.raises(NeedValidationError, match="gros.pdf"):
        attachment_type(name="gros.pdf", head=PDF, size=3 * MB, max_bytes=2 * MB)


@pytest.mark.django_db
def test_service_stores_the_file_under_a_generated_name(settings):
    network = NetworkFactory()
    user, establishment = member(network)
    need = NeedFactory(network=network, author=user, author_establishment=establishment)
    attachment = need_attachment_add(
        need=need, actor=user, name="../../etc/plan bride.dxf", content=io.BytesIO(DXF)
    )
    assert attachment.file_type == AttachmentType.DXF
    assert attachment.name == ".._.._etc_plan bride.dxf"
    assert attachment.size == len(DXF)
    assert attachment.file.name.startswith(f"needs/{need.pk}/") and attachment.file.name.endswith(".dxf")
    assert (settings.MEDIA_ROOT / attachment.file.name).read_bytes() == DXF


@pytest.mark.django_db
def test_the_network_sets_the_size_limit():
    network = NetworkFactory()
    NetworkNeedSettings.objects.create(network=network, attachment_max_mb=1)
    user, establishment = member(network)
    need = NeedFactory(network=network, author=user, author_establishment=establishment)
    big = SimpleUploadedFile("gros.pdf", PDF + b"0" * (2 * MB))
    with pytest.raises(NeedValidationError) as error:
        need_attachment_add(need=need, actor=user, name=big.name, content=big)
    assert "gros.pdf" in error.value.message and "1 Mo" in error.value.message
    assert not need.attachments.exists()


@pytest.mark.parametrize(
    ("name", "content", "stored"),
    [
        ("facture.html", PDF, "facture.pdf"),
        ("logo.svg", PDF, "logo.pdf"),
        ("page.htm", _png(), "page.png"),
        ("plan-v2.bin", STEP, "plan-v2.step"),
        ("Devis 2024.03.12", PDF, "Devis 2024.03.12.pdf"),
        ("plan", DXF, "plan.dxf"),
        ("Photo.JPEG", JPEG, "Photo.JPEG"),
        ("bride.stp", STEP, "bride.stp"),
    ],
)
def test_the_name_carries_the_extension_of_the_detected_type(name, content, stored):
    assert attachment_name(name, sniff(content)) == stored


@pytest.mark.django_db
def test_a_pdf_named_html_is_stored_and_served_as_a_pdf(client):
    network = NetworkFactory()
    user, establishment = member(network)
    need = NeedFactory(network=network, author=user, author_establishment=establishment)
    attachment = need_attachment_add(need=need, actor=user, name="facture.html", content=io.BytesIO(PDF))
    assert attachment.file_type == AttachmentType.PDF and attachment.name == "facture.pdf"
    assert attachment.file.name.endswith(".pdf")
    client.force_login(user)
    response = client.get(f"/besoins/{need.pk}/pieces/{attachment.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="facture.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_an_attachment_stored_before_the_rule_is_served_under_its_type_extension(client):
    network = NetworkFactory()
    user, establishment = member(network)
    need = NeedFactory(network=network, author=user, author_establishment=establishment)
    attachment = need_attachment_add(need=need, actor=user, name="plan.pdf", content=io.BytesIO(PDF))
    NeedAttachment.objects.filter(pk=attachment.pk).update(name="plan.svg")
    client.force_login(user)
    response = client.get(f"/besoins/{need.pk}/pieces/{attachment.pk}/")
    assert response["Content-Disposition"] == 'attachment; filename="plan.pdf"'
