"""The embedded default under a burst: web, worker and beat as ``make run`` starts them,
on one SQLite file and the filesystem broker. Parallel filings, steps and contact
moments must give no "database is locked", no failed task and no 5xx."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.cases.test_filing_api import complaint_body

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 8
FILINGS_EACH = 5


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _call(base: str, method: str, path: str, token: str = "", body: dict | None = None):
    request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 only
        f"{base}{path}",
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={
            "Content-Type": "application/json",
            "Accept": "application/json",
            **({"Authorization": f"Token {token}"} if token else {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - localhost
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")[:500]
    except (urllib.error.URLError, ConnectionError) as error:  # not listening (yet)
        return 0, str(error)


@pytest.fixture
def embedded(tmp_path):
    """A migrated embedded setup in its own folder, and the handler's demo token."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(
        DJANGO_VAR_DIR=str(tmp_path / "var"),
        DJANGO_DEBUG="true",
        DJANGO_SECRET_KEY="embedded-burst-test",
        DJANGO_READ_DOT_ENV="false",
        THROTTLE_ANON_FILING="10000/hour",
        # The handler confirms receipt in this burst (as for a phone filing); the service's
        # own receipts race it otherwise (tests/cases/test_auto_receipt.py has them).
        AUTO_RECEIPT_CHANNELS="",
        PYTHONUNBUFFERED="1",
    )
    manage = [sys.executable, "manage.py"]
    run = {"cwd": ROOT, "env": environment, "check": True, "text": True}
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], timeout=300, **run)  # noqa: S603
    seeded = subprocess.run([*manage, "seed_demo"], capture_output=True, timeout=120, **run)  # noqa: S603
    tokens = dict(re.findall(r"^\s+(\S+)\s+\S+\s+Token (\S+)$", seeded.stdout, re.MULTILINE))
    return environment, tokens["case_handler"]


def test_a_burst_on_the_embedded_default_locks_nothing(embedded, tmp_path):
    environment, handler = embedded
    port = _free_port()
    base = f"http://127.0.0.1:{port}/api/v1"
    log = (tmp_path / "stack.log").open("w")
    stack = subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "manage.py", "runstack", "--port", str(port)],
        cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        for _ in range(120):
            if _call(base, "GET", "/health/ready")[0] == 200:
                break
            time.sleep(0.5)
        else:
            pytest.fail("the stack did not come up")

        def file_and_handle(client: int) -> list[int]:
            statuses = []
            for each in range(FILINGS_EACH):
                body = complaint_body(subject=f"Burst {client}-{each}")
                status, filed = _call(base, "POST", "/complaints", body=body)
                statuses.append(status)
                if status != 201:
                    continue
                reference = filed["reference"]
                for path, payload in [
                    (f"/complaints/{reference}/steps/confirm-receipt", {}),
                    (f"/cases/{reference}/contact-moments", {"outcome": "reached"}),
                    (f"/cases/{reference}/notes", {"text": "Gebeld."}),
                ]:
                    statuses.append(_call(base, "POST", path, handler, payload)[0])
            return statuses

        with ThreadPoolExecutor(CLIENTS) as pool:
            statuses = [s for batch in pool.map(file_and_handle, range(CLIENTS)) for s in batch]

        # The worker renders the receipt letters the steps asked for.
        def letters_made() -> int:
            status, page = _call(base, "GET", "/cases?pageSize=100&q=Burst", handler)
            assert status == 200, page
            made = 0
            for case in page["results"]:
                status, letters = _call(base, "GET", f"/cases/{case['reference']}/letters", handler)
                made += status == 200 and bool(letters["results"])
            return made

        made = 0
        for _ in range(120):
            made = letters_made()
            if made == CLIENTS * FILINGS_EACH:
                break
            time.sleep(1)
    finally:
        stack.send_signal(signal.SIGINT)
        try:
            stack.wait(timeout=30)
        except subprocess.TimeoutExpired:
            stack.kill()
        log.close()
    output = (tmp_path / "stack.log").read_text(errors="replace")

    assert [s for s in statuses if s >= 500] == []
    # each filing: 201 for the case, 200 for the step, 201 for the contact and the note
    assert (statuses.count(201), statuses.count(200)) == (
        3 * CLIENTS * FILINGS_EACH,
        CLIENTS * FILINGS_EACH,
    )
    assert "database is locked" not in output
    assert not re.search(r"Task \S+\[[^\]]+\] raised", output), output[-3000:]
    assert all(s < 400 for s in statuses), statuses
    assert made == CLIENTS * FILINGS_EACH  # every receipt letter rendered by the worker
