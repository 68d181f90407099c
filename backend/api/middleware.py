"""Middleware for the API's wire conventions."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext

from backend.api.problems import problem_response


class ApiVersionHeaderMiddleware:
    """Every API response says which API version answered (ADR: API-Version header)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/api/"):
            response["API-Version"] = settings.API_VERSION
        return response


class RequestSizeLimitMiddleware:
    """Refuses bodies over MAX_REQUEST_BYTES before anything reads them (413)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            response = problem_response(
                request,
                413,
                "payload-too-large",
                gettext("The request body is larger than %(bytes)d bytes.")
                % {"bytes": settings.MAX_REQUEST_BYTES},
            )
            response["API-Version"] = settings.API_VERSION
            return response
        return self.get_response(request)
