"""Subscriptions of integration clients, and each event's delivery to each of them."""

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import IntegrationClient
from backend.outbox.models import DeliveryState, OutboxMessage


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class Subscription(models.Model):
    """Where a client wants events, which ones (types and case kinds; empty: all), and
    the secret the deliveries are signed with (shown to the client once, at creation)."""

    client = models.ForeignKey(
        IntegrationClient,
        on_delete=models.CASCADE,
        related_name="subscriptions",
        verbose_name=_("integration client"),
    )
    url = models.URLField(_("receiver URL"), max_length=500)
    # The receiver checks signatures with it: kept as is (a hash could not sign).
    secret = models.CharField(max_length=80, default=new_secret)
    topics = models.JSONField(_("event types"), default=list, blank=True)
    kinds = models.JSONField(_("case kinds"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Why it stopped, when the receiver said it is gone (410) or it was cancelled.
    ended_reason = models.CharField(_("ended because"), max_length=120, blank=True)

    class Meta:
        ordering = ["client", "id"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self) -> str:
        return f"{self.client}: {self.url}"

    def wants(self, topic: str, kind: str) -> bool:
        return (not self.topics or topic in self.topics) and (not self.kinds or kind in self.kinds)


class WebhookDelivery(models.Model):
    """One event to one subscription: pending until the receiver answers 2xx."""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    message = models.ForeignKey(
        OutboxMessage, on_delete=models.CASCADE, related_name="webhook_deliveries"
    )
    # The case the event is about (ordering per case); none for events about no case.
    case_id = models.BigIntegerField(null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_status = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=120, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "message"], name="webhook_delivery_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["subscription", "id"],
                name="webhook_pending",
                condition=models.Q(state="pending"),
            ),
            models.Index(
                fields=["subscription", "case_id", "id"],
                name="webhook_pending_case",
                condition=models.Q(state="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id}: {self.message_id}"
