"""The API's own errors, each an RFC 9457 problem type (rendered by ``problems``).

Kept apart from the exception handler so that the parser (``camel``) can raise them and
the handler can use the parser's renderer without an import cycle.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions


class Problem(exceptions.APIException):
    """An API error with a problem type slug and extra members for the client."""

    status_code = 400
    slug = "bad-request"
    default_detail = _("The request cannot be processed.")

    def __init__(self, detail: str | None = None, *, extra: dict[str, Any] | None = None):
        super().__init__(detail)
        self.extra = extra or {}


class Conflict(Problem):
    """The request conflicts with the current state of the resource (409)."""

    status_code = 409
    slug = "conflict"
    default_detail = _("The resource changed or is in a state that does not allow this.")


class InvalidParams(Problem):
    """Field errors already in their final form (names exactly as the client sent them)."""

    slug = "validation-error"
    default_detail = _("One or more fields are invalid; see invalidParams.")

    def __init__(self, params: list[dict[str, str]]):
        super().__init__(extra={"invalid_params": params})


class Unavailable(Problem):
    """The database is busy (a lock wait ran out, a deadlock): try again shortly (503)."""

    status_code = 503
    slug = "temporarily-unavailable"
    default_detail = _("The service is busy with this case. Nothing was saved; try again.")
    retry_after_seconds = 2


class PayloadTooLarge(Problem):
    status_code = 413
    slug = "payload-too-large"
    default_detail = _("The request body is too large.")
