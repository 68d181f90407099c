"""Attachment checks: the type is read from the content, never taken from the client, and
a file that carries a program, an archive or macros is refused (``refusal``)."""

import io
import os
import re
import struct
import zipfile
import zlib

from django.utils.translation import gettext_lazy as _

_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_ODT = "application/vnd.oasis.opendocument.text"


def sniff_content_type(content: bytes) -> str | None:
    """The media type the bytes really are, for the types we know; None otherwise."""
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"PK\x03\x04"):
        return _sniff_zip(content)
    if b"\x00" not in content:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return "text/plain"
    return None


# A real office document unpacks to a few times its size (XML compresses well, images
# not at all); a zip bomb to thousands of times. Neither limit is reached by a document
# a resident sends, and the archive's own directory says how far it would unpack
# before anything is read.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_UNPACK_RATIO = 200


def _sniff_zip(content: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            unpacked = sum(member.file_size for member in members)
            if unpacked > MAX_UNPACKED_BYTES or unpacked > MAX_UNPACK_RATIO * len(content):
                return None  # no document expands like this: refused, never unpacked
            names = {member.filename for member in members}
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    # At most the length of the ODF type (the directory could lie).
                    if member.read(len(_ODT) + 2).strip() == _ODT.encode():
                        return _ODT
            if "word/document.xml" in names:
                return _DOCX
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, RuntimeError, ValueError):
        return None
    return None


# --- Hostile content -------------------------------------------------------------------
# A file of an accepted type can still carry something else: a program glued into a PDF
# or an image (a polyglot: a PDF reader shows the letter, Windows runs the program), an
# archive appended after the end, macros or OLE objects in a Word or OpenDocument text.
# A resident's scan or letter never carries any of these, so such files are refused, not
# cleaned: cleaning would change the document a case is decided on, and a refusal with a
# reason lets the resident send it again as plain PDF. Each check reads a bounded amount.

EXECUTABLE = "executable"  # a program (Windows PE, ELF, Mach-O, a script) inside the file
HIDDEN_ARCHIVE = "hidden_archive"  # an archive (zip, rar, 7z) appended to or inside it
ACTIVE_CONTENT = "active_content"  # macros, OLE objects, templates loaded from outside
UNREADABLE = "unreadable"  # a document whose parts cannot be checked (encrypted, corrupt)
INFECTED = "infected"  # the virus scanner found something (cases.antivirus)

# What the resident reads next to the attachment (invalidParams), by code.
REFUSAL_MESSAGES = {
    EXECUTABLE: _(
        "This file contains a program. Programs are not accepted: send the document "
        "itself, for example as a PDF."
    ),
    HIDDEN_ARCHIVE: _(
        "Another file or an archive is hidden in this file. Send the document itself, "
        "for example as a PDF."
    ),
    ACTIVE_CONTENT: _(
        "This document contains macros, embedded objects or links that load content from "
        "elsewhere. Save it without them, or as a PDF, and send it again."
    ),
    UNREADABLE: _(
        "This document is protected with a password or damaged, so it cannot be checked. "
        "Send it without a password, or as a PDF."
    ),
    INFECTED: _("The virus scanner found harmful content in this file. It was not accepted."),
}

