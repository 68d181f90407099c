"""Outbox messages: what must happen after a change commits (a letter, a webhook)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """One event to deliver. ``dedup_key`` makes a repeated publish a no-op."""

    topic = models.CharField(_("topic"), max_length=80)
    payload = models.JSONField(_("payload"), default=dict)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, null=True, blank=True, related_name="outbox"
    )
    dedup_key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The exception type of the last failed delivery (no message: it may quote personal data).
    last_error = models.CharField(max_length=120, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            # Workers walk what is pending in id order (ids grow with time): a range scan
            # that stops at the first match, however many messages were handled before.
            models.Index(
                fields=["id"],
                name="outbox_pending_by_id",
                condition=models.Q(dispatched_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} #{self.pk}"
