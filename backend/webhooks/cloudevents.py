"""An outbox event as a CloudEvent 1.0, following the NL GOV profile.

- ``id``: a UUID derived from the event (stable over retries and replays);
- ``source``: the municipality's service as a URN (``WEBHOOK_SOURCE``, by default with
  its OIN: ``urn:nld:oin:<OIN>:systeem:klachten-bezwaren``);
- ``type``: reverse-DNS with a version, ``<EVENT_TYPE_PREFIX>.<topic>.v1``;
- ``time``, ``subject`` (the case reference), ``datacontenttype``;
- ``dataref``: the absolute URL of the resource, to read with the client's token;
- ``data``: the event's minimal data - never personal data (the resource has it, behind
  the token's scopes and the account's role).
"""

import uuid
from typing import Any

from django.conf import settings

from backend.outbox.models import OutboxMessage
from backend.webhooks.catalogue import EventType

SPEC_VERSION = "1.0"
TEST_TOPIC = "subscription.test"


def event_id(message: OutboxMessage) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{settings.WEBHOOK_SOURCE}/{message.pk}"))


def type_of(topic: str) -> str:
    return f"{settings.EVENT_TYPE_PREFIX}.{topic}.v1"


def cloudevent(message: OutboxMessage, kind: EventType) -> dict[str, Any]:
    return {
        "specversion": SPEC_VERSION,
        "id": event_id(message),
        "source": settings.WEBHOOK_SOURCE,
        "type": type_of(message.topic),
        "time": message.created_at.isoformat().replace("+00:00", "Z"),
        "subject": kind.subject(message),
        "datacontenttype": "application/json",
        "dataref": settings.PUBLIC_BASE_URL.rstrip("/") + kind.dataref(message),
        "data": message.payload,
    }


def test_cloudevent(now: str) -> dict[str, Any]:
    """What a new subscription's receiver must accept (2xx) before it is saved."""
    return {
        "specversion": SPEC_VERSION,
        "id": str(uuid.uuid4()),
        "source": settings.WEBHOOK_SOURCE,
        "type": type_of(TEST_TOPIC),
        "time": now,
        "subject": "subscription",
        "datacontenttype": "application/json",
        "data": {"test": True},
    }
