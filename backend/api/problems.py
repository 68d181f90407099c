"""RFC 9457 problem details for every API error, with field-level detail.

Validation errors become ``invalidParams`` entries (``name`` is the camelCase path of the
field, e.g. ``parties.0.phone``), so a form can put each message next to its field.
"""

import logging
import traceback
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext
from django.views import csrf as csrf_views
from django.views.decorators.csrf import csrf_exempt
from django.views.defaults import page_not_found, server_error
from django_fsm import ConcurrentTransition
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import set_rollback

from backend.api.camel import ProblemJSONRenderer, to_camel
from backend.api.errors import Conflict, InvalidParams, PayloadTooLarge, Problem, Unavailable
from backend.api.reads import is_read_only
from backend.domain import DomainConflict

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem_type(slug: str) -> str:
    """The URI that identifies a kind of problem (documented at that address)."""
    return f"{settings.PROBLEM_TYPE_BASE}{slug}"


_SLUGS = {
    exceptions.ValidationError: "validation-error",
    exceptions.ParseError: "malformed-request",
    exceptions.NotAuthenticated: "not-authenticated",
    exceptions.AuthenticationFailed: "authentication-failed",
    exceptions.PermissionDenied: "forbidden",
    exceptions.NotFound: "not-found",
    exceptions.MethodNotAllowed: "method-not-allowed",
    exceptions.NotAcceptable: "not-acceptable",
    exceptions.UnsupportedMediaType: "unsupported-media-type",
    exceptions.Throttled: "too-many-requests",
}


def flatten_errors(detail: Any, path: str = "") -> list[dict[str, str]]:
    """Turn DRF's nested error structure into a flat list of invalid parameters."""
    params: list[dict[str, str]] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = (
                "nonFieldErrors" if key in ("non_field_errors", "__all__") else to_camel(str(key))
            )
            params.extend(flatten_errors(value, f"{path}.{name}" if path else name))
    elif isinstance(detail, list):
        for index, item in enumerate(detail):
            if isinstance(item, (dict, list)):
                params.extend(flatten_errors(item, f"{path}.{index}" if path else str(index)))
            else:
                params.extend(flatten_errors(item, path))
    else:
        code = getattr(detail, "code", "invalid")
        params.append({"name": path or "nonFieldErrors", "code": str(code), "reason": str(detail)})
    return params


STANDARD_MEMBERS = frozenset({"type", "title", "status", "detail", "instance"})


def problem_body(
    *, status: int, slug: str, title: str, detail: str, instance: str, extra: dict | None = None
) -> dict[str, Any]:
    """RFC 9457 members first; extension members may add to them, never replace them (a
    case's status is ``caseStatus``: ``status`` is always the HTTP status)."""
    clashing = STANDARD_MEMBERS & set(extra or {})
    if clashing:
        raise ValueError(f"Problem extension members clash with RFC 9457: {sorted(clashing)}")
    return {
        "type": problem_type(slug),
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
        **(extra or {}),
    }


# PostgreSQL: lock_not_available, deadlock_detected, serialization_failure.
RETRYABLE_SQLSTATES = frozenset({"55P03", "40P01", "40001"})


# The server ended the session (admin_shutdown, crash_shutdown, cannot_connect_now) or
# the connection failed (class 08): the open transaction died with it.
LOST_CONNECTION_SQLSTATES = frozenset({"57P01", "57P02", "57P03"})


def is_retryable_database_error(exc: BaseException) -> bool:
    """A lock wait ran out, the database chose this transaction to give way, or the
    connection was lost (a failover, a restart): nothing was saved - an uncommitted
    transaction does not outlive its connection - and the same request may succeed a
    moment later."""
    if isinstance(exc, InterfaceError):  # the connection was already closed under us
        return True
    if not isinstance(exc, OperationalError):
        return False
    code = getattr(exc.__cause__, "pgcode", None) or ""
    if code in RETRYABLE_SQLSTATES or code in LOST_CONNECTION_SQLSTATES or code.startswith("08"):
        return True
    if getattr(connection.connection, "closed", 0):  # lost without a code ("server closed")
        return True
    return "database is locked" in str(exc)


