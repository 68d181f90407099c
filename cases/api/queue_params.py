"""Query parameters of the work queue (camelCase, as the ADR ask)."""

from rest_framework import serializers

from backend.api.inputs import PlausibleDateField, StrictQuery
from cases.models import CaseKind, Channel
from cases.selectors import QueueFilters

_PAGING = {"cursor", "pageSize"}


class QueueQuerySerializer(StrictQuery):
    kind = serializers.ChoiceField(choices=CaseKind.choices, required=False)
    status = serializers.CharField(
        required=False, help_text="One status, or several separated by commas."
    )
    team = serializers.SlugField(required=False, help_text="Team code.")
    assignee = serializers.CharField(required=False, help_text="`me`, `unassigned`, or a username.")
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    overdue = serializers.BooleanField(required=False, allow_null=True, default=None)
    dueBefore = PlausibleDateField(required=False, help_text="Next due date before this day.")  # noqa: N815
    open = serializers.BooleanField(
        required=False, default=True, help_text="true (default): open cases; false: closed cases."
    )
    q = serializers.CharField(
        required=False, max_length=200, help_text="Search reference, subject, text and names."
    )
    cursor = serializers.CharField(required=False, help_text="From a `next` or `previous` link.")
    pageSize = serializers.IntegerField(required=False, min_value=1)  # noqa: N815

    def filters(self) -> QueueFilters:
        data = self.validated_data
        status = data.get("status")
        return QueueFilters(
            kind=data.get("kind"),
            status=[part.strip() for part in status.split(",") if part.strip()] if status else None,
            team=data.get("team"),
            assignee=data.get("assignee"),
            channel=data.get("channel"),
            overdue=data.get("overdue"),
            due_before=data.get("dueBefore"),
            open=data.get("open"),
            q=data.get("q"),
        )
