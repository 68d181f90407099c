"""An installation from before the relay keeps its letter requests' state: done stays
done, waiting keeps waiting (with its attempts), given up stays visible as dead."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("outbox", "0003_pending_by_id"), ("letters", "0005_letter_dated_on")]
AFTER = [
    ("outbox", "0005_message_state_to_deliveries"),
    ("letters", "0006_requests_to_outbox_deliveries"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_letter_requests_move_their_state_to_the_letters_deliveries():
    case = CaseFactory()
    old = migrate(BEFORE)
    message = old.get_model("outbox", "OutboxMessage")
    for key, dispatched, attempts in [("done", True, 0), ("waiting", False, 2), ("dead", False, 5)]:
        message.objects.create(
            topic="letter.requested",
            payload={"letter": "complaint_receipt"},
            case_id=case.pk,
            dedup_key=key,
            dispatched_at=timezone.now() if dispatched else None,
            attempts=attempts,
            last_error="OSError" if attempts else "",
        )
    message.objects.create(topic="something.else", payload={}, dedup_key="other")
    try:
        new = migrate(AFTER)
        delivery = new.get_model("outbox", "OutboxDelivery")
        rows = {
            row.message.dedup_key: (row.consumer, row.state, row.attempts)
            for row in delivery.objects.select_related("message")
        }
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert rows == {
        "done": ("letters", "done", 0),
        "waiting": ("letters", "pending", 2),
        "dead": ("letters", "dead", 5),
    }
