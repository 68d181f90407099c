"""Which outbox events other systems may subscribe to, and what each one is about.

Apps register their public event types (``event_types_register`` in ``ready()``): the
topic, a description for the README and the API, and how to name the event's subject
(a reference) and the resource it is about (``dataref``, a path the subscriber reads
with its token). Topics not registered here (internal ones, such as a letter request)
are never sent out. The platform names no app's topic.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.functional import Promise

if TYPE_CHECKING:  # registered from apps' ready(), before models may be imported here
    from backend.outbox.models import OutboxMessage


@dataclass(frozen=True)
class EventType:
    topic: str
    description: str | Promise
    subject: Callable[["OutboxMessage"], str]
    dataref: Callable[["OutboxMessage"], str]  # a path on this service, e.g. /api/v1/...
    # For subscriptions' filter by case kind; "" when the event has none.
    kind: Callable[["OutboxMessage"], str] = lambda message: message.payload.get("kind", "")


_types: dict[str, EventType] = {}


def event_types_register(*types: EventType) -> None:
    for each in types:
        known = _types.get(each.topic)
        if known is not None and known != each:
            raise ValueError(f"Another event type is already registered for {each.topic!r}.")
        _types[each.topic] = each


def event_type(topic: str) -> EventType | None:
    return _types.get(topic)


def event_types() -> dict[str, EventType]:
    return dict(sorted(_types.items()))
