"""Step inputs that both kinds share. Each kind's own inputs stand beside its steps."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from backend.api.inputs import StrictSerializer


class HearingReportInput(StrictSerializer):
    report = serializers.CharField(
        label=_("Report of the hearing"),
        max_length=20000,
        help_text=_("The report of the hearing: who said what."),
    )


class CommitteeInput(StrictSerializer):
    name = serializers.CharField(
        label=_("Committee or adviser"),
        max_length=200,
        help_text=_("The advisory person or committee."),
    )


class WithdrawInput(StrictSerializer):
    reason = serializers.CharField(
        label=_("Reason"),
        max_length=2000,
        required=False,
        allow_blank=True,
        help_text=_("Why, in the resident's words, if they gave a reason."),
    )
