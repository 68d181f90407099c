"""Virus scanning with a real clamd
(README "Attachments: refused files and virus scanning").

The module starts one clamd in the foreground (Debian's clamav-daemon, installed by
scripts/system-deps.sh) with a configuration and a signature database made here: the
EICAR test file by its SHA-256 and size (.hsb) and by its bytes anywhere (.ndb), so
nothing is downloaded. clamd with one signature starts in a fraction of a second. No
mock: the filing talks to it over TCP (and a unix socket) with the INSTREAM protocol.
A machine without clamd fails here with what to install; it never skips.
"""

import base64
import hashlib
import logging
import os
import shutil
import socket
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from backend.accounts.roles import Role
from cases import antivirus, tasks
from cases.models import Attachment, Case
from tests.cases.test_attachment_hostile import opendocument, pdf, stored_files, word
from tests.cases.test_filing_api import PDF, complaint_body

__all__ = ["stored_files"]  # a fixture, used below

# The EICAR anti-virus test file (eicar.org): harmless, detected as a virus on purpose.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SIGNATURE = "Casehandling.Test.EICAR"
# Smaller than ATTACHMENT_MAX_BYTES on purpose: what a too small StreamMaxLength does.
STREAM_MAX_BYTES = 2 * 1024 * 1024
START_SECONDS = 30


@dataclass(frozen=True)
class Clamd:
    tcp: str
    unix: str
    log: Path


def clamd_binary() -> str:
    found = shutil.which("clamd") or next(
        (path for path in ("/usr/sbin/clamd", "/usr/local/sbin/clamd") if os.access(path, os.X_OK)),
        None,
    )
    if found is None:
        pytest.fail(
            "clamd is not installed. scripts/system-deps.sh installs it (Debian package "
            "clamav-daemon); `make test` runs that script. The scanning tests need a real "
            "clamd and are never skipped.",
            pytrace=False,
        )
    return found


def signature_database(folder: Path) -> None:
    """The project's own signatures: EICAR as a whole file (hash) and inside another."""
    digest = hashlib.sha256(EICAR).hexdigest()
    (folder / "casehandling-test.hsb").write_text(f"{digest}:{len(EICAR)}:{SIGNATURE}.File\n")
    (folder / "casehandling-test.ndb").write_text(f"{SIGNATURE}.Body:0:*:{EICAR.hex()}\n")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def clamd_config(folder: Path, port: int) -> Path:
    config = folder / "clamd.conf"
    lines = [
        "Foreground yes",
        f"DatabaseDirectory {folder / 'db'}",
        f"LocalSocket {folder / 'clamd.sock'}",
        "TCPAddr 127.0.0.1",
        f"TCPSocket {port}",
        f"PidFile {folder / 'clamd.pid'}",
        f"TemporaryDirectory {folder}",
        f"LogFile {folder / 'clamd.log'}",
        "SelfCheck 0",
        "Bytecode no",
        f"StreamMaxLength {STREAM_MAX_BYTES}",
        "MaxThreads 4",
        "ReadTimeout 10",
        "CommandReadTimeout 5",
    ]
    config.write_text("\n".join(lines) + "\n")
    return config


@pytest.fixture(scope="module")
def clamd(tmp_path_factory):
    """One clamd for the module, on a free loopback port and a socket in a temp folder;
    up within START_SECONDS or the test fails with clamd's log."""
    binary = clamd_binary()
    folder = tmp_path_factory.mktemp("clamd")
    (folder / "db").mkdir()
    signature_database(folder / "db")
    for _attempt in range(3):  # another process may take the free port first
        port = free_port()
        config = clamd_config(folder, port)
        output = (folder / "clamd.out").open("wb")
        process = subprocess.Popen(  # noqa: S603 - clamd from the system, our own config
            [binary, f"--config-file={config}"], stdout=output, stderr=subprocess.STDOUT
        )
        address = f"tcp://127.0.0.1:{port}"
        deadline = time.monotonic() + START_SECONDS
        while process.poll() is None and time.monotonic() < deadline:
            if antivirus.ping(address, timeout=0.5):
                break
            time.sleep(0.05)
        if process.poll() is None and antivirus.ping(address, timeout=0.5):
            break
        process.kill()
        process.wait(10)
        output.close()
    else:
        log = (folder / "clamd.out").read_text(errors="replace")
        log += (
            (folder / "clamd.log").read_text(errors="replace")
            if (folder / "clamd.log").exists()
            else ""
        )
        pytest.fail(f"clamd did not start within {START_SECONDS} s:\n{log}", pytrace=False)
    try:
        yield Clamd(tcp=address, unix=f"unix://{folder / 'clamd.sock'}", log=folder / "clamd.log")
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        output.close()


