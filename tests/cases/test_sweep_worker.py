"""The sweep on a real Celery worker and a real broker (Redis), not eager mode."""

import datetime

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection
from django.utils import timezone

from backend.celery import app
from cases import deadlines, sweep, tasks
from cases.models import DeadlineKind, DeadlineNotification
from tests.cases.test_concurrency import run_at_once
from tests.conftest import roles_create, wait_until
from tests.factories import CaseFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.celery_worker]


@pytest.fixture(autouse=True)
def roles(transactional_db):
    roles_create()


@pytest.fixture
def worker():
    app.control.purge()  # leftovers of earlier runs must not run against this database
    with start_worker(
        app, pool="threads", concurrency=2, perform_ping_check=False, shutdown_timeout=30
    ) as running:
        yield running


def a_term_due_in_one_working_day() -> None:
    today = timezone.localdate()
    start = today - datetime.timedelta(weeks=6)
    deadline = deadlines.deadline_start(
        case=CaseFactory(), kind=DeadlineKind.COMPLAINT_HANDLING, term="complaint-handling",
        start_date=start,
    )  # fmt: skip
    # Whatever today is, make the term end one working day from now.
    cal = deadlines.legal_calendar()
    due = sweep.working_day_horizon(cal, today, 1)
    type(deadline).objects.filter(pk=deadline.pk).update(due_date=due)


def test_two_sweeps_at_once_on_a_real_worker_warn_exactly_once(worker):
    a_term_due_in_one_working_day()

    first = tasks.deadlines_sweep.apply_async()
    second = tasks.deadlines_sweep.apply_async()
    results = [first.get(timeout=30), second.get(timeout=30)]

    # One term, inside both warning horizons (5 and 1 working days): two warnings, each
    # recorded by exactly one of the two sweeps.
    assert sum(r["warned"] for r in results) == 2
    assert DeadlineNotification.objects.filter(stage="warning").count() == 2
    assert wait_until(lambda: not DeadlineNotification.objects.filter(sent_at=None).exists())
    connection.close()


def test_sweeps_racing_in_threads_record_each_warning_once():
    """Without the broker: the row locks alone keep two simultaneous sweeps apart."""
    for _ in range(20):
        a_term_due_in_one_working_day()

    results = run_at_once([sweep.deadlines_sweep, sweep.deadlines_sweep, sweep.deadlines_sweep])

    assert sum(r.warned for r in results) == 40
    assert DeadlineNotification.objects.count() == 40
