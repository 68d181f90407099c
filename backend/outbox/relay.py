"""The relay: hands each pending delivery to its consumer, once in effect.

Workers take rows with ``SELECT ... FOR UPDATE SKIP LOCKED`` (of the delivery rows only:
locking the event rows as well would make one consumer's relay skip another's), a batch
at a time (``Consumer.batch``), so any number run side by side. Each row is handled in
its own savepoint; the consumer's work and the rows' new states commit together, so a
worker killed mid-way leaves its rows pending for the next run (at least once; a
consumer is idempotent). A failure is counted and retried with backoff; after the
consumer's ``max_attempts`` the row is dead-lettered for an administrator to look at and
replay (outbox admin).
"""

import logging
from dataclasses import dataclass

from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.utils import timezone

from backend.outbox.consumers import Consumer, RelayDefer, consumer_get
from backend.outbox.models import DeliveryState, OutboxDelivery

logger = logging.getLogger(__name__)


@dataclass
class RelayRun:
    handled: int = 0
    failed: int = 0
    dead: int = 0
    deferred: int = 0

    @property
    def attempted(self) -> int:
        """Deliveries handed to the consumer that did not defer (handled or failed)."""
        return self.handled + self.failed


def _failed(delivery: OutboxDelivery, consumer: Consumer, error: Exception, run: RelayRun) -> None:
    delivery.attempts += 1
    delivery.last_error = type(error).__name__[:120]
    if delivery.attempts >= consumer.max_attempts:
        delivery.state = DeliveryState.DEAD
        run.dead += 1
        logger.error(
            "Outbox %s gave up on event %s after %s attempts (%s)",
            consumer.name, delivery.message_id, delivery.attempts, delivery.last_error,
        )  # fmt: skip
    else:
        delivery.next_attempt_at = timezone.now() + consumer.retry_delay(delivery.attempts)
        logger.warning(
            "Outbox %s failed on event %s (%s); retried later",
            consumer.name, delivery.message_id, delivery.last_error,
        )  # fmt: skip
    run.failed += 1
    delivery.save(update_fields=["attempts", "last_error", "state", "next_attempt_at"])


def outbox_relay(consumer: str, *, limit: int = 200) -> RelayRun:
    """Deliver up to ``limit`` of ``consumer``'s due events, oldest first, each row once
    per run. Safe to run many times at once."""
    handler = consumer_get(consumer)
    run = RelayRun()
    after = 0
    while (room := limit - run.attempted - run.deferred) > 0:
        with transaction.atomic():
            batch = list(
                OutboxDelivery.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("message")
                .filter(
                    consumer=consumer,
                    state=DeliveryState.PENDING,
                    id__gt=after,
                    next_attempt_at__lte=timezone.now(),
                )
                .order_by("id")[: min(handler.batch, room)]
            )
            if not batch:
                break
            after = batch[-1].pk
            done: list[int] = []
            for delivery in batch:
                try:
                    with transaction.atomic():
                        handler.handle(delivery.message)
                except RelayDefer:
                    run.deferred += 1
                except SoftTimeLimitExceeded:
                    raise  # out of time: the batch rolls back and stays pending
                except Exception as error:  # noqa: BLE001 - counted, retried, dead-lettered
                    _failed(delivery, handler, error, run)
                else:
                    done.append(delivery.pk)
            if done:
                OutboxDelivery.objects.filter(pk__in=done).update(
                    state=DeliveryState.DONE, done_at=timezone.now()
                )
                run.handled += len(done)
    return run
