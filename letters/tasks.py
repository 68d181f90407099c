"""Celery entry points for letters: thin and idempotent."""

from celery import shared_task

from letters import delivery, services
from letters.models import DeliveryChannel


@shared_task(acks_late=True, ignore_result=False)
def letters_send_email() -> int:
    """Send queued e-mail deliveries (PDF attached), each on the day it is dated. Safe to
    run twice at once."""
    try:
        services.letters_redate_stale(channel=DeliveryChannel.EMAIL)
    finally:  # what is dated today goes out whatever happened to the stale ones
        sent = delivery.deliveries_send_email()
    return sent


@shared_task(acks_late=True, ignore_result=False)
def letters_print_batch() -> int:
    """Put the day's letters for post into one print batch; the number of letters in it.
    Letters that missed their day's batch are dated again first."""
    try:
        services.letters_redate_stale(channel=DeliveryChannel.POST)
    finally:  # the day's letters are printed whatever happened to the stale ones
        batch = delivery.print_batch_create()
    return batch.letters if batch else 0
