"""Webhooks for administrators: subscriptions (switch one off or on again) and their
deliveries, dead-lettered ones replayable. Secrets are never shown."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from backend.webhooks.models import Subscription, WebhookDelivery
from backend.webhooks.services import webhook_deliveries_replay


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["client", "url", "topics", "kinds", "is_active", "ended_reason"]
    list_filter = ["is_active", "client"]
    search_fields = ["client__name", "url"]
    fields = ["client", "url", "topics", "kinds", "is_active", "created_at", "ended_reason"]
    readonly_fields = ["client", "url", "topics", "kinds", "created_at", "ended_reason"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # made by the client over the API, after a test event


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "subscription", "message", "state", "attempts", "last_status", "last_error",
        "next_attempt_at", "delivered_at",
    ]  # fmt: skip
    list_filter = ["state", "subscription__client"]
    list_select_related = ["subscription__client", "message"]
    readonly_fields = [
        "subscription", "message", "case_id", "state", "attempts", "next_attempt_at",
        "last_status", "last_error", "delivered_at",
    ]  # fmt: skip
    ordering = ["-id"]
    actions = ["replay"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description=_("Send again (dead-lettered)"), permissions=["change"])
    def replay(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        count = webhook_deliveries_replay(list(queryset))
        self.message_user(
            request,
            ngettext(
                "%(count)d delivery will be sent again.",
                "%(count)d deliveries will be sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
