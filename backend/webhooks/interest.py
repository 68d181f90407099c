"""Which topics any active subscription wants, kept per process and checked against a
version in the shared cache (``backend.versioned_cache``): publishing an event asks this
instead of the database, and writes no delivery row for a topic nobody subscribed to."""

from backend.outbox.models import OutboxMessage
from backend.versioned_cache import Versioned
from backend.webhooks.catalogue import event_types
from backend.webhooks.models import Subscription


def _subscribed() -> frozenset[str]:
    wanted: set[str] = set()
    for topics in Subscription.objects.filter(is_active=True).values_list("topics", flat=True):
        wanted |= set(topics) if topics else set(event_types())
    return frozenset(wanted)


# A subscription saved (made, switched on or off in the admin) bumps the version when its
# transaction commits; one ended by an update shows within a minute (until then its
# events get a delivery row that the fan-out drops: it only sends to active ones).
subscribed_topics = Versioned("webhook-topics", _subscribed, seconds=60)


def topic_subscribed(message: OutboxMessage) -> bool:
    return message.topic in subscribed_topics.get()
