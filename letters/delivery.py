"""Getting letters to people: e-mail with the PDF attached, or post via a daily print batch.

E-mail only to someone who said they can be reached that way (Awb 2:14(1)): the party's
``letters_by_email`` with an address; a colleague (the person complained about) by their
work address. Everyone else gets post. Each attempt is a ``LetterDelivery`` row; the
letter itself never changes.
"""

import csv
import datetime
import hashlib
import io
import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext
from pypdf import PdfWriter

from backend.accounts.models import User
from backend.domain import DomainConflict
from backend.outbox.services import outbox_publish_event
from cases import events
from cases.antivirus import servable
from cases.workflows.person_rules import case_write_check
from letters.context import TITLES
from letters.dispatch import chosen_channel
from letters.models import (
    Branding,
    DeliveryChannel,
    DeliveryState,
    Letter,
    LetterDelivery,
    PrintBatch,
)
from letters.recipients import NoSuchRecipient, Recipient, recipient_for

logger = logging.getLogger(__name__)

MAX_EMAIL_ATTEMPTS = 5
MAX_BATCH_LETTERS = 2000

_EMAIL_TEXT = {
    "nl": (
        "Beste {name},\n\n"
        "In de bijlage vindt u onze brief: {title}.\n"
        "Ons kenmerk: {reference}.\n\n"
        "Hebt u vragen? Bel ons op {phone} of stuur een e-mail naar {email}. "
        "Noem dan het kenmerk.\n\n"
        "Met vriendelijke groet,\n{municipality}\n"
    ),
    "en": (
        "Dear {name},\n\n"
        "Please find our letter attached: {title}.\n"
        "Our reference: {reference}.\n\n"
        "Questions? Call us on {phone} or e-mail {email}, quoting the reference.\n\n"
        "Kind regards,\n{municipality}\n"
    ),
}


def _has_postal_address(recipient: Recipient) -> bool:
    return recipient.internal or all(
        (recipient.street, recipient.house_number, recipient.postal_code, recipient.city)
    )


def sent_before() -> Exists:
    """The delivery's letter already went out once: sending it again (staff's resend of
    the same PDF) keeps its date, since its terms ran from that first sending (6:8)."""
    return Exists(LetterDelivery.objects.filter(letter=OuterRef("letter"), sent_at__isnull=False))


def _dated_today() -> Q:
    """A letter goes out on the day it is dated: not before (it waits), not after (it is
    dated again first, ``letters.services.letters_redate_stale``), unless it went out
    before. Letters from before dating existed carry no date and go out as they are."""
    return (
        Q(letter__dated_on=timezone.localdate())
        | Q(letter__dated_on__isnull=True)
        | Q(sent_before())
    )


def delivery_queue(
    letter: Letter,
    *,
    recipient: Recipient,
    channel: str | None = None,
    by: User | None = None,
    reason: str = "",
) -> LetterDelivery:
    """Queue a letter for e-mail or for the next print batch.

    Without ``channel`` the recipient's choice decides. A letter that cannot go anywhere
    (no consent for e-mail and no postal address) gets a failed delivery that staff see,
    rather than no delivery at all.
    """
    chosen = channel or chosen_channel(recipient)
    if chosen == DeliveryChannel.EMAIL:
        if not recipient.email_allowed:
            raise ValidationError(
                {
                    "channel": gettext(
                        "This recipient has not agreed to letters by e-mail (Awb 2:14)."
                    )
                }
            )
        address = recipient.email
    else:
        address = "\n".join(recipient.postal_lines())
    delivery = LetterDelivery(
        letter=letter, channel=chosen, address=address, created_by=by, reason=reason
    )
    if chosen == DeliveryChannel.POST and not _has_postal_address(recipient):
        if channel:  # asked for explicitly: tell the caller
            raise ValidationError(
                {"channel": gettext("This recipient has no complete postal address.")}
            )
        delivery.state = DeliveryState.FAILED
        delivery.last_error = "no postal address and no consent to e-mail"
    delivery.save()
    return delivery


