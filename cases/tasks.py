"""Celery entry points: thin, idempotent, calling services. Beat runs the sweep."""

from celery import shared_task

from cases import sweep


@shared_task(acks_late=True, ignore_result=False)
def deadlines_sweep() -> dict[str, int]:
    """Warn before terms end, escalate missed ones. Safe to run twice at once."""
    result = sweep.deadlines_sweep()
    return {
        "warned": result.warned,
        "missed": result.missed,
        "penalty_warnings": result.penalty_warnings,
    }


@shared_task(acks_late=True, ignore_result=False)
def deadline_notifications_send() -> int:
    """Send recorded warnings and escalations not yet sent."""
    return sweep.deadline_notifications_send()
