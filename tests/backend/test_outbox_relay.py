"""The outbox as a relay: every consumer registered for a topic gets its own delivery of
each event, handled once in effect, retried with backoff, dead-lettered, replayable."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backend.db_rows import rows_insert_together
from backend.outbox import consumers as registry
from backend.outbox import relay
from backend.outbox.consumers import Consumer, RelayDefer
from backend.outbox.models import DeliveryState, OutboxDelivery, OutboxMessage
from backend.outbox.purge import outbox_purge
from backend.outbox.services import (
    outbox_deliveries_replay,
    outbox_in_round_trip,
    outbox_publish,
    outbox_publish_new,
)
from backend.outbox.tasks import outbox_relay
from cases.models import CaseEvent, EventKind
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


class Recorder:
    """A consumer's handler that notes what it was given and may fail on demand."""

    def __init__(self) -> None:
        self.seen: list[int] = []
        self.fail_times = 0
        self.defer = False

    def __call__(self, message: OutboxMessage) -> None:
        if self.defer:
            raise RelayDefer
        if self.fail_times:
            self.fail_times -= 1
            raise ConnectionError("receiver down")
        self.seen.append(message.pk)
        # Something the consumer writes: it commits with the delivery's state, or not.
        CaseEvent.objects.create(case=message.case, kind=EventKind.NOTE, text=f"saw {message.pk}")


@pytest.fixture
def consumer_of():
    """Register test consumers for the test's duration."""
    made: list[str] = []

    def register(name: str, topics: set[str], **options) -> Recorder:
        handler = Recorder()
        registry.consumer_register(
            Consumer(name=name, topics=frozenset(topics), handle=handler, **options)
        )
        made.append(name)
        return handler

    yield register
    for name in made:
        registry.consumer_unregister(name)


def publish(topic: str, key: str, case=None) -> OutboxMessage:
    return outbox_publish(topic=topic, payload={"n": key}, dedup_key=key, case=case)


def states(name: str) -> list[tuple[str, int]]:
    return list(
        OutboxDelivery.objects.filter(consumer=name).order_by("id").values_list("state", "attempts")
    )


def test_each_interested_consumer_gets_its_own_delivery_and_others_none(consumer_of):
    consumer_of("dashboard", {"test.a"})
    consumer_of("archive", {registry.ALL_TOPICS})
    consumer_of("deaf", {"test.other"})
    case = CaseFactory()

    message = publish("test.a", "k1", case)
    again = publish("test.a", "k1", case)  # the same event again: a no-op

    assert again.pk == message.pk
    assert sorted(message.deliveries.values_list("consumer", flat=True)) == [
        "archive",
        "dashboard",
    ]


def test_the_relay_hands_events_in_order_and_marks_them_done(consumer_of):
    seen = consumer_of("dashboard", {"test.a"})
    case = CaseFactory()
    first, second = publish("test.a", "k1", case), publish("test.a", "k2", case)

    run = relay.outbox_relay("dashboard")

    assert (run.handled, run.failed) == (2, 0)
    assert seen.seen == [first.pk, second.pk]
    assert states("dashboard") == [(DeliveryState.DONE, 0), (DeliveryState.DONE, 0)]
    assert relay.outbox_relay("dashboard").attempted == 0  # done is done


def test_a_failure_is_retried_after_a_growing_wait_then_dead_lettered(consumer_of, time_machine):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    seen = consumer_of(
        "webhook", {"test.a"}, max_attempts=3, retry_after=datetime.timedelta(minutes=1)
    )
    seen.fail_times = 10
    case = CaseFactory()
    publish("test.a", "k1", case)

    assert relay.outbox_relay("webhook").failed == 1
    delivery = OutboxDelivery.objects.get(consumer="webhook")
    assert delivery.next_attempt_at == start + datetime.timedelta(minutes=1)
    assert delivery.last_error == "ConnectionError"  # the type: a message may quote data
    # Not due yet: the next run leaves it alone.
    assert relay.outbox_relay("webhook").attempted == 0

    time_machine.move_to(start + datetime.timedelta(minutes=1), tick=False)
    assert relay.outbox_relay("webhook").failed == 1
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == start + datetime.timedelta(minutes=3)  # 1 + 2

    time_machine.move_to(start + datetime.timedelta(minutes=3), tick=False)
    run = relay.outbox_relay("webhook")
    assert (run.failed, run.dead) == (1, 1)
    assert states("webhook") == [(DeliveryState.DEAD, 3)]
    # What the failing handler wrote rolled back with each attempt.
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.NOTE).exists()

    # An administrator replays it once the receiver is back.
    seen.fail_times = 0
    assert outbox_deliveries_replay([delivery]) == 1
    assert relay.outbox_relay("webhook").handled == 1
    assert states("webhook") == [(DeliveryState.DONE, 0)]
    assert CaseEvent.objects.filter(case=case, kind=EventKind.NOTE).count() == 1


def test_the_wait_doubles_up_to_a_cap():
    consumer = Consumer(
        name="x",
        topics=frozenset(),
        handle=print,
        retry_after=datetime.timedelta(minutes=1),
        retry_cap=datetime.timedelta(minutes=10),
    )
    assert [consumer.retry_delay(n).total_seconds() / 60 for n in range(1, 7)] == [
        1,
        2,
        4,
        8,
        10,
        10,
    ]


