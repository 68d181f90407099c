"""The render task on a real Celery worker and broker: the same request twice, one letter."""

import pytest
from celery.contrib.testing.worker import start_worker
from rest_framework.test import APIClient

from backend.accounts.roles import Role
from backend.celery import app
from backend.outbox.models import DeliveryState as OutboxState
from backend.outbox.tasks import outbox_relay
from cases.models import Case
from cases.workflows import service as workflow
from letters.models import Letter
from letters.services import LETTERS_CONSUMER
from tests.cases.test_filing_api import complaint_body
from tests.conftest import roles_create, wait_until
from tests.factories import UserFactory
from tests.outbox import letter_requests, letters_delivery

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.celery_worker]


def test_render_runs_racing_on_a_real_worker_make_one_letter():
    """The step itself enqueues a run after commit; two more race it."""
    roles_create()
    handler = UserFactory(role=Role.CASE_HANDLER)
    reference = (
        APIClient().post("/api/v1/complaints", complaint_body(), format="json").json()["reference"]
    )
    case = Case.objects.get(reference=reference)
    app.control.purge()
    with start_worker(
        app, pool="threads", concurrency=2, perform_ping_check=False, shutdown_timeout=30
    ):
        workflow.case_transition(case=case, name="confirm_receipt", data={}, by=handler)
        first = outbox_relay.apply_async(kwargs={"consumer": LETTERS_CONSUMER})
        second = outbox_relay.apply_async(kwargs={"consumer": LETTERS_CONSUMER})
        first.get(timeout=60)
        second.get(timeout=60)
        # A run that found the request locked by another returns at once; wait for the
        # one that holds it before stopping the worker.
        message = letter_requests().get(case=case)
        assert wait_until(lambda: letters_delivery(message).state == OutboxState.DONE)

    delivery = letters_delivery(message)
    assert Letter.objects.filter(case=case, kind="complaint_receipt").count() == 1, (
        delivery.attempts,
        delivery.last_error,
    )
    assert delivery.attempts == 0  # done at the first try, by one of the two runs
