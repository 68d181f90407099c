"""Over-long URLs and headers: 414 problem+json from Django up to what gunicorn accepts,
gunicorn's own 4xx beyond it - never a dropped connection or a 5xx, and never the URL in
a log (a query string may hold a name).

In process (the middleware, before authentication and the database) and through the real
web server, as the image runs it (``gunicorn.conf.py``).
"""

import json
import logging
import socket
import tempfile
from http import HTTPStatus

import pytest
from django.conf import settings

from tests.served import free_port, gunicorn, service_environment

# Every test has the test database: the server below is pointed at it (none of these
# requests reaches it).
pytestmark = pytest.mark.django_db
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
def served(django_db_setup, django_db_blocker):
    """The project's gunicorn on a free loopback port; its log in a file the tests read."""
    port = free_port()
    with django_db_blocker.unblock():
        environment = service_environment(port, LOG_LEVEL="DEBUG")
    with tempfile.TemporaryFile() as log, gunicorn(port, environment, output=log):

        def logs() -> str:
            log.seek(0)
            return log.read().decode(errors="replace")

        yield port, logs


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


def test_through_gunicorn_5000_bytes_answer_414_problem_json(served):
    port, logs = served
    status, headers, body = exchange(port, target(5000))
    assert status == 414
    assert headers["content-type"] == "application/problem+json"
    problem = json.loads(body)
    assert (problem["status"], problem["title"]) == (414, HTTPStatus(414).phrase)
    assert problem["type"].endswith("/uri-too-long")
    assert MARKER not in body.decode()
    assert MARKER not in logs()


def test_through_gunicorn_a_url_under_the_limit_is_served(served):
    port, _ = served
    status, headers, _ = exchange(port, target(4000))
    assert status == 401
    assert headers["content-type"] == "application/problem+json"


def test_beyond_gunicorns_maximum_its_own_414_not_a_dropped_connection(served):
    """Past 8,190 bytes of request line gunicorn answers before Django: a plain HTML 414
    and the connection closed (README "Production"). Still a 4xx, with a whole answer."""
    port, logs = served
    status, headers, body = exchange(port, target(8500))
    assert status == 414
    assert headers["content-type"] == "text/html"
    assert MARKER not in body.decode()
    assert MARKER not in logs()  # gunicorn logs the sizes only


def test_a_header_over_gunicorns_field_limit_answers_431(served):
    """A header line over limit_request_field_size (8,190 bytes): gunicorn's 431, HTML."""
    port, _ = served
    status, headers, _ = exchange(port, "/api/v1/cases", {"X-Padding": "x" * 9000})
    assert status == 431
    assert headers["content-type"] == "text/html"
    status, _, _ = exchange(port, "/api/v1/cases", {"X-Padding": "x" * 7000})
    assert status == 401  # within the limit: the API answered


def test_more_headers_than_gunicorn_allows_answer_431(served):
    port, _ = served
    many = {f"X-Header-{n}": "1" for n in range(120)}  # limit_request_fields = 100
    status, headers, _ = exchange(port, "/api/v1/cases", many)
    assert status == 431
    assert headers["content-type"] == "text/html"
