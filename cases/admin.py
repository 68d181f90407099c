"""Admin for configuration and inspection. Case data changes only through the API's
services (which write the timeline), so cases are read-only here."""

from django.contrib import admin, messages
from django.utils.translation import gettext

from cases.deadlines import decree_years_missing
from cases.models import (
    Attachment,
    Case,
    CaseEvent,
    ClosingDay,
    Deadline,
    DeadlineChange,
    DecreeDay,
    Party,
    RetentionRule,
)
from cases.privacy import PERSONAL_CASE_FIELDS, data_flags


class ReadOnlyInline(admin.TabularInline):
    """Shown on a page the user may view; which inlines a user gets is the page's choice
    (CaseAdmin.get_inlines), not a model permission per inline."""

    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return True

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
    """The same rule as the API (cases.privacy): the parties, what the filer wrote and the
    timeline only for those who see personal data - an administrator, a superuser
    included, sees references, states, teams and dates."""

    list_filter = ["kind", "status", "channel", "team"]
    search_fields = ["reference"]
    list_select_related = ["team", "assignee"]

    def _personal_data(self, request) -> bool:  # noqa: ANN001
        return data_flags(request.user)["personal_data"]

    def get_list_display(self, request):  # noqa: ANN001, ANN201
        shown = ["reference", "kind", "status", "team", "assignee", "received_at"]
        return [*shown[:3], "subject", *shown[3:]] if self._personal_data(request) else shown

    def get_fields(self, request, obj=None):  # noqa: ANN001, ANN201
        fields = super().get_fields(request, obj)
        if self._personal_data(request):
            return fields
        return [name for name in fields if name not in PERSONAL_CASE_FIELDS]

    def get_inlines(self, request, obj):  # noqa: ANN001, ANN201
        inlines = [PartyInline, AttachmentInline] if self._personal_data(request) else []
        if request.user.has_perm("cases.view_events"):
            inlines.append(EventInline)
        return inlines

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


@admin.register(DecreeDay)
class DecreeDayAdmin(admin.ModelAdmin):
    """Days equated with holidays by royal decree (Atw art. 3(3)): legal staff add each
    year's decree here; every term computed from then on counts them."""

    list_display = ["date", "name", "source"]
    date_hierarchy = "date"
    search_fields = ["name", "source"]

    def changelist_view(self, request, extra_context=None):  # noqa: ANN001, ANN201
        missing = decree_years_missing()
        if missing:
            messages.warning(
                request,
                gettext(
                    "Running terms reach %(years)s, for which no decree days are entered "
                    "(Atw art. 3(3)): enter the decree from the Staatscourant."
                )
                % {"years": ", ".join(str(year) for year in missing)},
            )
        return super().changelist_view(request, extra_context)


@admin.register(ClosingDay)
class ClosingDayAdmin(admin.ModelAdmin):
    """Days the municipality is closed: they count against service norms only."""

    list_display = ["date", "name"]
    date_hierarchy = "date"


class DeadlineChangeInline(ReadOnlyInline):
    model = DeadlineChange
    fields = ["occurred_at", "kind", "by", "reason", "letter_reference", "due_before", "due_after"]


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    """Read-only: terms change through the deadline services, which keep the history."""

    list_display = ["case", "kind", "is_norm", "due_date", "state"]
    list_filter = ["state", "kind", "is_norm"]
    search_fields = ["case__reference"]
    list_select_related = ["case"]
    inlines = [DeadlineChangeInline]

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    """How long closed cases are kept (subject_rights.retention): per kind and final
    status, with the selection list's category as the source."""

    list_display = ["kind", "status", "years", "source", "updated_at"]
    list_filter = ["kind"]
