"""Step inputs that both kinds share. Each kind's own inputs stand beside its steps."""

import re

from django.db import models
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


# snake_case, camelCase or dotted: how a code looks, never how a letter speaks.
_CODE_LIKE = re.compile(r"^[A-Za-z0-9]+(?:[_.][A-Za-z0-9]+)+$|^[a-z]+[A-Z][A-Za-z0-9]*$")


class CodeOrWords:
    """A value a letter prints: one of the known codes (the letter prints its label), or
    words written by a person - never another code, which would reach the resident as
    it is."""

    def __init__(self, codes: type[models.TextChoices]) -> None:
        self.codes = codes

    def __call__(self, value: str) -> None:
        if value not in self.codes.values and _CODE_LIKE.match(value.strip()):
            raise serializers.ValidationError(
                _("Use one of %(codes)s, or write it in words as the letter should say it.")
                % {"codes": ", ".join(self.codes.values)}
            )
