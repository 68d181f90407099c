"""Celery entry points: thin, idempotent, calling services. Beat runs the sweep."""

import time

from celery import shared_task

from backend.metrics import duration_record
from backend.tasks import enqueue_after_commit
from cases import antivirus, sweep
from cases.metrics import SWEEP


@shared_task(acks_late=True, ignore_result=False)
def deadlines_sweep() -> dict[str, int]:
    """Warn before terms end, escalate missed ones. Safe to run twice at once. The
    warnings are recorded first; sending them is a task of its own (retried by beat)."""
    started = time.perf_counter()
    result = sweep.deadlines_sweep()
    duration_record(SWEEP, time.perf_counter() - started)
    if result.notification_ids:
        enqueue_after_commit(deadline_notifications_send)
    return {
        "warned": result.warned,
        "missed": result.missed,
        "penalty_warnings": result.penalty_warnings,
    }


@shared_task(acks_late=True, ignore_result=False)
def deadline_notifications_send() -> int:
    """Send recorded warnings and escalations not yet sent."""
    return sweep.deadline_notifications_send()


@shared_task(acks_late=True, ignore_result=False)
def attachments_scan_pending() -> dict[str, int]:
    """Scan attachments waiting in quarantine (the scanner was unavailable when they came
    in): clean ones are served from then on, infected ones are blocked. Beat runs it."""
    return antivirus.attachments_scan_pending()
