"""Security headers Django does not set itself; the client address every limit uses."""

import hashlib
import hmac
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from rest_framework.throttling import BaseThrottle


class ContentSecurityPolicyMiddleware:
    """Every response carries the Content Security Policy (``CONTENT_SECURITY_POLICY``):
    scripts and styles from this site only, none inline, nothing framed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY:
            response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


def client_address(request: HttpRequest) -> str:
    """The caller's address as every limit sees it: ``X-Forwarded-For`` counts only through
    the configured trusted proxies (``TRUSTED_PROXY_COUNT``), so a made-up header does not
    give a new identity per request. The filing throttle and the admin lockout share it."""
    return BaseThrottle().get_ident(request)


def login_client(
    username: str | None,
    ip_address: str | None,
    user_agent: str | None,
    path_info: str | None,
    request: HttpRequest | None,
) -> str:
    """How the lockout names a client in the log: a keyed hash, never the username or the
    address (no personal data in any log). The same client gives the same name, so a run
    of failures can be followed."""
    given = f"{username or ''}|{ip_address or ''}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), given, hashlib.sha256).hexdigest()
    return f"client {digest[:12]}"
