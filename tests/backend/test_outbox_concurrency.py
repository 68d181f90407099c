"""The relay on real PostgreSQL with real commits: workers side by side, each event once."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from backend.outbox import consumers as registry
from backend.outbox import relay
from backend.outbox.consumers import Consumer
from backend.outbox.models import DeliveryState, OutboxDelivery, OutboxMessage
from backend.outbox.services import outbox_publish
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def register():
    names: list[str] = []

    def add(name: str, handle) -> None:
        registry.consumer_register(Consumer(name=name, topics=frozenset({"t.x"}), handle=handle))
        names.append(name)

    yield add
    for name in names:
        registry.consumer_unregister(name)


def in_thread(call):
    def run():
        try:
            return call()
        finally:
            connection.close()

    return run


def test_a_slow_consumer_does_not_make_another_skip_the_same_event(register):
    """Only the delivery row is locked while a consumer works, never the event's row:
    locking both would make the other consumer's relay skip the event (SKIP LOCKED)."""
    started, release = threading.Event(), threading.Event()
    fast_seen: list[int] = []

    def slow(message: OutboxMessage) -> None:
        started.set()
        assert release.wait(30)

    register("slow", slow)
    register("fast", lambda message: fast_seen.append(message.pk))
    message = outbox_publish(topic="t.x", payload={}, dedup_key="k1", case=CaseFactory())

    with ThreadPoolExecutor(1) as pool:
        slow_run = pool.submit(in_thread(lambda: relay.outbox_relay("slow")))
        assert started.wait(30)
        fast_run = relay.outbox_relay("fast")  # while the slow one holds its row
        release.set()
        assert slow_run.result(30).handled == 1

    assert fast_run.handled == 1
    assert fast_seen == [message.pk]


def test_workers_side_by_side_hand_each_event_over_once(register):
    seen: list[int] = []
    lock = threading.Lock()

    def record(message: OutboxMessage) -> None:
        with lock:
            seen.append(message.pk)

    register("counter", record)
    case = CaseFactory()
    published = [
        outbox_publish(topic="t.x", payload={}, dedup_key=f"k{i}", case=case).pk for i in range(60)
    ]

    with ThreadPoolExecutor(3) as pool:
        worker = in_thread(lambda: relay.outbox_relay("counter"))
        runs = [run.result(60) for run in [pool.submit(worker) for _ in range(3)]]

    assert sum(run.handled for run in runs) == 60
    assert sorted(seen) == published  # each once
    assert set(
        OutboxDelivery.objects.filter(consumer="counter").values_list("state", flat=True)
    ) == {DeliveryState.DONE}