# More than this many "MZ" (or Mach-O magic) candidates in one file: no document has them
# (random data has one "MZ" in 65,536 bytes), and checking on would only cost time.
_MAX_CANDIDATES = 100_000
_DOS_STUBS = (b"This program cannot be run in DOS mode", b"This program must be run under Win32")
# ELF: magic, 32/64 bit, little/big endian, version 1.
_ELF = re.compile(rb"\x7fELF[\x01\x02][\x01\x02]\x01")
_MACHO_MAGICS = (b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe")
_MACHO_CPUS = frozenset({7, 12, 18, 0x01000007, 0x0100000C, 0x01000012})  # x86, arm, ppc
_ARCHIVES = (b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: VBA projects, OLE objects
# What a member of a Word or OpenDocument package may not begin with.
_PROGRAM_HEADS = (
    b"\x7fELF",
    b"#!/",  # a script
    b"#! /",
    b"\xca\xfe\xba\xbe",  # Java class, Mach-O universal binary
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
)
# Members named as programs or scripts Windows (or a Java runtime) would run.
PROGRAM_SUFFIXES = frozenset(
    {
        *(".exe", ".dll", ".scr", ".bat", ".cmd", ".com", ".pif", ".cpl", ".msi", ".msp"),
        *(".msc", ".js", ".jse", ".vbs", ".vbe", ".wsf", ".wsh", ".hta", ".ps1", ".psm1"),
        *(".jar", ".class", ".lnk", ".reg", ".sh", ".so", ".dylib", ".apk"),
    }
)
# OpenDocument: Basic modules and scripts live in these folders (their index files alone,
# which LibreOffice may write for an empty library, are harmless).
_ODF_MACRO_FOLDERS = ("basic/", "scripts/")
_ODF_LIBRARY_INDEXES = frozenset(
    {"script-lc.xml", "script-lb.xml", "dialog-lc.xml", "dialog-lb.xml"}
)
# Office Open XML relationships that make Word fetch and run something from outside when
# the document opens (remote templates with macros, "Follina"-style linked objects).
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_EXTERNAL = re.compile(rb"""TargetMode\s*=\s*["']External["']""")
_ACTIVE_TYPES = re.compile(
    rb"""Type\s*=\s*["'][^"']*/(?:oleObject|attachedTemplate|subDocument|frame)["']"""
)
_HEAD_BYTES = 4096
_MAX_PE_OFFSET = 1024 * 1024
_MAX_MEMBERS = 10_000
_MAX_RELATIONSHIP_BYTES = 1024 * 1024
_MAX_NESTED_BYTES = 10 * 1024 * 1024  # an embedded workbook behind a chart: kilobytes
_MAX_DEPTH = 2
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    KeyError,
    OSError,
    EOFError,
    RuntimeError,
    ValueError,
    NotImplementedError,  # zipfile: a compression method or encryption it cannot read
    struct.error,
)


def refusal(content: bytes, content_type: str) -> str | None:
    """Why a file of an accepted type is refused all the same (one of the codes above),
    or None. ``content_type`` is what ``sniff_content_type`` found."""
    found = carried_program(content, text=content_type == "text/plain")
    if found:
        return found
    if content_type in (_DOCX, _ODT):
        return _package_refusal(content, depth=0)
    if any(marker in content for marker in _ARCHIVES) or appended_zip(content):
        return HIDDEN_ARCHIVE
    return None


def carried_program(content: bytes, *, text: bool = False) -> str | None:
    """EXECUTABLE when a Windows, Linux or macOS program lies anywhere in the bytes. Text
    (no NUL byte, valid UTF-8) cannot hold a Windows or macOS header: only ELF is sought."""
    if _ELF.search(content):
        return EXECUTABLE
    if text:
        return None
    if any(stub in content for stub in _DOS_STUBS):
        return EXECUTABLE
    checks = [(b"MZ", _pe_header_at)] + [(magic, _macho_at) for magic in _MACHO_MAGICS]
    for magic, check in checks:
        position = content.find(magic)
        candidates = 0
        while position != -1:
            candidates += 1
            if candidates > _MAX_CANDIDATES or check(content, position):
                return EXECUTABLE
            position = content.find(magic, position + 1)
    return None


def _pe_header_at(content: bytes, start: int) -> bool:
    """An MZ header whose e_lfanew (at 0x3C) points at a "PE\\0\\0" signature."""
    if start + 0x40 > len(content):
        return False
    (offset,) = struct.unpack_from("<I", content, start + 0x3C)
    header = start + offset
    return offset > 0 and content[header : header + 4] == b"PE\0\0"


def _macho_at(content: bytes, start: int) -> bool:
    order = ">" if content[start] == 0xFE else "<"
    if start + 8 > len(content):
        return False
    (cpu,) = struct.unpack_from(f"{order}I", content, start + 4)
    return cpu in _MACHO_CPUS


def appended_zip(content: bytes) -> bool:
    """Whether a zip archive ends the bytes: an end-of-directory record in the last 64 KiB
    whose central directory is where it says (what unzip finds after a PDF or an image)."""
    tail_start = max(0, len(content) - (0xFFFF + 22))
    end = content.rfind(b"PK\x05\x06", tail_start)
    while end != -1:
        if end + 22 <= len(content):
            size, offset = struct.unpack_from("<II", content, end + 12)
            if size == 0xFFFFFFFF or offset == 0xFFFFFFFF:  # zip64: its locator precedes
                if content[end - 20 : end - 16] == b"PK\x06\x07":
                    return True
            elif size and content[end - size : end - size + 4] == b"PK\x01\x02":
                return True
        end = content.rfind(b"PK\x05\x06", tail_start, end)
    return False


def _package_refusal(content: bytes, *, depth: int) -> str | None:
    """Check each part of a Word or OpenDocument package by name and by its first bytes,
    and an embedded package (the workbook behind a chart) the same way, bounded."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            if len(members) > _MAX_MEMBERS:
                return UNREADABLE
            for member in members:
                found = _member_refusal(archive, member, depth=depth)
                if found:
                    return found
    except _ZIP_ERRORS:
        return UNREADABLE
    return None


def _member_refusal(archive: zipfile.ZipFile, member: zipfile.ZipInfo, *, depth: int) -> str | None:
    name = member.filename.lower()
    base = name.rsplit("/", 1)[-1]
    if os.path.splitext(base)[1] in PROGRAM_SUFFIXES:
        return EXECUTABLE
    if base in ("vbaproject.bin", "vbadata.xml") or "activex/" in name:
        return ACTIVE_CONTENT
    macro_folder = name.startswith(_ODF_MACRO_FOLDERS) and not member.is_dir()
    if macro_folder and base not in _ODF_LIBRARY_INDEXES:
        return ACTIVE_CONTENT
    if member.is_dir():
        return None
    if member.flag_bits & 0x1:  # encrypted: nothing can be checked
        return UNREADABLE
    with archive.open(member) as part:
        head = part.read(_HEAD_BYTES)
        if head.startswith(b"MZ") and len(head) >= 0x40:
            # A Windows program: its PE header may lie beyond the first bytes.
            (offset,) = struct.unpack_from("<I", head, 0x3C)
            if len(head) < offset + 4 <= _MAX_PE_OFFSET:
                head += part.read(offset + 4 - len(head))
            if _pe_header_at(head, 0) or any(stub in head for stub in _DOS_STUBS):
                return EXECUTABLE
        if head.startswith(_PROGRAM_HEADS):
            return EXECUTABLE
        if head.startswith(_OLE):
            return ACTIVE_CONTENT
        if head.startswith(_ARCHIVES):
            return HIDDEN_ARCHIVE
        if name.endswith(".rels"):
            rest = part.read(_MAX_RELATIONSHIP_BYTES - len(head) + 1)
            return _relationships_refusal(head + rest)
        if head.startswith(b"PK\x03\x04"):
            return _nested_refusal(head + part.read(_MAX_NESTED_BYTES - len(head) + 1), depth)
    return None


def _relationships_refusal(xml: bytes) -> str | None:
    if len(xml) > _MAX_RELATIONSHIP_BYTES:
        return UNREADABLE
    for relationship in _RELATIONSHIP.finditer(xml):
        tag = relationship.group()
        if _EXTERNAL.search(tag) and _ACTIVE_TYPES.search(tag):
            return ACTIVE_CONTENT
    return None


def _nested_refusal(content: bytes, depth: int) -> str | None:
    """An embedded package: only another office document is expected there."""
    if len(content) > _MAX_NESTED_BYTES or depth >= _MAX_DEPTH:
        return UNREADABLE
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            unpacked = sum(member.file_size for member in members)
            names = {member.filename for member in members}
    except _ZIP_ERRORS:
        return UNREADABLE
    if unpacked > MAX_UNPACKED_BYTES or unpacked > MAX_UNPACK_RATIO * len(content):
        return UNREADABLE
    if "[Content_Types].xml" not in names and "mimetype" not in names:
        return HIDDEN_ARCHIVE  # a plain archive, not an office document
    return _package_refusal(content, depth=depth + 1)
