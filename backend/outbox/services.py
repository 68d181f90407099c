"""Publishing to the outbox. Call inside the transaction of the change itself."""

from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from backend.outbox.consumers import consumer_get, consumers_for
from backend.outbox.models import DeliveryState, OutboxDelivery, OutboxMessage
from backend.outbox.tasks import outbox_relay
from backend.tasks import enqueue_after_commit


def _start_after_commit(name: str) -> None:
    if consumer_get(name).start_after_commit:
        enqueue_after_commit(outbox_relay, kwargs={"consumer": name})


def _deliveries_create(messages: list[OutboxMessage]) -> None:
    """One delivery row per interested consumer, and each such consumer's relay started
    once the transaction commits (once per transaction, however many events)."""
    rows = [
        OutboxDelivery(message=message, consumer=consumer.name)
        for message in messages
        for consumer in consumers_for(message)
    ]
    if not rows:
        return
    OutboxDelivery.objects.bulk_create(rows)
    for name in sorted({row.consumer for row in rows}):
        _start_after_commit(name)


def outbox_publish(
    *, topic: str, payload: dict[str, Any], dedup_key: str, case: Any = None
) -> OutboxMessage:
    """Record an event once; publishing the same ``dedup_key`` again returns the first."""
    message, created = OutboxMessage.objects.get_or_create(
        dedup_key=dedup_key, defaults={"topic": topic, "payload": payload, "case": case}
    )
    if created:
        _deliveries_create([message])
    return message


def outbox_publish_event(event: OutboxMessage) -> OutboxMessage:
    """``outbox_publish`` for an event built as an unsaved message (``cases.events``)."""
    return outbox_publish(
        topic=event.topic, payload=event.payload, dedup_key=event.dedup_key, case=event.case
    )


def outbox_in_round_trip(
    events: list[OutboxMessage],
) -> tuple[list[OutboxMessage], list[tuple[str, list]]]:
    """Events about rows new in this transaction, for a use case that writes its rows in
    one round trip (a filing): the event rows to add to it, and the statements that add
    each interested consumer's delivery after them - found by the event's unique key, so
    no key has to come back first (``backend.db_rows.rows_insert_together``'s ``then``).
    The consumers' relays start once the transaction commits."""
    delivery = OutboxDelivery._meta
    columns = ", ".join(
        delivery.get_field(name).column
        for name in ("message", "consumer", "state", "attempts", "next_attempt_at", "last_error")
    )
    # Names from the models; every value is a parameter.
    sql = (
        f"INSERT INTO {delivery.db_table} ({columns}) "  # noqa: S608
        f"SELECT id, %s, %s, 0, %s, '' FROM {OutboxMessage._meta.db_table} WHERE dedup_key = %s"
    )
    statements = []
    # As the ORM would store it (SQLite keeps moments as text in its own format: a value
    # in another would compare wrongly with the relay's "due now").
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    for event in events:
        for consumer in consumers_for(event):
            statements.append((sql, [consumer.name, DeliveryState.PENDING, now, event.dedup_key]))
            _start_after_commit(consumer.name)
    return events, statements


def outbox_publish_new(events: list[OutboxMessage]) -> list[OutboxMessage]:
    """Record events about rows written in this same transaction (a new case, a step's
    timeline entry): their keys are new by construction, so one INSERT for all of them,
    without the lookup and savepoint ``outbox_publish`` needs to be repeatable. A key
    that exists after all is an error, not a silent duplicate."""
    if not events:
        return []
    messages = OutboxMessage.objects.bulk_create(events)
    _deliveries_create(messages)
    return messages


@transaction.atomic
def outbox_deliveries_replay(deliveries: list[OutboxDelivery]) -> int:
    """Try dead-lettered (or pending) deliveries again from now, attempts counted afresh;
    done ones are left alone (replaying them would hand the consumer an event twice)."""
    ids = [delivery.pk for delivery in deliveries if delivery.state != DeliveryState.DONE]
    replayed = list(
        OutboxDelivery.objects.filter(pk__in=ids)
        .exclude(state=DeliveryState.DONE)
        .values_list("consumer", flat=True)
    )
    OutboxDelivery.objects.filter(pk__in=ids).exclude(state=DeliveryState.DONE).update(
        state=DeliveryState.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
    )
    for name in sorted(set(replayed)):
        enqueue_after_commit(outbox_relay, kwargs={"consumer": name})
    return len(replayed)
