"""Attachment checks: the type is read from the content, never taken from the client."""

import io
import zipfile

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
