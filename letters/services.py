"""Letters from outbox requests: render, store, record, queue for delivery - once per request.

A request names a letter kind and, for some complaint letters, several recipients (the
complainant and the person complained about, Awb 9:9-9:11); each gets their own letter.
"""

import datetime
import hashlib
import logging
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from backend.accounts.models import User
from backend.domain import DomainConflict
from backend.outbox.consumers import RelayDefer
from backend.outbox.models import DeliveryState as OutboxState
from backend.outbox.models import OutboxDelivery, OutboxMessage
from backend.outbox.relay import outbox_relay
from backend.outbox.services import outbox_publish, outbox_publish_new
from cases import events
from cases.deadlines import municipal_date
from cases.letter_facts import facts_take
from cases.models import Case, CaseEvent, EventKind
from cases.processing import case_processed
from cases.workflows.person_rules import case_write_check
from letters.context import language_for, letter_context
from letters.delivery import delivery_queue, sent_before
from letters.dispatch import chosen_channel, dispatch_day
from letters.models import Branding, DeliveryState, Letter, LetterDelivery
from letters.recipients import (
    ADDRESSEE,
    PERSON_COMPLAINED_ABOUT,
    NoSuchRecipient,
    Recipient,
    addressee_party,
    recipient_for,
)
from letters.rendering import TEMPLATES, RenderedLetter, render

logger = logging.getLogger(__name__)

LETTER_TOPIC = "letter.requested"
# The outbox consumer that renders requested letters, and how often it tries one.
LETTERS_CONSUMER = "letters"
MAX_ATTEMPTS = 5
# Names the workflows use in a request's "recipients" for the letters' recipients.
_RECIPIENT_ALIASES = {
    "complainant": ADDRESSEE,
    ADDRESSEE: ADDRESSEE,
    PERSON_COMPLAINED_ABOUT: PERSON_COMPLAINED_ABOUT,
}


def letter_create(
    *,
    case: Case,
    kind: str,
    source_key: str,
    payload: dict | None = None,
    recipient: Recipient | None = None,
    replaces: Letter | None = None,
    created_by: User | None = None,
) -> Letter:
    """Render and store one letter; the same ``source_key`` again returns the first."""
    existing = Letter.objects.filter(source_key=source_key).first()
    if existing is not None:
        return existing
    return _letter_make(
        case=case,
        kind=kind,
        source_key=source_key,
        payload=payload,
        recipient=recipient or recipient_for(case),
        replaces=replaces,
        created_by=created_by,
    )


def _letter_render(
    case: Case,
    kind: str,
    payload: dict | None,
    recipient: Recipient,
    *,
    branding: Branding | None = None,
    dated_on: datetime.date | None = None,
) -> tuple[str, datetime.date, RenderedLetter]:
    """The letter's language, date (the day it would go out) and PDF."""
    language = language_for(case, recipient.key)
    dated_on = dated_on or dispatch_day(chosen_channel(recipient))
    context = letter_context(
        case, kind, language, payload, recipient.key, branding=branding, dated_on=dated_on
    )
    return language, dated_on, render(kind, language, context)


def letters_preview_for_request(message: OutboxMessage) -> list[tuple[Recipient, RenderedLetter]]:
    """The letters a request asks for, rendered as they would be made now, stored nowhere:
    what a step will send, shown before the step is taken (the step runs in a transaction
    that is rolled back, so the case reads as it would after the step)."""
    case = (
        Case.objects.select_related("complaint__employee", "objection")
        .prefetch_related("parties")
        .get(pk=message.case_id)
    )
    kind = message.payload["letter"]
    return [
        (recipient, _letter_render(case, kind, message.payload, recipient)[2])
        for recipient in _recipients(case, message.payload)
    ]


def _letter_make(
    *,
    case: Case,
    kind: str,
    source_key: str,
    payload: dict | None,
    recipient: Recipient,
    replaces: Letter | None = None,
    created_by: User | None = None,
    branding: Branding | None = None,
    written: list[str] | None = None,
    dated_on: datetime.date | None = None,
) -> Letter:
    language, dated_on, rendered = _letter_render(
        case, kind, payload, recipient, branding=branding, dated_on=dated_on
    )
    letter = Letter(
        case=case,
        kind=kind,
        recipient=recipient.label,
        recipient_key=recipient.key,
        address="\n".join(recipient.postal_lines()),
        language=language,
        template_version=rendered.template_version,
        dated_on=dated_on,
        sha256=hashlib.sha256(rendered.pdf).hexdigest(),
        size=len(rendered.pdf),
        pages=rendered.pages,
        source_key=source_key,
        request=payload or {},
        replaces=replaces,
        created_by=created_by,
    )
    letter.file.save(f"{case.reference}-{kind}.pdf", ContentFile(rendered.pdf), save=False)
    if written is not None:
        written.append(letter.file.name)
    try:
        letter.save()
        outbox_publish_new(
            [events.letter_created(case, letter=letter.pk, kind=kind, recipient=recipient.key)]
        )
    except Exception:
        letter.file.delete(save=False)
        raise
    return letter


