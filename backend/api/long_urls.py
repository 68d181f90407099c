"""A URL longer than ``MAX_URL_BYTES`` answers 414 problem+json, before anything reads it.

Gunicorn refuses a request line over its ``limit_request_line`` with its own HTML page
(``gunicorn.conf.py`` sets it to its maximum, 8,190 bytes). The limit that callers meet
is this one, well below that, so their answer is problem details like every other
refusal (RFC 9457). It runs before sessions, authentication and the views: an over-long
URL costs no database work. The URL is never logged and not repeated in the answer (no
``instance``): a query string may hold a name searched for.
"""

from collections.abc import Callable
from http import HTTPStatus

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext

from backend.api.problems import PROBLEM_CONTENT_TYPE, problem_body


def url_bytes(request: HttpRequest) -> int:
    """The length of the request target as the client sent it: gunicorn passes it as
    ``RAW_URI`` (other servers as ``REQUEST_URI``); otherwise path and query, escaped as
    they travel."""
    raw = request.META.get("RAW_URI") or request.META.get("REQUEST_URI")
    if raw is not None:
        return len(raw)
    return len(request.get_full_path())


class UrlLengthLimitMiddleware:
    """Refuses a URL (path and query) over ``MAX_URL_BYTES`` with 414 problem+json."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.MAX_URL_BYTES
        if url_bytes(request) <= limit:
            return self.get_response(request)
        body = problem_body(
            status=414,
            slug="uri-too-long",
            title=HTTPStatus(414).phrase,
            detail=gettext(
                "The URL is longer than %(bytes)d bytes. Send fewer or shorter query parameters."
            )
            % {"bytes": limit},
            instance="",
        )
        del body["instance"]  # the URL is what was too long, and may hold personal data
        response = JsonResponse(body, status=414, content_type=PROBLEM_CONTENT_TYPE)
        response["API-Version"] = settings.API_VERSION
        return response
