"""API token authentication: ``Authorization: Token <key>`` (or ``Bearer <key>``).

The key is looked up by its hash (``backend.accounts.tokens``); a revoked, expired or
unknown key gets 401. The view being called is known here (DRF passes it with the
request), so the token's scopes are checked against the view's ``required_scopes``
before anything else runs (403), and a client's rate limit is counted (429) - in one
place, so no view can forget them.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from backend.accounts.models import ApiToken, User
from backend.accounts.tokens import client_rate_check, token_for_key, token_scope_check

KEYWORDS = {b"token", b"bearer"}


class TokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Invalid token header.")
        try:
            key = parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed("Invalid token header.") from None
        token = token_for_key(key)
        view = (request.parser_context or {}).get("view")
        token_scope_check(token, getattr(view, "required_scopes", None), request.method)
        if token.client is not None:
            client_rate_check(token.client)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return "Token"


class TokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI document describes the token (drf-spectacular)."""

    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "`Token <key>` (or `Bearer <key>`). Keys are issued once and expire; an "
                "integration client's key carries scopes - each operation names the scope "
                "it needs (x-scopes) - and the client's requests per minute are limited "
                "(429 with Retry-After)."
            ),
        }
