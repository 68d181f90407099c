"""What a service's refusal says to the person at the workbench.

The services raise the same exceptions for the API and the workbench: Django's
``ValidationError`` (per field) and ``PermissionDenied``, DRF's ``ValidationError`` from a
step's input, ``DomainConflict`` when the case's state does not allow it now (with the
conditions that fail and their articles), ``ConcurrentTransition`` when someone else
changed the case meanwhile, and a retryable database error. The API turns them into
problem details (``backend.api.problems``); here they become a message and field errors
shown beside the form.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext
from django_fsm import ConcurrentTransition
from rest_framework.exceptions import ValidationError as DrfValidationError

from backend.api.problems import is_retryable_database_error
from backend.domain import DomainConflict
from backend.processing_log.recorder import ProcessingLogUnavailable

REFUSED = (
    PermissionDenied,
    DjangoValidationError,
    DrfValidationError,
    DomainConflict,
    ConcurrentTransition,
)
# What a write may end in that is answered with a message: a refusal, the database busy
# or gone for a moment (``refusal_or_raise`` lets any other database error raise), or
# the processing log not written (the change was rolled back with its records).
ANSWERED = (*REFUSED, OperationalError, InterfaceError, ProcessingLogUnavailable)


@dataclass(frozen=True)
class Refusal:
    message: str
    status: int
    fields: dict[str, list[str]] = field(default_factory=dict)
    # Conditions that fail, each with its article (a step not possible yet).
    conditions: list[str] = field(default_factory=list)


def _texts(detail: object) -> list[str]:
    if isinstance(detail, dict):
        return [text for value in detail.values() for text in _texts(value)]
    if isinstance(detail, (list, tuple)):
        return [text for value in detail for text in _texts(value)]
    return [str(detail)]


def field_errors(detail: object) -> dict[str, list[str]]:
    if not isinstance(detail, dict):
        return {"__all__": _texts(detail)}
    return {
        ("__all__" if key in ("non_field_errors", "__all__") else str(key)): _texts(value)
        for key, value in detail.items()
    }


def refusal_of(error: BaseException) -> Refusal | None:
    """The refusal to show for ``error``; None for an error that is a defect (let it
    raise: the 500 page, and the log)."""
    if isinstance(error, DrfValidationError):
        return Refusal(gettext("Check the fields marked below."), 400, field_errors(error.detail))
    if isinstance(error, DjangoValidationError):
        detail = error.message_dict if hasattr(error, "error_dict") else error.messages
        return Refusal(gettext("Check the fields marked below."), 400, field_errors(detail))
    if isinstance(error, PermissionDenied):
        return Refusal(str(error) or gettext("Your role cannot do this."), 403)
    if isinstance(error, DomainConflict):
        failed = error.extra.get("failed_conditions") or []
        return Refusal(
            error.message,
            409,
            conditions=[f"{each['detail']} ({each['article']})" for each in failed],
        )
    if isinstance(error, ConcurrentTransition):
        return Refusal(gettext("The case changed while you were working on it. Look again."), 409)
    if isinstance(error, ProcessingLogUnavailable):
        return Refusal(gettext("Nothing was saved. Please try again in a moment."), 503)
    if is_retryable_database_error(error):
        return Refusal(gettext("The service is busy. Nothing was saved; try again."), 503)
    return None


def refusal_or_raise(error: BaseException) -> Refusal:
    """The refusal to show; an error that is a defect raises on (the 500 page, the log)."""
    refusal = refusal_of(error)
    if refusal is None:
        raise error
    return refusal