@pytest.fixture
def scanning(settings, clamd):
    """Filings scanned by the module's clamd; scanning required (production's default)."""
    settings.CLAMD_ADDRESS = clamd.tcp
    settings.ATTACHMENT_SCAN_REQUIRED = True
    settings.CLAMD_TIMEOUT = 10.0
    antivirus.scanner_forget()
    yield clamd
    antivirus.scanner_forget()


@pytest.fixture
def closed_port():
    """A loopback address nothing listens on: a scanner that is down."""
    return f"tcp://127.0.0.1:{free_port()}"


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


def file_complaint(client, *attachments: tuple[str, bytes]):
    body = complaint_body(
        attachments=[{"filename": name, "content": b64(content)} for name, content in attachments]
    )
    return client.post("/api/v1/complaints", body, format="json")


def filed_for_team(client_for, users, team, *attachments: tuple[str, bytes]) -> Case:
    """Filed by the resident, in the handler's team."""
    response = file_complaint(client_for(users[Role.RESIDENT]), *attachments)
    assert response.status_code == 201, response.content
    case = Case.objects.get(reference=response.json()["reference"])
    Case.objects.filter(pk=case.pk).update(team=team)
    return case


def download(client_for, users, attachment: Attachment):
    return client_for(users[Role.CASE_HANDLER]).get(
        f"/api/v1/cases/{attachment.case.reference}/attachments/{attachment.pk}"
    )


# --- The protocol, against the real daemon ---------------------------------------------


@pytest.mark.parametrize("over", ["tcp", "unix"])
def test_clamd_answers_over_tcp_and_a_unix_socket(clamd, over):
    address = getattr(clamd, over)
    assert antivirus.command(address, b"PING", timeout=5) == "PONG"
    assert antivirus.command(address, b"VERSION", timeout=5).startswith("ClamAV 1.")
    infected = antivirus.verdict_of(antivirus.command(address, b"INSTREAM", EICAR, timeout=5))
    assert infected.verdict == antivirus.INFECTED
    assert infected.signature.startswith(SIGNATURE)  # clamd adds .UNOFFICIAL
    clean = antivirus.verdict_of(antivirus.command(address, b"INSTREAM", PDF, timeout=5))
    assert clean == antivirus.ScanResult(antivirus.CLEAN)


def test_a_large_file_goes_in_chunks(scanning):
    """3 chunks of 64 KiB and a bit, EICAR at the end: the whole stream is scanned."""
    content = b"Bijlage bij mijn bezwaar.\n" * 8000 + EICAR
    assert len(content) > 3 * 64 * 1024
    result = antivirus.scan(content)
    assert result.verdict == antivirus.INFECTED
    assert result.signature == f"{SIGNATURE}.Body.UNOFFICIAL"


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("tcp://127.0.0.1:3310", ("tcp", ("127.0.0.1", 3310))),
        ("clamav:3310", ("tcp", ("clamav", 3310))),
        ("tcp://[::1]:3310", ("tcp", ("::1", 3310))),
        ("unix:///run/clamav/clamd.ctl", ("unix", "/run/clamav/clamd.ctl")),
        ("/run/clamav/clamd.ctl", ("unix", "/run/clamav/clamd.ctl")),
    ],
)
def test_addresses(address, expected):
    assert antivirus.parse_address(address) == expected


@pytest.mark.parametrize("address", ["http://clamav:3310", "clamav", "tcp://clamav"])
def test_a_wrong_address_is_refused(address):
    with pytest.raises(ValueError, match="Not a clamd address"):
        antivirus.parse_address(address)


