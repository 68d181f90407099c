"""Exceptions that services raise and the API maps to problem details.

Services stay free of HTTP; ``django.core.exceptions.ValidationError`` (400, per field)
and ``PermissionDenied`` (403) are used as they are, a conflict with the current state of
a resource is ``DomainConflict`` (409).
"""

from typing import Any


class DomainConflict(Exception):
    """The current state of a resource does not allow what was asked."""

    def __init__(self, message: str, **extra: Any):
        super().__init__(message)
        self.message = message
        self.extra = extra
