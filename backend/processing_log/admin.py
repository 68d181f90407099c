from django.contrib import admin

from backend.processing_log.models import ProcessingActivity


@admin.register(ProcessingActivity)
class ProcessingActivityAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "legal_basis", "retention", "updated_at"]
    search_fields = ["id", "name"]

    def get_readonly_fields(self, request, obj=None):  # noqa: ANN001, ANN201 - admin API
        # The id is what every record points to: fixed once the activity exists.
        return ["id"] if obj is not None else []

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False  # records point to it (PROTECT); an activity is ended in its texts
