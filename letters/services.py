"""Letters from outbox requests: render, store, record - once per request."""

import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from backend.outbox.models import OutboxMessage
from cases.models import Case
from letters.context import language_for, letter_context, recipient_for
from letters.models import Letter
from letters.rendering import TEMPLATES, render

logger = logging.getLogger(__name__)

LETTER_TOPIC = "letter.requested"
MAX_ATTEMPTS = 5


def letter_create(*, case: Case, kind: str, source_key: str, payload: dict | None = None) -> Letter:
    """Render and store one letter; the same ``source_key`` again returns the first."""
    existing = Letter.objects.filter(source_key=source_key).first()
    if existing is not None:
        return existing
    language = language_for(case)
    rendered = render(kind, language, letter_context(case, kind, language, payload))
    recipient = recipient_for(case)
    letter = Letter(
        case=case,
        kind=kind,
        recipient=f"{recipient.get_role_display()}: {recipient.display_name}",
        language=language,
        template_version=rendered.template_version,
        sha256=hashlib.sha256(rendered.pdf).hexdigest(),
        size=len(rendered.pdf),
        pages=rendered.pages,
        source_key=source_key,
    )
    letter.file.save(f"{case.reference}-{kind}.pdf", ContentFile(rendered.pdf), save=False)
    try:
        letter.save()
    except Exception:
        letter.file.delete(save=False)
        raise
    return letter


def letters_render_pending(*, limit: int = 50) -> int:
    """Render requested letters whose template exists; each in its own transaction.

    A failure is counted on the request and retried next time; after MAX_ATTEMPTS it stays
    visible to staff (outbox admin) instead of being retried forever. Requests for kinds
    without a template yet wait untouched.
    """
    done = 0
    tried: list[int] = []  # one attempt per request per run
    while done < limit:
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(
                    topic=LETTER_TOPIC,
                    dispatched_at__isnull=True,
                    attempts__lt=MAX_ATTEMPTS,
                    payload__letter__in=list(TEMPLATES),
                )
                .exclude(pk__in=tried)
                .order_by("created_at", "id")
                .first()
            )
            if message is None:
                return done
            tried.append(message.pk)
            try:
                with transaction.atomic():
                    letter_create(
                        case=message.case,
                        kind=message.payload["letter"],
                        source_key=message.dedup_key,
                        payload=message.payload,
                    )
            except Exception as error:  # noqa: BLE001 - recorded, retried, then shown
                message.attempts += 1
                message.last_error = type(error).__name__
                message.save(update_fields=["attempts", "last_error"])
                logger.warning("Letter request %s failed (%s)", message.pk, type(error).__name__)
            else:
                message.dispatched_at = timezone.now()
                message.save(update_fields=["dispatched_at"])
            done += 1
    return done
