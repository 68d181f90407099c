"""Who handles outbox events: consumers register themselves, the platform names none.

An app registers its consumers in its ``AppConfig.ready()``. Publishing an event gives
every consumer whose topics include it a delivery row in the same transaction; the relay
(``backend.outbox.relay``) hands each row to its consumer's ``handle`` until it succeeds,
retrying with backoff and dead-lettering after ``max_attempts``.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the models load after the registry; the handler receives one
    from backend.outbox.models import OutboxMessage

ALL_TOPICS = "*"


class RelayDefer(Exception):
    """Raised by a handler that cannot handle the event yet and has not failed (say, a
    letter whose template is not deployed): the delivery stays pending, uncounted."""


@dataclass(frozen=True)
class Consumer:
    """One consumer of outbox events.

    ``handle`` runs inside the relay's transaction (a savepoint): what it writes commits
    with the delivery's state, so an event is handled once in effect even when a worker
    dies mid-way and another picks the row up again. It must be idempotent all the same
    (something outside the database, an HTTP call, may have happened before a crash).
    """

    name: str
    topics: frozenset[str]
    handle: Callable[["OutboxMessage"], None]
    max_attempts: int = 8
    # The first retry waits this long, each next one twice as long (capped).
    retry_after: datetime.timedelta = datetime.timedelta(minutes=1)
    retry_cap: datetime.timedelta = datetime.timedelta(hours=6)
    # Deliveries taken and committed together (each handled in its own savepoint): fewer
    # round trips per event, at the price of redoing the whole batch after a crash. Keep
    # it 1 for slow handlers (rendering a letter): the batch's rows stay locked meanwhile.
    batch: int = 20
    # Asked of each event at publish time on top of ``topics``, for a consumer whose
    # interest depends on data (webhooks: topics someone subscribed to; receipts: the
    # channel): no delivery row, nor a relay run, for an event it would not take. Must
    # be cheap (it runs in every change) and read only the event.
    wants_now: Callable[["OutboxMessage"], bool] | None = None
    # Start the consumer's relay right after the change commits (a message to the broker
    # from the request), or leave its events to the periodic run (within a minute) for
    # work that may wait and comes with every request of a hot path (a filing's receipt).
    start_after_commit: bool = True

    def wants(self, message: "OutboxMessage") -> bool:
        listed = ALL_TOPICS in self.topics or message.topic in self.topics
        return listed and (self.wants_now is None or self.wants_now(message))

    def retry_delay(self, attempts: int) -> datetime.timedelta:
        """The wait after the ``attempts``-th failure."""
        return min(self.retry_after * 2 ** max(attempts - 1, 0), self.retry_cap)


_registry: dict[str, Consumer] = {}


def consumer_register(consumer: Consumer) -> None:
    """Add a consumer; registering the same one again (a second ``ready()``) is a no-op."""
    known = _registry.get(consumer.name)
    if known is not None and known != consumer:
        raise ValueError(f"Another outbox consumer is already called {consumer.name!r}.")
    _registry[consumer.name] = consumer


def consumer_unregister(name: str) -> None:
    """Remove a consumer (tests that register their own)."""
    _registry.pop(name, None)


def consumer_get(name: str) -> Consumer:
    try:
        return _registry[name]
    except KeyError:
        raise LookupError(f"No outbox consumer is called {name!r}.") from None


def consumers() -> list[Consumer]:
    return list(_registry.values())


def consumers_for(message: "OutboxMessage") -> list[Consumer]:
    """The consumers that take this event (an unsaved one will do)."""
    return [consumer for consumer in _registry.values() if consumer.wants(message)]