def _recipients(case: Case, payload: dict[str, Any]) -> list[Recipient]:
    keys = [_RECIPIENT_ALIASES[name] for name in payload.get("recipients") or [ADDRESSEE]]
    found = []
    for key in keys:
        try:
            found.append(recipient_for(case, key))
        except NoSuchRecipient:
            continue
    return found


def letters_for_request(
    message: OutboxMessage, branding: Branding | None = None, written: list[str] | None = None
) -> list[Letter]:
    """The letters one request asks for, rendered and queued for delivery (idempotent).

    ``written`` collects the stored files, so a caller can remove them when the
    transaction rolls back (a PDF without its record would be personal data no one keeps).
    """
    # One read of the case with what every letter uses (parties, details), not one each.
    case = (
        Case.objects.select_related("complaint__employee", "objection")
        .prefetch_related("parties")
        .get(pk=message.case_id)
    )
    payload = message.payload
    recipients = _recipients(case, payload)
    if not recipients:
        CaseEvent.objects.create(
            case=case,
            kind=EventKind.NOTE,
            text=f"Letter {payload['letter']} not made: the case names none of its recipients.",
            data={"letter": payload["letter"], "recipients": payload.get("recipients")},
        )
        return []
    replaces = Letter.objects.get(pk=payload["replaces"]) if payload.get("replaces") else None
    requested_by = (
        User.objects.get(pk=payload["requested_by"]) if payload.get("requested_by") else None
    )
    letters = []
    for recipient in recipients:
        key = (
            message.dedup_key
            if recipient.key == ADDRESSEE
            else f"{message.dedup_key}:{recipient.key}"
        )
        if Letter.objects.filter(source_key=key).exists():
            continue  # made and queued already (e.g. by letter_create called directly)
        letter = _letter_make(
            branding=branding,
            written=written,
            case=case,
            kind=payload["letter"],
            source_key=key,
            payload=payload,
            recipient=recipient,
            replaces=replaces,
            created_by=requested_by,
        )
        delivery_queue(letter, recipient=recipient)
        letters.append(letter)
        if recipient.key == ADDRESSEE and addressee_party(case).needs_extra_care:
            # Kwetsbare inwoners: a letter alone may not be enough - prompt a call.
            CaseEvent.objects.create(
                case=case,
                kind=EventKind.NOTE,
                text=f"Letter {letter.pk} goes to a resident who needs extra care: "
                "consider a call to explain it.",
                data={"letter": letter.pk, "kind": letter.kind},
            )
    if letters:
        letter_kind = {"casehandling.letter_kind": payload["letter"]}
        case_processed(case, name="letter-render", attributes=letter_kind)
    if replaces is not None and letters:
        # The wrong letter must not go out after all: stop what has not left yet. (One
        # already in a print batch is the mailroom's to pull; the batch list names it.)
        replaces.deliveries.filter(state=DeliveryState.QUEUED).update(
            state=DeliveryState.CANCELLED, last_error=f"replaced by letter {letters[0].pk}"
        )
    return letters


