from django.contrib import admin

from backend.outbox.models import OutboxMessage
from letters.models import Branding, Letter, LetterDelivery, PrintBatch


@admin.register(Branding)
class BrandingAdmin(admin.ModelAdmin):
    """Name, addresses, signatory, ombudsman and court on every letter."""

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return not Branding.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


class DeliveryInline(ReadOnlyInline):
    model = LetterDelivery
    fields = ["channel", "state", "created_at", "created_by", "reason", "attempts", "last_error"]
    readonly_fields = fields


@admin.register(Letter)
class LetterAdmin(admin.ModelAdmin):
    """Read-only: letters are records. Failed deliveries are listed by the filter."""

    list_display = ["case", "kind", "recipient_key", "language", "created_at", "pages"]
    list_filter = ["kind", "language", "deliveries__state"]
    search_fields = ["case__reference"]
    inlines = [DeliveryInline]

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """What is waiting to be delivered, and what failed (visible to staff, never lost)."""

    list_display = ["topic", "case", "created_at", "dispatched_at", "attempts", "last_error"]
    list_filter = ["topic", "dispatched_at"]
    readonly_fields = ["topic", "payload", "case", "dedup_key", "created_at", "dispatched_at"]

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False


@admin.register(PrintBatch)
class PrintBatchAdmin(admin.ModelAdmin):
    """Read-only: the API serves the PDF and list (GET /api/v1/print-batches/...)."""

    list_display = ["__str__", "letters", "pages", "posted_at"]

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False
