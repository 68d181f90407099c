"""Races on real PostgreSQL: each thread has its own connection and transaction."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from backend.accounts.roles import Role
from backend.outbox.models import OutboxMessage
from cases import services
from cases.models import Case, CaseEvent, CaseKind, Satisfaction
from tests.cases.test_filing_api import complaint_body, objection_body
from tests.conftest import reference_sequences_drop, roles_create
from tests.factories import CaseFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def roles(transactional_db):
    """Transactional tests start from a flushed database: recreate the roles, and count
    references from 1."""
    roles_create()
    reference_sequences_drop()


def run_at_once(calls):
    """Start all calls together (a barrier), each in its own thread and connection."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        try:
            barrier.wait()
            return call()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def test_two_handlers_claim_at_once_one_wins_one_gets_409():
    team = TeamFactory(code="klachten")
    case = CaseFactory(team=team)
    handlers = [UserFactory(role=Role.CASE_HANDLER, teams=[team]) for _ in range(2)]

    def claim(user):
        def call():
            client = APIClient()
            client.force_authenticate(user)
            return client.put(
                f"/api/v1/cases/{case.reference}/assignment",
                {"assignee": user.username},
                format="json",
            ).status_code

        return call

    for _ in range(5):  # repeat: a lucky interleaving must not hide a race
        Case.objects.filter(pk=case.pk).update(assignee=None)
        statuses = run_at_once([claim(user) for user in handlers])
        assert sorted(statuses) == [200, 409]
    assert CaseEvent.objects.filter(case=case, kind="claimed").count() == 5


def test_concurrent_filing_gives_unique_references_in_order():
    """Numbers come from a sequence per kind and year (README "References"): unique and
    in order; with no filing failing, without gaps too."""
    filers = 8

    def file(index):
        def call():
            body = objection_body() if index % 2 else complaint_body()
            path = "/api/v1/objections" if index % 2 else "/api/v1/complaints"
            response = APIClient().post(path, body, format="json")
            assert response.status_code == 201, response.content
            return response.json()["reference"]

        return call

    references = run_at_once([file(i) for i in range(filers)])

    assert len(set(references)) == filers
    for prefix in ("KL", "BZ"):
        numbers = sorted(
            int(re.match(rf"{prefix}-\d{{4}}-(\d{{6}})$", r).group(1))
            for r in references
            if r.startswith(prefix)
        )
        assert numbers == list(range(1, filers // 2 + 1))


def test_a_filing_does_not_wait_for_another_to_commit():
    """The reference counter's lock is gone: a filing whose transaction stays open (its
    number taken, its response still being built) does not hold up the next one. (Only
    the year's first filing, which creates the sequence, is waited for: filed first.)"""
    assert (
        APIClient().post("/api/v1/complaints", complaint_body(), format="json").status_code == 201
    )
    taken = threading.Event()
    release = threading.Event()

    def slow_filing():
        try:
            with transaction.atomic():
                year = timezone.localdate().year
                number = services.reference_allocate(kind=CaseKind.COMPLAINT, year=year)
                taken.set()
                release.wait(timeout=30)
            return number
        finally:
            connection.close()

    def quick_filing():
        try:
            assert taken.wait(timeout=30)
            response = APIClient().post("/api/v1/complaints", complaint_body(), format="json")
            return response.status_code, response.json()["reference"]
        finally:
            release.set()
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        slow = pool.submit(slow_filing)
        quick = pool.submit(quick_filing)
        # With a lock held to the end of the slow transaction, this would time out.
        status, reference = quick.result(timeout=20)
        first = slow.result(timeout=40)

    year = timezone.localdate().year
    assert status == 201
    assert (first, reference) == (f"KL-{year}-000002", f"KL-{year}-000003")


def test_concurrent_retries_with_one_idempotency_key_file_one_case():
    def file():
        response = APIClient().post(
            "/api/v1/complaints", complaint_body(), format="json", HTTP_IDEMPOTENCY_KEY="dbl-click"
        )
        return response.status_code, response.json()["reference"]

    results = run_at_once([file, file, file])

    assert {status for status, _ in results} == {201}
    assert len({reference for _, reference in results}) == 1
    assert Case.objects.count() == 1


def test_two_ratings_at_once_one_is_recorded_the_other_409():
    """The complainant on the web and a handler on the phone, the same moment."""
    team = TeamFactory()
    resident = UserFactory(role=Role.RESIDENT)
    handler = UserFactory(role=Role.CASE_HANDLER, teams=[team])
    case = CaseFactory(team=team, registered_by=resident, closed_at=timezone.now())

    def rate(user, rating):
        def call():
            client = APIClient()
            client.force_authenticate(user)
            url = f"/api/v1/cases/{case.reference}/satisfaction"
            return client.post(url, {"rating": rating}, format="json").status_code

        return call

    for _ in range(3):  # repeat: a lucky interleaving must not hide a race
        Satisfaction.objects.filter(case=case).delete()
        statuses = run_at_once([rate(resident, 4), rate(handler, 2)])
        assert sorted(statuses) == [201, 409]
    assert CaseEvent.objects.filter(case=case, kind="satisfaction").count() == 3


@pytest.mark.faults
def test_fifty_identical_steps_at_once_one_is_taken_the_rest_409():
    """A double-clicking handler times fifty: the step is taken once - one timeline
    entry, one receipt letter requested - and every other request gets 409, none 5xx."""
    team = TeamFactory()
    handler = UserFactory(role=Role.CASE_HANDLER, teams=[team])
    reference = (
        APIClient().post("/api/v1/complaints", complaint_body(), format="json").json()["reference"]
    )
    Case.objects.filter(reference=reference).update(team=team)

    def confirm():
        client = APIClient()
        client.force_authenticate(handler)
        url = f"/api/v1/complaints/{reference}/steps/confirm-receipt"
        return client.post(url, {}, format="json").status_code

    statuses = run_at_once([confirm] * 50)

    assert sorted(set(statuses)) == [200, 409], statuses
    assert statuses.count(200) == 1
    case = Case.objects.get(reference=reference)
    assert case.status == "awaiting_contact"
    steps = CaseEvent.objects.filter(case=case, kind="transition", data__step="confirm_receipt")
    assert steps.count() == 1
    assert OutboxMessage.objects.filter(case=case, topic="letter.requested").count() == 1
