"""Delivering webhooks: signed CloudEvents POSTed to a subscription's receiver.

At least once, in order per case: a subscription's deliveries go out oldest first, and
one whose case has an earlier delivery still pending waits for it (a retry holds up that
case's later events, no other case's). A failure is retried after 1, 2, 4 ... minutes
(capped at 6 hours) until ``WEBHOOK_RETRY_HOURS`` after the event, then dead-lettered; a
receiver answering 410 Gone ends its subscription. Each subscription is delivered by its
own task with connect and read timeouts, so a slow or failing receiver holds up no other.
"""

import datetime
import json
import logging
import threading
from dataclasses import dataclass

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from backend.outbox.models import DeliveryState
from backend.webhooks import signing
from backend.webhooks.catalogue import event_type
from backend.webhooks.cloudevents import cloudevent, event_id
from backend.webhooks.models import Subscription, WebhookDelivery

logger = logging.getLogger(__name__)

CONTENT_TYPE = "application/cloudevents+json; charset=utf-8"
RETRY_FIRST = datetime.timedelta(minutes=1)
RETRY_CAP = datetime.timedelta(hours=6)
GONE = 410


@dataclass
class Sent:
    status: int | None  # None: no answer (refused, timed out)
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def post_signed(url: str, secret: str, identifier: str, body: bytes) -> Sent:
    headers = {
        **signing.headers(secret, identifier, body),
        "Content-Type": CONTENT_TYPE,
        "User-Agent": "klachten-bezwaren-webhooks/1",
    }
    try:
        response = _session().post(
            url,
            data=body,
            headers=headers,
            timeout=(settings.WEBHOOK_CONNECT_TIMEOUT, settings.WEBHOOK_READ_TIMEOUT),
            allow_redirects=False,  # a redirect could send the event somewhere unchecked
        )
    except requests.RequestException as error:
        return Sent(None, type(error).__name__)
    response.close()
    return Sent(response.status_code, "" if 200 <= response.status_code < 300 else "status")


_local = threading.local()


def _session() -> requests.Session:
    """One HTTP session per worker thread: connections to a receiver are kept and reused
    (a thread-local one, since a session is not meant to be shared between threads)."""
    if not hasattr(_local, "session"):
        _local.session = requests.Session()
    return _local.session


@transaction.atomic
def subscription_end(subscription: Subscription, reason: str) -> None:
    """No more deliveries; what was pending is dead-lettered (replayable once active)."""
    Subscription.objects.filter(pk=subscription.pk).update(is_active=False, ended_reason=reason)
    subscription.deliveries.filter(state=DeliveryState.PENDING).update(
        state=DeliveryState.DEAD, last_error=reason[:120]
    )


def _retry_at(delivery: WebhookDelivery, now: datetime.datetime) -> datetime.datetime | None:
    """When to try again, or None when the retry window after the event is over."""
    wait = min(RETRY_FIRST * 2 ** (delivery.attempts - 1), RETRY_CAP)
    ends = delivery.message.created_at + datetime.timedelta(hours=settings.WEBHOOK_RETRY_HOURS)
    return now + wait if now + wait <= ends else None


@dataclass
class DeliveryRun:
    delivered: int = 0
    failed: int = 0
    dead: int = 0


# Deliveries taken and committed together: fewer round trips per event. A batch holds at
# most one delivery per case (a case's later one waits for its earlier), and a worker
# that dies mid-batch leaves the whole batch pending: sent again, at least once.
BATCH = 20


def webhooks_deliver_pending(subscription_id: int, *, limit: int = 100) -> DeliveryRun:
    """Send the subscription's due deliveries, oldest first, in order per case. Safe to
    run many times at once (SKIP LOCKED; a case's later event waits for its earlier)."""
    run = DeliveryRun()
    after = 0
    while (room := limit - run.delivered - run.failed) > 0:
        with transaction.atomic():
            subscription = Subscription.objects.filter(pk=subscription_id, is_active=True).first()
            if subscription is None:
                break
            earlier = WebhookDelivery.objects.filter(
                subscription_id=subscription_id,
                state=DeliveryState.PENDING,
                case_id=OuterRef("case_id"),
                id__lt=OuterRef("id"),
            )
            batch = list(
                WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("message")
                .filter(
                    subscription_id=subscription_id,
                    state=DeliveryState.PENDING,
                    next_attempt_at__lte=timezone.now(),
                    id__gt=after,
                )
                .filter(~Exists(earlier))
                .order_by("id")[: min(BATCH, room)]
            )
            if not batch:
                break
            after = batch[-1].pk
            delivered: dict[int, list[int]] = {}  # by HTTP status
            for delivery in batch:
                kind = event_type(delivery.message.topic)
                if kind is None:  # its type was withdrawn from the catalogue since
                    delivery.state, delivery.last_error = DeliveryState.DEAD, "unknown event type"
                    delivery.save(update_fields=["state", "last_error"])
                    continue
                body = json.dumps(cloudevent(delivery.message, kind)).encode()
                sent = post_signed(
                    subscription.url, subscription.secret, event_id(delivery.message), body
                )
                if sent.ok:
                    delivered.setdefault(sent.status, []).append(delivery.pk)
                    run.delivered += 1
                elif not _failed(delivery, subscription, sent, run):
                    break  # the subscription ended: the rest of the batch is dead-lettered
            now = timezone.now()
            for status, ids in delivered.items():
                WebhookDelivery.objects.filter(pk__in=ids).update(
                    state=DeliveryState.DONE,
                    delivered_at=now,
                    attempts=F("attempts") + 1,
                    last_status=status,
                    last_error="",
                )
    return run


def _failed(
    delivery: WebhookDelivery, subscription: Subscription, sent: Sent, run: DeliveryRun
) -> bool:
    """Record a failed attempt; False when it ended the subscription (410 Gone)."""
    now = timezone.now()
    delivery.attempts += 1
    delivery.last_status, delivery.last_error = sent.status, sent.error[:120]
    if sent.status == GONE:
        delivery.state = DeliveryState.DEAD
        run.dead += 1
        delivery.save()
        subscription_end(subscription, "the receiver answered 410 Gone")
        logger.warning("Webhook subscription %s ended: its receiver is gone", subscription.pk)
        return False
    retry = _retry_at(delivery, now)
    run.failed += 1
    if retry is None:
        delivery.state = DeliveryState.DEAD
        run.dead += 1
        logger.error("Webhook delivery %s dead after %s attempts", delivery.pk, delivery.attempts)
    else:
        delivery.next_attempt_at = retry
    delivery.save()
    return True
