"""Exceptions that services raise and the API maps to problem details.

Services stay free of HTTP; ``django.core.exceptions.ValidationError`` (400, per field)
and ``PermissionDenied`` (403) are used as they are, a conflict with the current state of
a resource is ``DomainConflict`` (409).
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

# Clocks drift: a moment a few minutes ahead of ours (a staff member's "received at", a
# phone's "called at") is not the future.
CLOCK_SKEW = datetime.timedelta(minutes=5)


class DomainConflict(Exception):
    """The current state of a resource does not allow what was asked."""

    def __init__(self, message: str, **extra: Any):
        super().__init__(message)
        self.message = message
        self.extra = extra


def as_json_value(value: Any) -> Any:
    """Dates and moments as the API writes them everywhere (data of timeline entries and
    events too): RFC 3339, a moment with the offset of the local time zone."""
    if isinstance(value, datetime.datetime):
        return (
            timezone.localtime(value).isoformat()
            if timezone.is_aware(value)
            else (value.isoformat())
        )
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def in_future(value: datetime.date) -> bool:
    """A moment after now (allowing for clock drift), or a day after today."""
    if isinstance(value, datetime.datetime):
        return value > timezone.now() + CLOCK_SKEW
    return value > timezone.localdate()


def ensure_not_in_future(field: str, value: datetime.date | None) -> None:
    """The one rule for "this has happened": a field error (400) when it has not."""
    if value is not None and in_future(value):
        raise ValidationError({field: gettext("This is in the future.")})
