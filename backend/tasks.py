"""Enqueueing Celery work after commit without ever failing the request."""

import logging

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_after_commit(task: Task) -> None:
    """Start ``task`` once the transaction commits; if the broker is down, log and go on.

    The work is recorded in the database (outbox, notification rows) and a beat task
    picks up what was not started, so a request never fails because the broker is down.
    """

    def start() -> None:
        try:
            task.apply_async(retry=False)
        except Exception:  # noqa: BLE001 - the broker being down must not fail the caller
            logger.warning("Could not enqueue %s; the periodic run will pick it up", task.name)

    transaction.on_commit(start)
