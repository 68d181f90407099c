"""Letters are records: rendered once to PDF/A, stored with their SHA-256, never changed.

A correction is a new letter that says which one it replaces.
"""

import base64
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import AppendOnlyError

LOGO_MAX_BYTES = 512 * 1024
_LOGO_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "svg": "image/svg+xml",
}


def validate_logo(file) -> None:  # noqa: ANN001 - an uploaded file
    """A logo is a small PNG, JPEG or SVG, by its content and not only its name."""
    if file.size > LOGO_MAX_BYTES:
        raise ValidationError(_("The logo may be at most 512 KB."))
    head = file.read(512)
    file.seek(0)
    if not (
        head.startswith(b"\x89PNG")
        or head.startswith(b"\xff\xd8")
        or b"<svg" in head
        or head.lstrip().startswith(b"<?xml")
    ):
        raise ValidationError(_("The logo must be a PNG, JPEG or SVG image."))


class Branding(models.Model):
    """The municipality's name, address, contact line and signatory on every letter.

    One row (pk 1), edited in the admin.
    """

    municipality = models.CharField(_("municipality"), max_length=120, default="Gemeente Voorbeeld")
    logo = models.FileField(
        _("logo (PNG, JPEG or SVG, at most 512 KB)"),
        upload_to="branding/",
        blank=True,
        validators=[FileExtensionValidator(list(_LOGO_TYPES)), validate_logo],
    )
    postal_address = models.TextField(_("postal address"), default="Postbus 1\n1000 AA Voorbeeld")
    visiting_address = models.CharField(
        _("visiting address"), max_length=200, default="Stadhuis, Grote Markt 1, Voorbeeld"
    )
    phone = models.CharField(_("phone"), max_length=40, default="14 038")
    email = models.EmailField(_("e-mail"), default="klachten-bezwaren@gemeente.example")
    website = models.CharField(_("website"), max_length=120, default="www.gemeente.example")
    signatory_name = models.CharField(_("signatory"), max_length=120, default="M. de Vries")
    signatory_title = models.CharField(
        _("signatory's title"), max_length=120, default="Teamleider Klachten en Bezwaren"
    )
    ombudsman = models.TextField(
        _("ombudsman (Awb 9:12)"),
        default="de Nationale ombudsman, Postbus 93122, 2509 AC Den Haag, "
        "www.nationaleombudsman.nl, telefoon 0800 335 55 55",
    )
    court = models.TextField(
        _("administrative court (appeal clause)"),
        # Courts have "teams", no longer "sectors" (since 2013).
        default="de rechtbank Overijssel, team bestuursrecht, Postbus 10067, 8000 GB Zwolle",
    )

    class Meta:
        verbose_name = _("letter branding")
        verbose_name_plural = _("letter branding")

    def __str__(self) -> str:
        return self.municipality

    @cached_property
    def logo_data_uri(self) -> str:
        """The logo inlined as a data: URL: rendering fetches nothing from anywhere."""
        if not self.logo:
            return ""
        kind = _LOGO_TYPES.get(self.logo.name.rsplit(".", 1)[-1].lower())
        with self.logo.open("rb") as image:
            encoded = base64.b64encode(image.read()).decode()
        return f"data:{kind};base64,{encoded}"

    @classmethod
    def current(cls) -> "Branding":
        branding, _ = cls.objects.get_or_create(pk=1)
        return branding


class Letter(models.Model):
    """One letter as sent: which template version, to whom, in which language, the PDF."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(_("kind"), max_length=60)
    recipient = models.CharField(_("recipient"), max_length=200)
    # The address block as printed in the letter's window (proof of to whom).
    address = models.TextField(_("address"), blank=True)
    # Which of the case's recipients (letters.recipients): the addressee or a colleague.
    recipient_key = models.CharField(_("recipient key"), max_length=40, default="addressee")
    language = models.CharField(_("language"), max_length=5)
    template_version = models.CharField(_("template version"), max_length=40)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # The day it goes out and is dated on; remedy dates in it count from this day.
    dated_on = models.DateField(_("dated"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size in bytes"))
    pages = models.PositiveSmallIntegerField(_("pages"))
    file = models.FileField(_("PDF"), upload_to="letters/%Y/%m/", max_length=255)
    # The outbox message it was made for: rendering twice gives one letter.
    source_key = models.CharField(max_length=200, unique=True)
    # The request's values (the outbox payload), so a correction can be rendered again.
    request = models.JSONField(default=dict, blank=True)
    replaces = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        permissions = [
            ("send_letter", _("Can send a letter again or send a correction")),
            ("print_letters", _("Can fetch and confirm print batches")),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.kind}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise AppendOnlyError("A letter is never changed; send a correction instead.")
        super().save(*args, **kwargs)


class DeliveryChannel(models.TextChoices):
    EMAIL = "email", _("e-mail with the PDF attached")
    POST = "post", _("post (print batch)")


class DeliveryState(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENT = "sent", _("e-mail sent")
    FAILED = "failed", _("e-mail failed")
    BATCHED = "batched", _("in a print batch")
    POSTED = "posted", _("posted")
    CANCELLED = "cancelled", _("cancelled: replaced by a correction")


class PrintBatch(models.Model):
    """One day's letters for post: one merged PDF to print and a list for the mailroom."""

    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    letters = models.PositiveIntegerField(_("letters"))
    pages = models.PositiveIntegerField(_("pages"))
    file = models.FileField(_("merged PDF"), upload_to="print-batches/%Y/%m/", max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    listing = models.FileField(_("list (CSV)"), upload_to="print-batches/%Y/%m/", max_length=255)
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("print batch")
        verbose_name_plural = _("print batches")

    def __str__(self) -> str:
        return f"{timezone.localtime(self.created_at):%Y-%m-%d %H:%M} ({self.letters})"


class LetterDelivery(models.Model):
    """One attempt to get a letter to its recipient: an e-mail, or a place in a print batch.

    The letter itself never changes; sending it again is a new delivery.
    """

    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="deliveries")
    channel = models.CharField(_("channel"), max_length=10, choices=DeliveryChannel.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.QUEUED
    )
    # Where it went: the e-mail address or the address lines, as they were when queued.
    address = models.TextField(_("address"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    sent_at = models.DateTimeField(_("sent or posted at"), null=True, blank=True)
    batch = models.ForeignKey(
        PrintBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliveries",
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            # The mail and print runs look for queued deliveries per channel.
            models.Index(
                fields=["channel", "created_at", "id"],
                condition=models.Q(state="queued"),
                name="delivery_queued",
            )
        ]

    def __str__(self) -> str:
        return f"{self.letter_id} {self.channel} {self.state}"
