"""The outbox for administrators: every event, each consumer's delivery of it, and a
replay for what was dead-lettered. Nothing here is edited by hand."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from backend.outbox.models import DeliveryState, OutboxDelivery, OutboxMessage
from backend.outbox.services import outbox_deliveries_replay

_DELIVERY_FIELDS = ["consumer", "state", "attempts", "next_attempt_at", "last_error", "done_at"]


class DeliveryInline(admin.TabularInline):
    model = OutboxDelivery
    extra = 0
    can_delete = False
    fields = _DELIVERY_FIELDS
    readonly_fields = _DELIVERY_FIELDS

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Events, newest first, with what each consumer made of them."""

    list_display = ["topic", "case", "created_at"]
    list_filter = ["topic", "deliveries__state"]
    search_fields = ["case__reference", "dedup_key"]
    readonly_fields = ["topic", "payload", "case", "dedup_key", "created_at"]
    ordering = ["-id"]
    inlines = [DeliveryInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(OutboxDelivery)
class OutboxDeliveryAdmin(admin.ModelAdmin):
    """Deliveries per consumer; dead-lettered ones can be replayed."""

    list_display = ["message", "consumer", "state", "attempts", "next_attempt_at", "last_error"]
    list_filter = ["state", "consumer", "message__topic"]
    search_fields = ["message__case__reference"]
    readonly_fields = ["message", *_DELIVERY_FIELDS]
    list_select_related = ["message"]
    ordering = ["-id"]
    actions = ["replay"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description=_("Try again (dead-lettered or waiting)"), permissions=["change"])
    def replay(self, request: HttpRequest, queryset: QuerySet[OutboxDelivery]) -> None:
        replayed = outbox_deliveries_replay(list(queryset.exclude(state=DeliveryState.DONE)))
        self.message_user(
            request,
            ngettext(
                "%(count)d delivery will be tried again.",
                "%(count)d deliveries will be tried again.",
                replayed,
            )
            % {"count": replayed},
            messages.SUCCESS,
        )
