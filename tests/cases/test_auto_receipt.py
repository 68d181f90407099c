"""Receipt without waiting (Awb 6:14, 9:6): a digital filing has its receipt confirmed by
the service itself right after filing - the workflow's own step, with its letter and its
terms - while phone, counter, post and e-mail filings keep the handler's step."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from rest_framework.test import APIClient

from backend.accounts.roles import Role
from backend.outbox.models import OutboxDelivery
from cases.consumers import RECEIPTS
from cases.models import Case, CaseEvent
from cases.workflows import service as workflow
from tests.cases.test_filing_api import complaint_body, objection_body
from tests.outbox import letter_requests, relay_all

pytestmark = pytest.mark.django_db


def filed(path="/api/v1/complaints", body=None, client=None) -> Case:
    response = (client or APIClient()).post(path, body or complaint_body(), format="json")
    assert response.status_code == 201, response.content
    return Case.objects.get(reference=response.json()["reference"])


@pytest.mark.parametrize(
    ("path", "body", "after", "letter"),
    [
        ("/api/v1/complaints", complaint_body, "awaiting_contact", "complaint_receipt"),
        ("/api/v1/objections", objection_body, "admissibility_check", "objection_receipt"),
    ],
)
def test_a_web_filing_is_confirmed_by_the_service(path, body, after, letter):
    case = filed(path, body())
    assert case.status == "received"

    assert relay_all(RECEIPTS.name).handled == 1  # the worker's part

    case.refresh_from_db()
    assert case.status == after
    step = CaseEvent.objects.get(case=case, kind="transition")
    assert (step.actor, step.data["step"], step.data["by_system"]) == (
        None,
        "confirm_receipt",
        True,
    )
    assert [m.payload["letter"] for m in letter_requests(case=case)] == [letter]
    receipt_term = case.deadlines.get(kind="receipt_confirmation")
    assert receipt_term.state == "met"


def test_a_phone_filing_keeps_the_handlers_step(users, client_for):
    called = (timezone.now() - datetime.timedelta(hours=1)).isoformat()
    body = complaint_body(channel="phone", receivedAt=called)
    case = filed(body=body, client=client_for(users[Role.CASE_HANDLER]))
    assert case.channel == "phone"
    assert not OutboxDelivery.objects.filter(consumer=RECEIPTS.name).exists()
    relay_all(RECEIPTS.name)
    case.refresh_from_db()
    assert case.status == "received"


def test_the_channels_are_configurable(settings):
    settings.AUTO_RECEIPT_CHANNELS = ["integration"]
    filed()  # web
    assert not OutboxDelivery.objects.filter(consumer=RECEIPTS.name).exists()


def test_a_receipt_a_handler_confirmed_first_is_left_alone(users):
    case = filed()
    workflow.case_transition(
        case=case, name="confirm_receipt", data={}, by=users[Role.CASE_HANDLER]
    )

    run = relay_all(RECEIPTS.name)

    assert (run.handled, run.failed) == (1, 0)
    assert CaseEvent.objects.filter(case=case, kind="transition").count() == 1
    assert letter_requests(case=case).count() == 1


def test_the_service_takes_no_other_step_and_no_one_takes_its_step_as_it(users):
    case = filed()
    with pytest.raises(PermissionDenied):
        workflow.case_transition(
            case=case, name="withdraw", data={}, by=None, taken_as=workflow.Taker.SYSTEM
        )
    with pytest.raises(PermissionDenied):
        workflow.case_transition(
            case=case,
            name="confirm_receipt",
            data={},
            by=users[Role.RESIDENT],
            taken_as=workflow.Taker.SYSTEM,
        )


def test_a_filing_sends_nothing_to_the_broker_for_its_receipt(django_capture_on_commit_callbacks):
    """The periodic relay run takes it within a minute; the filing request stays lean."""
    with django_capture_on_commit_callbacks() as callbacks:
        filed()
    started = [getattr(callback, "enqueue_key", None) for callback in callbacks]
    assert not any(key and ("consumer", RECEIPTS.name) in key[1] for key in started)
    assert OutboxDelivery.objects.filter(consumer=RECEIPTS.name, state="pending").count() == 1
