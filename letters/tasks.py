"""Celery entry points for letters: thin and idempotent."""

from celery import shared_task

from letters import services


@shared_task(acks_late=True, ignore_result=False)
def letters_render_pending() -> int:
    """Render the letters the workflows requested (outbox). Safe to run twice at once."""
    return services.letters_render_pending()
