"""Virus scanning of attachments with ClamAV's ``clamd``, over its own socket protocol.

Every attachment is sent to clamd while the filing is validated (``INSTREAM`` on
``CLAMD_ADDRESS``: ``tcp://host:3310`` or ``unix:///run/clamav/clamd.ctl``):

- found infected: the filing is refused (400, the attachment's field named), nothing stored;
- found clean: stored as ``clean``;
- the scanner down, slow or not configured: the filing goes through, the attachment waits in
  quarantine (``pending``) and is not served until ``attachments_scan_pending`` (beat,
  every ``ATTACHMENT_SCAN_RETRY_SECONDS``) finds it clean. Found infected then, it is
  blocked for good: never served, its stored file removed, the event logged (ids and the
  signature name only).

The protocol is small enough to speak with the standard library (a command, the file in
length-prefixed chunks, a zero-length chunk, one reply line); the PyPI clients
(``clamd``, ``pyclamd``) have not been maintained for years. After a failure a process
leaves the scanner alone for ``CLAMD_RETRY_SECONDS``, so a scanner that is down costs a
filing nothing but the quarantine (the broker is treated the same way, ``backend.tasks``).
"""

import logging
import socket
import struct
import threading
import time
import urllib.parse
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.api.errors import Problem
from cases.models import Attachment

logger = logging.getLogger(__name__)

CLEAN = "clean"
INFECTED = "infected"
UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class ScanResult:
    verdict: str  # CLEAN, INFECTED or UNAVAILABLE
    signature: str = ""  # clamd's name for what it found (never the file's content)
    reason: str = ""  # why there is no verdict


class ScannerError(Exception):
    """clamd answered something that is not a reply to the command."""


# --- The clamd protocol ----------------------------------------------------------------

_CHUNK = 64 * 1024
_MAX_REPLY = 4096


def parse_address(address: str) -> tuple[str, str | tuple[str, int]]:
    """``tcp://host:port`` (IPv6: ``[::1]``), ``unix:///path``, ``host:port`` or ``/path`` as
    ``("tcp", (host, port))`` or ``("unix", path)``."""
    if address.startswith("/"):
        return "unix", address
    parsed = urllib.parse.urlsplit(address if "://" in address else f"tcp://{address}")
    if parsed.scheme == "unix":
        return "unix", parsed.path
    if parsed.scheme != "tcp" or not parsed.hostname or not parsed.port:
        raise ValueError(f"Not a clamd address: {address!r} (tcp://host:port or unix:///path)")
    return "tcp", (parsed.hostname, parsed.port)


def _connect(address: str, timeout: float) -> socket.socket:
    kind, target = parse_address(address)
    if kind == "unix":
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(target)
        except OSError:
            sock.close()
            raise
        return sock
    return socket.create_connection(target, timeout=timeout)


def command(address: str, name: bytes, stream: bytes | None = None, *, timeout: float) -> str:
    """Send one command (``PING``, ``VERSION``, ``INSTREAM`` with ``stream``) and return
    clamd's reply. ``timeout`` bounds the connection and each send and receive."""
    with _connect(address, min(timeout, settings.CLAMD_CONNECT_TIMEOUT)) as sock:
        sock.settimeout(timeout)
        sock.sendall(b"z" + name + b"\0")  # z: replies end in NUL
        if stream is not None:
            try:
                view = memoryview(stream)
                for start in range(0, len(view), _CHUNK):
                    chunk = view[start : start + _CHUNK]
                    sock.sendall(struct.pack("!L", len(chunk)))
                    sock.sendall(chunk)
                sock.sendall(struct.pack("!L", 0))
            except (BrokenPipeError, ConnectionResetError):
                pass  # clamd stopped reading (its size limit): the reply says why
        return _reply(sock)