# --- Filing ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("attachments", "field"),
    [
        ([("eicar.txt", EICAR)], "attachments.0.content"),
        ([("brief.pdf", PDF), ("eicar.com", EICAR)], "attachments.1.content"),
        ([("bijlage.pdf", pdf(b"BT (Zie bijlage) Tj ET", EICAR))], "attachments.0.content"),
        ([("bezwaar.docx", word(**{"word/media/leesmij.txt": EICAR}))], "attachments.0.content"),
        ([("bezwaar.odt", opendocument(**{"Pictures/test.txt": EICAR}))], "attachments.0.content"),
    ],
    ids=["EICAR", "EICAR second", "EICAR in a PDF", "EICAR in a Word part", "EICAR in an ODT"],
)
def test_a_virus_is_refused_and_nothing_is_stored(
    scanning, anon, stored_files, caplog, attachments, field
):
    caplog.set_level(logging.INFO)
    response = file_complaint(anon, *attachments)

    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    (param,) = response.json()["invalidParams"]
    assert param["name"] == field
    assert param["code"] == "infected"
    assert "virusscanner" in param["reason"]
    assert not Case.objects.exists()
    assert not Attachment.objects.exists()
    assert not stored_files()
    (record,) = [r for r in caplog.records if getattr(r, "event", "") == "attachment_infected"]
    assert record.signature.startswith(SIGNATURE)
    for name, _content in attachments:
        assert name not in caplog.text  # the file name may be personal data


@pytest.mark.django_db
def test_a_clean_attachment_is_stored_clean_and_served(scanning, client_for, users, team):
    case = filed_for_team(client_for, users, team, ("brief.pdf", PDF))
    attachment = case.attachments.get()
    assert attachment.scan_status == Attachment.ScanStatus.CLEAN
    assert attachment.scanned_at is not None

    page = client_for(users[Role.CASE_HANDLER]).get(f"/api/v1/cases/{case.reference}").json()
    assert page["attachments"][0]["scanStatus"] == "clean"
    response = download(client_for, users, attachment)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


# --- Quarantine: the scanner down, slow, misconfigured or absent --------------------------


@pytest.mark.faults
@pytest.mark.django_db
def test_scanner_down_the_filing_is_accepted_and_the_file_waits_in_quarantine(
    scanning, settings, closed_port, client_for, users, team
):
    settings.CLAMD_ADDRESS = closed_port
    started = time.monotonic()
    case = filed_for_team(client_for, users, team, ("brief.pdf", PDF))
    assert time.monotonic() - started < 5
    attachment = case.attachments.get()
    assert attachment.scan_status == Attachment.ScanStatus.PENDING

    refused = download(client_for, users, attachment)
    assert refused.status_code == 409
    assert refused["Content-Type"] == "application/problem+json"
    problem = refused.json()
    assert problem["type"].endswith("/attachment-not-scanned")
    assert problem["scanStatus"] == "pending"
    assert "virusscan" in problem["detail"]
    page = client_for(users[Role.CASE_HANDLER]).get(f"/api/v1/cases/{case.reference}").json()
    assert page["attachments"][0]["scanStatus"] == "pending"

    # Still down: the periodic scan leaves it waiting.
    assert tasks.attachments_scan_pending() == {"clean": 0, "infected": 0, "waiting": 1}
    # The scanner is back: the next periodic scan finds it clean and it is served.
    settings.CLAMD_ADDRESS = scanning.tcp
    assert tasks.attachments_scan_pending() == {"clean": 1, "infected": 0, "waiting": 0}
    attachment.refresh_from_db()
    assert attachment.scan_status == Attachment.ScanStatus.CLEAN
    served = download(client_for, users, attachment)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == PDF


