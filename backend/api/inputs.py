"""One strict base for every API input (bodies and query strings), and the validators
inputs share.

Unknown fields are an error naming each one, not silently dropped: a typo in a field name
must not lose what the caller meant to send.
"""

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class StrictSerializer(serializers.Serializer):
    """A serializer that refuses fields it does not know (400, one entry per field)."""

    unknown_message = _("Unknown field.")

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            known = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data) - known)
            if unknown:
                raise serializers.ValidationError(
                    {name: [self.unknown_message] for name in unknown}, code="invalid"
                )
        return super().to_internal_value(data)


class StrictQuery(StrictSerializer):
    """Query parameters: the same rule, said of parameters."""

    unknown_message = _("Unknown parameter.")


def _now_like(value: datetime.date) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.now()
    return timezone.localdate()


class NotInFuture:
    """A date or moment that has happened: today (or now) at the latest."""

    message = _("This is in the future.")

    def __call__(self, value: datetime.date | None) -> None:
        if value is not None and value > _now_like(value):
            raise serializers.ValidationError(self.message, code="in_future")


class InFuture:
    """A date or moment still to come: after today (or now)."""

    message = _("This has to be in the future.")

    def __call__(self, value: datetime.date | None) -> None:
        if value is not None and value <= _now_like(value):
            raise serializers.ValidationError(self.message, code="not_in_future")