def _reply(sock: socket.socket) -> str:
    data = b""
    while not data.endswith(b"\0"):
        try:
            part = sock.recv(_MAX_REPLY)
        except ConnectionResetError:
            part = b""
        if not part:
            if data:
                break
            raise ScannerError("clamd closed the connection without a reply")
        data += part
        if len(data) > _MAX_REPLY:
            raise ScannerError("clamd's reply is too long")
    return data.rstrip(b"\0").decode("utf-8", "replace").strip()


def verdict_of(reply: str) -> ScanResult:
    """``stream: OK``, ``stream: <signature> FOUND`` or ``<message> ERROR``."""
    if reply == "stream: OK":
        return ScanResult(CLEAN)
    if reply.startswith("stream: ") and reply.endswith(" FOUND"):
        return ScanResult(INFECTED, signature=reply[len("stream: ") : -len(" FOUND")][:200])
    return ScanResult(UNAVAILABLE, reason=reply[:200] or "no reply")


def ping(address: str, *, timeout: float = 2.0) -> bool:
    try:
        return command(address, b"PING", timeout=timeout) == "PONG"
    except (OSError, ScannerError, ValueError):
        return False


# --- Scanning --------------------------------------------------------------------------

_lock = threading.Lock()
_down_until: dict[str, float] = {}


def scan(content: bytes, *, retry_now: bool = False) -> ScanResult:
    """clamd's verdict on ``content``; UNAVAILABLE when there is no scanner, it failed a
    moment ago (unless ``retry_now``), or it cannot be reached or answer in time."""
    address = settings.CLAMD_ADDRESS
    if not address:
        return ScanResult(UNAVAILABLE, reason="no scanner configured (CLAMD_ADDRESS)")
    if not retry_now and time.monotonic() < _down_until.get(address, 0.0):
        return ScanResult(UNAVAILABLE, reason="the scanner failed a moment ago")
    try:
        reply = command(address, b"INSTREAM", content, timeout=settings.CLAMD_TIMEOUT)
    except (OSError, ScannerError, ValueError) as error:  # refused, timed out, cut off
        with _lock:
            _down_until[address] = time.monotonic() + settings.CLAMD_RETRY_SECONDS
        logger.warning(
            "Virus scanner at %s not available (%s): attachments wait in quarantine",
            address,
            type(error).__name__,
            extra={"event": "virus_scanner_unavailable"},
        )
        return ScanResult(UNAVAILABLE, reason=type(error).__name__)
    with _lock:
        _down_until.pop(address, None)
    result = verdict_of(reply)
    if result.verdict == UNAVAILABLE:
        # e.g. "INSTREAM size limit exceeded": clamd's StreamMaxLength is below
        # ATTACHMENT_MAX_BYTES. The file waits in quarantine; the setting needs fixing.
        logger.error(
            "Virus scanner could not scan an attachment of %d bytes: %s",
            len(content),
            result.reason,
            extra={"event": "virus_scan_error"},
        )
    return result


def scanner_forget() -> None:
    """Forget every scanner found down (tests)."""
    with _lock:
        _down_until.clear()


def upload_scan(content: bytes, content_type: str) -> ScanResult:
    """Scan an attachment being filed. Infected: logged (type, size, signature; no name,
    no case: there is none yet)."""
    result = scan(content)
    if result.verdict == INFECTED:
        logger.warning(
            "Attachment refused: the virus scanner found %s (%s, %d bytes)",
            result.signature,
            content_type,
            len(content),
            extra={"event": "attachment_infected", "signature": result.signature},
        )
    return result


# --- Quarantine ------------------------------------------------------------------------


def servable(attachment: Attachment) -> bool:
    """Found clean; or, with ATTACHMENT_SCAN_REQUIRED off, not (yet) scanned. Never infected."""
    status = attachment.scan_status
    if status == attachment.ScanStatus.CLEAN:
        return True
    if status == attachment.ScanStatus.INFECTED:
        return False
    return not settings.ATTACHMENT_SCAN_REQUIRED


