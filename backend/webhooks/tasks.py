"""Celery entry points of the webhooks: one delivery task per subscription."""

from celery import shared_task

from backend.tasks import enqueue_after_commit
from backend.webhooks import delivery
from backend.webhooks.models import Subscription


@shared_task(acks_late=True, ignore_result=True)
def webhooks_deliver(subscription: int) -> int:
    """Send one subscription's due deliveries. Safe to run twice at once."""
    return delivery.webhooks_deliver_pending(subscription).delivered


@shared_task(acks_late=True, ignore_result=True)
def webhooks_deliver_all() -> int:
    """The periodic run: start each active subscription's delivery (retries come due),
    each in its own task."""
    ids = list(Subscription.objects.filter(is_active=True).values_list("pk", flat=True))
    for subscription in ids:
        enqueue_after_commit(webhooks_deliver, kwargs={"subscription": subscription})
    return len(ids)
