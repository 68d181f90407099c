"""Checking a step before it is taken: the step runs as it would - every rule of the law
and the policy (Awb 7:2 and 7:4 for a hearing, four eyes, the terms) - in a transaction
that is then rolled back, and the letters it would send are rendered from the case as it
would be afterwards. Nothing is saved and nothing is sent; the previews are kept for a
few minutes for the person who asked, in the cache (no file is written)."""

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction

from backend.accounts.models import User
from backend.outbox.models import OutboxMessage
from cases.models import Case
from letters.services import letters_preview_for_request

PREVIEW_SECONDS = 600
LETTER_REQUESTED = "letter.requested"


@dataclass(frozen=True)
class Preview:
    token: str
    title: str
    recipient: str


def _key(user: User, reference: str, token: str) -> str:
    return f"workbench:preview:{user.pk}:{reference}:{token}"


def step_dry_run(case: Case, user: User, take: Callable[[Case], None]) -> list[Preview]:
    """Take the step with ``take`` and roll it back; the letters it would send. Raises
    what taking it would raise."""
    previews = []
    with transaction.atomic():
        last = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        take(case)
        requested = OutboxMessage.objects.filter(
            case_id=case.pk, topic=LETTER_REQUESTED, pk__gt=last
        ).order_by("pk")
        for message in requested:
            for recipient, rendered in letters_preview_for_request(message):
                token = secrets.token_urlsafe(16)
                cache.set(_key(user, case.reference, token), rendered.pdf, PREVIEW_SECONDS)
                previews.append(Preview(token, rendered.title, recipient.label))
        transaction.set_rollback(True)
    return previews


def preview_pdf(user: User, reference: str, token: str) -> bytes | None:
    return cache.get(_key(user, reference, token))
