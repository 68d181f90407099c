"""Old events every consumer is done with, deleted (the outbox relays; it is no archive)."""

import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from backend.outbox.models import DeliveryState, OutboxDelivery, OutboxMessage


def outbox_purge(*, keep_days: int | None = None, limit: int = 10_000) -> int:
    """Delete events older than ``keep_days`` (``OUTBOX_KEEP_DAYS``) that every consumer
    is done with: nothing pending or dead-lettered stays behind. What consumers made of
    them (letters, the timeline, webhook deliveries' own records) lives elsewhere; the
    outbox is a relay, not the archive. At most ``limit`` a run (the periodic run goes
    on the next day)."""
    days = settings.OUTBOX_KEEP_DAYS if keep_days is None else keep_days
    before = timezone.now() - datetime.timedelta(days=days)
    unfinished = OutboxDelivery.objects.filter(
        message=OuterRef("pk"), state__in=[DeliveryState.PENDING, DeliveryState.DEAD]
    )
    ids = list(
        OutboxMessage.objects.filter(created_at__lt=before)
        .filter(~Exists(unfinished))
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    OutboxMessage.objects.filter(pk__in=ids).delete()
    return len(ids)
