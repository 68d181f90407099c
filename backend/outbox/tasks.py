"""Celery entry points of the outbox: thin, idempotent, one task per consumer."""

from celery import shared_task

from backend.outbox import purge, relay
from backend.outbox.consumers import consumers
from backend.tasks import enqueue_after_commit


@shared_task(acks_late=True, ignore_result=True)
def outbox_relay(consumer: str) -> int:
    """Deliver ``consumer``'s due events. Safe to run twice at once (SKIP LOCKED)."""
    return relay.outbox_relay(consumer).attempted


@shared_task(acks_late=True, ignore_result=True)
def outbox_purge() -> int:
    """The daily clean-up of events every consumer is done with (``OUTBOX_KEEP_DAYS``)."""
    return purge.outbox_purge()


@shared_task(acks_late=True, ignore_result=True)
def outbox_relay_all() -> int:
    """The periodic run: start every consumer's relay (retries that came due, what a
    broker outage left behind), each in its own task so none waits on another."""
    names = [consumer.name for consumer in consumers()]
    for name in names:
        enqueue_after_commit(outbox_relay, kwargs={"consumer": name})
    return len(names)
