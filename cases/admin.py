"""Admin for configuration and inspection. Case data changes only through the API's
services (which write the timeline), so cases are read-only here."""

from django.contrib import admin

from cases.models import Attachment, Case, CaseEvent, Party


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


class PartyInline(ReadOnlyInline):
    model = Party
    fields = ["role", "party_type", "name", "organisation_name", "preferred_channel"]


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ["filename", "content_type", "size", "uploaded_at"]


class EventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ["occurred_at", "kind", "actor", "text"]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["reference", "kind", "status", "subject", "team", "assignee", "received_at"]
    list_filter = ["kind", "status", "channel", "team"]
    search_fields = ["reference"]
    list_select_related = ["team", "assignee"]
    inlines = [PartyInline, AttachmentInline, EventInline]

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False
