"""Publishing to the outbox. Call inside the transaction of the change itself."""

from typing import Any

from backend.outbox.models import OutboxMessage
from backend.tasks import enqueue_after_commit


def outbox_publish(
    *, topic: str, payload: dict[str, Any], dedup_key: str, case: Any = None
) -> OutboxMessage:
    """Record an event once; publishing the same ``dedup_key`` again returns the first."""
    message, created = OutboxMessage.objects.get_or_create(
        dedup_key=dedup_key, defaults={"topic": topic, "payload": payload, "case": case}
    )
    if created and topic == "letter.requested":
        from letters.tasks import letters_render_pending

        enqueue_after_commit(letters_render_pending)
    return message
