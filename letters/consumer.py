"""The letters app as an outbox consumer: requested letters are rendered, then sent.

Registered in ``LettersConfig.ready()``; the platform's relay calls it for every
``letter.requested`` event (``backend.outbox``).
"""

import datetime

from backend.outbox.consumers import Consumer
from backend.outbox.models import OutboxMessage
from backend.tasks import enqueue_after_commit
from letters import services
from letters.tasks import letters_send_email


def letter_request_handle(message: OutboxMessage) -> None:
    if services.letter_request_handle(message):
        # New e-mail deliveries go out now rather than at the next periodic run.
        enqueue_after_commit(letters_send_email)


LETTERS = Consumer(
    name=services.LETTERS_CONSUMER,
    topics=frozenset({services.LETTER_TOPIC}),
    handle=letter_request_handle,
    max_attempts=services.MAX_ATTEMPTS,
    # A letter that fails to render fails the same way a minute later, mostly: tried at
    # each periodic run, then shown to staff, rather than waited on for hours.
    retry_after=datetime.timedelta(0),
    # Rendering takes a while: one request per transaction, no others held meanwhile.
    batch=1,
)