def problem_exception_handler(exc: Exception, context: dict) -> Response:
    """DRF exception handler: every error, expected or not, as problem+json."""
    request = context.get("request")
    instance = request.path if request is not None else ""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, DjangoValidationError):
        # Services speak Django; the field names are the serializer's.
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, DomainConflict):
        exc = Conflict(exc.message, extra=exc.extra)
    elif isinstance(exc, ConcurrentTransition):
        exc = Conflict(gettext("The case changed while this request ran. Reload it and retry."))
    elif is_retryable_database_error(exc):
        exc = Unavailable()

    headers: dict[str, str] = {}
    if isinstance(exc, exceptions.APIException):
        status = exc.status_code
        title = HTTPStatus(status).phrase
        extra: dict[str, Any] = {}
        if isinstance(exc, Problem):
            slug = exc.slug
            detail = str(exc.detail)
            extra = dict(exc.extra)
        elif isinstance(exc, exceptions.ValidationError):
            slug = _SLUGS[exceptions.ValidationError]
            detail = gettext("One or more fields are invalid; see invalidParams.")
            extra["invalid_params"] = flatten_errors(exc.detail)
        else:
            slug = next((s for cls, s in _SLUGS.items() if isinstance(exc, cls)), "error")
            detail = str(exc.detail)
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))
        if isinstance(exc, Unavailable):
            headers["Retry-After"] = str(exc.retry_after_seconds)
    else:
        # A defect: log where it happened but not the exception's message, which may
        # quote personal data (a database error repeats the offending values).
        logger.error(
            "Unhandled %s on %s %s\n%s",
            type(exc).__name__,
            getattr(request, "method", "?"),
            instance,
            "".join(traceback.format_tb(exc.__traceback__)),
        )
        status, slug = 500, "internal-error"
        title = HTTPStatus(500).phrase
        detail = gettext("Something went wrong on our side. Nothing was saved; please try again.")
        extra = {}

    if not is_read_only(context.get("view")):
        set_rollback()
    body = problem_body(
        status=status, slug=slug, title=title, detail=detail, instance=instance, extra=extra
    )
    response = Response(body, status=status, headers=headers)
    response.content_type = PROBLEM_CONTENT_TYPE
    if request is not None:
        # The negotiated renderer may be the browsable one; problems are always JSON.
        request.accepted_renderer = ProblemJSONRenderer()
        request.accepted_media_type = PROBLEM_CONTENT_TYPE
    return response


def problem_response(request: HttpRequest, status: int, slug: str, detail: str) -> JsonResponse:
    """A problem+json response outside DRF (404/500 handlers, middleware)."""
    body = problem_body(
        status=status,
        slug=slug,
        title=HTTPStatus(status).phrase,
        detail=detail,
        instance=request.path,
    )
    return JsonResponse(body, status=status, content_type=PROBLEM_CONTENT_TYPE)


@csrf_exempt  # a POST to a wrong address is a 404, not a CSRF failure
def api_not_found(request: HttpRequest) -> JsonResponse:
    return problem_response(request, 404, "not-found", gettext("There is nothing at this address."))


def _for_a_person(request: HttpRequest) -> bool:
    """A page a person reads in a browser (outside the API and its docs): an error there is
    an HTML page (Django's ``404.html``, ``403_csrf.html``, ``500.html``)."""
    if request.path_info.startswith("/api/"):
        return False
    # htmx asks with Accept: */* and swaps the answer into the page.
    return request.headers.get("HX-Request") == "true" or "text/html" in request.headers.get(
        "Accept", ""
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a browser session's write without its CSRF token (403)."""
    if _for_a_person(request):
        return csrf_views.csrf_failure(request, reason=reason)
    return problem_response(
        request,
        403,
        "forbidden",
        gettext("Signed in with a browser session: send the CSRF token with this request."),
    )


def handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _for_a_person(request):
        return page_not_found(request, exception or Http404())
    return api_not_found(request)


def handler500(request: HttpRequest) -> HttpResponse:
    if _for_a_person(request):
        return server_error(request)
    return problem_response(
        request,
        500,
        "internal-error",
        gettext("Something went wrong on our side. Please try again."),
    )


def problem_responses(*statuses: int) -> dict[int, Any]:
    """OpenAPI responses for the error statuses an endpoint can answer (problem+json)."""
    return {
        status: OpenApiResponse(description="Problem details (RFC 9457).") for status in statuses
    }


__all__ = [
    "Conflict",
    "InvalidParams",
    "PayloadTooLarge",
    "Problem",
    "Unavailable",
    "flatten_errors",
    "problem_exception_handler",
    "problem_responses",
]