@pytest.mark.faults
@pytest.mark.django_db
def test_found_infected_later_it_is_blocked_removed_and_logged_without_personal_data(
    scanning, settings, closed_port, client_for, users, team, caplog
):
    settings.CLAMD_ADDRESS = closed_port
    case = filed_for_team(
        client_for, users, team, ("brief aan Fatima Amrani.txt", EICAR), ("foto.pdf", PDF)
    )
    infected, clean = case.attachments.order_by("pk")
    stored = Path(django_settings.MEDIA_ROOT) / infected.file.name
    assert stored.exists()

    caplog.set_level(logging.INFO)
    settings.CLAMD_ADDRESS = scanning.unix
    assert tasks.attachments_scan_pending() == {"clean": 1, "infected": 1, "waiting": 0}

    infected.refresh_from_db()
    assert infected.scan_status == Attachment.ScanStatus.INFECTED
    assert infected.scan_signature.startswith(SIGNATURE)
    assert not infected.file
    assert not stored.exists()  # nothing left to serve, or to mail
    blocked = download(client_for, users, infected)
    assert blocked.status_code == 410
    assert blocked.json()["type"].endswith("/attachment-infected")
    assert blocked.json()["scanStatus"] == "infected"
    assert download(client_for, users, clean).status_code == 200

    (record,) = [r for r in caplog.records if getattr(r, "event", "") == "attachment_infected"]
    assert (record.attachment, record.case) == (infected.pk, case.pk)
    for personal in ("Fatima", "Amrani", "brief", case.reference, case.subject):
        assert personal not in caplog.text


class SilentScanner:
    """Accepts connections and never answers: a scanner that hangs."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.address = f"tcp://127.0.0.1:{self.server.getsockname()[1]}"
        self.connections: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            self.connections.append(connection)

    def close(self) -> None:
        self.server.close()
        for connection in self.connections:
            connection.close()


@pytest.mark.faults
@pytest.mark.django_db
def test_a_hanging_scanner_holds_a_filing_no_longer_than_its_timeout(scanning, settings, anon):
    silent = SilentScanner()
    try:
        settings.CLAMD_ADDRESS = silent.address
        settings.CLAMD_TIMEOUT = 0.5
        started = time.monotonic()
        first = file_complaint(anon, ("brief.pdf", PDF))
        took = time.monotonic() - started
        second = file_complaint(anon, ("brief.pdf", PDF + b"%"))
    finally:
        silent.close()
    assert (first.status_code, second.status_code) == (201, 201)
    assert took < 5
    # After the time-out the process leaves the scanner alone (CLAMD_RETRY_SECONDS).
    assert len(silent.connections) == 1
    assert set(Attachment.objects.values_list("scan_status", flat=True)) == {"pending"}


@pytest.mark.faults
@pytest.mark.django_db
def test_a_file_over_clamds_stream_limit_waits_and_the_error_is_logged(
    scanning, client_for, users, team, caplog
):
    """clamd's StreamMaxLength below ATTACHMENT_MAX_BYTES is a configuration error: the
    file is not passed unscanned, it waits, and the log says why."""
    caplog.set_level(logging.INFO)
    big = b"Dit is een lange bijlage.\n" * (STREAM_MAX_BYTES // 20)
    case = filed_for_team(client_for, users, team, ("lang.txt", big))
    assert case.attachments.get().scan_status == Attachment.ScanStatus.PENDING
    (record,) = [r for r in caplog.records if getattr(r, "event", "") == "virus_scan_error"]
    assert "size limit" in record.getMessage()


@pytest.mark.django_db
def test_without_a_scanner_attachments_wait_unless_scanning_is_switched_off(
    settings, client_for, users, team
):
    """The embedded default has no clamd: with scanning required (the default) files wait;
    ATTACHMENT_SCAN_REQUIRED=false serves files not scanned (never infected ones)."""
    settings.CLAMD_ADDRESS = ""
    settings.ATTACHMENT_SCAN_REQUIRED = True
    antivirus.scanner_forget()
    case = filed_for_team(client_for, users, team, ("brief.pdf", PDF))
    attachment = case.attachments.get()
    assert attachment.scan_status == Attachment.ScanStatus.PENDING
    assert download(client_for, users, attachment).status_code == 409
    assert tasks.attachments_scan_pending() == {"clean": 0, "infected": 0, "waiting": 1}

    settings.ATTACHMENT_SCAN_REQUIRED = False
    assert download(client_for, users, attachment).status_code == 200
    Attachment.objects.filter(pk=attachment.pk).update(scan_status="infected")
    assert download(client_for, users, attachment).status_code == 410


def test_beat_runs_the_periodic_scan():
    from backend.celery import app

    entry = django_settings.CELERY_BEAT_SCHEDULE["attachments-scan-pending"]
    assert entry["task"] == "cases.tasks.attachments_scan_pending"
    assert entry["schedule"] == django_settings.ATTACHMENT_SCAN_RETRY_SECONDS
    assert entry["task"] in app.tasks
