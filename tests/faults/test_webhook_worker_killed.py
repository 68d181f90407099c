"""A Celery worker SIGKILLed while a receiver has the webhook but has not answered: a
fresh worker sends the same event again (the same ``webhook-id``, so the receiver takes
it once in effect) and the delivery is done - at least once, never lost."""

import pytest
import redis

from backend.accounts.tokens import client_create
from backend.outbox.services import outbox_publish
from backend.webhooks.models import Subscription, WebhookDelivery
from tests.backend.webhook_receiver import receiver_start
from tests.factories import CaseFactory
from tests.faults.conftest import Processes, service_environment, wait_for, worker_start

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.faults]

RELAY = "backend.outbox.tasks.outbox_relay_all"
DELIVER = "backend.webhooks.tasks.webhooks_deliver_all"


def test_a_worker_killed_mid_delivery_leaves_it_to_the_next(processes, broker, tmp_path):
    receiver, server = receiver_start()
    try:
        subscription = Subscription.objects.create(
            client=client_create(name="Z", organisation="G", contact_email="z@g.example"),
            url=receiver.url,
            topics=["case.filed"],
        )
        case = CaseFactory()
        outbox_publish(
            topic="case.filed",
            payload={"reference": case.reference, "kind": case.kind},
            dedup_key=f"case.filed:{case.pk}",
            case=case,
        )
        environment = service_environment(broker, tmp_path)

        receiver.hold.set()
        worker = worker_start(processes, environment, "worker-a")
        broker.send(RELAY)  # the fan-out, then the subscription's delivery task
        wait_for(receiver.holding.is_set, 60, "the event to reach the receiver")
        processes.kill(worker)
        delivery = WebhookDelivery.objects.get(subscription=subscription)
        wait_for(
            lambda: WebhookDelivery.objects.filter(pk=delivery.pk, state="pending").exists(),
            30,
            "the dead worker's transaction to end",
        )
        assert WebhookDelivery.objects.get(pk=delivery.pk).attempts == 0  # rolled back

        receiver.hold.clear()
        receiver.released.set()
        worker = worker_start(processes, environment, "worker-b")
        broker.send(DELIVER)  # beat's periodic run
        queue = redis.Redis(port=broker.port)
        wait_for(
            lambda: (
                WebhookDelivery.objects.filter(pk=delivery.pk, state="done").exists()
                and queue.llen("celery") == 0
            ),
            60,
            "the event to be delivered again",
        )
        queue.close()
        processes.stop(worker)
    finally:
        server.shutdown()
        server.server_close()

    ids = [each.headers["webhook-id"] for each in receiver.received]
    assert len(ids) == 2  # sent twice: at least once
    assert len(set(ids)) == 1  # the same event: once in effect for a receiver that dedupes
    assert [each.status for each in receiver.received] == [0, 204]
    assert "raised" not in Processes.log(worker)
