"""Enqueueing Celery work after commit without ever failing the request."""

import logging
import time
from typing import Any

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)


# After a failed publish the broker is not tried again for this long (per process): a
# request then costs nothing extra while the broker is down, not a connect timeout each.
BROKER_DOWN_PAUSE_SECONDS = 30.0
_broker_down_until = 0.0


def _already_enqueued(key: tuple[str, tuple[tuple[str, Any], ...]]) -> bool:
    """The same task with the same arguments waits for this transaction's commit already.

    Read from Django's own list of the transaction's callbacks (a rolled-back savepoint
    drops its callbacks from it), so a rollback never leaves a stale "already"."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return False
    return any(
        getattr(callback, "enqueue_key", None) == key and not callback.started
        for _, callback, *_ in connection.run_on_commit
    )


def enqueue_after_commit(task: Task, *, kwargs: dict[str, Any] | None = None) -> None:
    """Start ``task`` once the transaction commits; if the broker is down, log and go on.

    The work is recorded in the database (outbox, notification rows) and a beat task
    picks up what was not started, so a request never fails because the broker is down,
    nor waits for it: one try within a second (settings: no publish retries), then no
    try at all for ``BROKER_DOWN_PAUSE_SECONDS``. The same task with the same ``kwargs``
    is sent once per transaction, however often it is asked for.
    """
    key = (task.name, tuple(sorted((kwargs or {}).items())))
    if _already_enqueued(key):
        return

    def start() -> None:
        global _broker_down_until
        start.started = True  # type: ignore[attr-defined]
        if time.monotonic() < _broker_down_until:
            logger.info("Broker down: %s left to the periodic run", task.name)
            return
        try:
            task.apply_async(kwargs=kwargs, retry=False)
        except Exception:  # noqa: BLE001 - the broker being down must not fail the caller
            _broker_down_until = time.monotonic() + BROKER_DOWN_PAUSE_SECONDS
            logger.warning("Could not enqueue %s; the periodic run will pick it up", task.name)

    start.enqueue_key, start.started = key, False  # type: ignore[attr-defined]
    transaction.on_commit(start)
