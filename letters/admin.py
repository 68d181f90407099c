from django.contrib import admin

from cases.admin import ReadOnlyInline
from letters.models import Branding, Letter, LetterDelivery, PrintBatch


@admin.register(Branding)
class BrandingAdmin(admin.ModelAdmin):
    """Name, addresses, signatory, ombudsman and court on every letter."""

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return not Branding.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


class RecordAdmin(admin.ModelAdmin):
    """Read-only: records are made by the services, never edited or deleted by hand."""

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


class DeliveryInline(ReadOnlyInline):
    model = LetterDelivery
    fields = ["channel", "state", "created_at", "created_by", "reason", "attempts", "last_error"]
    readonly_fields = fields


@admin.register(Letter)
class LetterAdmin(RecordAdmin):
    """Letters are records. Failed deliveries are listed by the filter."""

    list_display = ["case", "kind", "recipient_key", "language", "created_at", "pages"]
    list_filter = ["kind", "language", "deliveries__state"]
    search_fields = ["case__reference"]
    inlines = [DeliveryInline]


@admin.register(PrintBatch)
class PrintBatchAdmin(RecordAdmin):
    """The API serves the PDF and the list (GET /api/v1/print-batches/...)."""

    list_display = ["__str__", "letters", "pages", "posted_at"]
