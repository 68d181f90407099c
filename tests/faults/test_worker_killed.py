"""A Celery worker SIGKILLed in the middle of rendering a letter, and another in the middle
of e-mailing it: a fresh worker renders the letter and sends the e-mail, once each.

The points of death are reached by waiting on the database and on the mail server, not
on sleeps: the first worker renders the receipt and stores its PDF, then waits on the
letter's unique key (another transaction holds an uncommitted letter with that key) -
killed there, its transaction open. The second renders and sends; the test's mail relay
reads the whole message and never answers - killed there, before the relay's yes.
"""

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from backend.accounts.roles import Role
from cases.models import Case
from cases.workflows import service as workflow
from letters.models import DeliveryState, Letter, LetterDelivery
from tests.cases.test_filing_api import complaint_body
from tests.factories import UserFactory
from tests.faults.conftest import Processes, service_environment, wait_for, worker_start
from tests.outbox import letter_requests, letters_delivery

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.faults]

# The periodic relay run: it starts each consumer's relay, the letters' among them.
RENDER = "backend.outbox.tasks.outbox_relay_all"
SEND = "letters.tasks.letters_send_email"


@contextlib.contextmanager
def letter_key_held(case: Case, source_key: str) -> Iterator[None]:
    """An uncommitted letter with ``source_key`` in a transaction of its own (a thread,
    its own connection) until the block ends; then rolled back."""
    held, release, failed = threading.Event(), threading.Event(), []

    def hold() -> None:
        try:
            with transaction.atomic():
                Letter.objects.create(
                    case=case, kind="complaint_receipt", recipient="held", language="nl",
                    template_version="held", sha256="0" * 64, size=0, pages=0,
                    file="held.pdf", source_key=source_key,
                )  # fmt: skip
                held.set()
                release.wait(120)
                transaction.set_rollback(True)
        except Exception as error:  # noqa: BLE001 - reported by the test
            failed.append(error)
        finally:
            held.set()
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait(30)
    try:
        assert not failed, failed
        yield
    finally:
        release.set()
        thread.join(30)


def insert_waiting_on_a_lock() -> int | None:
    """The server process of a session whose INSERT of a letter waits on a lock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock' AND query LIKE %s",
            [f'INSERT INTO "{Letter._meta.db_table}"%'],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def session_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone() is not None


def stored_pdfs() -> list[Path]:
    return sorted((Path(settings.MEDIA_ROOT) / "letters").rglob("KL-*-complaint_receipt*.pdf"))


def test_workers_killed_mid_render_and_mid_send_lose_nothing_and_double_nothing(
    processes, broker, mail, tmp_path
):
    handler = UserFactory(role=Role.CASE_HANDLER)
    body = complaint_body()
    body["parties"][0]["lettersByEmail"] = True
    filed = APIClient().post("/api/v1/complaints", body, format="json")
    assert filed.status_code == 201, filed.content
    case = Case.objects.get(reference=filed.json()["reference"])
    workflow.case_transition(case=case, name="confirm_receipt", data={}, by=handler)
    request = letter_requests().get(case=case)
    environment = service_environment(broker, tmp_path, EMAIL_URL=mail.url)
    pdfs_before = stored_pdfs()

    # 1. Killed mid-render: the PDF rendered and written, the letter not yet stored.
    with letter_key_held(case, request.dedup_key):
        worker = worker_start(processes, environment, "worker-a")
        broker.send(RENDER)
        wait_for(insert_waiting_on_a_lock, 60, "the worker to store its letter")
        pid = insert_waiting_on_a_lock()
        processes.kill(worker)
    # Its statement is answered to nobody; the server process rolls the transaction back.
    wait_for(lambda: not session_alive(pid), 30, "the dead worker's session to end")
    waiting = letters_delivery(request)
    assert (waiting.state, waiting.attempts) == ("pending", 0)  # waits, no attempt used
    assert not Letter.objects.filter(case=case).exists()
    assert not LetterDelivery.objects.exists()

    # 2. Killed mid-send: rendered and queued, the e-mail handed to the relay, no yes.
    mail.hold_next.set()
    worker = worker_start(processes, environment, "worker-b")
    broker.send(RENDER)
    wait_for(
        lambda: letters_delivery(request).state == "done",
        60,
        "the letter to be rendered",
    )
    # E-mail goes out on the day it is dated: today, whatever day the test runs. (On a
    # working day the worker is sending it already, the letter row locked: left alone.)
    today = timezone.localdate()
    with transaction.atomic(), connection.cursor() as cursor:
        # Letters are append-only in the database (backend/append_only.py): re-dated
        # with the triggers off for this transaction only, as no code of ours may.
        cursor.execute("SET LOCAL session_replication_role = replica")
        Letter.objects.filter(case=case).exclude(dated_on=today).update(dated_on=today)
    broker.send(SEND)
    wait_for(mail.holding.is_set, 60, "the e-mail to reach the mail relay")
    processes.kill(worker)
    delivery = LetterDelivery.objects.get(letter__case=case)
    assert (delivery.state, delivery.attempts, delivery.sent_at) == (DeliveryState.QUEUED, 0, None)
    assert mail.accepted == []

    # 3. A fresh worker, and beat's periodic runs of both tasks.
    worker = worker_start(processes, environment, "worker-c")
    broker.send(RENDER, SEND)
    queue = redis.Redis(port=broker.port)
    wait_for(
        lambda: (
            LetterDelivery.objects.filter(pk=delivery.pk, state=DeliveryState.SENT).exists()
            and queue.llen("celery") == 0
        ),
        60,
        "the e-mail to be sent",
    )
    processes.stop(worker)  # a warm shutdown: what it runs, it finishes
    queue.close()

    letter = Letter.objects.get(case=case)  # one letter for the request
    assert letter.source_key == request.dedup_key
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.SENT, 1)
    assert delivery.sent_at is not None
    assert (letters_delivery(request).state, letters_delivery(request).attempts) == ("done", 0)
    assert len(mail.accepted) == 1  # one e-mail, with the letter attached
    assert b"To: fatima@example.nl" in mail.accepted[0]
    assert b"application/pdf" in mail.accepted[0]
    assert "raised" not in Processes.log(worker)
    # Today's result, kept in sight: the PDF the first worker wrote before it died stays
    # on disk with no letter record (personal data nobody keeps); only a clean-up of
    # unreferenced letter files would remove it.
    assert len(stored_pdfs()) - len(pdfs_before) == 2
