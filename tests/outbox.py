"""Reading the outbox in tests: letter requests, and a consumer's delivery of an event."""

from django.db.models import QuerySet

from backend.outbox.models import OutboxDelivery, OutboxMessage
from backend.outbox.relay import RelayRun, outbox_relay
from letters.services import LETTER_TOPIC, LETTERS_CONSUMER


def letter_requests(**lookups) -> QuerySet[OutboxMessage]:
    """The letter requests (``letter.requested`` events) matching ``lookups``."""
    return OutboxMessage.objects.filter(topic=LETTER_TOPIC, **lookups)


def letters_delivery(message: OutboxMessage) -> OutboxDelivery:
    """The letters consumer's delivery of a letter request, read afresh."""
    return OutboxDelivery.objects.get(message=message, consumer=LETTERS_CONSUMER)


def relay_all(consumer: str) -> RelayRun:
    """The consumer's relay run until nothing it may handle now is left (the worker's
    part, in the test's own transaction)."""
    total = RelayRun()
    while (run := outbox_relay(consumer)).attempted:
        total.handled += run.handled
        total.failed += run.failed
        total.dead += run.dead
    return total