@transaction.atomic
def delivery_resend(
    *, letter: Letter, by: User, reason: str, channel: str | None = None
) -> LetterDelivery:
    """Send the same PDF again (staff). Refused when it would send the wrong thing twice:
    a delivery already waiting on that channel, a letter that was corrected, or post to
    an address other than the one printed in the letter's window."""
    letter = Letter.objects.select_for_update().select_related("case").get(pk=letter.pk)
    case_write_check(case=letter.case, by=by)
    if letter.replaced_by.exists():
        raise DomainConflict(gettext("This letter was corrected; send the correction instead."))
    try:
        recipient = recipient_for(letter.case, letter.recipient_key)
    except NoSuchRecipient:
        raise DomainConflict(gettext("The case no longer names this letter's recipient.")) from None
    chosen = channel or chosen_channel(recipient)
    if letter.deliveries.filter(channel=chosen, state=DeliveryState.QUEUED).exists():
        raise DomainConflict(gettext("This letter is already waiting to go out this way."))
    current = "\n".join(recipient.postal_lines())
    if chosen == DeliveryChannel.POST and letter.address and letter.address != current:
        raise DomainConflict(
            gettext(
                "The address changed since this letter was made; send a correction, which "
                "carries the new address in the window."
            )
        )
    return delivery_queue(letter, recipient=recipient, channel=chosen, by=by, reason=reason)


def _email_for(delivery: LetterDelivery, branding: Branding) -> EmailMessage:
    letter = delivery.letter
    case = letter.case
    title = TITLES[letter.kind][letter.language]
    body = _EMAIL_TEXT[letter.language].format(
        # The name as the letter has it (the record's label is "role: name").
        name=letter.recipient.split(": ", 1)[-1],
        title=title,
        reference=case.reference,
        phone=branding.phone,
        email=branding.email,
        municipality=branding.municipality,
    )
    message = EmailMessage(
        subject=f"{title} ({case.reference})",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.address],
        reply_to=[branding.email],
    )
    with letter.file.open("rb") as pdf:
        message.attach(f"{case.reference}-{letter.kind}.pdf", pdf.read(), "application/pdf")
    if letter.kind == "complaint_copy_to_person_complained_about":
        # Awb 9:9: the complaint goes with the documents sent with it - once the virus
        # scanner has seen them (one it found harmful is blocked and never sent).
        documents = list(case.attachments.all())
        named = (letter.request.get("facts") or {}).get("attachments")
        if named is not None:  # the documents the letter names, not those added since
            ids = {pk for pk, _ in named}
            documents = [document for document in documents if document.pk in ids]
        if any(document.scan_status == document.ScanStatus.PENDING and not servable(document)
               for document in documents):  # fmt: skip
            raise DocumentsScanning
        for attachment in filter(servable, documents):
            with attachment.file.open("rb") as document:
                message.attach(attachment.filename, document.read(), attachment.content_type)
    return message


class DocumentsScanning(Exception):
    """The e-mail waits: a document it carries is still waiting for the virus scan."""


def deliveries_send_email(*, limit: int = 50) -> int:
    """Send queued e-mail deliveries, each under its own row lock (several workers may run).

    A failure counts an attempt; after MAX_EMAIL_ATTEMPTS the delivery is failed and shows
    as such, so staff can send the letter by post instead.
    """
    done = 0
    tried: list[int] = []
    branding = Branding.current()  # once per run, as for rendering
    while done < limit:
        with transaction.atomic():
            delivery = (
                LetterDelivery.objects.select_for_update(skip_locked=True)
                .filter(channel=DeliveryChannel.EMAIL, state=DeliveryState.QUEUED)
                .filter(_dated_today())
                .exclude(pk__in=tried)
                .order_by("created_at", "id")
                .first()
            )
            if delivery is None:
                return done
            tried.append(delivery.pk)
            try:
                message = _email_for(delivery, branding)
            except DocumentsScanning:
                continue  # stays queued, no attempt counted: a later run sends it
            try:
                # Sent under the row lock: at least once. A worker killed between the
                # mail server's yes and the commit sends it again - better twice than lost.
                message.send()
            except SoftTimeLimitExceeded:
                raise  # out of time: the delivery stays queued for the next run
            except Exception as error:  # noqa: BLE001 - counted, retried, then shown
                delivery.attempts += 1
                delivery.last_error = type(error).__name__
                if delivery.attempts >= MAX_EMAIL_ATTEMPTS:
                    delivery.state = DeliveryState.FAILED
                logger.warning("Letter e-mail %s failed (%s)", delivery.pk, type(error).__name__)
            else:
                delivery.attempts += 1
                delivery.state = DeliveryState.SENT
                delivery.sent_at = timezone.now()
                _letter_sent(delivery.letter, delivery.sent_at, DeliveryChannel.EMAIL)
            delivery.save(update_fields=["attempts", "last_error", "state", "sent_at"])
            done += 1
    return done


