"""Over-long URLs and headers: 414 problem+json from Django up to what gunicorn accepts,
gunicorn's own 4xx beyond it - never a dropped connection or a 5xx, and never the URL in
a log (a query string may hold a name).

In process (the middleware, before authentication and the database) and through the real
web server, as the image runs it (``gunicorn.conf.py``).
"""

import json
import logging
import os
import socket
import subprocess
import sys
import tempfile
import time
from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

# Every test has the test database: the server below is pointed at it (none of these
# requests reaches it).
pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
MARKER = "jansen"  # stands for a name searched for: must never reach a log
GUNICORN_MAX_LINE = 8190  # gunicorn's largest limit_request_line (gunicorn.conf.py)


def target(length: int) -> str:
    """A queue URL of exactly ``length`` bytes: a search for a (long) name."""
    prefix = "/api/v1/cases?q="
    return prefix + (MARKER * length)[: length - len(prefix)]


# --- in process ------------------------------------------------------------------------


def test_a_url_over_the_limit_answers_414_problem_json(client, caplog, django_assert_num_queries):
    url = target(5000)
    caplog.set_level(logging.DEBUG)
    with django_assert_num_queries(0):  # refused before sessions, authentication, views
        response = client.get(url)
    assert response.status_code == 414
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"].endswith("/uri-too-long")
    assert body["title"] == HTTPStatus(414).phrase
    assert body["status"] == 414
    assert str(settings.MAX_URL_BYTES) in body["detail"]
    assert "instance" not in body  # the URL is not repeated
    assert response["API-Version"] == settings.API_VERSION
    assert "Content-Security-Policy" in response
    assert "X-Request-ID" in response
    logged = [record.getMessage() for record in caplog.records]
    assert not [line for line in logged if MARKER in line]
    assert any(" 414 " in line for line in logged)  # the access line: route, not the URL


def test_a_url_at_the_limit_goes_on_to_the_api(client):
    response = client.get(target(settings.MAX_URL_BYTES))
    assert response.status_code == 401  # not signed in: the view answered, not the limit


def test_the_limit_counts_the_url_as_sent(client, settings):
    """Escaped characters count as they travel (``%C3%A9`` is six bytes, not one)."""
    settings.MAX_URL_BYTES = 100
    path = "/api/v1/cases?q="
    assert client.get(path + "e" * (100 - len(path))).status_code == 401
    assert client.get(path + "é" * 20).status_code == 414  # 16 + 20 x 6 bytes


# --- through gunicorn ------------------------------------------------------------------


@pytest.fixture(scope="module")
def gunicorn(django_db_setup, django_db_blocker):
    """The project's gunicorn (its gunicorn.conf.py) on a free loopback port; its log in
    a file the tests read."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with django_db_blocker.unblock():
        database = connection.settings_dict
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "backend.settings",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
        f"{database['NAME']}",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "long-urls-test-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_READ_DOT_ENV": "false",
        "CELERY_BROKER_URL": "memory://",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "LOG_LEVEL": "DEBUG",
    }
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
            [str(Path(sys.executable).parent / "gunicorn"), "backend.wsgi:application"],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

        def logs() -> str:
            log.seek(0)
            return log.read().decode(errors="replace")

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert process.poll() is None, logs()[-3000:]
                time.sleep(0.2)
        yield port, logs
        process.terminate()
        process.wait(timeout=30)


def exchange(port: int, url: str, headers: dict[str, str] | None = None) -> tuple:
    """Send one GET as written and read the whole answer: (status, headers, body). A
    connection reset or closed without an answer fails the test."""
    lines = [f"GET {url} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    assert received, "the server closed the connection without an answer"
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    answer_headers = {
        name.strip().lower(): value.strip()
        for name, _, value in (line.partition(":") for line in header_lines)
    }
    if answer_headers.get("transfer-encoding") == "chunked":
        body = dechunk(body)
    return int(status_line.split()[1]), answer_headers, body


def dechunk(data: bytes) -> bytes:
    body = b""
    while True:
        size, _, data = data.partition(b"\r\n")
        length = int(size, 16)
        if length == 0:
            return body
        body, data = body + data[:length], data[length + 2 :]


def test_through_gunicorn_5000_bytes_answer_414_problem_json(gunicorn):
    port, logs = gunicorn
    status, headers, body = exchange(port, target(5000))
    assert status == 414
    assert headers["content-type"] == "application/problem+json"
    problem = json.loads(body)
    assert (problem["status"], problem["title"]) == (414, HTTPStatus(414).phrase)
    assert problem["type"].endswith("/uri-too-long")
    assert MARKER not in body.decode()
    assert MARKER not in logs()


def test_through_gunicorn_a_url_under_the_limit_is_served(gunicorn):
    port, _ = gunicorn
    status, headers, _ = exchange(port, target(4000))
    assert status == 401
    assert headers["content-type"] == "application/problem+json"


def test_beyond_gunicorns_maximum_its_own_414_not_a_dropped_connection(gunicorn):
    """Past 8,190 bytes of request line gunicorn answers before Django: a plain HTML 414
    and the connection closed (README "Production"). Still a 4xx, with a whole answer."""
    port, logs = gunicorn
    status, headers, body = exchange(port, target(8500))
    assert status == 414
    assert headers["content-type"] == "text/html"
    assert MARKER not in body.decode()
    assert MARKER not in logs()  # gunicorn logs the sizes only


def test_a_header_over_gunicorns_field_limit_answers_431(gunicorn):
    """A header line over limit_request_field_size (8,190 bytes): gunicorn's 431, HTML."""
    port, _ = gunicorn
    status, headers, _ = exchange(port, "/api/v1/cases", {"X-Padding": "x" * 9000})
    assert status == 431
    assert headers["content-type"] == "text/html"
    status, _, _ = exchange(port, "/api/v1/cases", {"X-Padding": "x" * 7000})
    assert status == 401  # within the limit: the API answered


def test_more_headers_than_gunicorn_allows_answer_431(gunicorn):
    port, _ = gunicorn
    many = {f"X-Header-{n}": "1" for n in range(120)}  # limit_request_fields = 100
    status, headers, _ = exchange(port, "/api/v1/cases", many)
    assert status == 431
    assert headers["content-type"] == "text/html"