def _files_delete(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def letter_request_handle(message: OutboxMessage) -> list[Letter]:
    """The letters consumer's handler (``letters.consumer``): render what ``message``
    asks for. A kind whose template is not deployed yet waits (uncounted); files written
    by a failed attempt are removed, since their records roll back with it."""
    if message.payload.get("letter") not in TEMPLATES:
        raise RelayDefer
    written: list[str] = []
    try:
        return letters_for_request(message, Branding.current(), written)
    except BaseException:  # the time limit included: the rows roll back, so must the files
        _files_delete(written)
        raise


def letters_render_pending(*, limit: int = 50) -> int:
    """Render requested letters now (the letters consumer's relay run): the number of
    requests tried. Failures are counted on the delivery and retried; after MAX_ATTEMPTS
    they are dead-lettered and shown to administrators (outbox admin)."""
    return outbox_relay(LETTERS_CONSUMER, limit=limit).attempted


def _request_pending(**lookups: Any) -> bool:
    """A letter request matching ``lookups`` that the letters consumer has yet to make."""
    return OutboxDelivery.objects.filter(
        consumer=LETTERS_CONSUMER,
        state=OutboxState.PENDING,
        message__topic=LETTER_TOPIC,
        **{f"message__{key}": value for key, value in lookups.items()},
    ).exists()


@transaction.atomic
def letter_correction_request(*, letter: Letter, by: User, reason: str) -> OutboxMessage:
    """Ask for a corrected letter: the same kind and request, with the case's facts as
    they are now (what staff corrected), saying which letter it replaces. The original is
    never changed.

    Only the newest version can be corrected, so corrections form one line.
    """
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    case_write_check(case=letter.case, by=by)
    if letter.replaced_by.exists():
        raise DomainConflict(
            gettext("This letter was already corrected; correct the newest version.")
        )
    dedup_key = f"{letter.case.reference}:{letter.kind}:correction:{letter.pk}"
    earlier = OutboxMessage.objects.filter(dedup_key=dedup_key).first()
    if earlier is not None:
        if _request_pending(pk=earlier.pk):
            return earlier  # asked twice: the first request is still on its way
        # Rendered without a letter (the recipient is gone) or failed for good: say so
        # rather than accept a correction that will never come.
        raise DomainConflict(
            gettext(
                "An earlier correction of this letter could not be made; see the case's "
                "timeline and the outbox in the admin."
            )
        )
    event = CaseEvent.objects.create(
        case=letter.case,
        kind=EventKind.NOTE,
        actor=by,
        text=f"Correction of letter {letter.pk} requested: {reason}",
        data={"letter": letter.pk, "kind": letter.kind},
    )
    payload = {
        **letter.request,
        "letter": letter.kind,
        "recipients": [letter.recipient_key],
        "replaces": letter.pk,
        "requested_by": by.pk,
        "facts": facts_take(letter.case),
        "event": letter.request.get("event", event.pk),
    }
    return outbox_publish(
        topic=LETTER_TOPIC,
        payload=payload,
        dedup_key=dedup_key,
        case=letter.case,
    )


def letters_redate_stale(*, channel: str, limit: int = 2000) -> int:
    """Date again the letters that wait past their date on ``channel`` (a print batch that
    did not run, an e-mail that kept failing), so none goes out with a date - and remedy
    dates - earlier than the day it is sent (Awb 6:8). A letter that went out before and
    is sent again keeps its date (``delivery.sent_before``).

    Each becomes a new letter that replaces the old one (a letter is never changed),
    dated on the first working day from today: the sender calls this just before it sends
    (the e-mail run, the day's print batch). The old delivery is cancelled. One that cannot
    be made again (the case no longer names the recipient, consent or address gone) is
    failed with the reason, for staff to see, and the run goes on. Safe to run twice at
    once, and beside a correction: the letter row is locked and a corrected letter is
    left alone.
    """
    today = timezone.localdate()
    done = 0
    tried: list[int] = []
    while done < limit:
        with transaction.atomic():
            stale = (
                LetterDelivery.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(channel=channel, state=DeliveryState.QUEUED, letter__dated_on__lt=today)
                .filter(~sent_before())
                .exclude(pk__in=tried)
                .order_by("id")
                .first()
            )
            if stale is None:
                return done
            tried.append(stale.pk)
            old = Letter.objects.select_for_update().select_related("case").get(pk=stale.letter_id)
            correcting = _request_pending(payload__replaces=old.pk)
            if old.replaced_by.exists() or correcting:
                continue  # corrected, or a correction on its way: that cancels the rest
            written: list[str] = []
            try:
                with transaction.atomic():
                    new = _letter_redated(old, channel, municipal_date(today), written)
            except Exception as error:  # noqa: BLE001 - shown on the delivery, run goes on
                _files_delete(written)
                stale.state = DeliveryState.FAILED
                stale.last_error = f"not dated again: {type(error).__name__}"
                stale.save(update_fields=["state", "last_error"])
                logger.warning(
                    "Letter %s could not be dated again (%s)", old.pk, type(error).__name__
                )
                continue
            stale.state, stale.last_error = DeliveryState.CANCELLED, f"dated again: letter {new.pk}"
            stale.save(update_fields=["state", "last_error"])
            done += 1
    return done


def _letter_redated(
    old: Letter, channel: str, dated_on: datetime.date, written: list[str]
) -> Letter:
    recipient = recipient_for(old.case, old.recipient_key)
    new = _letter_make(
        case=old.case,
        kind=old.kind,
        source_key=f"{old.source_key}:dated:{dated_on.isoformat()}",
        payload=old.request,
        recipient=recipient,
        replaces=old,
        created_by=old.created_by,
        written=written,
        dated_on=dated_on,
    )
    delivery_queue(new, recipient=recipient, channel=channel)
    CaseEvent.objects.create(
        case=old.case,
        kind=EventKind.NOTE,
        text=f"Letter {old.pk} waited past its date; letter {new.pk} replaces it, "
        f"dated {dated_on.isoformat()}.",
        data={"letter": new.pk, "replaces": old.pk, "dated_on": dated_on.isoformat()},
    )
    return new
