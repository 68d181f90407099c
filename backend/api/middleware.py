"""Middleware for the API's wire conventions."""

import io
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
    """Refuses bodies over MAX_REQUEST_BYTES before anything reads them (413).

    A body sent in chunks (``Transfer-Encoding: chunked``, no ``Content-Length``) is read
    here up to the limit: Django would otherwise see an empty body (it reads
    ``Content-Length`` bytes), and a form posting in chunks would get a puzzling 400.
    Beyond the limit it is a 413 like any other, without reading the rest.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.MAX_REQUEST_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and length == 0:
            body = request.META["wsgi.input"].read(limit + 1)
            length = len(body)
            if length <= limit:
                # The request's stream is made when the request is: give it the body read.
                request._stream = io.BytesIO(body)
                request.META["CONTENT_LENGTH"] = str(length)
        if length > limit:
            response = problem_response(
                request,
                413,
                "payload-too-large",
                gettext("The request body is larger than %(bytes)d bytes.") % {"bytes": limit},
            )
            response["API-Version"] = settings.API_VERSION
            if chunked:
                response["Connection"] = "close"  # the rest of the body is not read
            return response
        return self.get_response(request)
