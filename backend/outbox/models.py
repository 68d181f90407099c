"""The outbox: events written in the transaction of the change, and their deliveries.

An event (``OutboxMessage``) is written once; each consumer registered for its topic
(``backend.outbox.consumers``) gets its own ``OutboxDelivery`` row in the same
transaction, so one consumer failing or lagging never holds up another, and none misses
an event because the broker or a worker was down when it happened.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """One event. ``dedup_key`` makes a repeated publish a no-op; the id orders events."""

    topic = models.CharField(_("topic"), max_length=80)
    payload = models.JSONField(_("payload"), default=dict)
    # What the event is about (the case), by setting: the platform names no app's model.
    case = models.ForeignKey(
        settings.OUTBOX_SUBJECT_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outbox",
    )
    dedup_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        # A constraint rather than unique=True: the unique index alone
        # (backend.unique_constraint).
        constraints = [
            models.UniqueConstraint(fields=["dedup_key"], name="outbox_message_dedup_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.topic} #{self.pk}"


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("pending")
    DONE = "done", _("done")
    # Failed every attempt: kept for an administrator to look at and replay.
    DEAD = "dead", _("dead-lettered")


class OutboxDelivery(models.Model):
    """One consumer's handling of one event: pending until it succeeds or gives up."""

    # Found by message through outbox_delivery_once, which starts with it.
    message = models.ForeignKey(
        OutboxMessage,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("event"),
        db_index=False,
    )
    consumer = models.CharField(_("consumer"), max_length=60)
    state = models.CharField(
        _("state"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # The exception type of the last failure (no message: it may quote personal data).
    last_error = models.CharField(_("last error"), max_length=120, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox delivery")
        verbose_name_plural = _("outbox deliveries")
        constraints = [
            models.UniqueConstraint(fields=["message", "consumer"], name="outbox_delivery_once")
        ]
        indexes = [
            # A consumer's relay walks its pending rows in id order (the order of the
            # events): a range scan that stops at the first due row, however many were
            # handled before.
            models.Index(
                fields=["consumer", "id"],
                name="outbox_delivery_pending",
                condition=models.Q(state="pending"),
            ),
            # Dead-lettered rows are few and wanted (admin, metrics): found without a scan.
            models.Index(
                fields=["consumer"], name="outbox_delivery_dead", condition=models.Q(state="dead")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consumer}: {self.message_id}"
