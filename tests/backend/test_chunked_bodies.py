"""A body sent in chunks (Transfer-Encoding: chunked) through the real web server: filed
when within the size limit, 413 problem+json beyond it - not a puzzling 400 for an empty
body, not a dropped connection.

Gunicorn serves the project (as the image does) against the test database; the test is
transactional so the server sees what it commits.
"""

import http.client
import json

import pytest

from cases.models import Case
from tests.cases.test_filing_api import complaint_body
from tests.conftest import roles_create
from tests.served import free_port, gunicorn, service_environment

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.faults]
LIMIT = 20_000


@pytest.fixture
def server(transactional_db):
    roles_create()
    port = free_port()
    environment = service_environment(port, MAX_REQUEST_BYTES=str(LIMIT))
    with gunicorn(port, environment):
        yield port


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
