"""No personal data in any log the stack writes (issue 17.5), end to end: gunicorn, a
Celery worker and beat as production runs them, all at DEBUG, while a resident with
distinctive details files a complaint, a handler searches for her by name, opens the
case, takes the steps, the worker renders and e-mails her letters and beat sweeps - and
bad input carrying the same details is refused. Then every process's output is read.
"""

import json
import re
import urllib.parse
import urllib.request

import pytest
from django.utils import timezone

from backend.accounts.roles import Role
from backend.processing_log.models import ProcessingRecord
from cases.models import Party
from letters.models import DeliveryState, LetterDelivery
from tests.cases.test_filing_api import complaint_body
from tests.factories import TeamFactory, UserFactory, api_key
from tests.faults.conftest import (
    BIN,
    Processes,
    free_port,
    service_environment,
    wait_for,
    worker_start,
)
from tests.faults.test_broker_down import call

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.faults]

# Values nobody else in the suite uses, so a hit can only be a leak.
NAME, SURNAME = "Xandriël", "Quoppelaar"
EMAIL = "x.quoppelaar.7q@example.nl"
PHONE, PHONE_E164 = "06 87654329", "+31687654329"
STREET = "Zwanenbloemhof"
WORDS = "vuilniswagen-blauwmaandag"
BSN = "732054801"


def personal_values() -> set[str]:
    """Each value as typed and as a JSON log line writes it (non-ASCII escaped)."""
    typed = [NAME, SURNAME, EMAIL, PHONE, PHONE_E164, "687654329", STREET, WORDS, BSN]
    return {form for value in typed for form in (value, json.dumps(value)[1:-1])}


def test_no_personal_data_in_any_log_line(processes, broker, mail, tmp_path):
    team = TeamFactory(code="klachten")
    handler = UserFactory(role=Role.CASE_HANDLER, teams=[team])
    token = api_key(handler)
    lawyer = UserFactory(role=Role.LEGAL_STAFF, teams=[team])
    legal_token = api_key(lawyer)
    port = free_port()
    environment = service_environment(
        broker, tmp_path,
        EMAIL_URL=mail.url,
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
        DEFAULT_TEAM_COMPLAINT=team.code,
        LOG_LEVEL="DEBUG",
        DEADLINE_SWEEP_SECONDS="3",
    )  # fmt: skip
    (tmp_path / "var").mkdir()
    web = processes.start("gunicorn", [str(BIN / "gunicorn"), "backend.wsgi:application"],
                          environment)  # fmt: skip
    worker = worker_start(processes, environment, "worker")
    beat = processes.start(
        "beat", [str(BIN / "celery"), "-A", "backend", "beat", "--loglevel=DEBUG"], environment
    )
    base = f"http://127.0.0.1:{port}/api/v1"
    wait_for(lambda: call(base, "GET", "/health/ready")[0] == 200, 60, "gunicorn")

    body = complaint_body(subject=f"De {WORDS} kwam niet", description=f"Ik ben {NAME}.")
    body["parties"][0].update(
        name=f"{NAME} {SURNAME}", email=EMAIL, phone=PHONE, street=STREET,
        lettersByEmail=True, careNote=f"Bel {NAME} na 10 uur.", bsn=BSN,
    )  # fmt: skip
    # Refused first: an invalid e-mail beside the same details.
    bad = {**body, "parties": [{**body["parties"][0], "email": f"{SURNAME}@@x", "phone": "06"}]}
    assert call(base, "POST", "/complaints", "", bad)[0] == 400
    status, filed, _ = call(base, "POST", "/complaints", "", body)
    assert status == 201, filed
    reference = filed["reference"]
    # The handler looks for her by name, in the API and in the workbench.
    query = urllib.parse.quote(f"{NAME} {SURNAME}")
    assert call(base, "GET", f"/cases?q={query}", token)[0] == 200
    assert call(base, "GET", f"/cases/{reference}", token)[0] == 200
    assert call(base, "GET", f"/cases?q={urllib.parse.quote(EMAIL)}", token)[0] == 200
    now = timezone.now().isoformat()
    moment = {"outcome": "reached", "occurredAt": now, "note": f"{NAME} gesproken."}
    assert call(base, "POST", f"/cases/{reference}/contact-moments", token, moment)[0] == 201
    for step, data in [
        ("confirm-receipt", {}),
        ("resolve-informally", {"solution": f"{NAME} krijgt een nieuwe container.",
                                "confirmedVia": "phone", "confirmedAt": now}),
    ]:  # fmt: skip
        answer = call(base, "POST", f"/complaints/{reference}/steps/{step}", token, data)
        assert answer[0] == 200, answer
    # The worker renders and e-mails the letters (receipt and resolution).
    wait_for(
        lambda: LetterDelivery.objects.filter(state=DeliveryState.SENT).count() >= 2,
        90,
        "the receipt and the resolution e-mailed by the worker",
    )
    # Legal staff read the processing log about her and export her data (by BSN, in the
    # body: never in an address a log could hold).
    assert call(base, "GET", f"/cases/{reference}/processing-log", legal_token)[0] == 200
    assert call(base, "POST", "/processing-log/search", legal_token, {"bsn": BSN})[0] == 200
    export = urllib.request.Request(  # noqa: S310 - loopback
        f"{base}/personal-data-exports",
        method="POST",
        data=json.dumps({"bsn": BSN}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Token {legal_token}"},
    )
    with urllib.request.urlopen(export, timeout=30) as response:  # noqa: S310 - loopback
        assert response.headers["Content-Type"] == "application/zip"
        assert response.read().startswith(b"PK")
    wait_for(lambda: "deadlines-sweep" in Processes.log(beat), 30, "beat to send a sweep")
    processes.stop(beat)
    processes.stop(worker)
    processes.stop(web)

    logs = {process.log_path.name: Processes.log(process) for process in (web, worker, beat)}
    # The logs are there and say what happened (so the check below reads something).
    assert re.search(r"POST /api/v1/complaints 201", logs[web.log_path.name])
    assert "GET /api/v1/cases 200" in logs[web.log_path.name]
    assert "succeeded" in logs[worker.log_path.name]
    assert any(EMAIL.encode() in message for message in mail.accepted)  # she was mailed
    leaks = {
        (name, value): [line for line in text.splitlines() if value in line][:3]
        for name, text in logs.items()
        for value in personal_values()
        if value in text
    }
    assert leaks == {}

    # The processing log holds every access, about her, with its activity and who acted.
    her = Party.objects.get(case__reference=reference).bsn_index  # the service's own key
    assert len(her) == 64
    records = list(ProcessingRecord.objects.order_by("id"))
    assert {r.data_subject_id for r in records} == {her}
    done = {(r.name, r.activity_id, r.actor_type, r.actor_id) for r in records}
    case_work, staff = "complaint-handling", str(handler.pk)
    assert {
        ("complaint-file:post", case_work, "anonymous", ""),
        ("case-list:get", case_work, "user", staff),
        ("case-detail:get", case_work, "user", staff),
        ("case-contact-moments:post", case_work, "user", staff),
        ("letter-render", case_work, "system", "backend.outbox.tasks.outbox_relay"),
        ("processing-log-search:post", "processing-log-inspection", "user", str(lawyer.pk)),
        ("personal-data-export:post", "data-subject-access", "user", str(lawyer.pk)),
    } <= done