class AttachmentNotScanned(Problem):
    status_code = 409
    slug = "attachment-not-scanned"
    default_detail = _(
        "This attachment is waiting for the virus scan and cannot be opened yet. Try again later."
    )


class AttachmentInfected(Problem):
    status_code = 410
    slug = "attachment-infected"
    default_detail = _(
        "The virus scanner found harmful content in this attachment. "
        "It has been blocked and cannot be opened."
    )


def refusal_problem(attachment: Attachment) -> Problem:
    """Why an attachment that is not ``servable`` is not served."""
    extra = {"scan_status": attachment.scan_status}
    if attachment.scan_status == attachment.ScanStatus.INFECTED:
        return AttachmentInfected(extra=extra)
    return AttachmentNotScanned(extra=extra)


def attachments_scan_pending(*, batch: int = 100, seconds: float | None = None) -> dict[str, int]:
    """Scan attachments waiting in quarantine, oldest first, for at most ``seconds``
    (default: most of the interval beat runs this at; the next run goes on). Stops at the
    scanner's first failure. Safe to run twice at once: a row changes only while pending."""
    pending = Attachment.ScanStatus.PENDING
    counts = {"clean": 0, "infected": 0, "waiting": 0}
    if not settings.CLAMD_ADDRESS:
        counts["waiting"] = Attachment.objects.filter(scan_status=pending).count()
        return counts
    budget = 0.8 * settings.ATTACHMENT_SCAN_RETRY_SECONDS if seconds is None else seconds
    started = time.monotonic()
    last = 0
    scanner_up = True
    while scanner_up and time.monotonic() - started < budget:
        ids = list(
            Attachment.objects.filter(scan_status=pending, pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch]
        )
        if not ids:
            break
        for pk in ids:
            last = pk
            if time.monotonic() - started >= budget:
                break
            verdict = _scan_stored(pk)
            if verdict == UNAVAILABLE:
                scanner_up = False
                break
            if verdict in counts:
                counts[verdict] += 1
    counts["waiting"] = Attachment.objects.filter(scan_status=pending).count()
    return counts


def _scan_stored(pk: int) -> str | None:
    """Scan one pending attachment's stored file: its verdict, None if there was nothing
    to do (no longer pending, or its file is missing)."""
    pending = Attachment.ScanStatus.PENDING
    attachment = Attachment.objects.filter(pk=pk, scan_status=pending).first()
    if attachment is None:
        return None
    try:
        with attachment.file.open("rb") as stored:
            content = stored.read()
    except (OSError, ValueError):
        logger.error(
            "Attachment %s has no stored file; it stays in quarantine",
            pk,
            extra={"event": "attachment_file_missing", "attachment": pk},
        )
        return None
    result = scan(content, retry_now=True)
    if result.verdict == CLEAN:
        Attachment.objects.filter(pk=pk, scan_status=pending).update(
            scan_status=Attachment.ScanStatus.CLEAN, scanned_at=timezone.now()
        )
    elif result.verdict == INFECTED:
        _block(attachment, result.signature)
    return result.verdict


def _block(attachment: Attachment, signature: str) -> None:
    """Mark infected, then remove the stored file: nothing is left to serve or mail."""
    stored_name = attachment.file.name
    blocked = Attachment.objects.filter(
        pk=attachment.pk, scan_status=Attachment.ScanStatus.PENDING
    ).update(
        scan_status=Attachment.ScanStatus.INFECTED,
        scanned_at=timezone.now(),
        scan_signature=signature,
        file="",
    )
    if blocked:
        attachment.file.storage.delete(stored_name)
        # Ids and the signature only: the file name and the case's text are personal data.
        logger.warning(
            "Attachment %s of case %s blocked: the virus scanner found %s",
            attachment.pk,
            attachment.case_id,
            signature,
            extra={
                "event": "attachment_infected",
                "attachment": attachment.pk,
                "case": attachment.case_id,
                "signature": signature,
            },
        )
