"""Several workers at once on real PostgreSQL: every letter rendered, mailed and batched
exactly once."""

import pytest
from celery.schedules import crontab
from django.conf import settings
from rest_framework.test import APIClient

from backend.accounts.roles import Role
from cases.models import Case
from cases.workflows import service as workflow
from letters import delivery, services
from letters.models import DeliveryState, Letter, LetterDelivery
from tests.cases.test_concurrency import run_at_once
from tests.cases.test_filing_api import complaint_body
from tests.conftest import roles_create
from tests.factories import TeamFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("working_morning")]


@pytest.fixture(autouse=True)
def roles(transactional_db):
    roles_create()


def requested_receipts(count: int, **party) -> list[Case]:
    team = TeamFactory(code="klachten")
    handler = UserFactory(role=Role.CASE_HANDLER, teams=[team])
    cases = []
    for _ in range(count):
        body = complaint_body()
        body["parties"][0].update(party)
        reference = APIClient().post("/api/v1/complaints", body, format="json").json()["reference"]
        Case.objects.filter(reference=reference).update(team=team)
        case = Case.objects.get(reference=reference)
        workflow.case_transition(case=case, name="confirm_receipt", data={}, by=handler)
        cases.append(case)
    return cases


def test_render_runs_at_once_make_each_letter_once():
    requested_receipts(6)
    done = run_at_once([services.letters_render_pending] * 3)
    assert sum(done) == 6
    assert Letter.objects.count() == 6
    assert LetterDelivery.objects.count() == 6


def test_print_batch_runs_at_once_share_the_letters_without_overlap():
    requested_receipts(6)
    services.letters_render_pending()

    batches = [b for b in run_at_once([delivery.print_batch_create] * 3) if b is not None]

    assert sum(batch.letters for batch in batches) == 6
    batched = LetterDelivery.objects.filter(state=DeliveryState.BATCHED)
    assert batched.count() == 6
    assert batched.values("batch").distinct().count() == len(batches)


def test_mail_runs_at_once_send_each_letter_once(mailoutbox):
    requested_receipts(5, lettersByEmail=True)
    services.letters_render_pending()

    sent = run_at_once([delivery.deliveries_send_email] * 3)

    assert sum(sent) == 5
    assert len(mailoutbox) == 5
    assert len({mail.subject for mail in mailoutbox}) == 5


def test_beat_makes_a_print_batch_every_working_day():
    entry = settings.CELERY_BEAT_SCHEDULE["letters-print-batch"]
    assert entry["task"] == "letters.tasks.letters_print_batch"
    assert entry["schedule"] == crontab(hour=15, minute=0, day_of_week="mon-fri")
    assert "letters.tasks.letters_send_email" in {
        e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()
    }
