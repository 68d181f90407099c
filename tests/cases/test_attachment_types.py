"""Attachment types read from the content: office documents recognised, zip bombs refused
before anything is unpacked (their directory says how far they would expand)."""

import base64
import io
import zipfile

import pytest

from cases.attachments import MAX_UNPACK_RATIO, sniff_content_type
from cases.models import Case
from tests.cases.test_filing_api import complaint_body

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"


def archive(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as zipped:
        for name, data in members.items():
            zipped.writestr(name, data)
    return buffer.getvalue()


def document_xml() -> bytes:
    paragraph = b"<w:p><w:r><w:t>Ik maak bezwaar tegen het besluit van 3 maart.</w:t></w:r></w:p>"
    return b"<w:document><w:body>" + paragraph * 40 + b"</w:body></w:document>"


def test_a_word_document_and_an_opendocument_text_are_recognised():
    docx = archive({"[Content_Types].xml": b"<Types/>", "word/document.xml": document_xml()})
    odt = archive({"mimetype": ODT.encode(), "content.xml": document_xml()}, zipfile.ZIP_STORED)
    assert sniff_content_type(docx) == DOCX
    assert sniff_content_type(odt) == ODT


@pytest.mark.parametrize("member", ["mimetype", "word/document.xml"])
def test_a_zip_bomb_is_refused_unread(member):
    bomb = archive({member: b"\0" * (40 * 1024 * 1024)})
    assert len(bomb) < 100 * 1024  # 40 MiB of zeros packs to some 40 KiB
    assert sniff_content_type(bomb) is None


def test_a_long_document_passes():
    """Fifty pages of text: XML that compresses well, far from a bomb's ratio."""
    text = "".join(
        f"<w:p><w:r><w:t>Regel {n}: de brief van {n % 28 + 1} maart, kenmerk {n * 7919 % 10007}."
        "</w:t></w:r></w:p>"
        for n in range(3000)
    ).encode()
    docx = archive({"[Content_Types].xml": b"<Types/>", "word/document.xml": text})
    assert 10 * len(docx) < len(text) < MAX_UNPACK_RATIO * len(docx)
    assert sniff_content_type(docx) == DOCX


@pytest.mark.django_db
def test_a_filing_with_a_zip_bomb_is_refused_and_stores_nothing(anon):
    bomb = archive({"word/document.xml": b"\0" * (40 * 1024 * 1024)})
    body = complaint_body(
        attachments=[{"filename": "bezwaar.docx", "content": base64.b64encode(bomb).decode()}]
    )
    response = anon.post("/api/v1/complaints", body, format="json")
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "attachments.0.content"
    assert not Case.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("klacht.html", b"<html><script>fetch('/api/v1/cases')</script></html>"),
        ("kaart.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'),
    ],
)
def test_script_sent_as_text_is_only_ever_downloaded_as_text(
    client_for, users, team, filename, content
):
    """HTML or SVG with script is text to the sniffer: kept, but a browser never runs it -
    served as text/plain, as a download, without type sniffing, under the CSP."""
    from backend.accounts.roles import Role

    resident = client_for(users[Role.RESIDENT])
    body = complaint_body(
        attachments=[{"filename": filename, "content": base64.b64encode(content).decode()}]
    )
    reference = resident.post("/api/v1/complaints", body, format="json").json()["reference"]
    Case.objects.filter(reference=reference).update(team=team)
    case = Case.objects.get(reference=reference)
    attachment = case.attachments.get()
    assert attachment.content_type == "text/plain"

    download = client_for(users[Role.CASE_HANDLER]).get(
        f"/api/v1/cases/{reference}/attachments/{attachment.pk}"
    )
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/plain")
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self'" in download["Content-Security-Policy"]
