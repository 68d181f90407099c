"""A body sent in chunks (Transfer-Encoding: chunked) through the real web server: filed
when within the size limit, 413 problem+json beyond it - not a puzzling 400 for an empty
body, not a dropped connection.

Gunicorn serves the project (as the image does) against the test database; the test is
transactional so the server sees what it commits.
"""

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from cases.models import Case
from tests.cases.test_filing_api import complaint_body
from tests.conftest import roles_create

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.faults]
ROOT = Path(__file__).resolve().parents[2]
LIMIT = 20_000


@pytest.fixture
def server(transactional_db):
    roles_create()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    database = connection.settings_dict
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "backend.settings",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
        f"{database['NAME']}",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "chunked-test-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_READ_DOT_ENV": "false",
        "CELERY_BROKER_URL": "memory://",
        "MAX_REQUEST_BYTES": str(LIMIT),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [str(Path(sys.executable).parent / "gunicorn"), "backend.wsgi:application"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            assert process.poll() is None, process.stderr.read().decode()[-3000:]
            time.sleep(0.2)
    yield port
    process.terminate()
    process.wait(timeout=30)


def post_in_chunks(port: int, payload: bytes, size: int = 1000) -> http.client.HTTPResponse:
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    chunks = (payload[i : i + size] for i in range(0, len(payload), size))
    client.request(
        "POST",
        "/api/v1/complaints",
        body=chunks,
        headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        encode_chunked=True,
    )
    return client.getresponse()


def test_a_filing_sent_in_chunks_is_filed(server):
    response = post_in_chunks(server, json.dumps(complaint_body()).encode())
    body = json.loads(response.read())
    assert response.status == 201, body
    assert Case.objects.get(reference=body["reference"]).subject == complaint_body()["subject"]


def test_chunks_beyond_the_limit_answer_413_problem_json(server):
    payload = json.dumps(complaint_body(description="x" * (LIMIT * 2))).encode()
    response = post_in_chunks(server, payload)
    assert response.status == 413
    assert response.getheader("Content-Type") == "application/problem+json"
    assert json.loads(response.read())["status"] == 413
    assert not Case.objects.exists()