def test_replay_leaves_done_deliveries_alone(consumer_of):
    consumer_of("dashboard", {"test.a"})
    publish("test.a", "k1", CaseFactory())
    relay.outbox_relay("dashboard")

    assert outbox_deliveries_replay(list(OutboxDelivery.objects.all())) == 0
    assert states("dashboard") == [(DeliveryState.DONE, 0)]


def test_a_deferring_consumer_keeps_the_event_without_using_an_attempt(consumer_of):
    seen = consumer_of("letters-later", {"test.a"}, max_attempts=1)
    seen.defer = True
    publish("test.a", "k1", CaseFactory())

    for _ in range(3):
        assert relay.outbox_relay("letters-later").deferred == 1
    assert states("letters-later") == [(DeliveryState.PENDING, 0)]


def test_one_consumer_failing_holds_up_no_other(consumer_of):
    broken = consumer_of("broken", {"test.a"}, max_attempts=5)
    fine = consumer_of("fine", {"test.a"})
    broken.fail_times = 5
    message = publish("test.a", "k1", CaseFactory())

    relay.outbox_relay("broken")
    relay.outbox_relay("fine")

    assert fine.seen == [message.pk]
    assert states("broken") == [(DeliveryState.PENDING, 1)]


def test_events_about_new_rows_are_written_in_one_statement(consumer_of):
    consumer_of("dashboard", {"test.new"})
    case = CaseFactory()
    with CaptureQueriesContext(connection) as queries:
        outbox_publish_new(
            [
                OutboxMessage(topic="test.new", dedup_key=f"n{i}", case=case, payload={})
                for i in range(3)
            ]
        )
    statements = [q["sql"] for q in queries.captured_queries]
    # The events, then their deliveries: no lookups, no savepoints.
    assert len(statements) == 2, statements
    assert OutboxDelivery.objects.filter(consumer="dashboard").count() == 3


def test_a_consumer_relay_is_started_once_per_transaction(
    consumer_of, django_capture_on_commit_callbacks
):
    consumer_of("dashboard", {"test.a", "test.b"})
    consumer_of("archive", {"test.b"})
    case = CaseFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        publish("test.a", "k1", case)
        publish("test.b", "k2", case)
        publish("test.b", "k3", case)

    started = sorted(callback.enqueue_key for callback in callbacks)
    assert started == [
        (outbox_relay.name, (("consumer", "archive"),)),
        (outbox_relay.name, (("consumer", "dashboard"),)),
    ]


def test_an_event_rolled_back_with_its_change_is_never_delivered(consumer_of):
    seen = consumer_of("dashboard", {"test.a"})
    case = CaseFactory()

    def failing_change() -> None:
        with transaction.atomic():
            publish("test.a", "k1", case)
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        failing_change()

    assert not OutboxMessage.objects.filter(dedup_key="k1").exists()
    assert relay.outbox_relay("dashboard").attempted == 0
    assert seen.seen == []


def test_a_relay_start_dropped_with_a_rolled_back_savepoint_is_asked_for_again(
    consumer_of, django_capture_on_commit_callbacks
):
    """The once-per-transaction check reads Django's list of the transaction's callbacks
    (``connection.run_on_commit``, decision 20): a savepoint rolled back takes its callback
    with it, so the next event starts the relay after all."""
    consumer_of("dashboard", {"test.a"})
    case = CaseFactory()

    def rolled_back() -> None:
        with transaction.atomic():
            publish("test.a", "k1", case)
            raise RuntimeError("the change failed")

    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(RuntimeError):
            rolled_back()
        publish("test.a", "k2", case)

    assert [callback.enqueue_key for callback in callbacks] == [
        (outbox_relay.name, (("consumer", "dashboard"),))
    ]


def test_old_events_every_consumer_is_done_with_are_purged(consumer_of, time_machine):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    seen = consumer_of("dashboard", {"test.a"}, max_attempts=1)
    case = CaseFactory()
    for key in ("done", "dead"):
        publish("test.a", key, case)
    unheard = publish("test.a", "x", case)
    OutboxMessage.objects.filter(pk=unheard.pk).update(topic="test.nobody")
    OutboxDelivery.objects.filter(message=unheard).delete()
    seen.fail_times = 0
    relay.outbox_relay("dashboard", limit=1)  # "done" handled
    seen.fail_times = 1
    relay.outbox_relay("dashboard")  # "dead" dead-lettered
    recent = publish("test.a", "recent", case)

    time_machine.move_to(start + datetime.timedelta(days=91), tick=False)
    recent_again = publish("test.a", "new", case)  # pending, young

    # Gone: the old one handled and the old one nobody wanted. Kept: the dead-lettered
    # (an administrator may replay it), the old one still pending, the young one.
    assert outbox_purge(keep_days=90) == 2
    left = set(OutboxMessage.objects.values_list("dedup_key", flat=True))
    assert left == {"dead", recent.dedup_key, recent_again.dedup_key}


def test_deliveries_written_in_a_round_trip_are_due_at_once(consumer_of):
    """The filing's way (``outbox_in_round_trip``): the delivery rows its statements add
    are pending and due now, as the ORM would have written them."""
    seen = consumer_of("dashboard", {"test.rt"})
    case = CaseFactory()
    rows, statements = outbox_in_round_trip(
        [OutboxMessage(topic="test.rt", dedup_key="rt-1", case=case, payload={})]
    )
    rows_insert_together(rows, then=statements)

    assert relay.outbox_relay("dashboard").handled == 1
    assert seen.seen == [OutboxMessage.objects.get(dedup_key="rt-1").pk]
