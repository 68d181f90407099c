"""Subscribing to events, and fanning each public event out to its subscriptions."""

import ipaddress
import json
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from backend.accounts.models import IntegrationClient
from backend.outbox.models import DeliveryState, OutboxMessage
from backend.tasks import enqueue_after_commit
from backend.webhooks.catalogue import event_type, event_types
from backend.webhooks.cloudevents import test_cloudevent
from backend.webhooks.delivery import post_signed
from backend.webhooks.models import Subscription, WebhookDelivery
from backend.webhooks.tasks import webhooks_deliver


def url_check(url: str) -> None:
    """HTTPS to a public address; plain HTTP and private or loopback addresses only where
    ``WEBHOOK_ALLOW_INSECURE`` says so (development and tests): the service must not be
    made to call into the municipality's own network."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValidationError({"url": gettext("Give an https:// address.")})
    if settings.WEBHOOK_ALLOW_INSECURE:
        return
    if parts.scheme != "https":
        raise ValidationError({"url": gettext("Give an https:// address.")})
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, None)}
    except OSError:
        raise ValidationError({"url": gettext("This host name cannot be found.")}) from None
    if any(not ipaddress.ip_address(address).is_global for address in addresses):
        raise ValidationError({"url": gettext("This address is not on the public internet.")})


def subscription_create(
    *, client: IntegrationClient, url: str, topics: list[str], kinds: list[str]
) -> Subscription:
    """A subscription, saved only once its receiver accepted a signed test event (2xx).
    The caller shows its ``secret`` once."""
    unknown = sorted(set(topics) - set(event_types()))
    if unknown:
        raise ValidationError({"topics": gettext("Unknown event types: %s.") % ", ".join(unknown)})
    url_check(url)
    subscription = Subscription(
        client=client, url=url, topics=sorted(set(topics)), kinds=sorted(set(kinds))
    )
    test = test_cloudevent(timezone.now().isoformat().replace("+00:00", "Z"))
    body = json.dumps(test).encode()
    sent = post_signed(url, subscription.secret, test["id"], body)
    if not sent.ok:
        answer = str(sent.status) if sent.status is not None else sent.error
        raise ValidationError(
            {
                "url": gettext(
                    "The receiver did not accept the test event (answer: %(answer)s); it "
                    "must answer 2xx."
                )
                % {"answer": answer}
            }
        )
    subscription.save()
    return subscription


def webhooks_fan_out(message: OutboxMessage) -> int:
    """The webhooks consumer: one delivery per active subscription that wants this
    public event (idempotent: the relay may hand the same event over twice)."""
    kind = event_type(message.topic)
    if kind is None:
        return 0  # an internal event: never sent out
    case_kind = kind.kind(message)
    wanting = [
        subscription
        for subscription in Subscription.objects.filter(is_active=True)
        if subscription.wants(message.topic, case_kind)
    ]
    WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(subscription=subscription, message=message, case_id=message.case_id)
            for subscription in wanting
        ],
        ignore_conflicts=True,
    )
    for subscription in wanting:
        enqueue_after_commit(webhooks_deliver, kwargs={"subscription": subscription.pk})
    return len(wanting)


@transaction.atomic
def webhook_deliveries_replay(deliveries: list[WebhookDelivery]) -> int:
    """Send dead-lettered deliveries again from now (their subscription must be active)."""
    ids = [each.pk for each in deliveries if each.state == DeliveryState.DEAD]
    rows = WebhookDelivery.objects.filter(
        pk__in=ids, state=DeliveryState.DEAD, subscription__is_active=True
    )
    subscriptions = set(rows.values_list("subscription_id", flat=True))
    count = rows.update(
        state=DeliveryState.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
    )
    for subscription in sorted(subscriptions):
        enqueue_after_commit(webhooks_deliver, kwargs={"subscription": subscription})
    return count
