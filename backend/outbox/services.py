"""Publishing to the outbox. Call inside the transaction of the change itself."""

from typing import Any

from backend.outbox.models import OutboxMessage


def outbox_publish(
    *, topic: str, payload: dict[str, Any], dedup_key: str, case: Any = None
) -> OutboxMessage:
    """Record an event once; publishing the same ``dedup_key`` again returns the first."""
    message, _ = OutboxMessage.objects.get_or_create(
        dedup_key=dedup_key, defaults={"topic": topic, "payload": payload, "case": case}
    )
    return message