# What the mailroom needs to fold, stuff and check a batch - not what the letters are
# about (AVG data minimisation): no kind, no role of the recipient.
_LIST_COLUMNS = ["sequence", "first_page", "pages", "reference", "letter_id", "address", "sha256"]


def print_batch_create(*, duplex: bool | None = None) -> PrintBatch | None:
    """Collect the letters queued for post into one PDF to print and a list (CSV).

    With duplex printing each letter starts on a new sheet (a blank page after a letter
    with an odd page count). Only letters dated today go in (see ``letters.dispatch``).
    Returns None when nothing waits. Safe to run twice at once: the rows are locked and
    skipped by a concurrent run.
    """
    duplex = settings.PRINT_DUPLEX if duplex is None else duplex
    with transaction.atomic():
        deliveries = list(
            LetterDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(channel=DeliveryChannel.POST, state=DeliveryState.QUEUED)
            .filter(_dated_today())
            .select_related("letter__case")
            .order_by("created_at", "id")[:MAX_BATCH_LETTERS]
        )
        if not deliveries:
            return None
        writer = PdfWriter()
        listing = io.StringIO()
        rows = csv.writer(listing)
        rows.writerow(_LIST_COLUMNS)
        for sequence, delivery in enumerate(deliveries, start=1):
            letter = delivery.letter
            first_page = len(writer.pages) + 1
            with letter.file.open("rb") as pdf:
                writer.append(io.BytesIO(pdf.read()))
            if duplex and letter.pages % 2:
                writer.add_blank_page()
            rows.writerow(
                [
                    sequence,
                    first_page,
                    letter.pages,
                    letter.case.reference,
                    letter.pk,
                    delivery.address.replace("\n", ", "),
                    letter.sha256,
                ]
            )
        merged = io.BytesIO()
        writer.write(merged)
        pdf_bytes = merged.getvalue()
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        batch = PrintBatch(
            letters=len(deliveries),
            pages=len(writer.pages),
            sha256=hashlib.sha256(pdf_bytes).hexdigest(),
        )
        batch.file.save(f"print-batch-{stamp}.pdf", ContentFile(pdf_bytes), save=False)
        batch.listing.save(
            f"print-batch-{stamp}.csv", ContentFile(listing.getvalue().encode()), save=False
        )
        try:
            batch.save()
            LetterDelivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(
                state=DeliveryState.BATCHED, batch=batch
            )
        except Exception:
            batch.file.delete(save=False)
            batch.listing.delete(save=False)
            raise
    return batch


@transaction.atomic
def print_batch_confirm_posted(*, batch: PrintBatch, by: User) -> PrintBatch:
    """The mailroom posted the batch: its letters count as sent from now."""
    batch = PrintBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.posted_at is not None:
        raise DomainConflict(gettext("This print batch was already confirmed as posted."))
    now = timezone.now()
    batch.posted_at, batch.posted_by = now, by
    batch.save(update_fields=["posted_at", "posted_by"])
    batch.deliveries.update(state=DeliveryState.POSTED, sent_at=now)
    for posted in batch.deliveries.select_related("letter__case"):
        _letter_sent(posted.letter, now, DeliveryChannel.POST)
    return batch


def _letter_sent(letter: Letter, when: datetime.datetime, channel: str) -> None:
    """Tell whoever listens that the letter went out - once, on its first sending: the
    case file records what the law ties to it (a decision sent ends a running penalty,
    Awb 4:17; ``cases.consumers``)."""
    outbox_publish_event(
        events.letter_sent(
            letter.case,
            letter=letter.pk,
            kind=letter.kind,
            recipient=letter.recipient_key,
            channel=channel,
            on=timezone.localtime(when).date(),
        )
    )
